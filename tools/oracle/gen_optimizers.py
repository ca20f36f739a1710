"""Fixtures of @tessera/optimizers.

Optimizers: trajectories of torch.optim (PyTorch 1.13) over 12 steps, run in
float64 from float32 inputs. Gradients are fixed random tensors (the update
rule, not a model, is under test); one variable misses its gradient on one
step (PyTorch `p.grad is None`, tfjs `variableGrads` omitting it).
Where PyTorch lacks the optimizer, the official algorithm is re-implemented
below in PyTorch (the version matched is written next to each).

Schedules: optax's formulas re-implemented in Python (optax is not installed),
cross-checked against torch.optim.lr_scheduler where the two coincide.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/oracle/gen_optimizers.py
"""
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import f32, tensor_json, write_fixture  # noqa: E402

import torch  # noqa: E402

torch.set_default_dtype(torch.float64)
STEPS = 12
SHAPES = {"w": (3, 4), "b": (4,), "k": (2, 3, 2)}


def make_problem(seed, scale=1.0, grad_scale=1.0, missing=("b", 4)):
    gen = torch.Generator().manual_seed(seed)
    init = {n: f32(s, gen, scale) for n, s in SHAPES.items()}
    grads = []
    for t in range(STEPS):
        step = {}
        for n, s in SHAPES.items():
            if missing and n == missing[0] and t == missing[1]:
                continue
            step[n] = f32(s, gen, grad_scale)
        grads.append(step)
    return init, grads


def trajectory(make_opt, init, grads, closure_step=None):
    params = {n: torch.nn.Parameter(v.clone()) for n, v in init.items()}
    opt = make_opt(list(params.values()), params)
    out = []
    for step in grads:
        for n, p in params.items():
            p.grad = step[n].clone() if n in step else None
        if closure_step:
            closure_step(opt)
        else:
            opt.step()
        out.append({n: tensor_json(p.detach()) for n, p in params.items()})
    return out


def case(name, optimizer, params, make_opt, seed, **kw):
    init, grads = make_problem(seed, **kw)
    expected = trajectory(make_opt, init, grads)
    return {
        "name": name,
        "optimizer": optimizer,
        "params": params,
        "init": {n: tensor_json(v) for n, v in init.items()},
        "grads": [{n: tensor_json(g) for n, g in step.items()} for step in grads],
        "expected": expected,
    }


def torch_cases():
    O = torch.optim
    cases = []
    sgd = [
        ("sgd-plain", {"learningRate": 0.1}, dict(lr=0.1)),
        ("sgd-momentum", {"learningRate": 0.05, "momentum": 0.9}, dict(lr=0.05, momentum=0.9)),
        ("sgd-dampening-wd", {"learningRate": 0.05, "momentum": 0.8, "dampening": 0.3, "weightDecay": 0.01}, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)),
        ("sgd-nesterov-wd", {"learningRate": 0.03, "momentum": 0.9, "nesterov": True, "weightDecay": 0.1}, dict(lr=0.03, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ]
    for i, (n, p, kw) in enumerate(sgd):
        cases.append(case(n, "sgd", p, lambda ps, _d, kw=kw: O.SGD(ps, **kw), 100 + i))
    adam = [
        ("adam-default", {}, dict()),
        ("adam-wd-amsgrad", {"learningRate": 0.01, "beta1": 0.8, "beta2": 0.99, "weightDecay": 0.05, "amsgrad": True}, dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.05, amsgrad=True)),
        ("adam-eps", {"learningRate": 0.02, "epsilon": 1e-3}, dict(lr=0.02, eps=1e-3)),
    ]
    for i, (n, p, kw) in enumerate(adam):
        cases.append(case(n, "adam", p, lambda ps, _d, kw=kw: O.Adam(ps, **kw), 200 + i))
    adamw = [
        ("adamw-default", {}, dict()),
        ("adamw-wd-amsgrad", {"learningRate": 0.01, "weightDecay": 0.1, "amsgrad": True, "beta2": 0.95}, dict(lr=0.01, weight_decay=0.1, amsgrad=True, betas=(0.9, 0.95))),
        ("adamw-eps", {"learningRate": 0.005, "epsilon": 1e-6, "beta1": 0.5, "weightDecay": 0.5}, dict(lr=0.005, eps=1e-6, betas=(0.5, 0.999), weight_decay=0.5)),
    ]
    for i, (n, p, kw) in enumerate(adamw):
        cases.append(case(n, "adamw", p, lambda ps, _d, kw=kw: O.AdamW(ps, **kw), 300 + i))
    more = [
        ("adamax-default", "adamax", {}, lambda ps, _d: O.Adamax(ps)),
        ("adamax-wd", "adamax", {"learningRate": 0.01, "beta1": 0.8, "beta2": 0.9, "weightDecay": 0.1, "epsilon": 1e-4}, lambda ps, _d: O.Adamax(ps, lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, eps=1e-4)),
        ("nadam-default", "nadam", {}, lambda ps, _d: O.NAdam(ps)),
        ("nadam-wd", "nadam", {"learningRate": 0.01, "beta2": 0.95, "momentumDecay": 0.05, "weightDecay": 0.1}, lambda ps, _d: O.NAdam(ps, lr=0.01, betas=(0.9, 0.95), momentum_decay=0.05, weight_decay=0.1)),
        ("radam-default", "radam", {}, lambda ps, _d: O.RAdam(ps)),
        ("radam-rectified", "radam", {"learningRate": 0.01, "beta2": 0.8, "weightDecay": 0.1}, lambda ps, _d: O.RAdam(ps, lr=0.01, betas=(0.9, 0.8), weight_decay=0.1)),
        ("adagrad-default", "adagrad", {}, lambda ps, _d: O.Adagrad(ps)),
        ("adagrad-decay", "adagrad", {"learningRate": 0.1, "lrDecay": 0.05, "weightDecay": 0.1, "initialAccumulatorValue": 0.5, "epsilon": 1e-6}, lambda ps, _d: O.Adagrad(ps, lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6)),
        ("adadelta-default", "adadelta", {}, lambda ps, _d: O.Adadelta(ps)),
        ("adadelta-wd", "adadelta", {"learningRate": 0.5, "rho": 0.8, "epsilon": 1e-4, "weightDecay": 0.1}, lambda ps, _d: O.Adadelta(ps, lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1)),
        ("rmsprop-default", "rmsprop", {}, lambda ps, _d: O.RMSprop(ps)),
        ("rmsprop-centered-momentum", "rmsprop", {"learningRate": 0.005, "rho": 0.9, "momentum": 0.8, "centered": True, "weightDecay": 0.05, "epsilon": 1e-6}, lambda ps, _d: O.RMSprop(ps, lr=0.005, alpha=0.9, momentum=0.8, centered=True, weight_decay=0.05, eps=1e-6)),
        ("rprop-default", "rprop", {}, lambda ps, _d: O.Rprop(ps)),
        ("rprop-etas", "rprop", {"learningRate": 0.05, "etaMinus": 0.3, "etaPlus": 1.5, "stepSizeMin": 0.01, "stepSizeMax": 0.1}, lambda ps, _d: O.Rprop(ps, lr=0.05, etas=(0.3, 1.5), step_sizes=(0.01, 0.1))),
        ("asgd-default", "asgd", {}, lambda ps, _d: O.ASGD(ps)),
        ("asgd-averaging", "asgd", {"learningRate": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 3, "weightDecay": 0.1}, lambda ps, _d: O.ASGD(ps, lr=0.05, lambd=0.01, alpha=0.5, t0=3, weight_decay=0.1)),
    ]
    for i, (n, o, p, mk) in enumerate(more):
        cases.append(case(n, o, p, mk, 400 + i))
    return cases


# ---------------------------------------------------------------- SAM / ASAM
def quartic(params, A, B):
    return sum(0.5 * (A[n] * p * p).sum() + (B[n] * p).sum() + 0.05 * (p ** 4).sum() for n, p in params.items())


