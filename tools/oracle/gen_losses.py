"""Fixtures of @tessera/losses: reference values and gradients from PyTorch 1.13.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/oracle/gen_losses.py [name ...]

Each fixture `packages/losses/src/__fixtures__/<loss>.json` holds cases
`{name, params, reduction, inputs, expected, grads}`: `params` are the
Tessera hyperparameters (camelCase), `expected` the loss for `reduction`, and
`grads` the gradient of `sum(loss)` with respect to each float input listed.
References are `torch.nn.functional` calls where PyTorch has the loss, else the
official code of the paper re-implemented in PyTorch (named at each loss).
Everything is computed in float64 from float32-representable inputs.
"""
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import f32, tensor_json, write_fixture  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

PKG = "losses"
REDUCTIONS = ("mean", "sum", "none")
GENERATORS = {}


def fixture(name):
    def deco(fn):
        GENERATORS[name] = fn
        return fn
    return deco


def gen(seed):
    return torch.Generator().manual_seed(seed)


def ints(values):
    return torch.tensor(values, dtype=torch.long)


def run_case(cases, name, params, inputs, fn, wrt, reductions=REDUCTIONS, dtypes=None):
    """Adds one case per reduction: fn(inputs, reduction) -> tensor; grads of out.sum() w.r.t. `wrt`."""
    for red in reductions:
        ins = {}
        for k, v in inputs.items():
            t = v.clone().detach()
            if k in wrt:
                t.requires_grad_(True)
            ins[k] = t
        out = fn(ins, red)
        grads = {}
        if wrt:
            gs = torch.autograd.grad(out.sum(), [ins[k] for k in wrt], allow_unused=True)
            for k, g in zip(wrt, gs):
                grads[k] = tensor_json(g if g is not None else torch.zeros_like(ins[k]))
        cases.append({
            "name": f"{name} [{red}]",
            "params": params,
            "reduction": red,
            "inputs": {k: tensor_json(v, (dtypes or {}).get(k)) for k, v in inputs.items()},
            "expected": tensor_json(out),
            "grads": grads,
        })


def per_sample(elementwise, red):
    """Tessera's reduction of an elementwise loss: torch mean/sum, 'none' = per-sample mean."""
    if red == "mean":
        return elementwise.mean()
    if red == "sum":
        return elementwise.sum()
    return elementwise.reshape(elementwise.shape[0], -1).mean(1) if elementwise.dim() > 1 else elementwise


def reduce(per, red, counts=None):
    if red == "none":
        return per
    if red == "sum":
        return per.sum()
    return per.sum() / (counts.sum() if counts is not None else per.shape[0])


# --------------------------------------------------------------------------- cross-entropy
@fixture("cross-entropy")
def _cross_entropy():
    cases = []
    g = gen(1)
    z = f32((6, 5), g, 2.0)
    y = ints([0, 3, 4, 1, 2, 3])
    y_ign = ints([0, -100, 4, 1, -100, 3])
    w = f32((5,), g).abs() + 0.1
    probs = torch.softmax(f32((6, 5), g, 1.5), 1)
    probs = probs.float().double()

    def ce(**kw):
        return lambda i, red: F.cross_entropy(i["logits"], i["labels"], reduction=red, **kw)

    run_case(cases, "plain", {}, {"logits": z, "labels": y}, ce(), ["logits"])
    run_case(cases, "label smoothing 0.1", {"labelSmoothing": 0.1}, {"logits": z, "labels": y}, ce(label_smoothing=0.1), ["logits"])
    run_case(cases, "class weights", {"classWeights": w.tolist()}, {"logits": z, "labels": y}, ce(weight=w), ["logits"])
    run_case(cases, "ignored labels", {}, {"logits": z, "labels": y_ign}, ce(), ["logits"])
    run_case(cases, "weights + smoothing + ignore", {"classWeights": w.tolist(), "labelSmoothing": 0.2},
             {"logits": z, "labels": y_ign}, ce(weight=w, label_smoothing=0.2), ["logits"])
    run_case(cases, "smoothing + ignore", {"labelSmoothing": 0.3}, {"logits": z, "labels": y_ign}, ce(label_smoothing=0.3), ["logits"])
    run_case(cases, "ignoreIndex 2 (a real class)", {"ignoreIndex": 2}, {"logits": z, "labels": y}, ce(ignore_index=2), ["logits"])
    run_case(cases, "probability targets", {}, {"logits": z, "labels": probs}, ce(), ["logits"])
    run_case(cases, "probability targets + smoothing + weights", {"labelSmoothing": 0.1, "classWeights": w.tolist()},
             {"logits": z, "labels": probs}, ce(label_smoothing=0.1, weight=w), ["logits"])
    big = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0], [0.0, 0.0, 0.0]], dtype=torch.float64)
    run_case(cases, "extreme logits", {}, {"logits": big, "labels": ints([1, 1, 2])}, ce(), ["logits"])
    write_fixture(PKG, "cross-entropy", cases)


# --------------------------------------------------------------------------- regression
@fixture("mse")
def _mse():
    cases = []
    g = gen(2)
    x, t = f32((5, 3), g), f32((5, 3), g)
    run_case(cases, "matrix", {}, {"predictions": x, "targets": t},
             lambda i, red: per_sample(F.mse_loss(i["predictions"], i["targets"], reduction="none"), red), ["predictions"])
    x1, t1 = f32((7,), g, 3.0), f32((7,), g)
    run_case(cases, "vector", {}, {"predictions": x1, "targets": t1},
             lambda i, red: per_sample(F.mse_loss(i["predictions"], i["targets"], reduction="none"), red), ["predictions"])
    x3, t3 = f32((2, 3, 4), g), f32((2, 3, 4), g)
    run_case(cases, "rank 3", {}, {"predictions": x3, "targets": t3},
             lambda i, red: per_sample(F.mse_loss(i["predictions"], i["targets"], reduction="none"), red), ["predictions"])
    # torch's own reductions, to pin that mean/sum are torch's
    run_case(cases, "torch reduction", {}, {"predictions": x, "targets": t},
             lambda i, red: F.mse_loss(i["predictions"], i["targets"], reduction=red), ["predictions"], reductions=("mean", "sum"))
    write_fixture(PKG, "mse", cases)


if __name__ == "__main__":
    only = set(sys.argv[1:])
    for name, fn in GENERATORS.items():
        if not only or name in only:
            fn()
