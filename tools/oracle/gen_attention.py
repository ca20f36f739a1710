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


def masked_or_ones(allowed, s):
    return torch.ones_like(s, dtype=torch.bool) if allowed is None else allowed


def sigmoid_attention(q, k, v, allowed, p):
    """Apple ml-sigmoid-attention order: scale q, q.k, mask, + bias, sigmoid; masked -> 0."""
    scale = p.get("scale") or 1 / math.sqrt(q.shape[-1])
    s = scores(q, k, scale, p.get("softCap", 0.0))
    b = p.get("bias")
    if b is None:
        b = -math.log(k.shape[-2])
    a = torch.sigmoid(s + b).masked_fill(~masked_or_ones(allowed, s), 0.0)
    return a @ v


def relu_attention(q, k, v, allowed, p):
    """Wortsman et al. 2023: relu(s) / L, L the sequence length (number of keys)."""
    scale = p.get("scale") or 1 / math.sqrt(q.shape[-1])
    s = scores(q, k, scale, p.get("softCap", 0.0))
    a = F.relu(s)
    if p.get("normalize", "seqLen") == "seqLen":
        a = a / k.shape[-2]
    a = a.masked_fill(~masked_or_ones(allowed, s), 0.0)
    return a @ v


def cosine_attention(q, k, v, allowed, p, weights=None):
    """softmax(tau_h * cos(q, k)) with F.normalize and a per-head temperature."""
    tau = weights["scale"].view(1, -1, 1, 1) if weights else p.get("scale", 10.0)
    s = (F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1)) * tau
    cap = p.get("softCap", 0.0)
    if cap:
        s = cap * torch.tanh(s / cap)
    if allowed is None:
        return torch.softmax(s, -1) @ v
    row_any = allowed.any(-1, keepdim=True)
    s = s.masked_fill(~allowed, float("-inf"))
    s = torch.where(row_any, s, torch.zeros_like(s))
    return torch.softmax(s, -1).masked_fill(~allowed, 0.0) @ v


def phi(x):
    return F.elu(x) + 1


def linear_attention(q, k, v, allowed, p):
    """Quadratic form of Katharopoulos et al.: S = s*phi(q)phi(k)^T masked; Y = S v / (S 1 + eps)."""
    scale = p.get("scale") or 1 / math.sqrt(q.shape[-1])
    eps = p.get("epsilon", 1e-6)
    S = scale * (phi(q) @ phi(k).transpose(-2, -1))
    S = S.masked_fill(~masked_or_ones(allowed, S), 0.0)
    return (S @ v) / (S.sum(-1, keepdim=True) + eps)


def mala_quadratic(q, k, v, allowed, p):
    """MALA (qhfan/MALA AddLinearAttention, without RoPE) as weights:
    sigma_ij = (s/n_i) phi(q_i).phi(k_j); z_i = sum_j sigma_ij; alpha = sigma (1 + 1/(z + eps)) - z/n_i."""
    scale = p.get("scale") or 1 / math.sqrt(q.shape[-1])
    eps = p.get("epsilon", 1e-6)
    raw = phi(q) @ phi(k).transpose(-2, -1)
    keep = masked_or_ones(allowed, raw)
    n = keep.sum(-1, keepdim=True).to(raw.dtype)
    n_safe = n.clamp(min=1)
    sigma = (scale * raw / n_safe).masked_fill(~keep, 0.0)
    z = sigma.sum(-1, keepdim=True)
    alpha = (sigma * (1 + 1 / (z + eps)) - z / n_safe).masked_fill(~keep, 0.0)
    return alpha @ v


def mala_linear_noncausal(q, k, v, p):
    """The official linear-time form (no mask): z = s phi(q).mean(phi(k)); KV = (s/N) sum phi(k)^T v;
    Y = phi(q) KV (1 + 1/(z + eps)) - z mean(v)."""
    scale = p.get("scale") or 1 / math.sqrt(q.shape[-1])
    eps = p.get("epsilon", 1e-6)
    n = k.shape[-2]
    pq, pk = phi(q), phi(k)
    z = scale * (pq * pk.mean(-2, keepdim=True)).sum(-1, keepdim=True)
    kv = (scale / n) * (pk.transpose(-2, -1) @ v)
    return (pq @ kv) * (1 + 1 / (z + eps)) - z * v.mean(-2, keepdim=True)