def sam_case(name, optimizer, params_ts, rho, adaptive, make_base, seed):
    """davda54/sam (latest) SAM.first_step / second_step semantics, re-implemented."""
    gen = torch.Generator().manual_seed(seed)
    init = {n: f32(s, gen) for n, s in SHAPES.items()}
    A = {n: f32(s, gen).abs() + 0.5 for n, s in SHAPES.items()}
    B = {n: f32(s, gen) for n, s in SHAPES.items()}
    params = {n: torch.nn.Parameter(v.clone()) for n, v in init.items()}
    base = make_base(list(params.values()))
    out = []
    for _ in range(STEPS):
        g1 = torch.autograd.grad(quartic(params, A, B), list(params.values()))
        norm = torch.norm(torch.stack([((p.abs() if adaptive else 1.0) * g).norm(2) for p, g in zip(params.values(), g1)]), 2)
        scale = rho / (norm + 1e-12)
        old = [p.detach().clone() for p in params.values()]
        with torch.no_grad():
            for p, g in zip(params.values(), g1):
                p.add_((p ** 2 if adaptive else 1.0) * g * scale)
        g2 = torch.autograd.grad(quartic(params, A, B), list(params.values()))
        with torch.no_grad():
            for p, o, g in zip(params.values(), old, g2):
                p.copy_(o)
                p.grad = g.clone()
        base.step()
        out.append({n: tensor_json(p.detach()) for n, p in params.items()})
    return {"name": name, "optimizer": optimizer, "params": params_ts,
            "init": {n: tensor_json(v) for n, v in init.items()},
            "closure": {"A": {n: tensor_json(v) for n, v in A.items()}, "B": {n: tensor_json(v) for n, v in B.items()}},
            "grads": [], "expected": out}


def sam_cases():
    O = torch.optim
    return [
        sam_case("sam-sgd-momentum", "sam", {"learningRate": 0.05, "rho": 0.05}, 0.05, False, lambda ps: O.SGD(ps, lr=0.05, momentum=0.9), 500),
        sam_case("sam-adamw", "sam", {"learningRate": 0.01, "rho": 0.1, "baseOptimizer": "adamw", "baseParams": {"weightDecay": 0.1}}, 0.1, False, lambda ps: O.AdamW(ps, lr=0.01, weight_decay=0.1), 501),
        sam_case("asam-sgd", "asam", {"learningRate": 0.05, "rho": 0.5}, 0.5, True, lambda ps: O.SGD(ps, lr=0.05, momentum=0.9), 502),
    ]


# ---------------------------------------------------------------- Schedule-Free
def sf_reference(kind, init, grads, lr, beta1, beta2=0.999, eps=1e-8, wd=0.0, warmup=0, r=0.0, wlp=2.0):
    """schedulefree 1.4 *Reference form (explicit x, y, z; decay at y), v1.3+ numerics."""
    y = {n: v.clone() for n, v in init.items()}
    z = {n: v.clone() for n, v in init.items()}
    x = {n: v.clone() for n, v in init.items()}
    v2 = {n: torch.zeros_like(v) for n, v in init.items()}
    k, lr_max, wsum = 0, -1.0, 0.0
    out = []
    for step in grads:
        sched = (k + 1) / warmup if k < warmup else 1.0
        lr_t = lr * sched
        lr_max = max(lr_max, lr_t)
        w = (k + 1) ** r * lr_max ** wlp
        wsum += w
        c = w / wsum if wsum != 0 else 0.0
        bc2 = 1 - beta2 ** (k + 1)
        for n, g in step.items():
            if kind == "adamw":
                v2[n] = beta2 * v2[n] + (1 - beta2) * g * g
                d = g / ((v2[n] / bc2).sqrt() + eps)
            else:
                d = g.clone()
            d = d + wd * y[n]
            z[n] = z[n] - lr_t * d
            x[n] = (1 - c) * x[n] + c * z[n]
            y[n] = beta1 * x[n] + (1 - beta1) * z[n]
        k += 1
        out.append({n: tensor_json(t) for n, t in y.items()})
    return out, {n: tensor_json(t) for n, t in x.items()}


def sf_wrapper_reference(init, grads, lr, beta, make_base, r=0.0, wlp=2.0):
    """ScheduleFreeWrapperReference: the base optimizer steps z with the gradient taken at y."""
    zp = {n: torch.nn.Parameter(v.clone()) for n, v in init.items()}
    y = {n: v.clone() for n, v in init.items()}
    x = {n: v.clone() for n, v in init.items()}
    base = make_base(list(zp.values()))
    k, lr_max, wsum = 0, -1.0, 0.0
    out = []
    for step in grads:
        for n, p in zp.items():
            p.grad = step[n].clone() if n in step else None
        base.step()
        lr_max = max(lr_max, lr)
        w = (k + 1) ** r * lr_max ** wlp
        wsum += w
        c = w / wsum
        for n in step:
            zn = zp[n].detach()
            x[n] = (1 - c) * x[n] + c * zn
            y[n] = beta * x[n] + (1 - beta) * zn
        k += 1
        out.append({n: tensor_json(t) for n, t in y.items()})
    return out, {n: tensor_json(t) for n, t in x.items()}


def sf_cases():
    cases = []
    specs = [
        ("sf-adamw-default", "schedule-free-adamw", {}, dict(kind="adamw", lr=0.0025, beta1=0.9)),
        ("sf-adamw-warmup-wd", "schedule-free-adamw", {"learningRate": 0.02, "beta1": 0.95, "beta2": 0.99, "weightDecay": 0.1, "warmupSteps": 5, "r": 0.75},
         dict(kind="adamw", lr=0.02, beta1=0.95, beta2=0.99, wd=0.1, warmup=5, r=0.75)),
        ("sf-sgd-default", "schedule-free-sgd", {"learningRate": 0.1}, dict(kind="sgd", lr=0.1, beta1=0.9)),
        ("sf-sgd-warmup-wd", "schedule-free-sgd", {"learningRate": 0.2, "momentum": 0.8, "weightDecay": 0.05, "warmupSteps": 4, "weightLrPower": 1},
         dict(kind="sgd", lr=0.2, beta1=0.8, wd=0.05, warmup=4, wlp=1.0)),
    ]
    for i, (name, opt, p, kw) in enumerate(specs):
        init, grads = make_problem(600 + i)
        kind = kw.pop("kind")
        lr = kw.pop("lr")
        beta1 = kw.pop("beta1")
        traj, x = sf_reference(kind, init, grads, lr, beta1, **kw)
        cases.append({"name": name, "optimizer": opt, "params": p, "init": {n: tensor_json(v) for n, v in init.items()},
                      "grads": [{n: tensor_json(g) for n, g in s.items()} for s in grads], "expected": traj, "evalExpected": x})
    O = torch.optim
    for i, (name, p, beta, mk) in enumerate([
        ("sf-wrapper-adam", {"learningRate": 0.01, "momentum": 0.9, "baseOptimizer": "adam", "baseParams": {"beta1": 0.0}}, 0.9, lambda ps: O.Adam(ps, lr=0.01, betas=(0.0, 0.999))),
        ("sf-wrapper-sgd-wd", {"learningRate": 0.1, "momentum": 0.7, "baseOptimizer": "sgd", "baseParams": {"weightDecay": 0.1}}, 0.7, lambda ps: O.SGD(ps, lr=0.1, weight_decay=0.1)),
    ]):
        init, grads = make_problem(650 + i)
        traj, x = sf_wrapper_reference(init, grads, p["learningRate"], beta, mk)
        cases.append({"name": name, "optimizer": "schedule-free", "params": p, "init": {n: tensor_json(v) for n, v in init.items()},
                      "grads": [{n: tensor_json(g) for n, g in s.items()} for s in grads], "expected": traj, "evalExpected": x})
    return cases


# ---------------------------------------------------------------- re-implemented references
def run_reference(step_fn, init, grads):
    """Runs `step_fn(name, theta, g, slot, shared) -> new theta` over the trajectory.
    `slot` is a per-variable dict (state), `shared` a per-step dict of group values."""
    theta = {n: v.clone() for n, v in init.items()}
    slots = {n: {} for n in init}
    group = {"k": 0}
    out = []
    for step in grads:
        group["k"] += 1
        for n, g in step.items():
            theta[n] = step_fn(n, theta[n], g, slots[n], group)
        out.append({n: tensor_json(t) for n, t in theta.items()})
    return out


