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



def elementwise_fixture(name, fn, params_list):
    cases = []
    g = gen(sum(map(ord, name)))
    x, t = f32((5, 3), g, 2.0), f32((5, 3), g)
    x1, t1 = f32((6,), g, 3.0), f32((6,), g)
    for params, kw in params_list:
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
        run_case(cases, f"{label} matrix", params, {"predictions": x, "targets": t},
                 lambda i, red: per_sample(fn(i["predictions"], i["targets"], **kw), red), ["predictions"])
        run_case(cases, f"{label} vector", params, {"predictions": x1, "targets": t1},
                 lambda i, red: per_sample(fn(i["predictions"], i["targets"], **kw), red), ["predictions"])
    write_fixture(PKG, name, cases)


@fixture("l1")
def _l1():
    elementwise_fixture("l1", lambda x, t: F.l1_loss(x, t, reduction="none"), [({}, {})])


@fixture("huber")
def _huber():
    elementwise_fixture("huber", lambda x, t, delta=1.0: F.huber_loss(x, t, reduction="none", delta=delta),
                        [({}, {}), ({"delta": 0.5}, {"delta": 0.5}), ({"delta": 2.5}, {"delta": 2.5})])


@fixture("smooth-l1")
def _smooth_l1():
    elementwise_fixture("smooth-l1", lambda x, t, beta=1.0: F.smooth_l1_loss(x, t, reduction="none", beta=beta),
                        [({}, {}), ({"beta": 0.3}, {"beta": 0.3}), ({"beta": 0}, {"beta": 0.0})])


@fixture("log-cosh")
def _log_cosh():
    # Keras: log(cosh(d)); float64 is exact for these magnitudes
    elementwise_fixture("log-cosh", lambda x, t: torch.log(torch.cosh(x - t)), [({}, {})])


@fixture("binary-cross-entropy")
def _bce():
    cases = []
    g = gen(5)
    z = f32((5, 4), g, 2.0)
    t = (torch.rand(5, 4, generator=g) > 0.5).double()
    soft = torch.rand(5, 4, generator=g).float().double()
    z1 = f32((7,), g, 2.0)
    t1 = (torch.rand(7, generator=g) > 0.5).double()
    pw = [0.5, 2.0, 1.0, 3.0]

    def bce(pos_weight=None, ls=0.0):
        def f(i, red):
            tt = i["labels"] * (1 - ls) + ls / 2
            pwt = torch.tensor(pos_weight, dtype=torch.float64) if pos_weight is not None else None
            return per_sample(F.binary_cross_entropy_with_logits(i["logits"], tt, pos_weight=pwt, reduction="none"), red)
        return f

    run_case(cases, "multi-label", {}, {"logits": z, "labels": t}, bce(), ["logits"])
    run_case(cases, "soft targets", {}, {"logits": z, "labels": soft}, bce(), ["logits"])
    run_case(cases, "vector", {}, {"logits": z1, "labels": t1}, bce(), ["logits"])
    run_case(cases, "posWeight per class", {"posWeight": pw}, {"logits": z, "labels": t}, bce(pos_weight=pw), ["logits"])
    run_case(cases, "posWeight scalar + smoothing", {"posWeight": 2.0, "labelSmoothing": 0.1}, {"logits": z, "labels": t},
             bce(pos_weight=[2.0], ls=0.1), ["logits"])
    run_case(cases, "torch reduction", {}, {"logits": z, "labels": t},
             lambda i, red: F.binary_cross_entropy_with_logits(i["logits"], i["labels"], reduction=red), ["logits"], reductions=("mean", "sum"))
    big = torch.tensor([[1e4, -1e4], [-1e4, 1e4]], dtype=torch.float64)
    run_case(cases, "extreme logits", {}, {"logits": big, "labels": torch.tensor([[0.0, 1.0], [0.0, 1.0]], dtype=torch.float64)}, bce(), ["logits"])
    write_fixture(PKG, "binary-cross-entropy", cases)


def kd_inputs(seed, n=5, c=6):
    g = gen(seed)
    return f32((n, c), g, 2.0), f32((n, c), g, 2.0)


def batchmean(per, red):
    return reduce(per, red)


@fixture("kl-divergence")
def _kl():
    cases = []
    zs, zt = kd_inputs(11)
    for T in (1.0, 2.0, 4.0):
        run_case(cases, f"T={T}", {"temperature": T}, {"logits": zs, "teacherLogits": zt},
                 lambda i, red, T=T: (F.kl_div(F.log_softmax(i["logits"] / T, 1), F.log_softmax(i["teacherLogits"] / T, 1),
                                                reduction="batchmean", log_target=True) * T * T) if red == "mean" else
                 reduce(F.kl_div(F.log_softmax(i["logits"] / T, 1), F.log_softmax(i["teacherLogits"] / T, 1),
                                 reduction="none", log_target=True).sum(1) * T * T, red),
                 ["logits", "teacherLogits"])
    write_fixture(PKG, "kl-divergence", cases)


@fixture("reverse-kl")
def _rkl():
    cases = []
    zs, zt = kd_inputs(12)
    for T in (1.0, 2.0):
        run_case(cases, f"T={T}", {"temperature": T}, {"logits": zs, "teacherLogits": zt},
                 lambda i, red, T=T: reduce(F.kl_div(F.log_softmax(i["teacherLogits"] / T, 1), F.log_softmax(i["logits"] / T, 1),
                                                     reduction="none", log_target=True).sum(1) * T * T, red),
                 ["logits", "teacherLogits"])
    write_fixture(PKG, "reverse-kl", cases)


@fixture("js-divergence")
def _js():
    cases = []
    zs, zt = kd_inputs(13)

    def js(i, red, T):
        ps, pt = F.softmax(i["logits"] / T, 1), F.softmax(i["teacherLogits"] / T, 1)
        m = 0.5 * (ps + pt)
        per = 0.5 * (ps * (ps.log() - m.log())).sum(1) + 0.5 * (pt * (pt.log() - m.log())).sum(1)
        return reduce(per * T * T, red)

    for T in (1.0, 3.0):
        run_case(cases, f"T={T}", {"temperature": T}, {"logits": zs, "teacherLogits": zt}, lambda i, red, T=T: js(i, red, T),
                 ["logits", "teacherLogits"])
    write_fixture(PKG, "js-divergence", cases)


def cls_inputs(seed, n=6, c=5):
    g = gen(seed)
    z = f32((n, c), g, 2.0)
    y = torch.randint(0, c, (n,), generator=g)
    probs = torch.softmax(f32((n, c), g, 1.5), 1).float().double()
    return z, y, probs


def onehot_valid(y, c, ignore=-100):
    valid = (y != ignore).double()
    safe = torch.where(y == ignore, torch.zeros_like(y), y)
    return F.one_hot(safe, c).double() * valid[:, None], valid


def focal_ref(z, target, gamma, alpha=None):
    # softmax focal (kornia-style): -sum_c t_c * alpha_c * (1-p_c)^gamma * log p_c
    lp = F.log_softmax(z, 1)
    w = target * (1 - lp.exp()) ** gamma
    if alpha is not None:
        w = w * torch.tensor(alpha, dtype=torch.float64)
    return -(w * lp).sum(1)


@fixture("focal")
def _focal():
    cases = []
    z, y, probs = cls_inputs(21)
    c = z.shape[1]
    y_ign = y.clone(); y_ign[1] = -100; y_ign[4] = -100
    alpha = [0.25, 0.5, 1.0, 2.0, 0.75]

    def f(gamma, alpha=None):
        def fn(i, red):
            lab = i["labels"]
            if lab.dtype == torch.long:
                t, valid = onehot_valid(lab, c)
            else:
                t, valid = lab, torch.ones(lab.shape[0], dtype=torch.float64)
            per = focal_ref(i["logits"], t, gamma, alpha)
            return reduce(per, red, valid)
        return fn

    run_case(cases, "gamma 2", {}, {"logits": z, "labels": y}, f(2.0), ["logits"])
    run_case(cases, "gamma 0 = CE", {"gamma": 0}, {"logits": z, "labels": y}, lambda i, red: F.cross_entropy(i["logits"], i["labels"], reduction=red), ["logits"])
    run_case(cases, "gamma 0.5 + alpha + ignore", {"gamma": 0.5, "alpha": alpha}, {"logits": z, "labels": y_ign}, f(0.5, alpha), ["logits"])
    run_case(cases, "probability targets", {"gamma": 1.5}, {"logits": z, "labels": probs}, f(1.5), ["logits"])
    write_fixture(PKG, "focal", cases)