def entmax15_rows(x):
    """1.5-entmax over the last axis, exact sort-based threshold (Peters et al. 2019; entmax package), autograd through it."""
    x = (x - x.max(-1, keepdim=True).values) / 2
    xs, _ = torch.sort(x, descending=True, dim=-1)
    d = x.shape[-1]
    rho = torch.arange(1, d + 1, dtype=x.dtype)
    mean = xs.cumsum(-1) / rho
    mean_sq = (xs ** 2).cumsum(-1) / rho
    ss = rho * (mean_sq - mean ** 2)
    delta = (1 - ss) / rho
    tau = mean - torch.sqrt(torch.clamp(delta, min=0))
    support = (tau <= xs).sum(-1, keepdim=True)
    tau_star = tau.gather(-1, support - 1)
    return torch.clamp(x - tau_star, min=0) ** 2


def entmax15_attention(q, k, v, allowed, p):
    scale = p.get("scale") or 1 / math.sqrt(q.shape[-1])
    s = scores(q, k, scale, p.get("softCap", 0.0))
    if allowed is None:
        return entmax15_rows(s) @ v
    out_rows = torch.zeros(*s.shape[:-1], v.shape[-1], dtype=s.dtype)
    # row by row over the allowed keys only (masked keys simply do not take part)
    b_, h_, tq, tk = s.shape
    rows = []
    for b in range(b_):
        for h in range(h_):
            for i in range(tq):
                keep = allowed[b, h, i]
                if keep.any():
                    a = entmax15_rows(s[b, h, i][keep].unsqueeze(0))[0]
                    rows.append(a @ v[b, h][keep])
                else:
                    rows.append(torch.zeros(v.shape[-1], dtype=s.dtype) * s[b, h, i].sum())
    return torch.stack(rows).view(b_, h_, tq, v.shape[-1])


def urpe_attention(q, k, v, allowed, p, weights=None):
    """(softmax(s) * C) v with C_ij = c_{h, p_i - j}, p_i = i + tk - tq (Luo et al. 2022)."""
    L = p.get("maxLength", 512)
    tq, tk = q.shape[-2], k.shape[-2]
    scale = p.get("scale") or 1 / math.sqrt(q.shape[-1])
    s = scores(q, k, scale, p.get("softCap", 0.0))
    if allowed is None:
        a = torch.softmax(s, -1)
        keep = torch.ones_like(s, dtype=torch.bool)
    else:
        row_any = allowed.any(-1, keepdim=True)
        s2 = torch.where(row_any, s.masked_fill(~allowed, float("-inf")), torch.zeros_like(s))
        a = torch.softmax(s2, -1).masked_fill(~allowed, 0.0)
    if weights:
        c = weights["coefficients"]  # [H, 2L-1]
        pos = torch.arange(tq).view(-1, 1) + (tk - tq)
        idx = pos - torch.arange(tk).view(1, -1) + L - 1
        a = a * c[:, idx].unsqueeze(0)
    return a @ v


class NewtonInverse(torch.autograd.Function):
    """SOFT's official _NewtonInverseKernel: Newton-Schulz forward, analytic -V^T g V^T backward."""

    @staticmethod
    def forward(ctx, mat, iters, lam):
        with torch.no_grad():
            eye = torch.eye(mat.shape[-1], dtype=mat.dtype)
            alpha = 0.9 * 2 / torch.max(torch.sum(mat, dim=-1), -1)[0] ** 2
            P = mat + lam * eye
            V = alpha[..., None, None] * P
            for _ in range(iters):
                V = 2 * V - V @ P @ V
        ctx.save_for_backward(V)
        return V

    @staticmethod
    def backward(ctx, g):
        (V,) = ctx.saved_tensors
        return -(V.transpose(-1, -2) @ g @ V.transpose(-1, -2)), None, None


def gaussian(a, b, s):
    d2 = (a.unsqueeze(-2) - b.unsqueeze(-3)).pow(2).sum(-1)
    return torch.exp(-s / 2 * d2)