def lion_ref(lr, b1=0.9, b2=0.99, wd=0.0):
    # google/automl lion_pytorch.py
    def f(n, p, g, s, _grp):
        m = s.get("m", torch.zeros_like(p))
        p = p * (1 - lr * wd)
        p = p - lr * torch.sign(b1 * m + (1 - b1) * g)
        s["m"] = b2 * m + (1 - b2) * g
        return p
    return f


def adam_dir(s, g, b1, b2, eps):
    t = s.get("t", 0) + 1
    s["t"] = t
    s["m"] = b1 * s.get("m", torch.zeros_like(g)) + (1 - b1) * g
    s["v"] = b2 * s.get("v", torch.zeros_like(g)) + (1 - b2) * g * g
    return (s["m"] / (1 - b1 ** t)) / ((s["v"] / (1 - b2 ** t)).sqrt() + eps)


def trust(p, u, coef=1.0, eps=0.0):
    pn, un = p.norm(), u.norm()
    if pn == 0 or un == 0:
        return u
    return u * (coef * pn / (un + eps))


def lamb_ref(lr, b1=0.9, b2=0.999, eps=1e-6, wd=0.0):
    # optax.lamb: scale_by_adam -> add_decayed_weights -> scale_by_trust_ratio -> -lr
    def f(n, p, g, s, _grp):
        u = adam_dir(s, g, b1, b2, eps) + wd * p
        return p - lr * trust(p, u)
    return f


def lars_ref(lr, momentum=0.9, nesterov=False, wd=0.0, coef=0.001, eps=0.0):
    # optax.lars: add_decayed_weights -> scale_by_trust_ratio(coef) -> -lr -> trace(momentum)
    def f(n, p, g, s, _grp):
        u = -lr * trust(p, g + wd * p, coef, eps)
        b = u if "b" not in s else momentum * s["b"] + u
        s["b"] = b
        return p + (u + momentum * b if nesterov else b)
    return f


def adabelief_ref(lr, b1=0.9, b2=0.999, eps=1e-16, eps_root=1e-16, wd=0.0):
    # optax.scale_by_belief (prediction error against the previous mean) + decoupled decay
    def f(n, p, g, s, _grp):
        t = s.get("t", 0) + 1
        s["t"] = t
        m_old = s.get("m", torch.zeros_like(g))
        s["m"] = b1 * m_old + (1 - b1) * g
        s["s"] = b2 * s.get("s", torch.zeros_like(g)) + (1 - b2) * (g - m_old) ** 2 + eps_root
        d = (s["m"] / (1 - b1 ** t)) / ((s["s"] / (1 - b2 ** t)).sqrt() + eps)
        return p - lr * (d + wd * p)
    return f


def adan_ref(lr, b1=0.98, b2=0.92, b3=0.99, eps=1e-8, wd=0.0, no_prox=False):
    # sail-sg/Adan adan.py, single-tensor path; group step k
    def f(n, p, g, s, grp):
        k = grp["k"]
        if "prev" not in s:
            s.update(m=torch.zeros_like(g), v=torch.zeros_like(g), n=torch.zeros_like(g), prev=g.clone())
        diff = g - s["prev"]
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * diff
        s["n"] = b3 * s["n"] + (1 - b3) * (g + b2 * diff) ** 2
        denom = s["n"].sqrt() / math.sqrt(1 - b3 ** k) + eps
        u = (s["m"] / (1 - b1 ** k) + b2 * s["v"] / (1 - b2 ** k)) / denom
        s["prev"] = g.clone()
        if no_prox:
            return p * (1 - lr * wd) - lr * u
        return (p - lr * u) / (1 + lr * wd)
    return f


def novograd_ref(lr, b1=0.9, b2=0.25, eps=1e-6, wd=0.0):
    # optax.scale_by_novograd
    def f(n, p, g, s, _grp):
        sq = (g * g).sum()
        nu = sq if "nu" not in s else b2 * s["nu"] + (1 - b2) * sq
        a = g / (nu.sqrt() + eps) + wd * p
        m = a if "m" not in s else b1 * s["m"] + a
        s["nu"], s["m"] = nu, m
        return p - lr * m
    return f


def adafactor_ref(lr, min_dim=128, decay_rate=0.8, clip=1.0, param_scale=True, momentum=0.0, wd=0.0, eps=1e-30):
    # optax.adafactor: scale_by_factored_rms -> clip_by_block_rms -> lr -> scale_by_param_block_rms
    #                  -> ema(momentum) -> add_decayed_weights -> scale(-1)
    import numpy as np

    def dims(shape):
        if len(shape) < 2:
            return None
        order = np.argsort(shape, kind="stable")
        if shape[order[-2]] < min_dim:
            return None
        return int(order[-2]), int(order[-1])

    def rms(x):
        return (x * x).mean().sqrt()

    def f(n, p, g, s, _grp):
        k = s.get("k", 0)
        rho = 1 - (k + 1) ** (-decay_rate)
        s["k"] = k + 1
        g2 = g * g + eps
        dd = dims(list(g.shape))
        if dd is None:
            s["v"] = rho * s.get("v", torch.zeros_like(g)) + (1 - rho) * g2
            u = g * s["v"] ** -0.5
        else:
            d1, d0 = dd
            s["row"] = rho * s.get("row", torch.zeros_like(g2.mean(d0))) + (1 - rho) * g2.mean(d0)
            s["col"] = rho * s.get("col", torch.zeros_like(g2.mean(d1))) + (1 - rho) * g2.mean(d1)
            rd1 = d1 - 1 if d1 > d0 else d1
            rf = (s["row"] / s["row"].mean(rd1, keepdim=True)) ** -0.5
            cf = s["col"] ** -0.5
            u = g * rf.unsqueeze(d0) * cf.unsqueeze(d1)
        if clip is not None:
            u = u / torch.clamp(rms(u) / clip, min=1.0)
        u = lr * u
        if param_scale:
            u = u * torch.clamp(rms(p), min=1e-3)
        if momentum > 0:
            s["mom"] = momentum * s.get("mom", torch.zeros_like(u)) + (1 - momentum) * u
            u = s["mom"]
        u = u + wd * p
        return p - u
    return f


def run_global(step_fn, init, grads):
    """Runs `step_fn(theta: dict, grads: dict, state: dict)` (in place on theta) over the trajectory."""
    theta = {n: v.clone() for n, v in init.items()}
    state = {}
    out = []
    for step in grads:
        step_fn(theta, step, state)
        out.append({n: tensor_json(t) for n, t in theta.items()})
    return out


def dadapt_adam_ref(lr=1.0, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, decouple=False, bias_corr=False, d0=1e-6, growth=math.inf):
    """dadaptation 3.x DAdaptAdam.step, one parameter group."""
    def f(theta, grads, st):
        if not st:
            st.update(d=d0, nw=0.0, k=0, s={}, m={}, v={})
        k, d = st["k"], st["d"]
        bc = ((1 - b2 ** (k + 1)) ** 0.5) / (1 - b1 ** (k + 1)) if bias_corr else 1.0
        dlr = d * lr * bc
        sb2 = b2 ** 0.5
        num_acc, sk_l1 = 0.0, 0.0
        for n, g in grads.items():
            if wd != 0 and not decouple:
                g = g + wd * theta[n]
            for key in ("s", "m", "v"):
                st[key].setdefault(n, torch.zeros_like(g))
            denom = st["v"][n].sqrt() + eps
            num_acc += dlr * torch.dot(g.flatten(), (st["s"][n] / denom).flatten()).item()
            st["m"][n] = b1 * st["m"][n] + dlr * (1 - b1) * g
            st["v"][n] = b2 * st["v"][n] + (1 - b2) * g * g
            st["s"][n] = sb2 * st["s"][n] + dlr * (1 - sb2) * g
            sk_l1 += st["s"][n].abs().sum().item()
        nw = sb2 * st["nw"] + (1 - sb2) * num_acc
        if sk_l1 == 0:
            return
        d_hat = nw / ((1 - sb2) * sk_l1)
        st["d"] = max(d, min(d_hat, d * growth))
        st["nw"] = nw
        for n in grads:
            denom = st["v"][n].sqrt() + eps
            if wd != 0 and decouple:
                theta[n] = theta[n] - wd * dlr * theta[n]
            theta[n] = theta[n] - st["m"][n] / denom
        st["k"] = k + 1
    return f