@fixture("poly1")
def _poly1():
    cases = []
    z, y, probs = cls_inputs(22)
    c = z.shape[1]
    y_ign = y.clone(); y_ign[2] = -100

    def poly(eps, ls=0.0):
        def fn(i, red):
            lab = i["labels"]
            if lab.dtype == torch.long:
                ce = F.cross_entropy(i["logits"], lab, reduction="none", label_smoothing=ls)
                t, valid = onehot_valid(lab, c)
                t = (t * (1 - ls) + ls / c) * valid[:, None]
            else:
                ce = F.cross_entropy(i["logits"], lab, reduction="none", label_smoothing=ls)
                t = lab * (1 - ls) + ls / c
                valid = torch.ones(lab.shape[0], dtype=torch.float64)
            pt = (t * F.softmax(i["logits"], 1)).sum(1)
            return reduce(ce + eps * (1 - pt) * valid, red, valid)
        return fn

    run_case(cases, "epsilon 1", {}, {"logits": z, "labels": y}, poly(1.0), ["logits"])
    run_case(cases, "epsilon 2 + smoothing + ignore", {"epsilon": 2.0, "labelSmoothing": 0.1}, {"logits": z, "labels": y_ign}, poly(2.0, 0.1), ["logits"])
    run_case(cases, "epsilon -1, probability targets", {"epsilon": -1.0}, {"logits": z, "labels": probs}, poly(-1.0), ["logits"])
    write_fixture(PKG, "poly1", cases)


@fixture("poly1-focal")
def _poly1_focal():
    cases = []
    z, y, probs = cls_inputs(23)
    c = z.shape[1]
    y_ign = y.clone(); y_ign[0] = -100

    def pf(eps, gamma, alpha=None):
        def fn(i, red):
            lab = i["labels"]
            if lab.dtype == torch.long:
                t, valid = onehot_valid(lab, c)
            else:
                t, valid = lab, torch.ones(lab.shape[0], dtype=torch.float64)
            fl = focal_ref(i["logits"], t, gamma, alpha)
            pt = (t * F.softmax(i["logits"], 1)).sum(1)
            return reduce(fl + eps * (1 - pt) ** (gamma + 1) * valid, red, valid)
        return fn

    run_case(cases, "defaults", {}, {"logits": z, "labels": y}, pf(1.0, 2.0), ["logits"])
    run_case(cases, "eps 2 gamma 1 + ignore", {"epsilon": 2.0, "gamma": 1.0}, {"logits": z, "labels": y_ign}, pf(2.0, 1.0), ["logits"])
    run_case(cases, "probability targets + alpha", {"alpha": [1, 2, 1, 0.5, 1]}, {"logits": z, "labels": probs}, pf(1.0, 2.0, [1, 2, 1, 0.5, 1]), ["logits"])
    write_fixture(PKG, "poly1-focal", cases)


@fixture("z-loss")
def _z_loss():
    cases = []
    z, y, _ = cls_inputs(24)
    y_ign = y.clone(); y_ign[3] = -100; y_ign[5] = -100

    def zl(coef):
        def fn(i, red):
            lse = torch.logsumexp(i["logits"], -1)
            if "labels" in i:
                valid = (i["labels"] != -100).double()
            else:
                valid = torch.ones(lse.shape[0], dtype=torch.float64)
            return reduce(coef * lse.pow(2) * valid, red, valid)
        return fn

    run_case(cases, "default coefficient", {}, {"logits": z}, zl(1e-4), ["logits"])
    run_case(cases, "coefficient 0.1, ignored labels", {"coefficient": 0.1}, {"logits": z, "labels": y_ign}, zl(0.1), ["logits"])
    write_fixture(PKG, "z-loss", cases)



# --------------------------------------------------------------------------- noisy-label family (official code re-implemented)
def apl_nce(z, y1h):
    lp = F.log_softmax(z, 1)
    return -(y1h * lp).sum(1) / (-lp.sum(1))


def apl_rce(z, y1h):
    p = torch.clamp(F.softmax(z, 1), min=1e-7, max=1.0)
    q = torch.clamp(y1h, min=1e-4, max=1.0)
    return -(p * torch.log(q)).sum(1)


def apl_mae(z, y1h):
    return 1.0 - (y1h * F.softmax(z, 1)).sum(1)


def apl_nfl(z, y1h, gamma):
    logpt = F.log_softmax(z, 1)
    normalizor = torch.sum(-1 * (1 - logpt.data.exp()) ** gamma * logpt, dim=1)
    lpy = (y1h * logpt).sum(1)
    pt = lpy.data.exp()
    return -1 * (1 - pt) ** gamma * lpy / normalizor


def apl_gce(z, y1h, q):
    p = torch.clamp(F.softmax(z, 1), min=1e-7, max=1.0)
    return (1.0 - torch.pow((y1h * p).sum(1), q)) / q


def cls_family(name, cases_spec, seed):
    """cases_spec: list of (label, params, per_fn(z, y1h) -> [N])."""
    cases = []
    z, y, _ = cls_inputs(seed)
    c = z.shape[1]
    y_ign = y.clone(); y_ign[1] = -100
    for label, params, fn in cases_spec:
        for lab_name, lab in (("", y), (" + ignored", y_ign)):
            def f(i, red, fn=fn):
                t, valid = onehot_valid(i["labels"], c)
                # ignored rows: evaluate on class 0 (any finite value), then mask, so their gradient is exactly 0
                safe_t = torch.where(valid[:, None] > 0, t, F.one_hot(torch.zeros_like(i["labels"]), c).double())
                per = fn(i["logits"], safe_t)
                return reduce(torch.where(valid > 0, per, torch.zeros_like(per)), red, valid)
            run_case(cases, label + lab_name, params, {"logits": z, "labels": lab}, f, ["logits"])
    write_fixture(PKG, name, cases)


@fixture("generalized-cross-entropy")
def _gce():
    cls_family("generalized-cross-entropy", [("q 0.7", {}, lambda z, t: apl_gce(z, t, 0.7)), ("q 0.3", {"q": 0.3}, lambda z, t: apl_gce(z, t, 0.3))], 31)


@fixture("mae-noisy")
def _mae():
    cls_family("mae-noisy", [("scale 1", {}, apl_mae), ("scale 2", {"scale": 2.0}, lambda z, t: 2.0 * apl_mae(z, t))], 32)


@fixture("normalized-cross-entropy")
def _nce():
    cls_family("normalized-cross-entropy", [("scale 1", {}, apl_nce), ("scale 10", {"scale": 10.0}, lambda z, t: 10.0 * apl_nce(z, t))], 33)


@fixture("reverse-cross-entropy")
def _rce():
    cls_family("reverse-cross-entropy", [("scale 1", {}, apl_rce), ("scale 0.1", {"scale": 0.1}, lambda z, t: 0.1 * apl_rce(z, t))], 34)


@fixture("normalized-focal")
def _nfl():
    cls_family("normalized-focal", [("gamma 0.5", {}, lambda z, t: apl_nfl(z, t, 0.5)), ("gamma 2 scale 3", {"gamma": 2.0, "scale": 3.0}, lambda z, t: 3.0 * apl_nfl(z, t, 2.0))], 35)


@fixture("active-passive")
def _apl():
    cls_family("active-passive", [
        ("NCE+RCE", {}, lambda z, t: apl_nce(z, t) + apl_rce(z, t)),
        ("NCE+RCE alpha 10 beta 0.1", {"alpha": 10.0, "beta": 0.1}, lambda z, t: 10 * apl_nce(z, t) + 0.1 * apl_rce(z, t)),
        ("NFL+RCE", {"active": "nfl"}, lambda z, t: apl_nfl(z, t, 0.5) + apl_rce(z, t)),
        ("NCE+MAE", {"passive": "mae"}, lambda z, t: apl_nce(z, t) + apl_mae(z, t)),
    ], 36)


@fixture("symmetric-cross-entropy")
def _sce():
    def sce(a, b):
        return lambda z, t: a * (-(t * F.log_softmax(z, 1)).sum(1)) + b * apl_rce(z, t)
    cls_family("symmetric-cross-entropy", [("alpha 0.1 beta 1", {}, sce(0.1, 1.0)), ("alpha 1 beta 0.5", {"alpha": 1.0, "beta": 0.5}, sce(1.0, 0.5))], 37)


