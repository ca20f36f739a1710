"""Shared helpers of the oracle scripts.

Each `gen_<package>.py` computes reference values with PyTorch 1.13
(Debian's python3-torch) and writes JSON fixtures next to the tests, in
`packages/<package>/src/__fixtures__/<name>.json`. Run them all with
`pnpm oracle` (which calls `run_all.py`). Tests never run Python.

Conventions: inputs are drawn with a fixed seed and stored as float32
values; expected outputs are computed in float64 from exactly those float32
values (then stored as numbers), so the fixture is the best answer for the
float32 inputs the test feeds to tfjs.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import json
import math
from pathlib import Path

import torch

torch.set_num_threads(1)

ROOT = Path(__file__).resolve().parents[2]


def _num(v):
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float(repr(float(v))) if isinstance(v, float) else v


def tensor_json(t, dtype=None):
    """A tensor as {shape, dtype, data} (flat, row-major); NaN/inf as strings."""
    if not isinstance(t, torch.Tensor):
        t = torch.tensor(t)
    t = t.detach().cpu()
    if dtype is None:
        if t.dtype == torch.bool:
            dtype = "bool"
        elif t.dtype in (torch.int32, torch.int64, torch.int16, torch.int8, torch.uint8):
            dtype = "int32"
        else:
            dtype = "float32"
    flat = t.reshape(-1).tolist()
    return {"shape": list(t.shape), "dtype": dtype, "data": [_num(v) for v in flat]}


def f32(shape, gen, scale=1.0):
    """Float32 normal values with a given generator, returned as float64 (exactly the float32 values)."""
    return (torch.randn(*shape, generator=gen) * scale).float().double()


def write_fixture(package, name, obj):
    out = ROOT / "packages" / package / "src" / "__fixtures__" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w") as fh:
        json.dump({"generator": f"tools/oracle/gen_{package}.py", "torch": torch.__version__, "cases": obj}, fh, indent=None, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {out.relative_to(ROOT)}")