def dadapt_sgd_ref(lr=1.0, momentum=0.0, wd=0.0, d0=1e-6, growth=math.inf):
    """dadaptation 3.x DAdaptSGD.step, one parameter group."""
    def f(theta, grads, st):
        if not st:
            st.update(d=d0, num=0.0, k=0, s={}, x0={})
        k, d = st["k"], st["d"]
        if k == 0:
            st["g0"] = math.sqrt(sum((g * g).sum().item() for g in grads.values()))
        dlr = d * lr / st["g0"]
        num, sk_sq = st["num"], 0.0
        for n, g in grads.items():
            if n not in st["s"]:
                st["s"][n] = torch.zeros_like(g)
                st["x0"][n] = theta[n].clone()
            if wd != 0:
                g = g + wd * theta[n]
            num += dlr * torch.dot(g.flatten(), st["s"][n].flatten()).item()
            st["s"][n] = st["s"][n] + dlr * g
            sk_sq += (st["s"][n] ** 2).sum().item()
        d_hat = 2 * num / math.sqrt(sk_sq)
        st["d"] = max(d, min(d_hat, d * growth))
        if sk_sq == 0:
            return
        st["num"] = num
        for n in grads:
            z = st["x0"][n] - st["s"][n]
            theta[n] = momentum * theta[n] + (1 - momentum) * z
        st["k"] = k + 1
    return f


def prodigy_ref(lr=1.0, b1=0.9, b2=0.999, b3=None, eps=1e-8, wd=0.0, decouple=True, bias_corr=False, safeguard=False, d0=1e-6, d_coef=1.0, growth=math.inf):
    """prodigyopt 1.0 Prodigy.step, one parameter group."""
    b3 = b2 ** 0.5 if b3 is None else b3

    def f(theta, grads, st):
        if not st:
            st.update(d=d0, d_max=d0, num=0.0, k=0, s={}, p0={}, m={}, v={})
        k, d = st["k"], st["d"]
        bc = ((1 - b2 ** (k + 1)) ** 0.5) / (1 - b1 ** (k + 1)) if bias_corr else 1.0
        dlr = d * lr * bc
        num = st["num"] * b3
        den = 0.0
        for n, g in grads.items():
            if wd != 0 and not decouple:
                g = g + wd * theta[n]
            if n not in st["s"]:
                st["s"][n] = torch.zeros_like(g)
                st["p0"][n] = theta[n].clone()
                st["m"][n] = torch.zeros_like(g)
                st["v"][n] = torch.zeros_like(g)
            num += (d / d0) * dlr * torch.dot(g.flatten(), (st["p0"][n] - theta[n]).flatten()).item()
            st["m"][n] = b1 * st["m"][n] + d * (1 - b1) * g
            st["v"][n] = b2 * st["v"][n] + d * d * (1 - b2) * g * g
            st["s"][n] = b3 * st["s"][n] + ((d / d0) * d if safeguard else (d / d0) * dlr) * g
            den += st["s"][n].abs().sum().item()
        if den == 0:
            return
        d_hat = d_coef * num / den
        if d == d0:
            d = max(d, d_hat)
        st["d_max"] = max(st["d_max"], d_hat)
        d = min(st["d_max"], d * growth)
        st["d"], st["num"] = d, num
        for n in grads:
            denom = st["v"][n].sqrt() + d * eps
            if wd != 0 and decouple:
                theta[n] = theta[n] - wd * dlr * theta[n]
            theta[n] = theta[n] - dlr * st["m"][n] / denom
        st["k"] = k + 1
    return f


def dog_ref(lr=1.0, reps_rel=1e-6, eps=1e-8, wd=0.0, layerwise=False, init_eta=None):
    """dog-optimizer 1.0.3 DoG / LDoG.step."""
    def f(theta, grads, st):
        first = not st
        gs = {n: (g + wd * theta[n] if wd > 0 else g) for n, g in grads.items()}
        if first:
            st["x0"] = {n: t.clone() for n, t in theta.items()}
        if not layerwise:
            if first:
                st["rbar"] = reps_rel * (1 + torch.stack([theta[n].norm() for n in gs]).norm())
                st["G"] = torch.stack([(g ** 2).sum() for g in gs.values()]).sum() + eps
            else:
                dist = torch.stack([(theta[n] - st["x0"][n]).norm() for n in gs]).norm()
                st["rbar"] = torch.maximum(st["rbar"], dist)
                st["G"] = st["G"] + torch.stack([(g ** 2).sum() for g in gs.values()]).sum()
            eta = {n: st["rbar"] * lr / st["G"].sqrt() for n in gs}
        else:
            if first:
                st["rbar"] = {n: reps_rel * (1 + theta[n].norm()) for n in gs}
                st["G"] = {n: (g ** 2).sum() + eps for n, g in gs.items()}
            else:
                for n, g in gs.items():
                    st["rbar"][n] = torch.maximum(st["rbar"][n], (theta[n] - st["x0"][n]).norm())
                    st["G"][n] = st["G"][n] + (g ** 2).sum()
            eta = {n: st["rbar"][n] * lr / st["G"][n].sqrt() for n in gs}
        if first and init_eta is not None:
            eta = {n: init_eta for n in gs}
        for n, g in gs.items():
            theta[n] = theta[n] - eta[n] * g
    return f


def dowg_ref(lr=1.0, init=None, eps=1e-4, wd=0.0):
    """optax.contrib.scale_by_dowg (chained with -lr)."""
    def f(theta, grads, st):
        if not st:
            st.update(x0={n: t.clone() for n, t in theta.items()}, est=init if init is not None else eps, v=0.0)
        gs = {n: (g + wd * theta[n] if wd > 0 else g) for n, g in grads.items()}
        cur = sum(((theta[n] - st["x0"][n]) ** 2).sum().item() for n in gs)
        st["est"] = max(st["est"], cur)
        st["v"] = st["est"] * sum((g * g).sum().item() for g in gs.values()) + st["v"]
        eta = st["est"] / (math.sqrt(st["v"]) + eps)
        for n, g in gs.items():
            theta[n] = theta[n] - lr * eta * g
    return f


def averaged(inner, gamma):
    """dog-optimizer PolynomialDecayAverager around `inner`; returns (trajectory fn, averages)."""
    avg = {}

    def f(theta, grads, st):
        inner(theta, grads, st.setdefault("inner", {}))
        t = st.get("t", 0) + 1
        st["t"] = t
        w = (1 + gamma) / (t + gamma)
        for n in grads:
            avg[n] = theta[n].clone() if n not in avg else (1 - w) * avg[n] + w * theta[n]
    return f, avg