@fixture("comp-sum")
def _comp_sum():
    def cs(tau):
        def fn(z, t):
            lp = (t * F.log_softmax(z, 1)).sum(1)
            if tau == 1.0:
                return -lp
            return (torch.exp((tau - 1) * lp) - 1) / (1 - tau)
        return fn
    cls_family("comp-sum", [(f"tau {tau}", {"tau": tau}, cs(tau)) for tau in (0.0, 0.5, 1.0, 1.7, 2.0)], 38)


@fixture("multi-margin")
def _multi_margin():
    cases = []
    z, y, _ = cls_inputs(39)
    w = [0.5, 1.0, 2.0, 1.5, 0.25]
    for params, kw in (({}, {}), ({"p": 2}, {"p": 2}), ({"margin": 0.5, "classWeights": w}, {"margin": 0.5, "weight": torch.tensor(w, dtype=torch.float64)})):
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
        run_case(cases, label, params, {"logits": z, "labels": y},
                 lambda i, red, kw=kw: F.multi_margin_loss(i["logits"], i["labels"], reduction=red, **kw), ["logits"])
    write_fixture(PKG, "multi-margin", cases)


@fixture("squared-hinge")
def _squared_hinge():
    def sh(m):
        return lambda z, t: torch.clamp(m - (2 * t - 1) * z, min=0).pow(2).mean(1)
    cls_family("squared-hinge", [("margin 1", {}, sh(1.0)), ("margin 0.5", {"margin": 0.5}, sh(0.5))], 40)


@fixture("stablemax-cross-entropy")
def _stablemax():
    def sm(z, t):
        s = torch.where(z >= 0, z + 1, 1 / (1 - z + 1e-30))
        lp = torch.log(s / s.sum(1, keepdim=True))
        return -(t * lp).sum(1)
    cls_family("stablemax-cross-entropy", [("defaults", {}, sm)], 41)


def ldr_v1(z, y1h, threshold, lam):
    # LDRLoss_V1 (Optimization-AI ICML2023_LDR), per sample
    f = F.softplus(z)
    f = f / f.mean(1, keepdim=True)
    d = threshold * (1 - y1h) + (f - (f * y1h).sum(1, keepdim=True))
    d = d / lam
    mx = d.max(1, keepdim=True).values.detach()
    return (lam * (torch.log(torch.exp(d - mx).mean(1, keepdim=True)) + mx)).squeeze(1)


@fixture("ldr-kl")
def _ldr():
    cls_family("ldr-kl", [("threshold 2 lambda 1", {}, lambda z, t: ldr_v1(z, t, 2.0, 1.0)),
                          ("threshold 1 lambda 0.2", {"threshold": 1.0, "lambda": 0.2}, lambda z, t: ldr_v1(z, t, 1.0, 0.2))], 42)



# --------------------------------------------------------------------------- contrastive
def cos_sim(a, b):
    return F.normalize(a, dim=-1) @ F.normalize(b, dim=-1).T


def emb_inputs(seed, n=5, d=4, k=2):
    g = gen(seed)
    return f32((n, d), g), f32((n, d), g), f32((n, k, d), g)


@fixture("info-nce")
def _info_nce():
    cases = []
    a, p, neg = emb_inputs(51)
    n = a.shape[0]

    def f(tau, sym=False, use_neg=False):
        def fn(i, red):
            cands = i["positives"]
            if use_neg:
                cands = torch.cat([cands, i["negatives"].reshape(-1, a.shape[1])])
            per = F.cross_entropy(cos_sim(i["embeddings"], cands) / tau, torch.arange(n), reduction="none")
            if sym:
                per = 0.5 * (per + F.cross_entropy(cos_sim(i["positives"], i["embeddings"]) / tau, torch.arange(n), reduction="none"))
            return reduce(per, red)
        return fn

    run_case(cases, "in-batch", {}, {"embeddings": a, "positives": p}, f(0.07), ["embeddings", "positives"])
    run_case(cases, "symmetric tau 0.2", {"temperature": 0.2, "symmetric": True}, {"embeddings": a, "positives": p}, f(0.2, True), ["embeddings", "positives"])
    run_case(cases, "hard negatives", {"temperature": 0.1}, {"embeddings": a, "positives": p, "negatives": neg}, f(0.1, use_neg=True), ["embeddings", "positives", "negatives"])
    write_fixture(PKG, "info-nce", cases)


@fixture("multiple-negatives-ranking")
def _mnrl():
    cases = []
    a, p, neg = emb_inputs(52)
    n = a.shape[0]

    def f(scale, use_neg=False):
        def fn(i, red):
            cands = i["positives"]
            if use_neg:
                # sentence-transformers: torch.cat of the positive column and each negative column
                cands = torch.cat([cands] + [i["negatives"][:, k] for k in range(i["negatives"].shape[1])])
            return F.cross_entropy(cos_sim(i["embeddings"], cands) * scale, torch.arange(n), reduction=red)
        return fn

    run_case(cases, "scale 20", {}, {"embeddings": a, "positives": p}, f(20.0), ["embeddings", "positives"])
    run_case(cases, "hard negatives, scale 10", {"scale": 10.0}, {"embeddings": a, "positives": p, "negatives": neg}, f(10.0, True), ["embeddings", "positives", "negatives"])
    write_fixture(PKG, "multiple-negatives-ranking", cases)


@fixture("nt-xent")
def _nt_xent():
    cases = []
    a, p, _ = emb_inputs(53)
    n = a.shape[0]

    def f(tau):
        def fn(i, red):
            z = torch.cat([i["embeddings"], i["positives"]])
            sim = cos_sim(z, z) / tau
            sim = sim.masked_fill(torch.eye(2 * n, dtype=torch.bool), -1e9)
            target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
            per2 = F.cross_entropy(sim, target, reduction="none")
            per = 0.5 * (per2[:n] + per2[n:])
            return reduce(per, red)
        return fn

    run_case(cases, "tau 0.5", {}, {"embeddings": a, "positives": p}, f(0.5), ["embeddings", "positives"])
    run_case(cases, "tau 0.1", {"temperature": 0.1}, {"embeddings": a, "positives": p}, f(0.1), ["embeddings", "positives"])
    write_fixture(PKG, "nt-xent", cases)


def supcon_official(features, labels, temperature=0.07, base_temperature=0.07):
    # SupConLoss (HobbitLong/SupContrast), contrast_mode='all', with the current "no positive -> 0" guard
    bsz, n_views = features.shape[0], features.shape[1]
    labels = labels.contiguous().view(-1, 1)
    mask = torch.eq(labels, labels.T).double()
    contrast_count = n_views
    contrast_feature = torch.cat(torch.unbind(features, dim=1), dim=0)
    anchor_feature = contrast_feature
    anchor_count = contrast_count
    anchor_dot_contrast = torch.div(torch.matmul(anchor_feature, contrast_feature.T), temperature)
    logits_max, _ = torch.max(anchor_dot_contrast, dim=1, keepdim=True)
    logits = anchor_dot_contrast - logits_max.detach()
    mask = mask.repeat(anchor_count, contrast_count)
    logits_mask = torch.scatter(torch.ones_like(mask), 1, torch.arange(bsz * anchor_count).view(-1, 1), 0)
    mask = mask * logits_mask
    exp_logits = torch.exp(logits) * logits_mask
    log_prob = logits - torch.log(exp_logits.sum(1, keepdim=True))
    mask_pos_pairs = mask.sum(1)
    mask_pos_pairs = torch.where(mask_pos_pairs < 1e-6, torch.ones_like(mask_pos_pairs), mask_pos_pairs)
    mean_log_prob_pos = (mask * log_prob).sum(1) / mask_pos_pairs
    loss = -(temperature / base_temperature) * mean_log_prob_pos
    return loss.view(anchor_count, bsz)  # [views, N]


@fixture("supcon")
def _supcon():
    cases = []
    g = gen(54)
    a, p = f32((6, 4), g), f32((6, 4), g)
    y = ints([0, 1, 0, 2, 1, 0])  # class 2 has a single sample: no positive in the one-view case

    def f(two_views, tau=0.07, base=0.07):
        def fn(i, red):
            feats = [F.normalize(i["embeddings"], dim=1)]
            if two_views:
                feats.append(F.normalize(i["positives"], dim=1))
            per = supcon_official(torch.stack(feats, 1), i["labels"], tau, base).mean(0)
            return reduce(per, red)
        return fn

    run_case(cases, "one view", {}, {"embeddings": a, "labels": y}, f(False), ["embeddings"])
    run_case(cases, "two views tau 0.1 base 0.07", {"temperature": 0.1}, {"embeddings": a, "positives": p, "labels": y}, f(True, 0.1), ["embeddings", "positives"])
    write_fixture(PKG, "supcon", cases)


