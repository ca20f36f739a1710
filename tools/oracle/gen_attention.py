"""Fixtures of @tessera/attention: explicit PyTorch 1.13 computations.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/oracle/gen_attention.py

PyTorch 1.13 has no `F.scaled_dot_product_attention`, so every variant is
written out here from its formula (softmax: the textbook masked softmax with
-inf and a zeroed fully-masked row; the others from their papers / official
code, re-implemented in their quadratic form). Each case stores the float32
inputs, the hyperparameters, a random cotangent `g`, the output and the
gradients of sum(out * g) with respect to query, key and value, computed in
float64 from exactly the float32 inputs.
"""
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch
import torch.nn.functional as F

from _common import f32, tensor_json, write_fixture

torch.set_default_dtype(torch.float64)


# ---------------------------------------------------------------- masks

def causal_allowed(tq, tk):
    """Query i may attend to key j <= i + (tk - tq) (bottom-right aligned)."""
    return torch.ones(tq, tk, dtype=torch.bool).tril(tk - tq)


def combine(shape, mask, causal):
    """The boolean 'may attend' mask broadcast to shape [B,H,Tq,Tk], or None."""
    b, h, tq, tk = shape
    allowed = None
    if mask is not None:
        allowed = mask.expand(b, h, tq, tk)
    if causal:
        c = causal_allowed(tq, tk).expand(b, h, tq, tk)
        allowed = c if allowed is None else (allowed & c)
    return allowed


def scores(q, k, scale, cap=0.0):
    s = (q @ k.transpose(-2, -1)) * scale
    if cap:
        s = cap * torch.tanh(s / cap)
    return s


# ---------------------------------------------------------------- variants

def softmax_attention(q, k, v, allowed, p):
    scale = p.get("scale") or 1 / math.sqrt(q.shape[-1])
    s = scores(q, k, scale, p.get("softCap", 0.0))
    if allowed is None:
        return torch.softmax(s, -1) @ v
    row_any = allowed.any(-1, keepdim=True)
    s = s.masked_fill(~allowed, float("-inf"))
    s = torch.where(row_any, s, torch.zeros_like(s))  # avoid NaN in fully masked rows
    a = torch.softmax(s, -1).masked_fill(~allowed, 0.0)
    return a @ v


VARIANTS = {
    "softmax": softmax_attention,
}


# ---------------------------------------------------------------- cases

def make_case(variant, gen, shape_q, tk, dv=None, mask=None, causal=False, params=None, scale_in=1.0, weights=None):
    b, h, tq, dh = shape_q
    dv = dv or dh
    q = f32((b, h, tq, dh), gen, scale_in).requires_grad_(True)
    k = f32((b, h, tk, dh), gen, scale_in).requires_grad_(True)
    v = f32((b, h, tk, dv), gen).requires_grad_(True)
    g = f32((b, h, tq, dv), gen)
    params = params or {}
    allowed = combine((b, h, tq, tk), mask, causal)
    fn = VARIANTS[variant]
    extra = {}
    wt = {}
    if weights:
        for name, t in weights.items():
            wt[name] = t.clone().requires_grad_(True)
        extra["weights"] = wt
    out = fn(q, k, v, allowed, params, **extra)
    loss = (out * g).sum()
    loss.backward()
    case = {
        "params": params,
        "causal": causal,
        "query": tensor_json(q),
        "key": tensor_json(k),
        "value": tensor_json(v),
        "cotangent": tensor_json(g),
        "output": tensor_json(out),
        "dQuery": tensor_json(q.grad),
        "dKey": tensor_json(k.grad),
        "dValue": tensor_json(v.grad),
    }
    if mask is not None:
        case["mask"] = tensor_json(mask)
    if wt:
        case["weights"] = {n: tensor_json(t) for n, t in wt.items()}
        case["dWeights"] = {n: tensor_json(t.grad) for n, t in wt.items()}
    return case


def key_padding(b, tk, lengths):
    """[B,1,1,Tk] boolean: true for the first lengths[b] keys."""
    m = torch.zeros(b, 1, 1, tk, dtype=torch.bool)
    for i, n in enumerate(lengths):
        m[i, 0, 0, :n] = True
    return m


def standard_cases(variant, seed, params=None, scale_in=1.0, cross=True, weights_fn=None):
    """The common battery: plain, causal, key padding, key padding + causal, fully masked row, cross-length causal."""
    gen = torch.Generator().manual_seed(seed)
    params = params or {}
    cases = {}

    def w(h, tq, tk):
        return weights_fn(h, tq, tk, gen) if weights_fn else None

    cases["plain"] = make_case(variant, gen, (2, 2, 5, 4), 5, params=params, scale_in=scale_in, weights=w(2, 5, 5))
    cases["causal"] = make_case(variant, gen, (2, 2, 6, 4), 6, causal=True, params=params, scale_in=scale_in, weights=w(2, 6, 6))
    cases["keyPadding"] = make_case(variant, gen, (2, 2, 5, 4), 5, mask=key_padding(2, 5, [5, 3]), params=params, scale_in=scale_in, weights=w(2, 5, 5))
    cases["keyPaddingCausal"] = make_case(variant, gen, (2, 1, 6, 3), 6, mask=key_padding(2, 6, [6, 4]), causal=True, params=params, scale_in=scale_in, weights=w(1, 6, 6))
    # a query-dependent mask where query 2 of batch 0 sees nothing, and batch 1 masks key 0 for everyone
    m = torch.ones(2, 1, 4, 5, dtype=torch.bool)
    m[0, 0, 2, :] = False
    m[1, 0, :, 0] = False
    cases["fullyMaskedRow"] = make_case(variant, gen, (2, 2, 4, 3), 5, mask=m, params=params, scale_in=scale_in, weights=w(2, 4, 5))
    if cross:
        cases["crossCausal"] = make_case(variant, gen, (1, 2, 3, 4), 6, dv=3, causal=True, params=params, scale_in=scale_in, weights=w(2, 3, 6))
    return cases


def gen_softmax():
    cases = standard_cases("softmax", 1)
    gen = torch.Generator().manual_seed(11)
    cases["scaleAndSoftCap"] = make_case("softmax", gen, (2, 2, 5, 4), 5, causal=True, params={"scale": 0.9, "softCap": 2.0}, scale_in=2.0)
    cases["singleKey"] = make_case("softmax", gen, (1, 1, 3, 4), 1)
    write_fixture("attention", "softmax", cases)


if __name__ == "__main__":
    gen_softmax()