def global_cases():
    specs = [
        ("d-adapt-adam-default", "d-adapt-adam", {}, dadapt_adam_ref()),
        ("d-adapt-adam-decouple-bc", "d-adapt-adam", {"weightDecay": 0.1, "decouple": True, "useBiasCorrection": True, "beta2": 0.99, "d0": 1e-3},
         dadapt_adam_ref(wd=0.1, decouple=True, bias_corr=True, b2=0.99, d0=1e-3)),
        ("d-adapt-adam-coupled-growth", "d-adapt-adam", {"learningRate": 0.5, "weightDecay": 0.05, "growthRate": 1.5, "d0": 1e-2},
         dadapt_adam_ref(lr=0.5, wd=0.05, growth=1.5, d0=1e-2)),
        ("d-adapt-sgd-default", "d-adapt-sgd", {}, dadapt_sgd_ref()),
        ("d-adapt-sgd-momentum-wd", "d-adapt-sgd", {"momentum": 0.9, "weightDecay": 0.1, "d0": 1e-2, "growthRate": 2},
         dadapt_sgd_ref(momentum=0.9, wd=0.1, d0=1e-2, growth=2.0)),
        ("prodigy-default", "prodigy", {}, prodigy_ref()),
        ("prodigy-wd-bc-safeguard", "prodigy", {"weightDecay": 0.1, "useBiasCorrection": True, "safeguardWarmup": True, "d0": 1e-3, "beta3": 0.9},
         prodigy_ref(wd=0.1, bias_corr=True, safeguard=True, d0=1e-3, b3=0.9)),
        ("prodigy-coupled-growth", "prodigy", {"weightDecay": 0.05, "decouple": False, "growthRate": 1.2, "dCoef": 0.5, "d0": 1e-2},
         prodigy_ref(wd=0.05, decouple=False, growth=1.2, d_coef=0.5, d0=1e-2)),
        ("dog-default", "dog", {}, dog_ref()),
        ("dog-wd-reps", "dog", {"repsRel": 1e-3, "weightDecay": 0.1, "learningRate": 0.8}, dog_ref(lr=0.8, reps_rel=1e-3, wd=0.1)),
        ("dog-init-eta", "dog", {"initEta": 0.01}, dog_ref(init_eta=0.01)),
        ("ldog-default", "ldog", {"repsRel": 1e-4}, dog_ref(reps_rel=1e-4, layerwise=True)),
        ("dowg-default", "dowg", {}, dowg_ref()),
        ("dowg-init-wd", "dowg", {"initEstimSqDist": 0.01, "weightDecay": 0.1, "learningRate": 0.5}, dowg_ref(lr=0.5, init=0.01, wd=0.1)),
    ]
    cases = []
    for i, (name, opt, p, fn) in enumerate(specs):
        init, grads = make_problem(800 + i, missing=None)
        cases.append({"name": name, "optimizer": opt, "params": p, "init": {n: tensor_json(v) for n, v in init.items()},
                      "grads": [{n: tensor_json(g) for n, g in s.items()} for s in grads], "expected": run_global(fn, init, grads)})
    init, grads = make_problem(850, missing=None)
    fn, avg = averaged(dog_ref(reps_rel=1e-3), 8.0)
    traj = run_global(fn, init, grads)
    cases.append({"name": "poly-decay-averager-dog", "optimizer": "poly-decay-averager", "params": {"baseParams": {"repsRel": 1e-3}},
                  "init": {n: tensor_json(v) for n, v in init.items()}, "grads": [{n: tensor_json(g) for n, g in s.items()} for s in grads],
                  "expected": traj, "evalExpected": {n: tensor_json(t) for n, t in avg.items()}})
    return cases


def adamp_ref(kind, lr, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, delta=0.1, wd_ratio=0.1, nesterov=False, momentum=0.0, dampening=0.0, axis=0):
    """clovaai/AdamP adamp.py / sgdp.py; `axis` = the channel axis (moved first, as the reference's view(size(0), -1))."""
    import torch.nn.functional as F

    def projection(p, grad, perturb):
        if p.dim() <= 1:
            return perturb, 1.0
        P, G, U = (torch.movedim(t, axis, 0) for t in (p, grad, perturb))
        expand = [-1] + [1] * (P.dim() - 1)
        for view in (lambda x: x.reshape(x.size(0), -1), lambda x: x.reshape(1, -1)):
            cos = F.cosine_similarity(view(G), view(P), dim=1, eps=eps).abs()
            if cos.max() < delta / math.sqrt(view(P).size(1)):
                p_n = P / view(P).norm(dim=1).view(expand if view(P).size(0) > 1 else [1] * P.dim()).add(eps)
                U = U - p_n * view(p_n * U).sum(dim=1).view(expand if view(P).size(0) > 1 else [1] * P.dim())
                return torch.movedim(U, 0, axis), wd_ratio
        return perturb, 1.0

    def f(n, p, g, s, _grp):
        if kind == "adam":
            t = s.get("t", 0) + 1
            s["t"] = t
            s["m"] = b1 * s.get("m", torch.zeros_like(g)) + (1 - b1) * g
            s["v"] = b2 * s.get("v", torch.zeros_like(g)) + (1 - b2) * g * g
            denom = s["v"].sqrt() / math.sqrt(1 - b2 ** t) + eps
            perturb = ((b1 * s["m"] + (1 - b1) * g) if nesterov else s["m"]) / denom
            step = lr / (1 - b1 ** t)
        else:
            s["buf"] = momentum * s.get("buf", torch.zeros_like(g)) + (1 - dampening) * g
            perturb = g + momentum * s["buf"] if nesterov else s["buf"]
            step = lr
        perturb, r = projection(p, g, perturb)
        if wd > 0:
            p = p * (1 - lr * wd * r / (1 - momentum if kind == "sgd" else 1.0))
        return p - step * perturb
    return f


def ns5(G, steps=5):
    a, b, c = 3.4445, -4.7750, 2.0315
    X = G.clone()
    tall = X.size(0) > X.size(1)
    if tall:
        X = X.T
    X = X / (X.norm() + 1e-7)
    for _ in range(steps):
        A = X @ X.T
        B = b * A + c * A @ A
        X = a * X + B @ X
    return X.T if tall else X


def muon_ref(lr=0.02, beta=0.95, nesterov=True, steps=5, wd=0.0, ab1=0.9, ab2=0.999, aeps=1e-8):
    """Keller Jordan's SingleDeviceMuon for rank >= 2 (tfjs layout: [fan_in, fan_out]), AdamW (optax muon) for the rest."""
    def f(n, p, g, s, _grp):
        if p.dim() < 2:
            u = adam_dir(s, g, ab1, ab2, aeps) + wd * p
            return p - lr * u
        s["buf"] = beta * s.get("buf", torch.zeros_like(g)) + (1 - beta) * g
        u = (1 - beta) * g + beta * s["buf"] if nesterov else s["buf"]
        fan_out = g.shape[-1]
        fan_in = g.numel() // fan_out
        o = ns5(u.reshape(fan_in, fan_out), steps).reshape(g.shape) * max(1, fan_out / fan_in) ** 0.5
        return p * (1 - lr * wd) - lr * o
    return f


def ademamix_ref(lr=1e-3, b1=0.9, b2=0.999, b3=0.9999, alpha=2.0, t_alpha=None, t_beta3=None, eps=1e-8, wd=0.0):
    """apple/ml-ademamix (PyTorch)."""
    def hl(beta, e=1e-8):
        return math.log(0.5) / math.log(beta + e) - 1

    def hl_inv(t):
        return math.pow(0.5, 1 / (t + 1))

    def f(n, p, g, s, _grp):
        t = s.get("t", 0) + 1
        s["t"] = t
        a = alpha * t / t_alpha if t_alpha and t < t_alpha else alpha
        beta3 = hl_inv((1 - t / t_beta3) * hl(b1) + (t / t_beta3) * hl(b3)) if t_beta3 and t < t_beta3 else b3
        s["m1"] = b1 * s.get("m1", torch.zeros_like(g)) + (1 - b1) * g
        s["m2"] = beta3 * s.get("m2", torch.zeros_like(g)) + (1 - beta3) * g
        s["v"] = b2 * s.get("v", torch.zeros_like(g)) + (1 - b2) * g * g
        denom = s["v"].sqrt() / math.sqrt(1 - b2 ** t) + eps
        u = (s["m1"] / (1 - b1 ** t) + a * s["m2"]) / denom + wd * p
        return p - lr * u
    return f


def adopt_ref(lr=1e-3, b1=0.9, b2=0.9999, eps=1e-6, clip=True, wd=0.0, decouple=False):
    """iShohei220/adopt (v2, clip_lambda = step ** 0.25)."""
    def f(n, p, g, s, _grp):
        t = s.get("t", 0) + 1
        s["t"] = t
        if wd != 0:
            if decouple:
                p = p * (1 - lr * wd)
            else:
                g = g + wd * p
        if t == 1:
            s["v"] = g * g
            s["m"] = torch.zeros_like(g)
            return p
        nrm = g / torch.clamp(s["v"].sqrt(), min=eps)
        if clip:
            c = (t - 1) ** 0.25
            nrm = nrm.clamp(-c, c)
        s["m"] = b1 * s["m"] + (1 - b1) * nrm
        p = p - lr * s["m"]
        s["v"] = b2 * s["v"] + (1 - b2) * g * g
        return p
    return f