@fixture("triplet-margin")
def _triplet():
    cases = []
    a, p, neg = emb_inputs(55)
    n1 = neg[:, 0]
    for params, kw in (({}, {}), ({"margin": 0.5, "p": 1, "swap": True}, {"margin": 0.5, "p": 1, "swap": True})):
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
        run_case(cases, label + " [N, D] negatives", params, {"embeddings": a, "positives": p, "negatives": n1},
                 lambda i, red, kw=kw: F.triplet_margin_loss(i["embeddings"], i["positives"], i["negatives"], reduction=red, **kw),
                 ["embeddings", "positives", "negatives"])
    run_case(cases, "K = 2 negatives (mean over K)", {}, {"embeddings": a, "positives": p, "negatives": neg},
             lambda i, red: reduce(torch.stack([F.triplet_margin_loss(i["embeddings"], i["positives"], i["negatives"][:, k], reduction="none") for k in range(2)], 1).mean(1), red),
             ["embeddings", "positives", "negatives"])
    write_fixture(PKG, "triplet-margin", cases)


@fixture("contrastive-pair")
def _contrastive_pair():
    cases = []
    a, p, neg = emb_inputs(56)
    n = a.shape[0]

    def d(x, y):
        return torch.sqrt(((x - y) ** 2).sum(-1) + 1e-12)

    def f(m, use_neg):
        def fn(i, red):
            pos = d(i["embeddings"], i["positives"]) ** 2
            if use_neg:
                negt = (torch.clamp(m - d(i["embeddings"][:, None], i["negatives"]), min=0) ** 2).mean(1)
            else:
                h = torch.clamp(m - d(i["embeddings"][:, None], i["positives"][None]), min=0) ** 2
                keep = 1 - torch.eye(n, dtype=torch.float64)
                negt = (h * keep).sum(1) / keep.sum(1)
            return reduce(0.5 * (pos + negt), red)
        return fn

    run_case(cases, "in-batch negatives, margin 2", {"margin": 2.0}, {"embeddings": a, "positives": p}, f(2.0, False), ["embeddings", "positives"])
    run_case(cases, "given negatives, margin 3", {"margin": 3.0}, {"embeddings": a, "positives": p, "negatives": neg}, f(3.0, True), ["embeddings", "positives", "negatives"])
    write_fixture(PKG, "contrastive-pair", cases)


def gist_reference(a, p, n, ga, gp, gn, temperature, strategy, margin):
    # sentence-transformers GISTEmbedLoss.forward, ported to fixed tensors (cos_sim), plus explicit self-masking
    ap, aa, pp = cos_sim(a, p), cos_sim(a, a), cos_sim(p, p)
    gap, gaa, gpp = cos_sim(ga, gp), cos_sim(ga, ga), cos_sim(gp, gp)
    guided_sim = gap.diagonal().view(-1, 1)

    def mask_fn(gmat, mat, positive_mask=None):
        if strategy == "absolute":
            mask = gmat > (guided_sim - margin)
        else:
            mask = gmat > (guided_sim * (1 - margin))
        if positive_mask is not None:
            mask = mask & ~positive_mask
        return mat.masked_fill(mask, -1e9)

    eye = torch.eye(a.shape[0], dtype=torch.bool)
    ap = mask_fn(gap, ap, positive_mask=eye)
    aa = mask_fn(gaa, aa).masked_fill(eye, -1e9)
    pp = mask_fn(gpp, pp).masked_fill(eye, -1e9)
    scores = [ap, aa, pp]
    if n is not None:
        nf, gnf = n.reshape(-1, n.shape[-1]), gn.reshape(-1, gn.shape[-1])
        scores.append(mask_fn(cos_sim(ga, gnf), cos_sim(a, nf)))
    scores = torch.cat(scores, 1) / temperature
    return F.cross_entropy(scores, torch.arange(a.shape[0]), reduction="none")


@fixture("gist-guided-info-nce")
def _gist():
    cases = []
    g = gen(57)
    a, p, neg = f32((5, 4), g), f32((5, 4), g), f32((5, 2, 4), g)
    # the guide: the student's own embeddings plus noise, in another dimension, and one near-duplicate positive
    ga = torch.cat([a, f32((5, 2), g, 0.3)], 1)
    gp = torch.cat([p, f32((5, 2), g, 0.3)], 1)
    gp[3] = gp[1] + 0.01
    gp = gp.float().double()
    gn = torch.cat([neg, f32((5, 2, 2), g, 0.3)], 2)
    ins = {"embeddings": a, "positives": p, "guideEmbeddings": ga, "guidePositives": gp}
    run_case(cases, "absolute, margin 0", {}, ins,
             lambda i, red: reduce(gist_reference(i["embeddings"], i["positives"], None, i["guideEmbeddings"], i["guidePositives"], None, 0.01, "absolute", 0.0), red),
             ["embeddings", "positives"])
    ins2 = dict(ins, negatives=neg, guideNegatives=gn)
    run_case(cases, "relative, margin 0.1, tau 0.05, negatives", {"marginStrategy": "relative", "margin": 0.1, "temperature": 0.05}, ins2,
             lambda i, red: reduce(gist_reference(i["embeddings"], i["positives"], i["negatives"], i["guideEmbeddings"], i["guidePositives"], i["guideNegatives"], 0.05, "relative", 0.1), red),
             ["embeddings", "positives", "negatives"])
    write_fixture(PKG, "gist-guided-info-nce", cases)



# --------------------------------------------------------------------------- regression P1
@fixture("pseudo-huber")
def _pseudo_huber():
    cases = []
    g = gen(61)
    x, t = f32((4, 3, 2, 2), g), f32((4, 3, 2, 2), g)

    def ph(c):
        def fn(i, red):
            cc = c if c is not None else 0.00054 * math.sqrt(12)
            return reduce(torch.sqrt(((i["predictions"] - i["targets"]) ** 2).flatten(1).sum(1) + cc * cc) - cc, red)
        return fn

    run_case(cases, "default c = 0.00054*sqrt(D)", {}, {"predictions": x, "targets": t}, ph(None), ["predictions"])
    run_case(cases, "c = 0.5", {"c": 0.5}, {"predictions": x, "targets": t}, ph(0.5), ["predictions"])
    write_fixture(PKG, "pseudo-huber", cases)


@fixture("gaussian-nll")
def _gaussian_nll():
    cases = []
    g = gen(62)
    mu, t = f32((5, 3), g), f32((5, 3), g)
    var = torch.rand(5, 3, generator=g).float().double() + 0.05
    var[0, 0] = 1e-8  # below eps: clamped, gradient passes through
    var = var.float().double()
    var1 = torch.rand(5, generator=g).float().double() + 0.1
    run_case(cases, "full shape", {}, {"predictions": mu, "targets": t, "variance": var},
             lambda i, red: per_sample(F.gaussian_nll_loss(i["predictions"], i["targets"], i["variance"], reduction="none"), red) if red == "none"
             else F.gaussian_nll_loss(i["predictions"], i["targets"], i["variance"], reduction=red), ["predictions", "variance"])
    run_case(cases, "variance without last axis, full", {"full": True}, {"predictions": mu, "targets": t, "variance": var1},
             lambda i, red: per_sample(F.gaussian_nll_loss(i["predictions"], i["targets"], i["variance"][:, None].expand(5, 3), full=True, reduction="none"), red),
             ["predictions", "variance"])
    write_fixture(PKG, "gaussian-nll", cases)


def hl_gauss_target(y, vmin, vmax, m, sigma_ratio):
    edges = torch.linspace(vmin, vmax, m + 1, dtype=torch.float64)
    sigma = sigma_ratio * (vmax - vmin) / m
    y = y.clamp(vmin, vmax)
    cdf = torch.special.erf((edges[None] - y[:, None]) / (math.sqrt(2) * sigma))
    return (cdf[:, 1:] - cdf[:, :-1]) / (cdf[:, -1:] - cdf[:, :1])