def soft_attention(q, k, v, allowed, p):
    s = p.get("scale") or 1 / math.sqrt(q.shape[-1])
    tq, tk = q.shape[-2], k.shape[-2]
    per_query = allowed is not None and not bool((allowed == allowed[..., :1, :]).all())
    if p.get("_causal") or per_query:
        w = gaussian(q, k, s)
        if allowed is not None:
            w = w.masked_fill(~allowed, 0.0)
        return w @ v
    keyw = torch.ones(tk, dtype=q.dtype) if allowed is None else allowed[..., 0, :].to(q.dtype)  # [B,H,Tk]
    keyw = keyw.expand(q.shape[0], q.shape[1], tk)
    m = min(p.get("numLandmarks", 16), tk)
    seg = torch.tensor([j * m // tk for j in range(tk)])
    member = (seg.view(1, -1) == torch.arange(m).view(-1, 1)).to(q.dtype)  # [m, Tk]
    w = member * keyw.unsqueeze(-2)
    avg = w / w.sum(-1, keepdim=True).clamp(min=1)
    L = avg @ k
    k1 = gaussian(q, L, s)
    k2 = gaussian(L, L, s)
    k3 = gaussian(L, k, s) * keyw.unsqueeze(-2)
    inv = NewtonInverse.apply(k2, p.get("iterations", 20), p.get("regularization", 0.01))
    return k1 @ inv @ (k3 @ v)


def softplus_attention(q, k, v, allowed, p):
    """LSSA / LSSAR (Gao, Spratling, Gionfrida; arXiv 2501.13428), written out from the formulas:

    normalisation stage (LSSA): q, k l2-normalised per row (F.normalize), N_i = number of keys
    query i may attend to (the paper's causal N_i = i), lambda_i = c * log(N_i) with c = log(d)
    (natural logs), A = Softplus(lambda_i * q_i.k_j) * M', rows l1-normalised;
    sharpening stage (LSSAR, optional): A <- ReLU(A * N - O)^p, O_i = 1 except for rows with
    N_i <= 3 (the paper's first three rows), rows l1-normalised again.
    A fully masked row (N_i = 0) gives zeros. Plain division (no max-rescaling) in float64."""
    keep = masked_or_ones(allowed, q @ k.transpose(-2, -1))
    n = keep.sum(-1, keepdim=True).to(q.dtype)
    c = p.get("scale") or math.log(q.shape[-1])
    lam = c * torch.log(n.clamp(min=1))
    s = lam * (F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1))
    e = F.softplus(s).masked_fill(~keep, 0.0)
    den = e.sum(-1, keepdim=True)
    a = e / torch.where(den > 0, den, torch.ones_like(den))
    if p.get("reweight", False):
        o = (n > p.get("unshiftedRows", 3)).to(q.dtype)
        r = F.relu(a * n - o).masked_fill(~keep, 0.0) ** p.get("power", 15)
        den = r.sum(-1, keepdim=True)
        a = r / torch.where(den > 0, den, torch.ones_like(den))
    return a @ v


VARIANTS = {
    "softplus": softplus_attention,
    "soft": soft_attention,
    "entmax15": entmax15_attention,
    "two-pass": softmax_attention,
    "urpe": urpe_attention,
    "softmax": softmax_attention,
    "sigmoid": sigmoid_attention,
    "relu": relu_attention,
    "cosine": cosine_attention,
    "linear": linear_attention,
    "mala": mala_quadratic,
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
    out = fn(q, k, v, allowed, {**params, "_causal": causal} if variant == "soft" else params, **extra)
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


def gen_sigmoid():
    cases = standard_cases("sigmoid", 2)
    gen = torch.Generator().manual_seed(12)
    cases["fixedBias"] = make_case("sigmoid", gen, (2, 2, 5, 4), 5, causal=True, params={"bias": -10.0, "scale": 2.0}, scale_in=2.0)
    cases["softCap"] = make_case("sigmoid", gen, (1, 2, 4, 4), 6, params={"softCap": 1.5}, scale_in=2.0)
    write_fixture("attention", "sigmoid", cases)


def gen_relu():
    cases = standard_cases("relu", 3)
    gen = torch.Generator().manual_seed(13)
    cases["noNormalize"] = make_case("relu", gen, (2, 2, 5, 4), 5, causal=True, params={"normalize": "none"})
    write_fixture("attention", "relu", cases)


def gen_cosine():
    def w(h, tq, tk, gen):
        return {"scale": (torch.rand(h, generator=gen) * 5 + 5).float().double()}

    cases = standard_cases("cosine", 4, weights_fn=w)
    gen = torch.Generator().manual_seed(14)
    cases["defaultScale"] = make_case("cosine", gen, (2, 2, 5, 4), 5, causal=True)
    write_fixture("attention", "cosine", cases)


def gen_linear():
    cases = standard_cases("linear", 5)
    gen = torch.Generator().manual_seed(15)
    cases["longCausal"] = make_case("linear", gen, (1, 2, 37, 4), 37, causal=True, params={"chunkSize": 8})
    cases["longCausalKeyPadding"] = make_case("linear", gen, (2, 1, 21, 4), 21, causal=True, mask=key_padding(2, 21, [21, 13]), params={"chunkSize": 4})
    cases["crossCausalShortKeys"] = make_case("linear", gen, (1, 1, 6, 3), 4, causal=True, params={"chunkSize": 2})
    write_fixture("attention", "linear", cases)


def gen_mala():
    # the closed (linear-time) form equals the quadratic weights form
    gen = torch.Generator().manual_seed(99)
    q, k, v = f32((2, 3, 9, 5), gen), f32((2, 3, 9, 5), gen), f32((2, 3, 9, 4), gen)
    lin = mala_linear_noncausal(q, k, v, {})
    quad = mala_quadratic(q, k, v, None, {})
    assert torch.allclose(lin, quad, rtol=1e-12, atol=1e-12), (lin - quad).abs().max()
    cases = standard_cases("mala", 6)
    gen = torch.Generator().manual_seed(16)
    cases["longCausal"] = make_case("mala", gen, (1, 2, 37, 4), 37, causal=True, params={"chunkSize": 8})
    cases["longCausalKeyPadding"] = make_case("mala", gen, (2, 1, 21, 4), 21, causal=True, mask=key_padding(2, 21, [21, 13]), params={"chunkSize": 4})
    cases["crossCausalShortKeys"] = make_case("mala", gen, (1, 1, 6, 3), 4, causal=True, params={"chunkSize": 2})
    write_fixture("attention", "mala", cases)


def gen_multi_head_attention():
    """nn.MultiheadAttention (batch_first) with weights copied from the TF layout ([in, out] kernels)."""
    gen = torch.Generator().manual_seed(21)
    B, T, D, H = 2, 5, 8, 2
    x = f32((B, T, D), gen).requires_grad_(True)
    names = ["query_kernel", "key_kernel", "value_kernel", "output_kernel", "query_bias", "key_bias", "value_bias", "output_bias"]
    shapes = [(D, D)] * 4 + [(D,)] * 4
    w = {n: f32(sh, gen, 0.4).requires_grad_(True) for n, sh in zip(names, shapes)}
    g = f32((B, T, D), gen)
    lengths = [5, 3]
    keep = key_padding(B, T, lengths)
    mha = torch.nn.MultiheadAttention(D, H, batch_first=True)
    cases = {}
    for causal in (False, True):
        for p_ in [x, *w.values()]:
            p_.grad = None
        # copy (as functions of w, so the gradients reach w)
        in_w = torch.cat([w["query_kernel"].T, w["key_kernel"].T, w["value_kernel"].T], 0)
        in_b = torch.cat([w["query_bias"], w["key_bias"], w["value_bias"]], 0)
        attn_mask = ~causal_allowed(T, T) if causal else None
        out, _ = F.multi_head_attention_forward(
            x.transpose(0, 1), x.transpose(0, 1), x.transpose(0, 1), D, H, in_w, in_b, None, None, False, 0.0,
            w["output_kernel"].T, w["output_bias"], training=False, key_padding_mask=~keep[:, 0, 0, :], need_weights=False, attn_mask=attn_mask,
        )
        out = out.transpose(0, 1)
        (out * g).sum().backward()
        cases["causal" if causal else "keyPadding"] = {
            "numHeads": H, "causal": causal, "x": tensor_json(x), "mask": tensor_json(keep), "cotangent": tensor_json(g),
            "weights": {n: tensor_json(t) for n, t in w.items()}, "output": tensor_json(out), "dx": tensor_json(x.grad),
            "dWeights": {n: tensor_json(t.grad) for n, t in w.items()},
        }
    del mha
    write_fixture("attention", "multi-head-attention", cases)


def gen_entmax15():
    cases = standard_cases("entmax15", 7, scale_in=1.5)
    gen = torch.Generator().manual_seed(17)
    cases["softCapLarge"] = make_case("entmax15", gen, (2, 2, 5, 4), 5, causal=True, params={"softCap": 3.0, "scale": 1.0}, scale_in=2.0)
    write_fixture("attention", "entmax15", cases)


def gen_two_pass():
    cases = standard_cases("two-pass", 8)
    gen = torch.Generator().manual_seed(18)
    cases["largeLogits"] = make_case("two-pass", gen, (1, 2, 4, 4), 4, params={"scale": 1.0}, scale_in=4.0)
    write_fixture("attention", "two-pass", cases)


def gen_urpe():
    L = 8

    def w(h, tq, tk, gen):
        return {"coefficients": (torch.rand(h, 2 * L - 1, generator=gen) * 1.5 + 0.25).float().double()}

    cases = standard_cases("urpe", 9, params={"maxLength": L}, weights_fn=w)
    write_fixture("attention", "urpe", cases)


def gen_soft():
    cases = {}
    gen = torch.Generator().manual_seed(19)
    # non-causal Nystrom (m < Tk), key padding, landmarks = keys (m >= Tk)
    cases["nystrom"] = make_case("soft", gen, (2, 2, 9, 4), 12, params={"numLandmarks": 4})
    cases["nystromKeyPadding"] = make_case("soft", gen, (2, 2, 5, 4), 10, mask=key_padding(2, 10, [10, 6]), params={"numLandmarks": 3})
    cases["landmarksAreKeys"] = make_case("soft", gen, (1, 2, 6, 4), 5, params={"numLandmarks": 16, "iterations": 30})
    # causal / per-query masks: the exact Gaussian kernel
    c = standard_cases("soft", 10, params={})
    for name in ("causal", "keyPaddingCausal", "fullyMaskedRow", "crossCausal"):
        cases[name] = c[name]
    write_fixture("attention", "soft", cases)


def gen_softplus():
    """LSSA (default) and LSSAR (reweight: true); see softplus_attention for the formulas and their sources."""
    cases = {f"lssa_{k}": v for k, v in standard_cases("softplus", 20).items()}
    cases.update({f"lssar_{k}": v for k, v in standard_cases("softplus", 21, params={"reweight": True}).items()})
    gen = torch.Generator().manual_seed(22)
    # longer rows, wider heads: larger log d * log N, the sharpening at p = 15 and p = 3
    cases["lssarLongCausal"] = make_case("softplus", gen, (1, 2, 24, 16), 24, causal=True, params={"reweight": True})
    cases["lssarPower3KeyPadding"] = make_case("softplus", gen, (2, 2, 9, 8), 9, causal=True, mask=key_padding(2, 9, [9, 6]), params={"reweight": True, "power": 3})
    cases["lssaLongCausal"] = make_case("softplus", gen, (1, 2, 24, 16), 24, causal=True)
    cases["explicitScaleNoUnshifted"] = make_case("softplus", gen, (2, 1, 7, 4), 7, causal=True, params={"reweight": True, "scale": 3.0, "unshiftedRows": 1, "power": 5})
    write_fixture("attention", "softplus", cases)


if __name__ == "__main__":
    gen_soft()
    gen_entmax15()
    gen_two_pass()
    gen_urpe()
    gen_multi_head_attention()
    gen_softmax()
    gen_sigmoid()
    gen_relu()
    gen_cosine()
    gen_linear()
    gen_mala()
    gen_softplus()