def madgrad_ref(lr=1e-2, momentum=0.9, wd=0.0, eps=1e-6):
    """facebookresearch/madgrad MADGRAD.step (dense, coupled decay), global k."""
    def f(theta, grads, st):
        k = st.get("k", 0)
        lr_ = lr + eps
        lamb = lr_ * math.sqrt(k + 1)
        ck = 1 - momentum
        for n, g in grads.items():
            s = st.setdefault("slots", {}).setdefault(n, {})
            if "sq" not in s:
                s["sq"] = torch.zeros_like(g)
                s["s"] = torch.zeros_like(g)
                if momentum != 0:
                    s["x0"] = theta[n].clone()
            if wd != 0:
                g = g + wd * theta[n]
            if momentum == 0:
                x0 = theta[n] + s["s"] / (s["sq"] ** (1 / 3) + eps)
            else:
                x0 = s["x0"]
            s["sq"] = s["sq"] + lamb * g * g
            s["s"] = s["s"] + lamb * g
            z = x0 - s["s"] / (s["sq"] ** (1 / 3) + eps)
            theta[n] = z if momentum == 0 else (1 - ck) * theta[n] + ck * z
        st["k"] = k + 1
    return f


def mfac_ref(lr=1e-3, momentum=0.0, wd=0.0, m=32, damp=1e-5):
    """IST-DASLab/M-FAC MFAC.step with the naive Woodbury HInvSlow (ring buffer of m gradients, zeros at first)."""
    def f(theta, grads, st):
        names = sorted(theta)
        g = torch.cat([(grads[n] + wd * theta[n] if wd > 0 else grads[n]).reshape(-1) for n in names])
        if "G" not in st:
            st.update(G=torch.zeros(m, g.numel()), last=0, v=torch.zeros(g.numel()))
        st["G"][st["last"]] = g
        st["last"] = (st["last"] + 1) % m
        d = g.numel()
        H = torch.eye(d) / damp
        for i in range(m):
            gi = st["G"][i]
            Hg = H @ gi
            H = H - torch.outer(Hg, Hg) / (m + gi @ Hg)
        u = H @ g
        if momentum > 0:
            st["v"] = momentum * st["v"] + (1 - momentum) * u
            u = st["v"]
        at = 0
        for n in names:
            k = theta[n].numel()
            theta[n] = theta[n] - lr * u[at:at + k].reshape(theta[n].shape)
            at += k
    return f


def p1_cases():
    specs = [
        ("adamp-default", "adamp", {"channelAxis": 0}, adamp_ref("adam", 1e-3)),
        ("adamp-projecting", "adamp", {"learningRate": 0.01, "delta": 2.0, "weightDecay": 0.1, "channelAxis": 0}, adamp_ref("adam", 0.01, delta=2.0, wd=0.1)),
        ("adamp-mixed-tfjs-layout", "adamp", {"learningRate": 0.01, "delta": 0.5, "weightDecay": 0.1, "nesterov": True}, adamp_ref("adam", 0.01, delta=0.5, wd=0.1, nesterov=True, axis=-1)),
        ("sgdp-momentum", "sgdp", {"learningRate": 0.05, "momentum": 0.9, "delta": 2.0, "weightDecay": 0.05, "channelAxis": 0},
         adamp_ref("sgd", 0.05, momentum=0.9, delta=2.0, wd=0.05)),
        ("sgdp-nesterov-tfjs", "sgdp", {"learningRate": 0.05, "momentum": 0.8, "nesterov": True, "delta": 0.5, "weightDecay": 0.05},
         adamp_ref("sgd", 0.05, momentum=0.8, nesterov=True, delta=0.5, wd=0.05, axis=-1)),
        ("muon-default", "muon", {}, muon_ref()),
        ("muon-plain-wd", "muon", {"learningRate": 0.05, "momentum": 0.9, "nesterov": False, "nsSteps": 3, "weightDecay": 0.1}, muon_ref(0.05, 0.9, False, 3, 0.1)),
        ("ademamix-default", "ademamix", {"learningRate": 0.01}, ademamix_ref(0.01)),
        ("ademamix-warmup-wd", "ademamix", {"learningRate": 0.01, "alpha": 5, "alphaWarmup": 8, "beta3Warmup": 10, "beta3": 0.999, "weightDecay": 0.1},
         ademamix_ref(0.01, b3=0.999, alpha=5.0, t_alpha=8, t_beta3=10, wd=0.1)),
        ("adopt-default", "adopt", {"learningRate": 0.01}, adopt_ref(0.01)),
        ("adopt-noclip-coupled", "adopt", {"learningRate": 0.01, "clip": False, "weightDecay": 0.1, "beta2": 0.99}, adopt_ref(0.01, b2=0.99, clip=False, wd=0.1)),
        ("adopt-decoupled", "adopt", {"learningRate": 0.01, "weightDecay": 0.1, "decouple": True}, adopt_ref(0.01, wd=0.1, decouple=True)),
    ]
    cases = []
    for i, (name, opt, p, fn) in enumerate(specs):
        init, grads = make_problem(900 + i)
        cases.append({"name": name, "optimizer": opt, "params": p, "init": {n: tensor_json(v) for n, v in init.items()},
                      "grads": [{n: tensor_json(g) for n, g in s.items()} for s in grads], "expected": run_reference(fn, init, grads)})
    for i, (name, p, fn) in enumerate([
        ("m-fac-small-window", {"learningRate": 0.01, "ngrads": 4, "damp": 0.1}, mfac_ref(0.01, m=4, damp=0.1)),
        ("m-fac-momentum-wd", {"learningRate": 0.01, "ngrads": 8, "damp": 1.0, "momentum": 0.9, "weightDecay": 0.1}, mfac_ref(0.01, 0.9, 0.1, 8, 1.0)),
    ]):
        init, grads = make_problem(970 + i, missing=None)
        cases.append({"name": name, "optimizer": "m-fac", "params": p, "init": {n: tensor_json(v) for n, v in init.items()},
                      "grads": [{n: tensor_json(g) for n, g in s.items()} for s in grads], "expected": run_global(fn, init, grads)})
    for i, (name, p, fn) in enumerate([
        ("madgrad-default", {}, madgrad_ref()),
        ("madgrad-nomomentum-wd", {"learningRate": 0.05, "momentum": 0, "weightDecay": 0.1}, madgrad_ref(0.05, 0.0, 0.1)),
    ]):
        init, grads = make_problem(950 + i, missing=None)
        cases.append({"name": name, "optimizer": "madgrad", "params": p, "init": {n: tensor_json(v) for n, v in init.items()},
                      "grads": [{n: tensor_json(g) for n, g in s.items()} for s in grads], "expected": run_global(fn, init, grads)})
    return cases