@fixture("hl-gauss")
def _hl_gauss():
    cases = []
    g = gen(63)
    z = f32((5, 8), g, 2.0)
    y = torch.tensor([-0.7, 0.0, 0.33, 1.5, -2.0]).float().double()
    for params, (vmin, vmax, r) in (({}, (-1.0, 1.0, 0.75)), ({"minValue": -2.0, "maxValue": 3.0, "sigmaRatio": 1.5}, (-2.0, 3.0, 1.5))):
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
        run_case(cases, label, params, {"logits": z, "targets": y},
                 lambda i, red, vmin=vmin, vmax=vmax, r=r: F.cross_entropy(i["logits"], hl_gauss_target(i["targets"], vmin, vmax, 8, r), reduction=red), ["logits"])
    write_fixture(PKG, "hl-gauss", cases)


@fixture("two-hot")
def _two_hot():
    cases = []
    g = gen(64)
    z = f32((5, 6), g, 2.0)
    y = torch.tensor([-0.7, 0.0, 0.2, 1.5, -1.0]).float().double()

    def two_hot(y, vmin, vmax, m):
        support = torch.linspace(vmin, vmax, m, dtype=torch.float64)
        y = y.clamp(vmin, vmax)
        delta = (vmax - vmin) / (m - 1)
        k = torch.clamp(((y - vmin) / delta).floor().long(), 0, m - 2)
        hi = (y - support[k]) / delta
        q = torch.zeros(y.shape[0], m, dtype=torch.float64)
        q[torch.arange(y.shape[0]), k] = 1 - hi
        q[torch.arange(y.shape[0]), k + 1] += hi
        return q

    for params, (vmin, vmax) in (({}, (-1.0, 1.0)), ({"minValue": 0.0, "maxValue": 2.0}, (0.0, 2.0))):
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
        run_case(cases, label, params, {"logits": z, "targets": y},
                 lambda i, red, vmin=vmin, vmax=vmax: F.cross_entropy(i["logits"], two_hot(i["targets"], vmin, vmax, 6), reduction=red), ["logits"])
    write_fixture(PKG, "two-hot", cases)


# --------------------------------------------------------------------------- regularizers
@fixture("entropy-min")
def _entropy_min():
    cases = []
    z, _, _ = cls_inputs(65)
    run_case(cases, "defaults", {}, {"logits": z},
             lambda i, red: reduce(-(F.softmax(i["logits"], 1) * F.log_softmax(i["logits"], 1)).sum(1), red), ["logits"])
    write_fixture(PKG, "entropy-min", cases)


@fixture("marginal-entropy")
def _marginal_entropy():
    cases = []
    z, _, _ = cls_inputs(66)

    def fn(i, red):
        p = F.softmax(i["logits"], 1)
        pb = p.mean(0)
        per = (p * torch.log(pb)[None]).sum(1)  # each sample's share; mean = sum(pb log pb) = -H(pb)
        if red == "mean":
            return (pb * torch.log(pb)).sum()
        return reduce(per, red)

    run_case(cases, "defaults", {}, {"logits": z}, fn, ["logits"])
    write_fixture(PKG, "marginal-entropy", cases)


@fixture("confidence-penalty")
def _confidence_penalty():
    cases = []
    z, _, _ = cls_inputs(67)

    def H(z):
        return -(F.softmax(z, 1) * F.log_softmax(z, 1)).sum(1)

    run_case(cases, "plain", {}, {"logits": z}, lambda i, red: reduce(-H(i["logits"]), red), ["logits"])
    run_case(cases, "threshold 1.2", {"threshold": 1.2}, {"logits": z}, lambda i, red: reduce(torch.clamp(1.2 - H(i["logits"]), min=0), red), ["logits"])
    write_fixture(PKG, "confidence-penalty", cases)


@fixture("dispersive")
def _dispersive():
    cases = []
    g = gen(68)
    x = f32((5, 3, 2), g)

    def disp(tau):
        def fn(i, red):
            z = i["embeddings"].flatten(1)
            d = torch.cdist(z, z) ** 2 / z.shape[1] if False else ((z[:, None] - z[None]) ** 2).sum(-1) / z.shape[1]
            val = torch.log(torch.exp(-d / tau).mean())
            n = z.shape[0]
            return {"mean": val, "sum": val * n, "none": val * torch.ones(n, dtype=torch.float64)}[red]
        return fn

    run_case(cases, "tau 1", {}, {"embeddings": x}, disp(1.0), ["embeddings"])
    run_case(cases, "tau 0.5", {"temperature": 0.5}, {"embeddings": x}, disp(0.5), ["embeddings"])
    write_fixture(PKG, "dispersive", cases)


@fixture("attention-entropy")
def _attention_entropy():
    cases = []
    g = gen(69)
    a = torch.softmax(f32((2, 3, 4, 5), g, 2.0), -1).float().double()

    def H(a):
        return -(a * torch.log(a + 1e-9)).sum(-1)

    def band(a, ratio, tol):
        logS = math.log(a.shape[-1])
        dev = H(a) - ratio * logS
        pen = torch.where(dev.abs() > tol * logS, dev ** 2, torch.zeros_like(dev))
        return pen.flatten(1).mean(1)

    run_case(cases, "max", {}, {"attention": a}, lambda i, red: reduce(-H(i["attention"]).flatten(1).mean(1), red), ["attention"])
    run_case(cases, "band 0.9 / 0.05", {"mode": "band", "targetRatio": 0.9, "tolerance": 0.05}, {"attention": a},
             lambda i, red: reduce(band(i["attention"], 0.9, 0.05), red), ["attention"])
    write_fixture(PKG, "attention-entropy", cases)



@fixture("cut-cross-entropy")
def _cce():
    cases = []
    g = gen(71)
    e, c = f32((6, 5), g, 2.0), f32((11, 5), g)
    y = ints([0, 10, -100, 4, 7, 4])
    run_case(cases, "chunk 4 (does not divide V)", {"chunkSize": 4}, {"embeddings": e, "classifier": c, "labels": y},
             lambda i, red: F.cross_entropy(i["embeddings"] @ i["classifier"].T, i["labels"], reduction=red), ["embeddings", "classifier"])
    run_case(cases, "softcap 3, chunk 2", {"chunkSize": 2, "softcap": 3.0}, {"embeddings": e, "classifier": c, "labels": y},
             lambda i, red: F.cross_entropy(3.0 * torch.tanh((i["embeddings"] @ i["classifier"].T) / 3.0), i["labels"], reduction=red), ["embeddings", "classifier"])
    write_fixture(PKG, "cut-cross-entropy", cases)



# --------------------------------------------------------------------------- stateful (sequences of steps on one instance)
def run_steps(cases, name, params, module_factory, steps, wrt, reduction="mean"):
    """steps: list of input dicts; module(inputs) -> per-sample [N]; one module across the steps."""
    mod = module_factory()
    out_steps = []
    for ins in steps:
        t = {k: (v.clone().detach().requires_grad_(k in wrt)) for k, v in ins.items()}
        per = mod(t)
        out = reduce(per, reduction)
        gs = torch.autograd.grad(out.sum(), [t[k] for k in wrt], allow_unused=True)
        out_steps.append({
            "inputs": {k: tensor_json(v) for k, v in ins.items()},
            "expected": tensor_json(out),
            "grads": {k: tensor_json(g if g is not None else torch.zeros_like(t[k])) for k, g in zip(wrt, gs)},
        })
    cases.append({"name": name, "params": params, "reduction": reduction, "steps": out_steps})


class ALDRRef:
    """ALDRLoss_V1 (Optimization-AI ICML2023_LDR) on the CPU, per-sample output."""
    def __init__(self, N, threshold=1.0, Lambda=1.0, alpha=2.0, softplus=False):
        self.threshold, self.alpha, self.softplus = threshold, alpha, softplus
        self.Lambda_ref = torch.tensor(Lambda, dtype=torch.float64)
        self.Lambda = torch.tensor([Lambda] * N, dtype=torch.float64).view(-1, 1)

    def __call__(self, i):
        y_pred, ids = i["logits"], i["sampleIds"]
        num_class = y_pred.shape[1]
        y_true = F.one_hot(i["labels"], num_class).double()
        lambda_ref = self.Lambda_ref
        if self.softplus:
            y_pred = F.softplus(y_pred)
        y_denorm = torch.norm(y_pred, dim=1, p=1.0, keepdim=True) / num_class
        y_pred = y_pred / y_denorm
        pred_prob = F.softmax(y_pred / self.Lambda[ids], dim=1) + 1e-5
        pred_prob = F.normalize(pred_prob, p=1.0)
        kl_reg = torch.sum(pred_prob * torch.log(num_class * pred_prob), dim=1, keepdim=True)
        logK = torch.log(torch.tensor(float(num_class), dtype=torch.float64))
        lambdas = lambda_ref - lambda_ref * kl_reg / (self.alpha * logK)
        self.Lambda[ids] = lambdas.detach()
        extra_loss = -1 / 2 * self.alpha * logK / lambda_ref * (self.Lambda[ids] - lambda_ref) ** 2
        diff = self.threshold * (1 - y_true) + (y_pred - (y_pred * y_true).sum(1, keepdim=True))
        d = diff / self.Lambda[ids]
        mx = d.max(1, keepdim=True).values.detach()
        loss = self.Lambda[ids] * (torch.log(torch.exp(d - mx).mean(1, keepdim=True)) + mx) + extra_loss
        return loss.squeeze(1)


@fixture("aldr-kl")
def _aldr():
    cases = []
    g = gen(81)
    steps = []
    for ids in ([0, 1, 2, 3], [2, 3, 4, 5], [5, 0, 6, 2]):
        steps.append({"logits": f32((4, 5), g, 2.0), "labels": torch.randint(0, 5, (4,), generator=g), "sampleIds": ints(ids)})
    run_steps(cases, "three steps, revisited ids", {"numSamples": 10}, lambda: ALDRRef(10), steps, ["logits"])
    run_steps(cases, "softplus, threshold 2, lambda 0.5, alpha 3", {"numSamples": 10, "softplus": True, "threshold": 2.0, "lambda": 0.5, "alpha": 3.0},
              lambda: ALDRRef(10, threshold=2.0, Lambda=0.5, alpha=3.0, softplus=True), steps, ["logits"], reduction="sum")
    write_fixture(PKG, "aldr-kl", cases)



class ISogCLRRef:
    """LibAUC GCLoss_v1 (unimodal, non-distributed) with the per-anchor temperature of the paper
    (the code's tau[:, None] on a [B, 1] tensor broadcasts to [B, B, 2B]); per-sample outputs."""
    def __init__(self, N, tau=0.1, gamma=0.9, eps=1e-8, enable_isogclr=True, tau_min=0.05, tau_max=0.7, rho=0.3, eta=0.01, beta=0.9):
        self.u = torch.zeros(N, dtype=torch.float64).reshape(-1, 1)
        self.tau, self.gamma, self.eps, self.LARGE_NUM = tau, gamma, eps, 1e9
        self.enable_isogclr = enable_isogclr
        self.tau_min, self.tau_max, self.rho, self.eta, self.beta = tau_min, tau_max, rho, eta, beta
        self.learnable_tau = torch.ones(N, dtype=torch.float64).reshape(-1, 1) * tau
        self.grad_tau = torch.zeros(N, dtype=torch.float64).reshape(-1, 1)

    def __call__(self, i):
        hidden1, hidden2, index = F.normalize(i["embeddings"], p=2, dim=1), F.normalize(i["positives"], p=2, dim=1), i["sampleIds"]
        batch_size = hidden1.shape[0]
        labels = F.one_hot(torch.arange(batch_size), batch_size * 2).double()
        masks = F.one_hot(torch.arange(batch_size), batch_size).double()
        logits_aa = hidden1 @ hidden1.T - masks * self.LARGE_NUM
        logits_bb = hidden2 @ hidden2.T - masks * self.LARGE_NUM
        logits_ab = hidden1 @ hidden2.T
        logits_ba = hidden2 @ hidden1.T
        neg_mask = 1 - labels
        logits_ab_aa = torch.cat([logits_ab, logits_aa], 1)
        logits_ba_bb = torch.cat([logits_ba, logits_bb], 1)
        tau = self.learnable_tau[index] if self.enable_isogclr else torch.full((batch_size, 1), self.tau, dtype=torch.float64)
        neg_logits1 = torch.exp(logits_ab_aa / tau) * neg_mask
        neg_logits2 = torch.exp(logits_ba_bb / tau) * neg_mask
        if self.u[index].sum() == 0:
            u1 = torch.sum(neg_logits1, dim=1, keepdim=True) / (2 * (batch_size - 1))
            u2 = torch.sum(neg_logits2, dim=1, keepdim=True) / (2 * (batch_size - 1))
        else:
            u1 = (1 - self.gamma) * self.u[index] + self.gamma * torch.sum(neg_logits1, dim=1, keepdim=True) / (2 * (batch_size - 1))
            u2 = (1 - self.gamma) * self.u[index] + self.gamma * torch.sum(neg_logits2, dim=1, keepdim=True) / (2 * (batch_size - 1))
        self.u[index] = (u1.detach() + u2.detach()) / 2
        w1 = (neg_logits1 / u1.clamp(min=self.eps)).detach()
        w2 = (neg_logits2 / u2.clamp(min=self.eps)).detach()

        def sce(labels, logits, weights):
            expsum = torch.sum(weights * logits, dim=1, keepdim=True) / (2 * (batch_size - 1))
            return -torch.sum(labels * (logits - expsum), dim=1)

        per = sce(labels, logits_ab_aa, w1) + sce(labels, logits_ba_bb, w2)
        if self.enable_isogclr:
            ga = torch.log(u1) + self.rho - torch.sum(w1 * (logits_ab_aa / tau).detach(), dim=1, keepdim=True) / (2 * (batch_size - 1))
            gb = torch.log(u2) + self.rho - torch.sum(w2 * (logits_ba_bb / tau).detach(), dim=1, keepdim=True) / (2 * (batch_size - 1))
            grad_tau = ((ga + gb) / 2.0).detach()
            self.grad_tau[index] = (1.0 - self.beta) * self.grad_tau[index] + self.beta * grad_tau
            self.learnable_tau[index] = (self.learnable_tau[index] - self.eta * self.grad_tau[index]).clamp_(min=self.tau_min, max=self.tau_max)
        return per


@fixture("isogclr")
def _isogclr():
    cases = []
    g = gen(82)
    steps = []
    for ids in ([0, 1, 2, 3], [4, 5, 6, 7], [2, 0, 3, 1]):  # all-new, all-new, all-seen (LibAUC's batch-level init agrees)
        steps.append({"embeddings": f32((4, 5), g), "positives": f32((4, 5), g), "sampleIds": ints(ids)})
    run_steps(cases, "iSogCLR three steps", {"numSamples": 10}, lambda: ISogCLRRef(10), steps, ["embeddings", "positives"])
    run_steps(cases, "iSogCLR rho 0.5, eta 0.1 (tau moves)", {"numSamples": 10, "rho": 0.5, "eta": 0.1, "temperature": 0.2},
              lambda: ISogCLRRef(10, tau=0.2, rho=0.5, eta=0.1), steps, ["embeddings", "positives"])
    run_steps(cases, "SogCLR fixed tau", {"numSamples": 10, "learnTemperature": False}, lambda: ISogCLRRef(10, enable_isogclr=False), steps,
              ["embeddings", "positives"], reduction="sum")
    write_fixture(PKG, "isogclr", cases)



# --------------------------------------------------------------------------- P1/P2 batch
@fixture("normalized-softmax")
def _normalized_softmax():
    cases = []
    g = gen(91)
    x, w = f32((5, 4), g), f32((6, 4), g)
    y = ints([0, 5, 2, -100, 3])
    for params, (T, ls) in (({}, (0.05, 0.0)), ({"temperature": 0.5, "labelSmoothing": 0.1}, (0.5, 0.1))):
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
        run_case(cases, label, params, {"embeddings": x, "classifier": w, "labels": y},
                 lambda i, red, T=T, ls=ls: F.cross_entropy(F.normalize(i["embeddings"], dim=1) @ F.normalize(i["classifier"], dim=1).T / T, i["labels"], reduction=red, label_smoothing=ls),
                 ["embeddings", "classifier"])
    write_fixture(PKG, "normalized-softmax", cases)


@fixture("spherical-z-loss")
def _spherical_z():
    def zl(a, b):
        def fn(z, t):
            mu = z.mean(1, keepdim=True)
            sigma = torch.sqrt((z ** 2).mean(1, keepdim=True) - mu ** 2 + 1e-8)
            zy = (t * (z - mu) / sigma).sum(1)
            return F.softplus(a * (b - zy)) / a
        return fn
    cls_family("spherical-z-loss", [("a 1 b 1", {}, zl(1.0, 1.0)), ("a 0.5 b 3", {"a": 0.5, "b": 3.0}, zl(0.5, 3.0))], 92)