def reference_cases():
    specs = [
        ("lion-default", "lion", {}, lion_ref(1e-4)),
        ("lion-wd", "lion", {"learningRate": 0.01, "beta1": 0.8, "beta2": 0.95, "weightDecay": 0.5}, lion_ref(0.01, 0.8, 0.95, 0.5)),
        ("lamb-default", "lamb", {"learningRate": 0.01}, lamb_ref(0.01)),
        ("lamb-wd", "lamb", {"learningRate": 0.02, "beta1": 0.8, "epsilon": 1e-4, "weightDecay": 0.1}, lamb_ref(0.02, 0.8, 0.999, 1e-4, 0.1)),
        ("lars-default", "lars", {"learningRate": 0.5}, lars_ref(0.5)),
        ("lars-nesterov-wd", "lars", {"learningRate": 1.0, "momentum": 0.8, "nesterov": True, "weightDecay": 0.01, "trustCoefficient": 0.01, "epsilon": 1e-3},
         lars_ref(1.0, 0.8, True, 0.01, 0.01, 1e-3)),
        ("adabelief-default", "adabelief", {"learningRate": 0.01}, adabelief_ref(0.01)),
        ("adabelief-wd", "adabelief", {"learningRate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-8, "epsRoot": 1e-10, "weightDecay": 0.1},
         adabelief_ref(0.01, 0.8, 0.99, 1e-8, 1e-10, 0.1)),
        ("adan-default", "adan", {"learningRate": 0.01}, adan_ref(0.01)),
        ("adan-prox-wd", "adan", {"learningRate": 0.01, "beta1": 0.9, "beta2": 0.8, "beta3": 0.95, "weightDecay": 0.2}, adan_ref(0.01, 0.9, 0.8, 0.95, 1e-8, 0.2)),
        ("adan-noprox", "adan", {"learningRate": 0.01, "weightDecay": 0.2, "noProx": True}, adan_ref(0.01, wd=0.2, no_prox=True)),
        ("novograd-default", "novograd", {"learningRate": 0.01}, novograd_ref(0.01)),
        ("novograd-wd", "novograd", {"learningRate": 0.01, "beta1": 0.8, "beta2": 0.5, "epsilon": 1e-4, "weightDecay": 0.1}, novograd_ref(0.01, 0.8, 0.5, 1e-4, 0.1)),
        ("adafactor-unfactored", "adafactor", {}, adafactor_ref(1e-2)),
        ("adafactor-factored", "adafactor", {"learningRate": 0.05, "minDimSizeToFactor": 2, "decayRate": 0.7, "clippingThreshold": 0.5, "momentum": 0.9, "weightDecayRate": 0.01},
         adafactor_ref(0.05, 2, 0.7, 0.5, True, 0.9, 0.01)),
        ("adafactor-noscale", "adafactor", {"learningRate": 0.01, "minDimSizeToFactor": 3, "multiplyByParameterScale": False}, adafactor_ref(0.01, 3, param_scale=False)),
    ]
    cases = []
    for i, (name, opt, p, fn) in enumerate(specs):
        init, grads = make_problem(700 + i)
        cases.append({"name": name, "optimizer": opt, "params": p, "init": {n: tensor_json(v) for n, v in init.items()},
                      "grads": [{n: tensor_json(g) for n, g in s.items()} for s in grads], "expected": run_reference(fn, init, grads)})
    return cases


# ---------------------------------------------------------------- schedules
def optax_polynomial(init, end, power, steps, begin=0):
    if steps <= 0:
        return lambda c: init

    def f(c):
        c = min(max(c - begin, 0), steps)
        return (init - end) * (1 - c / steps) ** power + end

    return f


def optax_cosine(init, steps, alpha=0.0, exponent=1.0):
    def f(c):
        c = min(c, steps)
        return init * ((1 - alpha) * (0.5 * (1 + math.cos(math.pi * c / steps))) ** exponent + alpha)

    return f


def optax_join(fns, bounds):
    def f(c):
        out = fns[0](c)
        for b, g in zip(bounds, fns[1:]):
            if c >= b:
                out = g(c - b)
        return out

    return f


def optax_exponential(init, steps, rate, begin=0, staircase=False, end=None):
    def f(c):
        d = c - begin
        p = d / steps
        if staircase:
            p = math.floor(p)
        v = init if d <= 0 else init * rate ** p
        if end is not None:
            v = max(v, end) if rate < 1 else min(v, end)
        return v

    return f


def optax_piecewise_interp(kind, init, bs):
    bs = sorted(bs.items())
    bounds = [0] + [b for b, _ in bs]
    values = [init]
    for _, s in bs:
        values.append(values[-1] * s)

    def interp(a, b, p):
        return (b - a) * p + a if kind == "linear" else b + (a - b) / 2 * (math.cos(math.pi * p) + 1)

    def f(c):
        out = values[-1] if bounds[-1] <= c else 0.0
        for i in range(len(bounds) - 1):
            if bounds[i] <= c < bounds[i + 1]:
                out += interp(values[i], values[i + 1], (c - bounds[i]) / max(bounds[i + 1] - bounds[i], 1))
        return out

    return f


def torch_lrs(make_sched, base_lr, n):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=base_lr, momentum=0.9)
    s = make_sched(opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        s.step()
    return out


def schedule_cases():
    S = torch.optim.lr_scheduler
    cases = []

    def add(name, params, fn, steps, torch_values=None):
        vals = [fn(k) for k in steps]
        if torch_values is not None:
            for a, b in zip(vals, torch_values):
                assert abs(a - b) <= 1e-9 + 1e-7 * abs(b), (name, a, b)
        cases.append({"name": name, "params": params, "steps": list(steps), "values": vals, "torch": torch_values is not None})

    r = range(0, 60)
    add("constant", {"value": 0.3}, lambda k: 0.3, r)
    add("linear", {"initValue": 1.0, "endValue": 0.1, "transitionSteps": 40, "transitionBegin": 5}, optax_polynomial(1.0, 0.1, 1, 40, 5), r)
    add("linear", {"initValue": 0.5, "endValue": 0.05, "transitionSteps": 50}, optax_polynomial(0.5, 0.05, 1, 50), r,
        torch_lrs(lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=50), 0.5, 60))
    add("polynomial", {"initValue": 2.0, "endValue": 0.0, "power": 2.0, "transitionSteps": 45}, optax_polynomial(2.0, 0.0, 2.0, 45), r,
        torch_lrs(lambda o: S.PolynomialLR(o, total_iters=45, power=2.0), 2.0, 60))
    add("cosine-decay", {"initValue": 0.1, "decaySteps": 50}, optax_cosine(0.1, 50), r,
        torch_lrs(lambda o: S.CosineAnnealingLR(o, T_max=50, eta_min=0.0), 0.1, 51))
    add("cosine-decay", {"initValue": 1.0, "decaySteps": 30, "alpha": 0.1, "exponent": 2.0}, optax_cosine(1.0, 30, 0.1, 2.0), r)
    wcd = lambda init, peak, w, d, end=0.0, e=1.0: optax_join(
        [optax_polynomial(init, peak, 1, w), optax_cosine(peak, d - w, 0.0 if peak == 0 else end / peak, e)], [w])
    add("warmup-cosine-decay", {"initValue": 0.0, "peakValue": 1.0, "warmupSteps": 10, "decaySteps": 50, "endValue": 0.01}, wcd(0.0, 1.0, 10, 50, 0.01), r)
    add("warmup-cosine-decay", {"initValue": 0.1, "peakValue": 0.5, "warmupSteps": 7, "decaySteps": 40, "exponent": 1.5}, wcd(0.1, 0.5, 7, 40, 0.0, 1.5), r)
    add("warmup-constant", {"initValue": 0.0, "peakValue": 0.4, "warmupSteps": 8}, optax_polynomial(0.0, 0.4, 1, 8), r)
    add("exponential-decay", {"initValue": 1.0, "transitionSteps": 1, "decayRate": 0.9}, optax_exponential(1.0, 1, 0.9), r,
        torch_lrs(lambda o: S.ExponentialLR(o, gamma=0.9), 1.0, 60))
    add("exponential-decay", {"initValue": 0.5, "transitionSteps": 10, "decayRate": 0.5, "staircase": True}, optax_exponential(0.5, 10, 0.5, 0, True), r,
        torch_lrs(lambda o: S.StepLR(o, step_size=10, gamma=0.5), 0.5, 60))
    add("exponential-decay", {"initValue": 0.5, "transitionSteps": 7, "decayRate": 0.3, "transitionBegin": 5, "endValue": 0.05}, optax_exponential(0.5, 7, 0.3, 5, False, 0.05), r)
    add("warmup-exponential-decay", {"initValue": 0.0, "peakValue": 1.0, "warmupSteps": 5, "transitionSteps": 10, "decayRate": 0.5},
        optax_join([optax_polynomial(0.0, 1.0, 1, 5), optax_exponential(1.0, 10, 0.5)], [5]), r)
    add("piecewise-constant", {"initValue": 1.0, "boundariesAndScales": {"10": 0.1, "30": 0.5}},
        lambda k: 1.0 * (0.1 if k >= 10 else 1) * (0.5 if k >= 30 else 1), r,
        torch_lrs(lambda o: S.MultiStepLR(o, milestones=[10, 30], gamma=0.1), 1.0, 60)[:30] + [0.1 * 0.5] * 30)
    add("piecewise-constant", {"initValue": 2.0, "boundaries": [5, 20], "scales": [0.5, 0.1]},
        lambda k: 2.0 * (0.5 if k >= 5 else 1) * (0.1 if k >= 20 else 1), r,
        torch_lrs(lambda o: S.MultiStepLR(o, milestones=[5, 20], gamma=0.5), 2.0, 60)[:20] + [2.0 * 0.5 * 0.1] * 40)
    add("piecewise-interpolate", {"interpolateType": "linear", "initValue": 1.0, "boundariesAndScales": {"4": 0.1, "8": 0.01}},
        optax_piecewise_interp("linear", 1.0, {4: 0.1, 8: 0.01}), range(0, 12))
    add("piecewise-interpolate", {"interpolateType": "cosine", "initValue": 1.0, "boundaries": [10, 25], "scales": [2.0, 0.1]},
        optax_piecewise_interp("cosine", 1.0, {10: 2.0, 25: 0.1}), r)
    # optax cosine_onecycle_schedule / linear_onecycle_schedule
    T, peak = 50, 0.8
    add("one-cycle", {"transitionSteps": T, "peakValue": peak},
        optax_piecewise_interp("cosine", peak / 25, {int(0.3 * T): 25.0, T: 1 / (25 * 1e4)}), r)
    add("one-cycle", {"transitionSteps": T, "peakValue": peak, "annealStrategy": "linear", "pctStart": 0.25, "pctFinal": 0.8, "divFactor": 10, "finalDivFactor": 100},
        optax_piecewise_interp("linear", peak / 10, {int(0.25 * T): 10.0, int(0.8 * T): 0.1, T: 1 / 100}), r)

    def wsd(init, peak, end, W, S_, D, kind):
        def f(k):
            if k < W:
                return init + (peak - init) * k / W
            if k < W + S_:
                return peak
            if k < W + S_ + D:
                q = (k - W - S_) / D
                phi = {"linear": 1 - q, "cosine": 0.5 * (1 + math.cos(math.pi * q)), "1-sqrt": 1 - math.sqrt(q)}[kind]
                return end + (peak - end) * phi
            return end
        return f

    add("wsd", {"initValue": 0.0, "peakValue": 1.0, "endValue": 0.1, "warmupSteps": 5, "stableSteps": 20, "decaySteps": 20, "decayType": "linear"}, wsd(0.0, 1.0, 0.1, 5, 20, 20, "linear"), r)
    add("wsd", {"peakValue": 0.3, "warmupSteps": 10, "stableSteps": 10, "decaySteps": 30, "decayType": "1-sqrt"}, wsd(0.0, 0.3, 0.0, 10, 10, 30, "1-sqrt"), r)
    add("wsd", {"peakValue": 0.3, "warmupSteps": 0, "stableSteps": 10, "decaySteps": 30, "decayType": "cosine"}, wsd(0.0, 0.3, 0.0, 0, 10, 30, "cosine"), r)
    add("inverse-sqrt", {"initValue": 0.0, "peakValue": 1.0, "warmupSteps": 10},
        lambda k: k / 10 if k < 10 else math.sqrt(10 / k), r)
    def keras_restarts(init, first, t_mul=2.0, m_mul=1.0, alpha=0.0):
        # keras.optimizers.schedules.CosineDecayRestarts
        def f(k):
            frac = k / first
            if t_mul == 1.0:
                i = math.floor(frac)
                frac -= i
            else:
                i = math.floor(math.log(1 - frac * (1 - t_mul)) / math.log(t_mul))
                frac = (frac - (1 - t_mul ** i) / (1 - t_mul)) / t_mul ** i
            return init * ((1 - alpha) * 0.5 * m_mul ** i * (1 + math.cos(math.pi * frac)) + alpha)
        return f

    add("cosine-restarts", {"initValue": 0.2, "decaySteps": 10, "tMul": 2, "alpha": 0.05}, keras_restarts(0.2, 10, 2.0, 1.0, 0.05), r,
        torch_lrs(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=0.2 * 0.05), 0.2, 60))
    add("cosine-restarts", {"initValue": 0.5, "decaySteps": 7, "tMul": 1}, keras_restarts(0.5, 7, 1.0), r,
        torch_lrs(lambda o: S.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=1, eta_min=0.0), 0.5, 60))
    add("cosine-restarts", {"initValue": 1.0, "decaySteps": 5, "tMul": 1.5, "mMul": 0.8, "alpha": 0.1}, keras_restarts(1.0, 5, 1.5, 0.8, 0.1), r)
    cyc = [dict(initValue=0.0, peakValue=1.0, warmupSteps=3, decaySteps=15, endValue=0.1), dict(initValue=0.1, peakValue=0.5, warmupSteps=0, decaySteps=20, endValue=0.0, exponent=2.0)]
    # optax.sgdr_schedule: join(warmup_cosine_decay(**kw) for kw in cycles) at cumulative decay_steps
    add("sgdr", {"cosineKwargs": cyc},
        optax_join([wcd(c["initValue"], c["peakValue"], c["warmupSteps"], c["decaySteps"], c["endValue"], c.get("exponent", 1.0)) for c in cyc], [15]), r)
    def clr(base, top, up, down, mode, gamma=1.0):
        total = up + down
        ratio = up / total
        def f(k):
            cycle = math.floor(1 + k / total)
            x = 1 + k / total - cycle
            s = x / ratio if x <= ratio else (x - 1) / (ratio - 1)
            h = 1.0 if mode == "triangular" else (1 / 2 ** (cycle - 1) if mode == "triangular2" else gamma ** k)
            return base + (top - base) * s * h
        return f

    for mode, kw in [("triangular", {}), ("triangular2", {}), ("exp_range", {"gamma": 0.97})]:
        tv = torch_lrs(lambda o, mode=mode, kw=kw: S.CyclicLR(o, base_lr=0.1, max_lr=1.0, step_size_up=6, step_size_down=4, mode=mode, cycle_momentum=False, **kw), 0.1, 60)
        add("cyclic", {"initValue": 0.1, "peakValue": 1.0, "stepSizeUp": 6, "stepSizeDown": 4, "mode": mode, **kw}, clr(0.1, 1.0, 6, 4, mode, kw.get("gamma", 1.0)), r, tv)
    add("join-schedules", {"schedules": [{"name": "linear", "params": {"initValue": 0.0, "endValue": 1.0, "transitionSteps": 10}},
                                         {"name": "constant", "params": {"value": 1.0}},
                                         {"name": "exponential-decay", "params": {"initValue": 1.0, "transitionSteps": 5, "decayRate": 0.5}}],
                            "boundaries": [10, 30]},
        optax_join([optax_polynomial(0.0, 1.0, 1, 10), lambda k: 1.0, optax_exponential(1.0, 5, 0.5)], [10, 30]), r)
    return cases