@fixture("binary-kl")
def _binary_kl():
    cases = []
    zs, zt = kd_inputs(93)

    def bkl(T):
        def fn(i, red):
            p, q = torch.sigmoid(i["logits"] / T), torch.sigmoid(i["teacherLogits"] / T)
            kl = q * (torch.log(q) - torch.log(p)) + (1 - q) * (torch.log(1 - q) - torch.log(1 - p))
            return reduce(kl.sum(1) * T * T, red)
        return fn

    for T in (2.0, 1.0):
        run_case(cases, f"T={T}", {"temperature": T}, {"logits": zs, "teacherLogits": zt}, bkl(T), ["logits", "teacherLogits"])
    write_fixture(PKG, "binary-kl", cases)


def sinkhorn_ref(zs, zt, T=2.0, eps=0.1, n_iter=20, scale=0.002):
    # SinKD (2018cx/SinKD) batch-wise Sinkhorn distance, per-row contributions
    ps, pt = F.softmax(zs / T, 1), F.softmax(zt / T, 1)
    W = torch.cdist(ps, pt, p=1)
    K = torch.exp(-W / eps)
    for _ in range(n_iter):
        K = K / K.sum(1, keepdim=True)
        K = K / K.sum(0, keepdim=True)
    return scale * (K * W).sum(1)


@fixture("sinkhorn-kd")
def _sinkhorn():
    cases = []
    zs, zt = kd_inputs(94)
    n = zs.shape[0]

    def fn(kw):
        def f(i, red):
            rows = sinkhorn_ref(i["logits"], i["teacherLogits"], **kw)
            return {"mean": rows.sum(), "sum": rows.sum() * n, "none": rows * n}[red]
        return f

    run_case(cases, "defaults", {}, {"logits": zs, "teacherLogits": zt}, fn({}), ["logits", "teacherLogits"])
    run_case(cases, "T 1, eps 0.5, 5 iterations, scale 1", {"temperature": 1.0, "epsilon": 0.5, "nIter": 5, "scale": 1.0},
             {"logits": zs, "teacherLogits": zt}, fn({"T": 1.0, "eps": 0.5, "n_iter": 5, "scale": 1.0}), ["logits", "teacherLogits"])
    write_fixture(PKG, "sinkhorn-kd", cases)


def dice_ref(z, y, smooth=1e-5, include_background=True):
    # MONAI DiceLoss(softmax=True, to_onehot_y=True), per image; channels-last input converted to channels-first
    c = z.shape[-1]
    p = torch.softmax(z, -1).flatten(1, -2)            # [N, S, C]
    g = F.one_hot(y.flatten(1), c).double()           # [N, S, C]
    inter = (p * g).sum(1)
    total = p.sum(1) + g.sum(1)
    d = (2 * inter + smooth) / (total + smooth)
    if not include_background:
        d = d[:, 1:]
    return 1 - d.mean(1)


@fixture("dice")
def _dice():
    cases = []
    g = gen(95)
    z = f32((3, 4, 5, 3), g, 2.0)
    y = torch.randint(0, 3, (3, 4, 5), generator=g)
    run_case(cases, "2-D images", {}, {"logits": z, "labels": y}, lambda i, red: reduce(dice_ref(i["logits"], i["labels"]), red), ["logits"])
    run_case(cases, "no background, smooth 1", {"includeBackground": False, "smooth": 1.0}, {"logits": z, "labels": y},
             lambda i, red: reduce(dice_ref(i["logits"], i["labels"], 1.0, False), red), ["logits"])
    write_fixture(PKG, "dice", cases)


@fixture("ce-dice")
def _ce_dice():
    cases = []
    g = gen(96)
    z = f32((3, 4, 5, 3), g, 2.0)
    y = torch.randint(0, 3, (3, 4, 5), generator=g)

    def f(lc, ld):
        def fn(i, red):
            ce = F.cross_entropy(i["logits"].permute(0, 3, 1, 2), i["labels"], reduction="none").flatten(1).mean(1)
            return reduce(lc * ce + ld * dice_ref(i["logits"], i["labels"]), red)
        return fn

    run_case(cases, "defaults", {}, {"logits": z, "labels": y}, f(1.0, 1.0), ["logits"])
    run_case(cases, "lambdaCe 0.5 lambdaDice 2", {"lambdaCe": 0.5, "lambdaDice": 2.0}, {"logits": z, "labels": y}, f(0.5, 2.0), ["logits"])
    write_fixture(PKG, "ce-dice", cases)


@fixture("anyloss")
def _anyloss():
    cases = []
    g = gen(97)
    z = f32((8,), g, 1.0) * 0.05  # small logits: the amplified sigmoid is not saturated
    z = z.float().double()
    y = torch.tensor([1, 0, 1, 1, 0, 0, 1, 0], dtype=torch.float64)

    def f(metric, beta=1.0, L=73.0):
        def fn(i, red):
            a = torch.sigmoid(L * (torch.sigmoid(i["logits"]) - 0.5))
            s = 1e-5
            n = a.shape[0]
            tp = (i["labels"] * a).sum(); n1 = i["labels"].sum(); n0 = n - n1; sa = a.sum()
            tn = n - n1 - sa + tp
            m = {"f-beta": (1 + beta ** 2) * tp / (beta ** 2 * n1 + sa + s), "accuracy": (tp + tn) / n,
                 "balanced-accuracy": (n0 * tp + n1 * tn) / (2 * n1 * n0 + s), "g-mean": tp * tn / (n1 * n0 + s)}[metric]
            v = 1 - m
            return {"mean": v, "sum": v * n, "none": v * torch.ones(n, dtype=torch.float64)}[red]
        return fn

    for metric in ("f-beta", "accuracy", "balanced-accuracy", "g-mean"):
        run_case(cases, metric, {"metric": metric}, {"logits": z, "labels": y}, f(metric), ["logits"])
    run_case(cases, "f-beta beta 2 L 20", {"beta": 2.0, "amplifier": 20.0}, {"logits": z, "labels": y}, f("f-beta", 2.0, 20.0), ["logits"])
    write_fixture(PKG, "anyloss", cases)


@fixture("dco-pass-at-n")
def _dco():
    cases = []
    g = gen(98)
    z = f32((4, 3, 5), g, 2.0)
    y = torch.randint(0, 5, (4, 3), generator=g)
    y[1, 2] = -100

    def f(n):
        def fn(i, red):
            lp_tok = F.log_softmax(i["logits"], -1)
            valid = (i["labels"] != -100)
            safe = torch.where(valid, i["labels"], torch.zeros_like(i["labels"]))
            lp = (lp_tok.gather(-1, safe[..., None]).squeeze(-1) * valid.double()).sum(1)
            p = torch.exp(lp)
            return reduce(-torch.log(1 - (1 - p) ** n), red)
        return fn

    for n in (1, 4, 16):
        run_case(cases, f"n={n}", {"n": n}, {"logits": z, "labels": y}, f(n), ["logits"])
    write_fixture(PKG, "dco-pass-at-n", cases)


@fixture("bag-instance")
def _bag():
    cases = []
    g = gen(99)
    f_ = f32((7,), g)
    bags = ints([0, 0, 1, 1, 1, 2, 3])
    ybar = torch.tensor([0.5, 0.5, -1.0, -1.0, -1.0, 2.0, 0.25], dtype=torch.float64)

    def fn(rho):
        def f(i, red):
            same = (bags[:, None] == bags[None]).double()
            fbar = (same * i["predictions"][None]).sum(1) / same.sum(1)
            per = rho * (i["targets"] - i["predictions"]) ** 2 + (1 - rho) * (i["targets"] - fbar) ** 2
            return reduce(per, red)
        return f

    for rho in (0.5, 0.0, 1.0):
        run_case(cases, f"rho={rho}", {"rho": rho}, {"predictions": f_, "targets": ybar, "bagIds": bags}, fn(rho), ["predictions"])
    write_fixture(PKG, "bag-instance", cases)


@fixture("scheduled-pseudo-huber")
def _sph():
    cases = []
    g = gen(100)
    x, t = f32((4, 3, 2), g), f32((4, 3, 2), g)
    ts = ints([0, 250, 500, 999])
    ac = torch.tensor([0.99, 0.7, 0.3, 0.01]).float().double()

    def f(c_fn, variant="huber"):
        def fn(i, red):
            c = c_fn(i).view(-1, 1, 1)
            root = torch.sqrt((i["predictions"] - i["targets"]) ** 2 + c ** 2) - c
            l = 2 * c * root if variant == "huber" else 2 * root
            return per_sample(l, red)
        return fn

    hc = 0.1
    run_case(cases, "constant", {}, {"predictions": x, "targets": t}, f(lambda i: torch.full((4,), hc, dtype=torch.float64)), ["predictions"])
    alpha = -math.log(hc) / 1000
    run_case(cases, "exponential", {"schedule": "exponential"}, {"predictions": x, "targets": t, "timesteps": ts},
             f(lambda i: torch.exp(-alpha * i["timesteps"].double())), ["predictions"])
    run_case(cases, "snr, smooth-l1, huberC 0.2", {"schedule": "snr", "variant": "smooth-l1", "huberC": 0.2}, {"predictions": x, "targets": t, "alphasCumprod": ac},
             f(lambda i: (1 - 0.2) / (1 + ((1 - i["alphasCumprod"]) / i["alphasCumprod"]) ** 0.5) ** 2 + 0.2, "smooth-l1"), ["predictions"])
    write_fixture(PKG, "scheduled-pseudo-huber", cases)


def nkd_ref(logit_s, logit_t, gt_label, temp=1.0, gamma=1.5):
    # NKDLoss (yzd-v/cls_KD), per sample
    label = gt_label.view(len(gt_label), 1)
    N, c = logit_s.shape
    s_i = F.log_softmax(logit_s, 1)
    t_i = F.softmax(logit_t, 1)
    s_t = torch.gather(s_i, 1, label)
    t_t = torch.gather(t_i, 1, label).detach()
    loss_t = -(t_t * s_t).squeeze(1)
    mask = torch.ones_like(logit_s).scatter_(1, label, 0).bool()
    ls = logit_s[mask].reshape(N, -1)
    lt = logit_t[mask].reshape(N, -1)
    S_i = F.log_softmax(ls / temp, 1)
    T_i = F.softmax(lt / temp, 1)
    loss_non = -gamma * (temp ** 2) * (T_i * S_i).sum(1)
    return loss_t + loss_non


@fixture("nkd")
def _nkd():
    cases = []
    zs, zt = kd_inputs(101)
    g = gen(102)
    y = torch.randint(0, zs.shape[1], (zs.shape[0],), generator=g)
    for params, (T, gm) in (({}, (1.0, 1.5)), ({"temperature": 2.0, "gamma": 1.0}, (2.0, 1.0))):
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
        run_case(cases, label, params, {"logits": zs, "teacherLogits": zt, "labels": y},
                 lambda i, red, T=T, gm=gm: reduce(nkd_ref(i["logits"], i["teacherLogits"], i["labels"], T, gm), red), ["logits"])
    write_fixture(PKG, "nkd", cases)



class BiasLossRef:
    """BiasLoss (official, per-sample): global min kept across calls."""
    def __init__(self, alpha=0.3, beta=0.3):
        self.alpha, self.beta, self.global_min = alpha, beta, 100000.0

    def __call__(self, i):
        features = i["features"].clone().detach().reshape(i["features"].shape[0], -1)
        v = torch.var(features, dim=1)
        mn, mx = v.min(), v.max()
        if mn < self.global_min:
            self.global_min = mn
        vn = (v - self.global_min) / (mx - mn)
        w = (torch.exp(vn * self.beta) - 1.0) / 1.0 + self.alpha
        return w * F.cross_entropy(i["logits"], i["labels"], reduction="none")


@fixture("bias-loss")
def _bias_loss():
    cases = []
    g = gen(103)
    steps = []
    for scale in (1.0, 0.5, 2.0):
        steps.append({"logits": f32((4, 5), g, 2.0), "labels": torch.randint(0, 5, (4,), generator=g), "features": f32((4, 3, 2, 2), g, scale)})
    run_steps(cases, "three steps (running minimum)", {}, lambda: BiasLossRef(), steps, ["logits"])
    run_steps(cases, "alpha 0.5 beta 1", {"alpha": 0.5, "beta": 1.0}, lambda: BiasLossRef(0.5, 1.0), steps, ["logits"], reduction="sum")
    write_fixture(PKG, "bias-loss", cases)



def neural_ndcg_ref(y_pred, y_true, temperature=1.0, powered=True, k=None, iters=50):
    # allRank neuralNDCG, deterministic, no padding; Sinkhorn with a fixed number of iterations
    n = y_pred.shape[1]
    if k is None:
        k = n
    s = y_pred.unsqueeze(-1)
    A_s = torch.abs(s - s.permute(0, 2, 1))
    B = A_s.sum(2, keepdim=True).expand(-1, -1, n)
    scaling = (n + 1 - 2 * (torch.arange(n, dtype=torch.float64) + 1))[None].expand(y_pred.shape[0], -1)
    C = torch.matmul(s, scaling.unsqueeze(-2))
    P_max = (C - B).permute(0, 2, 1)
    P_hat = torch.softmax(P_max / temperature, -1)
    for _ in range(iters):
        P_hat = P_hat / P_hat.sum(dim=1, keepdim=True).clamp(min=1e-10)
        P_hat = P_hat / P_hat.sum(dim=2, keepdim=True).clamp(min=1e-10)
    gain = (lambda v: torch.pow(2.0, v) - 1.0) if powered else (lambda v: v)
    gt = torch.matmul(P_hat, gain(y_true).unsqueeze(-1)).squeeze(-1)
    disc = 1.0 / torch.log2(torch.arange(n, dtype=torch.float64) + 2.0)
    disc[k:] = 0
    dcg_v = (gt * disc).sum(-1)
    ideal = (gain(torch.sort(y_true, descending=True, dim=-1).values) * disc).sum(-1)
    ndcg = dcg_v / (ideal + 1e-10)
    has = (ideal > 0).double()
    return -ndcg * has, has


@fixture("neural-ndcg")
def _neural_ndcg():
    cases = []
    g = gen(104)
    sc = f32((4, 5), g)
    rel = torch.tensor([[0, 1, 2, 0, 3], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0], [2, 0, 1, 3, 1]], dtype=torch.float64)

    def f(**kw):
        def fn(i, red):
            per, has = neural_ndcg_ref(i["predictions"], i["targets"], **kw)
            return reduce(per, red, has)
        return fn

    run_case(cases, "defaults (one slate without relevant items)", {}, {"predictions": sc, "targets": rel}, f(), ["predictions"])
    run_case(cases, "tau 0.5, linear gains, k 3", {"temperature": 0.5, "poweredRelevancies": False, "k": 3}, {"predictions": sc, "targets": rel},
             f(temperature=0.5, powered=False, k=3), ["predictions"])
    write_fixture(PKG, "neural-ndcg", cases)



@fixture("symmetric-cross-entropy-consistency")
def _sce_rmt():
    cases = []
    zs, zt = kd_inputs(105)

    def fn(i, red):
        ps, pt = F.softmax(i["logits"], 1), F.softmax(i["teacherLogits"], 1)
        per = -0.5 * ((pt * F.log_softmax(i["logits"], 1)).sum(1) + (ps * F.log_softmax(i["teacherLogits"], 1)).sum(1))
        return reduce(per, red)

    run_case(cases, "Robust Mean Teacher consistency", {}, {"logits": zs, "teacherLogits": zt}, fn, ["logits"])
    write_fixture(PKG, "symmetric-cross-entropy-consistency", cases)



def sigmoid_focal_ref(inputs, targets, alpha=0.25, gamma=2.0):
    # torchvision.ops.sigmoid_focal_loss (0.14), reduction="none"
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return loss


@fixture("sigmoid-focal")
def _sigmoid_focal():
    cases = []
    g = gen(106)
    z = f32((5, 4), g, 2.0)
    t = (torch.rand(5, 4, generator=g) > 0.6).double()
    for params, kw in (({}, {}), ({"alpha": None, "gamma": 1.0}, {"alpha": -1.0, "gamma": 1.0}), ({"alpha": 0.5, "gamma": 0.5}, {"alpha": 0.5, "gamma": 0.5})):
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
        run_case(cases, label, params, {"logits": z, "labels": t},
                 lambda i, red, kw=kw: per_sample(sigmoid_focal_ref(i["logits"], i["labels"], **kw), red), ["logits"])
    write_fixture(PKG, "sigmoid-focal", cases)


if __name__ == "__main__":
    only = set(sys.argv[1:])
    for name, fn in GENERATORS.items():
        if not only or name in only:
            fn()