def plateau_cases():
    gen = torch.Generator().manual_seed(900)
    noise = (torch.rand(40, generator=gen) * 0.2).tolist()
    metrics = [1.0 / (1 + i) + n if i < 10 else 0.1 + n for i, n in enumerate(noise)]
    out = []
    for kw, ts in [
        ({}, {}),
        ({"patience": 2, "factor": 0.5}, {"patience": 2, "factor": 0.5}),
        ({"patience": 1, "factor": 0.3, "cooldown": 2, "minLr": 0.05, "threshold": 0.01, "thresholdMode": "abs"},
         {"patience": 1, "factor": 0.3, "cooldown": 2, "min_lr": 0.05, "threshold": 0.01, "threshold_mode": "abs"}),
        ({"mode": "max", "patience": 3}, {"mode": "max", "patience": 3}),
    ]:
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=1.0)
        sch = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **ts)
        lrs = []
        for m in metrics:
            sch.step(m)
            lrs.append(opt.param_groups[0]["lr"])
        out.append({"params": kw, "metrics": metrics, "lrs": lrs})
    return out


def onecycle_momentum_cases():
    # torch OneCycleLR's momentum cycle has different phase ends; our momentumAt follows the
    # optax boundaries of the rate, interpolated from maxMomentum to baseMomentum and back.
    T = 50
    f = optax_piecewise_interp("cosine", 0.95, {int(0.3 * T): 0.85 / 0.95, T: 0.95 / 0.85})
    return [{"params": {"transitionSteps": T, "peakValue": 0.8}, "steps": list(range(60)), "values": [f(k) for k in range(60)]}]


if __name__ == "__main__":
    write_fixture("optimizers", "torch-optim", torch_cases())
    write_fixture("optimizers", "schedules", schedule_cases())
    write_fixture("optimizers", "sam", sam_cases())
    write_fixture("optimizers", "reference-optimizers", reference_cases())
    write_fixture("optimizers", "parameter-free", global_cases())
    write_fixture("optimizers", "p1-optimizers", p1_cases())
    write_fixture("optimizers", "schedule-free", sf_cases())
    write_fixture("optimizers", "one-cycle-momentum", onecycle_momentum_cases())
    write_fixture("optimizers", "reduce-on-plateau", plateau_cases())
