"""Fixtures for @tessera/normalization.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/oracle/gen_normalization.py

References: F.layer_norm, F.group_norm, F.batch_norm, F.instance_norm (PyTorch 1.13), the
explicit RMSNorm formula (1.13 has no nn.RMSNorm), and the official algorithms of PowerNorm
(sIncerass/powernorm mask_powernorm.py), Unified Normalization (hikvision-research UN1d),
EvoNorm (timm evo_norm.py), BCN/EstBN and Weight Standardization (joe-siyuan-qiao), re-run
here as torch computations written from those files. Layouts: the fixtures store tensors in
the tfjs channels-last layout; the torch calls permute to channels-first where they need it.

Every case stores float32 inputs, an upstream gradient `dy` (the loss is sum(y * dy)), and the
expected outputs and gradients computed in float64 from exactly those float32 values.
"""
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import f32, tensor_json, write_fixture  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

PKG = "normalization"
torch.set_default_dtype(torch.float64)


def gen(seed):
    g = torch.Generator().manual_seed(seed)
    return g


def grads(y, dy, *inputs):
    """d(sum(y*dy))/d inputs."""
    out = torch.autograd.grad((y * dy).sum(), inputs, allow_unused=True)
    return [torch.zeros_like(i) if o is None else o for o, i in zip(out, inputs)]


def leaf(t):
    return t.clone().requires_grad_(True)


# ---------------------------------------------------------------------------
# layer-norm

def layer_norm_cases():
    cases = []
    specs = [
        dict(name="btd-affine", shape=(2, 3, 5), axis=-1, affine=True, eps=1e-5, loc=0.0),
        dict(name="bd-no-affine", shape=(4, 6), axis=-1, affine=False, eps=1e-5, loc=0.0),
        dict(name="two-axes", shape=(2, 3, 4), axis=[-2, -1], affine=True, eps=1e-5, loc=0.0),
        dict(name="large-mean", shape=(3, 8), axis=-1, affine=True, eps=1e-5, loc=300.0),
        dict(name="eps-1e-3", shape=(2, 2, 4), axis=-1, affine=True, eps=1e-3, loc=0.0),
    ]
    for i, s in enumerate(specs):
        g = gen(100 + i)
        x = f32(s["shape"], g) + s["loc"]
        x = x.float().double()
        naxes = 1 if isinstance(s["axis"], int) else len(s["axis"])
        nshape = tuple(s["shape"][-naxes:])
        gamma = (1 + 0.5 * f32(nshape, g)).float().double()
        beta = (0.3 * f32(nshape, g)).float().double()
        dy = f32(s["shape"], g)
        xl, gl, bl = leaf(x), leaf(gamma), leaf(beta)
        if s["affine"]:
            y = F.layer_norm(xl, nshape, gl, bl, s["eps"])
            dx, dg, db = grads(y, dy, xl, gl, bl)
        else:
            y = F.layer_norm(xl, nshape, None, None, s["eps"])
            (dx,) = grads(y, dy, xl)
            dg = db = None
        case = dict(name=s["name"], axis=s["axis"], epsilon=s["eps"], affine=s["affine"],
                    x=tensor_json(x), dy=tensor_json(dy), y=tensor_json(y), dx=tensor_json(dx))
        if s["affine"]:
            case.update(gamma=tensor_json(gamma), beta=tensor_json(beta), dgamma=tensor_json(dg), dbeta=tensor_json(db))
        cases.append(case)
    write_fixture(PKG, "layer-norm", cases)


# ---------------------------------------------------------------------------
# rms-norm

def rms_norm_ref(x, g, b, eps, placement):
    ms = x.pow(2).mean(-1, keepdim=True)
    if placement == "inside":
        y = x * torch.rsqrt(ms + eps)
    else:
        y = x / (ms.sqrt() + eps)
    if g is not None:
        y = y * g
    if b is not None:
        y = y + b
    return y


def rms_norm_cases():
    cases = []
    specs = [
        dict(name="inside-1e-6", shape=(2, 3, 6), eps=1e-6, placement="inside", bias=False),
        dict(name="outside-1e-8", shape=(2, 3, 6), eps=1e-8, placement="outside", bias=False),
        dict(name="inside-bias", shape=(4, 5), eps=1e-6, placement="inside", bias=True),
        dict(name="small-norm-inside", shape=(2, 4), eps=1e-2, placement="inside", bias=False, scale=0.05),
        dict(name="small-norm-outside", shape=(2, 4), eps=1e-2, placement="outside", bias=False, scale=0.05),
    ]
    for i, s in enumerate(specs):
        g = gen(200 + i)
        x = f32(s["shape"], g, s.get("scale", 1.0))
        d = s["shape"][-1]
        gamma = (1 + 0.5 * f32((d,), g)).float().double()
        beta = (0.3 * f32((d,), g)).float().double()
        dy = f32(s["shape"], g)
        xl, gl, bl = leaf(x), leaf(gamma), leaf(beta)
        y = rms_norm_ref(xl, gl, bl if s["bias"] else None, s["eps"], s["placement"])
        dx, dg, db = grads(y, dy, xl, gl, bl)
        case = dict(name=s["name"], epsilon=s["eps"], epsPlacement=s["placement"], bias=s["bias"],
                    x=tensor_json(x), gamma=tensor_json(gamma), dy=tensor_json(dy), y=tensor_json(y),
                    dx=tensor_json(dx), dgamma=tensor_json(dg))
        if s["bias"]:
            case.update(beta=tensor_json(beta), dbeta=tensor_json(db))
        cases.append(case)
    write_fixture(PKG, "rms-norm", cases)


# ---------------------------------------------------------------------------
# layout helpers: fixtures are channels-last, torch wants channels-first

def to_cf(x):
    """[B, ..., C] -> [B, C, ...]"""
    dims = list(range(x.dim()))
    return x.permute(0, dims[-1], *dims[1:-1])


def to_cl(x):
    """[B, C, ...] -> [B, ..., C]"""
    dims = list(range(x.dim()))
    return x.permute(0, *dims[2:], 1)


def bn_module(C, rank, **kw):
    return (torch.nn.BatchNorm1d if rank <= 3 else torch.nn.BatchNorm2d)(C, **kw).double()


def stateful_steps(module, shape, steps, seed, fwd, params, eval_steps=1):
    """Drive `module` through `steps` training calls (each with its own x, dy) and `eval_steps`
    inference calls; `fwd(module, x_leaf)` returns y in the fixture layout. Records y, dx, the
    parameter gradients and every buffer after each step."""
    g = gen(seed)
    out = []
    for t in range(steps + eval_steps):
        training = t < steps
        module.train(training)
        x = f32(shape, g, 1.5) + 0.5
        dy = f32(shape, g)
        xl = leaf(x)
        for p in module.parameters():
            p.grad = None
        y = fwd(module, xl)
        rec = dict(training=training, x=tensor_json(x), y=tensor_json(y))
        if training:
            (y * dy).sum().backward()
            rec["dy"] = tensor_json(dy)
            rec["dx"] = tensor_json(xl.grad)
            for name, p in module.named_parameters():
                if name in params:
                    rec["d" + params[name]] = tensor_json(p.grad.reshape(-1))
        for name, b in module.named_buffers():
            if b.dtype.is_floating_point:
                rec[name] = tensor_json(b.reshape(-1))
        out.append(rec)
    return out


def init_affine(module, g, wname="weight", bname="bias"):
    w = getattr(module, wname, None)
    if w is not None:
        with torch.no_grad():
            w.copy_((1 + 0.3 * f32(tuple(w.shape), g)).float().double())
            getattr(module, bname).copy_((0.2 * f32(tuple(w.shape), g)).float().double())
        return dict(gamma=tensor_json(w.detach().reshape(-1)), beta=tensor_json(getattr(module, bname).detach().reshape(-1)))
    return {}


# ---------------------------------------------------------------------------
# batch-norm

def batch_norm_cases():
    cases = []
    specs = [
        dict(name="bc", shape=(6, 4), momentum=0.1, affine=True),
        dict(name="btc", shape=(3, 5, 4), momentum=0.1, affine=True),
        dict(name="bhwc", shape=(2, 3, 3, 4), momentum=0.1, affine=True),
        dict(name="bhwc-momentum-0.3-no-affine", shape=(2, 3, 2, 3), momentum=0.3, affine=False),
        dict(name="btc-cumulative", shape=(3, 4, 2), momentum=None, affine=True),
    ]
    for i, s in enumerate(specs):
        C = s["shape"][-1]
        m = bn_module(C, len(s["shape"]), eps=1e-5, momentum=s["momentum"], affine=s["affine"])
        init = init_affine(m, gen(300 + i))
        steps = stateful_steps(m, s["shape"], 4, 310 + i, lambda mod, x: to_cl(mod(to_cf(x))), {"weight": "gamma", "bias": "beta"}, eval_steps=2)
        cases.append(dict(name=s["name"], params=dict(momentum=s["momentum"], affine=s["affine"]), init=init, steps=steps))
    write_fixture(PKG, "batch-norm", cases)


# ---------------------------------------------------------------------------
# group-norm

def group_norm_cases():
    cases = []
    specs = [
        dict(name="btc-g2", shape=(2, 5, 6), groups=2),
        dict(name="bhwc-g4", shape=(2, 3, 3, 8), groups=4),
        dict(name="bc-g3", shape=(4, 6), groups=3),
        dict(name="bhwc-g1", shape=(2, 2, 3, 4), groups=1),
    ]
    for i, s in enumerate(specs):
        g = gen(400 + i)
        C = s["shape"][-1]
        x = f32(s["shape"], g, 2.0) + 1.0
        gamma = (1 + 0.3 * f32((C,), g)).float().double()
        beta = (0.2 * f32((C,), g)).float().double()
        dy = f32(s["shape"], g)
        xl, gl, bl = leaf(x), leaf(gamma), leaf(beta)
        y = to_cl(F.group_norm(to_cf(xl), s["groups"], gl, bl, 1e-5))
        dx, dg, db = grads(y, dy, xl, gl, bl)
        cases.append(dict(name=s["name"], numGroups=s["groups"], x=tensor_json(x), gamma=tensor_json(gamma), beta=tensor_json(beta),
                          dy=tensor_json(dy), y=tensor_json(y), dx=tensor_json(dx), dgamma=tensor_json(dg), dbeta=tensor_json(db)))
    write_fixture(PKG, "group-norm", cases)


# ---------------------------------------------------------------------------
# instance-norm

def instance_norm_cases():
    cases = []
    specs = [
        dict(name="btc-default", shape=(2, 5, 3), affine=False, track=False),
        dict(name="bhwc-affine-tracked", shape=(2, 3, 3, 4), affine=True, track=True),
        dict(name="btc-affine-tracked", shape=(3, 4, 2), affine=True, track=True),
    ]
    for i, s in enumerate(specs):
        C = s["shape"][-1]
        cls = torch.nn.InstanceNorm1d if len(s["shape"]) == 3 else torch.nn.InstanceNorm2d
        m = cls(C, eps=1e-5, momentum=0.1, affine=s["affine"], track_running_stats=s["track"]).double()
        init = init_affine(m, gen(500 + i))
        steps = stateful_steps(m, s["shape"], 3, 510 + i, lambda mod, x: to_cl(mod(to_cf(x))), {"weight": "gamma", "bias": "beta"}, eval_steps=1)
        cases.append(dict(name=s["name"], params=dict(affine=s["affine"], trackRunningStats=s["track"]), init=init, steps=steps))
    write_fixture(PKG, "instance-norm", cases)


# ---------------------------------------------------------------------------
# power-norm: the official MaskPowerNorm algorithm (sIncerass/powernorm,
# fairseq/modules/norms/mask_powernorm.py), restated here as a torch.autograd.Function.

class _PowerFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, state, x_valid, cfg):
        # x: [N, C] (all positions), x_valid: [M, C] (real tokens only)
        t = state["iters"]
        var = (x_valid * x_valid).mean(dim=0)
        if t <= cfg["warmup"]:
            z = x / (var + cfg["eps"]).sqrt()
        else:
            z = x / (state["phi"] + cfg["eps"]).sqrt()
        phi = state["phi"]
        if t < cfg["warmup"]:
            phi = phi * (t - 1) / t + var / t
        state["phi"] = cfg["afwd"] * phi + (1 - cfg["afwd"]) * var
        ctx.save_for_backward(z, var, weight)
        ctx.state, ctx.cfg = state, cfg
        return weight * z + bias

    @staticmethod
    def backward(ctx, gy):
        z, var, weight = ctx.saved_tensors
        state, cfg = ctx.state, ctx.cfg
        g = gy * weight
        ghat = g - (1 - cfg["abkw"]) * state["ema_gz"] * z
        state["ema_gz"] = state["ema_gz"] + (ghat * z).mean(dim=0)
        gx = ghat / (var + cfg["eps"]).sqrt()
        return gx, (gy * z).sum(dim=0), gy.sum(dim=0), None, None, None


class PowerNormRef(torch.nn.Module):
    def __init__(self, C, eps=1e-5, alpha_fwd=0.9, alpha_bkw=0.9, warmup_iters=10000, group_num=1):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(C))
        self.bias = torch.nn.Parameter(torch.zeros(C))
        self.state = dict(phi=torch.ones(C), ema_gz=torch.zeros(C), iters=0)
        self.cfg = dict(eps=eps, afwd=alpha_fwd, abkw=alpha_bkw, warmup=warmup_iters)
        self.G = group_num
        self.C = C

    def forward(self, x, mask=None):
        # x: [B, T, C] channels-last; mask [B, T] True = real token
        shape = x.shape
        gx = x.reshape(-1, self.G, self.C // self.G)
        x = (gx / ((gx * gx).mean(dim=2, keepdim=True) + 1e-5).sqrt()).reshape(shape)
        flat = x.reshape(-1, self.C)
        valid = flat if mask is None else flat[mask.reshape(-1)]
        if self.training:
            self.state["iters"] += 1
            y = _PowerFn.apply(flat, self.weight, self.bias, self.state, valid.detach(), self.cfg)
        else:
            y = self.weight * flat / (self.state["phi"] + self.cfg["eps"]).sqrt() + self.bias
        return y.reshape(shape)


def ref_steps(module, shape, steps, seed, eval_steps, mask_fn=None, state_names=(), scale_fn=None):
    """Like stateful_steps, for the reference modules above that keep state in a dict."""
    g = gen(seed)
    out = []
    for t in range(steps + eval_steps):
        training = t < steps
        module.train(training)
        x = (f32(shape, g, 1.5) + 0.5) * (scale_fn(t) if scale_fn else 1.0)
        dy = f32(shape, g)
        mask = mask_fn(t) if mask_fn else None
        xl = leaf(x)
        for p in module.parameters():
            p.grad = None
        y = module(xl, mask)
        rec = dict(training=training, x=tensor_json(x), y=tensor_json(y))
        if mask is not None:
            rec["mask"] = tensor_json(mask)
        if training:
            (y * dy).sum().backward()
            rec.update(dy=tensor_json(dy), dx=tensor_json(xl.grad), dgamma=tensor_json(module.weight.grad), dbeta=tensor_json(module.bias.grad))
        for key, name in state_names:
            rec[name] = tensor_json(torch.as_tensor(module.state[key], dtype=torch.float64).reshape(-1))
        out.append(rec)
    return out


def power_norm_cases():
    cases = []
    B, T, C = 3, 4, 6
    pad = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0]], dtype=torch.bool)
    specs = [
        dict(name="warmup-2-of-5-steps", params=dict(warmupIters=2), mask=False, groups=1),
        dict(name="in-warmup", params=dict(warmupIters=100), mask=False, groups=1),
        dict(name="masked-warmup-3-groups-2", params=dict(warmupIters=3, groupNum=2, alphaFwd=0.8, alphaBkw=0.7), mask=True, groups=2),
        dict(name="warmup-0", params=dict(warmupIters=0), mask=True, groups=1),
    ]
    for i, s in enumerate(specs):
        p = s["params"]
        m = PowerNormRef(C, alpha_fwd=p.get("alphaFwd", 0.9), alpha_bkw=p.get("alphaBkw", 0.9), warmup_iters=p["warmupIters"], group_num=s["groups"])
        init = init_affine(m, gen(600 + i))
        steps = ref_steps(m, (B, T, C), 5, 610 + i, 2, (lambda t: pad) if s["mask"] else None,
                          state_names=[("phi", "running_phi"), ("ema_gz", "ema_gz")])
        cases.append(dict(name=s["name"], params=p, init=init, steps=steps))
    write_fixture(PKG, "power-norm", cases)


# ---------------------------------------------------------------------------
# unified-norm: the official UN1d algorithm (hikvision-research/Unified-Normalization,
# unified_normalization.py), restated as a torch.autograd.Function. `mo` is the official
# momentum (weight of the old value); the hard-coded 1000-step compensation floor is `comp`.

class _UNFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, st, x_valid, cfg):
        t, Wf, Wb = st["iters"], cfg["wf"], cfg["wb"]
        skip = not (Wf > 1)
        x2 = (x_valid * x_valid).mean(dim=0)
        recorded = torch.var(torch.sqrt(st["bx2"]))
        st["bx2"][t % Wf] = x2
        if t >= cfg["warmup"] and cfg["outlier"]:
            am = st["bx2"].mean(dim=0)
            gm = torch.exp(torch.mean(torch.log(st["bx2"]), dim=0))
            if ((am - gm) > recorded * Wf).sum() > 0:
                st["bx2"][t % Wf] = st["rv"]
                skip = True
                st["skips"] += 1
        if t <= Wf or t < cfg["warmup"] or skip:
            var = x2
        else:
            var = torch.exp(torch.mean(torch.log(st["bx2"]), dim=0))
        r = (var + cfg["eps"]).sqrt() / (st["rv"] + cfg["eps"]).sqrt()
        if t <= max(cfg["comp"], cfg["warmup"]) or skip:
            r = torch.ones_like(r)
        else:
            r = torch.clamp(r, 1 / 5, 5)
        z = x / (var + cfg["eps"]).sqrt()
        st["rv"] = cfg["mo"] * st["rv"] + (1 - cfg["mo"]) * var
        ctx.save_for_backward(z, var, weight, r)
        ctx.st, ctx.cfg, ctx.skip, ctx.t = st, cfg, skip, t
        return weight * z + bias

    @staticmethod
    def backward(ctx, gy):
        z, var, weight, r = ctx.saved_tensors
        st, cfg, skip, t = ctx.st, ctx.cfg, ctx.skip, ctx.t
        g = gy * weight * r
        gz = (g * z).mean(dim=0)
        st["bgz"][t % cfg["wb"]] = st["ema"] if skip else gz
        if t <= cfg["wb"] or t < cfg["warmup"] or skip:
            mean_gz = gz
        else:
            mean_gz = st["bgz"].mean(dim=0)
        st["ema"] = st["ema"] * cfg["mo"] + (1 - cfg["mo"]) * mean_gz
        ghat = g - (mean_gz if skip else st["ema"]) * z
        gx = ghat / (var + cfg["eps"]).sqrt()
        return gx, (gy * r * z).sum(dim=0), gy.sum(dim=0), None, None, None


class UnifiedNormRef(torch.nn.Module):
    def __init__(self, C, window=4, warmup=4000, outlier=False, eps=1e-5, mo=0.9, comp=1000):
        super().__init__()
        wf, wb = (window, window) if isinstance(window, int) else window
        self.weight = torch.nn.Parameter(torch.ones(C))
        self.bias = torch.nn.Parameter(torch.zeros(C))
        self.state = dict(rv=torch.ones(C), ema=torch.zeros(C), bx2=torch.zeros(wf, C), bgz=torch.zeros(wb, C), iters=0, skips=0)
        self.cfg = dict(wf=wf, wb=wb, warmup=warmup, outlier=outlier, eps=eps, mo=mo, comp=comp)
        self.C = C

    def forward(self, x, mask=None):
        shape = x.shape
        flat = x.reshape(-1, self.C)
        valid = flat if mask is None else flat[mask.reshape(-1)]
        if self.training:
            self.state["iters"] += 1
            y = _UNFn.apply(flat, self.weight, self.bias, self.state, valid.detach(), self.cfg)
        else:
            y = self.weight * flat / (self.state["rv"] + self.cfg["eps"]).sqrt() + self.bias
        return y.reshape(shape)


def unified_norm_cases():
    cases = []
    B, T, C = 3, 4, 5
    pad = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0]], dtype=torch.bool)
    specs = [
        dict(name="window-2-warmup-2-comp-3", params=dict(windowSize=2, warmupIters=2, compensationWarmup=3), mask=False, outlier=False),
        dict(name="in-warmup-defaults", params=dict(), mask=False, outlier=False),
        dict(name="masked-window-3-2", params=dict(windowSize=[3, 2], warmupIters=1, compensationWarmup=4, momentum=0.2), mask=True, outlier=False),
        dict(name="outlier-filtration", params=dict(windowSize=3, warmupIters=2, compensationWarmup=2, outlierFiltration=True), mask=False, outlier=True),
        dict(name="window-1-always-skips", params=dict(windowSize=1, warmupIters=1, compensationWarmup=1), mask=False, outlier=False),
    ]
    for i, s in enumerate(specs):
        p = s["params"]
        m = UnifiedNormRef(C, window=p.get("windowSize", 4), warmup=p.get("warmupIters", 4000), outlier=s["outlier"],
                           mo=1 - p.get("momentum", 0.1), comp=p.get("compensationWarmup", 1000))
        init = init_affine(m, gen(700 + i))
        # an outlier batch at step 5 (10x larger) for the filtration case
        scale = (lambda t: 10.0 if t == 4 else 1.0) if s["outlier"] else None
        steps = ref_steps(m, (B, T, C), 7, 710 + i, 2, (lambda t: pad) if s["mask"] else None,
                          state_names=[("rv", "running_var"), ("ema", "ema_gz"), ("bx2", "buffer_x2"), ("bgz", "buffer_gz"), ("skips", "skip_counter")],
                          scale_fn=scale)
        cases.append(dict(name=s["name"], params=p, init=init, steps=steps, skips=m.state["skips"]))
    write_fixture(PKG, "unified-norm", cases)


# ---------------------------------------------------------------------------
# crms-norm: LayerNorm (no affine) of the zero-mean x = (x̂, −Σx̂), first d − 1 coordinates

def crms_norm_cases():
    cases = []
    for i, (shape, eps) in enumerate([((2, 3, 5), 1e-5), ((4, 7), 1e-6), ((2, 3), 1e-2)]):
        g = gen(800 + i)
        xh = f32(shape, g)
        dy = f32(shape, g)
        xl = leaf(xh)
        full = torch.cat([xl, -xl.sum(-1, keepdim=True)], dim=-1)
        y = F.layer_norm(full, (shape[-1] + 1,), None, None, eps)[..., :-1]
        (dx,) = grads(y, dy, xl)
        cases.append(dict(name=f"{list(shape)}-eps-{eps}", epsilon=eps, x=tensor_json(xh), dy=tensor_json(dy), y=tensor_json(y), dx=tensor_json(dx)))
    write_fixture(PKG, "crms-norm", cases)


# ---------------------------------------------------------------------------
# masked-batch-norm: nn.BatchNorm1d semantics with statistics over the real tokens only

class MaskedBNRef(torch.nn.Module):
    def __init__(self, C, eps=1e-5, momentum=0.1):
        super().__init__()
        self.bn = torch.nn.BatchNorm1d(C, eps=eps, momentum=momentum).double()
        self.weight, self.bias = self.bn.weight, self.bn.bias
        self.state = self.bn._buffers
        self.C = C

    def forward(self, x, mask=None):
        flat = x.reshape(-1, self.C)
        if not self.training:
            return self.bn(flat).reshape(x.shape)
        valid = flat if mask is None else flat[mask.reshape(-1)]
        self.bn(valid)  # updates running_mean / running_var (unbiased) exactly as nn.BatchNorm1d
        mean = valid.mean(0)
        var = valid.var(0, unbiased=False)
        y = (flat - mean) / (var + self.bn.eps).sqrt() * self.weight + self.bias
        return y.reshape(x.shape)


def masked_batch_norm_cases():
    cases = []
    pad = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0]], dtype=torch.bool)
    for i, (name, use_mask, momentum) in enumerate([("masked", True, 0.1), ("unmasked", False, 0.1), ("masked-momentum-0.5", True, 0.5)]):
        m = MaskedBNRef(5, momentum=momentum)
        init = init_affine(m.bn, gen(900 + i))
        steps = ref_steps(m, (3, 4, 5), 3, 910 + i, 2, (lambda t: pad) if use_mask else None,
                          state_names=[("running_mean", "running_mean"), ("running_var", "running_var")])
        cases.append(dict(name=name, params=dict(momentum=momentum), init=init, steps=steps))
    write_fixture(PKG, "masked-batch-norm", cases)


# ---------------------------------------------------------------------------
# ghost-batch-norm: torch.cat([bn(c) for c in x.chunk(ceil(B / B_g))]) (Composer's GhostBatchNorm)

class GhostBNRef(torch.nn.Module):
    def __init__(self, C, rank, size, momentum=0.1):
        super().__init__()
        self.bn = bn_module(C, rank, eps=1e-5, momentum=momentum)
        self.size = size

    def forward(self, x):
        if not self.training:
            return self.bn(x)
        k = math.ceil(x.shape[0] / self.size)
        return torch.cat([self.bn(c) for c in x.chunk(k)], dim=0)


def ghost_batch_norm_cases():
    cases = []
    specs = [("b8-g3", (8, 4), 3), ("b6-g2-btc", (6, 3, 2), 2), ("b4-g8-plain", (4, 3), 8), ("b6-g4-bhwc", (6, 2, 2, 3), 4)]
    for i, (name, shape, size) in enumerate(specs):
        m = GhostBNRef(shape[-1], len(shape), size)
        init = init_affine(m.bn, gen(950 + i))
        steps = stateful_steps(m, shape, 3, 960 + i, lambda mod, x: to_cl(mod(to_cf(x))), {"bn.weight": "gamma", "bn.bias": "beta"}, eval_steps=2)
        for st in steps:
            for k in list(st):
                if k.startswith("bn."):
                    st[k[3:]] = st.pop(k)
        cases.append(dict(name=name, params=dict(virtualBatchSize=size), init=init, steps=steps))
    write_fixture(PKG, "ghost-batch-norm", cases)


# ---------------------------------------------------------------------------
# evonorm-b0 / evonorm-s0: timm's EvoNorm2dB0 / EvoNorm2dS0 (timm/layers/evo_norm.py), restated.
# Inputs channels-first [B, C, H, W]; a sequence [B, T, C] runs as [B, C, T, 1].

class EvoB0Ref(torch.nn.Module):
    def __init__(self, C, eps=1e-3, momentum=0.1):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(C))
        self.bias = torch.nn.Parameter(torch.zeros(C))
        self.v = torch.nn.Parameter(torch.ones(C))
        self.register_buffer("running_var", torch.ones(C))
        self.eps, self.momentum = eps, momentum

    def forward(self, x):
        vs = (1, -1, 1, 1)
        if self.training:
            var = x.var(dim=(0, 2, 3), unbiased=False)
            n = x.numel() / x.shape[1]
            self.running_var.copy_(self.running_var * (1 - self.momentum) + var.detach() * self.momentum * (n / (n - 1)))
        else:
            var = self.running_var
        left = (var + self.eps).sqrt().view(vs).expand_as(x)
        inst = (x.var(dim=(2, 3), unbiased=False, keepdim=True) + self.eps).sqrt().expand(x.shape)
        right = x * self.v.view(vs) + inst
        return x / left.max(right) * self.weight.view(vs) + self.bias.view(vs)


class EvoS0Ref(torch.nn.Module):
    def __init__(self, C, groups, eps=1e-5):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(C))
        self.bias = torch.nn.Parameter(torch.zeros(C))
        self.v = torch.nn.Parameter(torch.ones(C))
        self.groups, self.eps = groups, eps

    def forward(self, x):
        vs = (1, -1, 1, 1)
        B, C, H, W = x.shape
        g = x.reshape(B, self.groups, C // self.groups, H, W)
        std = (g.var(dim=(2, 3, 4), unbiased=False, keepdim=True) + self.eps).sqrt().expand(g.shape).reshape(B, C, H, W)
        return x * (x * self.v.view(vs)).sigmoid() / std * self.weight.view(vs) + self.bias.view(vs)


def _evo_fwd(mod, x):
    # .contiguous(): torch 1.13's batch_norm backward gives a wrong input gradient for this
    # permuted (non-contiguous) view (checked against finite differences)
    if x.dim() == 3:  # [B, T, C] -> [B, C, T, 1]
        return mod(x.permute(0, 2, 1).unsqueeze(-1).contiguous()).squeeze(-1).permute(0, 2, 1)
    return to_cl(mod(to_cf(x).contiguous()))


def _init_evo(m, g):
    init = init_affine(m, g)
    with torch.no_grad():
        m.v.copy_((1 + 0.3 * f32(tuple(m.v.shape), g)).float().double())
    init["v"] = tensor_json(m.v.detach())
    return init


def evonorm_cases():
    b0 = []
    for i, (name, shape, eps) in enumerate([("bhwc", (3, 3, 2, 4), 1e-3), ("btc-eps-1e-5", (2, 5, 3), 1e-5)]):
        m = EvoB0Ref(shape[-1], eps=eps)
        init = _init_evo(m, gen(1000 + i))
        steps = stateful_steps(m, shape, 3, 1010 + i, _evo_fwd, {"weight": "gamma", "bias": "beta", "v": "v"}, eval_steps=2)
        b0.append(dict(name=name, params=dict(epsilon=eps), init=init, steps=steps))
    write_fixture(PKG, "evonorm-b0", b0)
    s0 = []
    for i, (name, shape, groups) in enumerate([("bhwc-g2", (2, 3, 2, 4), 2), ("btc-g3", (2, 5, 6), 3), ("bhwc-g1", (2, 2, 2, 3), 1)]):
        m = EvoS0Ref(shape[-1], groups)
        init = _init_evo(m, gen(1100 + i))
        steps = stateful_steps(m, shape, 2, 1110 + i, _evo_fwd, {"weight": "gamma", "bias": "beta", "v": "v"}, eval_steps=1)
        s0.append(dict(name=name, params=dict(numGroups=groups), init=init, steps=steps))
    write_fixture(PKG, "evonorm-s0", s0)


# ---------------------------------------------------------------------------
# scale-norm (official: g / ||x||.clamp(min=eps)), layer-norm-scaling (F.layer_norm / sqrt(l),
# official LNS on RMSNorm), qk-norm (F.layer_norm / RMS / F.normalize over the head dim)

def _affine_case(name, shape, fn, seed, params, with_beta=True, scalar_gain=False):
    g = gen(seed)
    x = f32(shape, g, 1.5)
    d = shape[-1]
    gamma = (torch.tensor([1.7]) if scalar_gain else (1 + 0.3 * f32((d,), g))).float().double()
    beta = (0.2 * f32((d,), g)).float().double()
    dy = f32(shape, g)
    xl, gl, bl = leaf(x), leaf(gamma), leaf(beta)
    y = fn(xl, gl, bl if with_beta else None)
    dx, dg, db = grads(y, dy, xl, gl, bl)
    case = dict(name=name, params=params, x=tensor_json(x), gamma=tensor_json(gamma), dy=tensor_json(dy), y=tensor_json(y), dx=tensor_json(dx), dgamma=tensor_json(dg))
    if with_beta:
        case.update(beta=tensor_json(beta), dbeta=tensor_json(db))
    return case


def small_norm_cases():
    sn = [
        _affine_case("btd", (2, 3, 5), lambda x, g, b: x * (g / torch.norm(x, dim=-1, keepdim=True).clamp(min=1e-5)), 1200, {}, with_beta=False, scalar_gain=True),
        _affine_case("tiny-norm-clamped", (2, 4), lambda x, g, b: x * (g / torch.norm(x, dim=-1, keepdim=True).clamp(min=0.5)), 1201, dict(epsilon=0.5), with_beta=False, scalar_gain=True),
    ]
    write_fixture(PKG, "scale-norm", sn)
    lns = [
        _affine_case("layer-norm-l3", (2, 3, 6), lambda x, g, b: F.layer_norm(x, (6,), g, b, 1e-5) / math.sqrt(3), 1210, dict(layerIndex=3)),
        _affine_case("rms-norm-l5", (2, 3, 6), lambda x, g, b: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * g / math.sqrt(5), 1211, dict(layerIndex=5, norm="rms-norm"), with_beta=False),
        _affine_case("layer-norm-l1", (4, 5), lambda x, g, b: F.layer_norm(x, (5,), g, b, 1e-5), 1212, dict(layerIndex=1)),
    ]
    write_fixture(PKG, "layer-norm-scaling", lns)
    qk = [
        _affine_case("layer-norm-bhtd", (2, 2, 3, 4), lambda x, g, b: F.layer_norm(x, (4,), g, None, 1e-5), 1220, dict(), with_beta=False),
        _affine_case("layer-norm-bias", (2, 3, 4), lambda x, g, b: F.layer_norm(x, (4,), g, b, 1e-5), 1221, dict(bias=True)),
        _affine_case("rms-norm", (2, 2, 3, 4), lambda x, g, b: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * g, 1222, dict(norm="rms-norm"), with_beta=False),
        _affine_case("l2", (2, 2, 3, 4), lambda x, g, b: F.normalize(x, dim=-1, eps=1e-12) * g, 1223, dict(norm="l2"), with_beta=False),
    ]
    write_fixture(PKG, "qk-norm", qk)


# ---------------------------------------------------------------------------
# batch-channel-norm: the official BCNorm / EstBN (joe-siyuan-qiao/Batch-Channel-Normalization
# README), restated; channels-first [B, C, H, W], sequences as [B, C, T, 1].

class EstBNRef(torch.nn.Module):
    def __init__(self, C, speed):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(C))
        self.bias = torch.nn.Parameter(torch.zeros(C))
        self.register_buffer("running_mean", torch.zeros(C))
        self.register_buffer("running_var", torch.ones(C))
        self.speed = speed

    def forward(self, x):
        C = x.shape[1]
        if self.training:
            with torch.no_grad():
                t = x.transpose(0, 1).reshape(C, -1)
                mean = t.mean(dim=1)
                dev = t - self.running_mean.view(-1, 1)
                var = (dev * dev).mean(dim=1)
                self.running_mean.mul_(1 - self.speed).add_(self.speed * mean)
                self.running_var.mul_(1 - self.speed).add_(self.speed * var)
        out = (x - self.running_mean.view(1, -1, 1, 1)) / torch.sqrt(self.running_var + 1e-5).view(1, -1, 1, 1)
        return self.weight.view(1, -1, 1, 1) * out + self.bias.view(1, -1, 1, 1)


class BCNormRef(torch.nn.Module):
    def __init__(self, C, groups, eps=1e-5, estimate=False, speed=0.0):
        super().__init__()
        self.groups, self.eps = groups, eps
        self.weight = torch.nn.Parameter(torch.ones(1, groups, 1))
        self.bias = torch.nn.Parameter(torch.zeros(1, groups, 1))
        self.bn = EstBNRef(C, speed) if estimate else torch.nn.BatchNorm2d(C, eps=eps).double()

    def forward(self, x):
        out = self.bn(x)
        out = out.reshape(1, x.shape[0] * self.groups, -1)
        out = torch.batch_norm(out, None, None, None, None, True, 0.0, self.eps, True)
        out = out.reshape(x.shape[0], self.groups, -1)
        out = self.weight * out + self.bias
        return out.reshape(x.shape)


def batch_channel_norm_cases():
    cases = []
    specs = [("bhwc-g2", (3, 2, 2, 4), 2, False, 0.0), ("btc-g3", (2, 4, 6), 3, False, 0.0),
             ("bhwc-estimate-r0.3", (2, 2, 3, 4), 2, True, 0.3), ("btc-estimate-frozen", (2, 3, 4), 4, True, 0.0)]
    for i, (name, shape, groups, estimate, speed) in enumerate(specs):
        C = shape[-1]
        m = BCNormRef(C, groups, estimate=estimate, speed=speed)
        g = gen(1300 + i)
        with torch.no_grad():
            m.bn.weight.copy_((1 + 0.3 * f32((C,), g)).float().double())
            m.bn.bias.copy_((0.2 * f32((C,), g)).float().double())
            m.weight.copy_((1 + 0.3 * f32((1, groups, 1), g)).float().double())
            m.bias.copy_((0.2 * f32((1, groups, 1), g)).float().double())
        init = dict(bn_gamma=tensor_json(m.bn.weight.detach()), bn_beta=tensor_json(m.bn.bias.detach()),
                    gamma=tensor_json(m.weight.detach().reshape(-1)), beta=tensor_json(m.bias.detach().reshape(-1)))
        steps = stateful_steps(m, shape, 3, 1310 + i, _evo_fwd,
                               {"bn.weight": "bn_gamma", "bn.bias": "bn_beta", "weight": "gamma", "bias": "beta"}, eval_steps=2)
        for st in steps:
            for k in list(st):
                if k.startswith("bn."):
                    st[k[3:]] = st.pop(k)
        params = dict(numGroups=groups, estimate=estimate, estimateMovingSpeed=speed)
        cases.append(dict(name=name, params=params, init=init, steps=steps))
    write_fixture(PKG, "batch-channel-norm", cases)


# ---------------------------------------------------------------------------
# weight-standardization: the official WS conv (joe-siyuan-qiao/WeightStandardization):
# w = W - mean_fanin(W); w = w / (std_unbiased(w) + 1e-5); F.conv2d. Kernels are stored in the
# tfjs layout ([in, out], [k, in, out], [kh, kw, in, out]).

def _ws(w_t, eps, placement):
    w = w_t - w_t.reshape(w_t.shape[0], -1).mean(1).view(-1, *([1] * (w_t.dim() - 1)))
    flat = w.reshape(w.shape[0], -1)
    if placement == "outside":
        std = flat.std(dim=1) + eps
    else:
        std = torch.pow(flat.var(dim=1) + eps, 0.5)
    return w / std.view(-1, *([1] * (w_t.dim() - 1)))


def weight_standardization_cases():
    cases = []
    specs = [
        dict(name="conv2d-valid-k3", x=(2, 5, 5, 3), k=3, filters=4, stride=1, padding="valid", placement="outside"),
        dict(name="conv2d-same-k3", x=(2, 4, 4, 2), k=3, filters=3, stride=1, padding="same", placement="outside"),
        dict(name="conv1d-valid-k2-stride2", x=(2, 7, 3), k=2, filters=4, stride=2, padding="valid", placement="outside"),
        dict(name="dense-inside", x=(4, 5), k=1, filters=3, stride=1, padding="valid", placement="inside"),
    ]
    for i, s in enumerate(specs):
        g = gen(1400 + i)
        rank = len(s["x"])
        cin = s["x"][-1]
        kshape = [cin, s["filters"]] if rank == 2 else [s["k"], cin, s["filters"]] if rank == 3 else [s["k"], s["k"], cin, s["filters"]]
        x = f32(s["x"], g)
        kernel = (0.4 * f32(tuple(kshape), g) + 0.1).float().double()
        bias = (0.2 * f32((s["filters"],), g)).float().double()
        xl, kl, bl = leaf(x), leaf(kernel), leaf(bias)
        if rank == 2:
            w = _ws(kl.t(), 1e-5, s["placement"])
            y = xl @ w.t() + bl
        elif rank == 3:
            w = _ws(kl.permute(2, 1, 0), 1e-5, s["placement"])
            y = F.conv1d(xl.permute(0, 2, 1), w, bl, stride=s["stride"], padding=s["padding"]).permute(0, 2, 1)
        else:
            w = _ws(kl.permute(3, 2, 0, 1), 1e-5, s["placement"])
            y = to_cl(F.conv2d(to_cf(xl), w, bl, stride=s["stride"], padding=s["padding"]))
        dy = f32(tuple(y.shape), g)
        dx, dk, db = grads(y, dy, xl, kl, bl)
        params = dict(filters=s["filters"], kernelSize=s["k"], strides=s["stride"], padding=s["padding"], epsPlacement=s["placement"])
        cases.append(dict(name=s["name"], params=params, x=tensor_json(x), kernel=tensor_json(kernel), bias=tensor_json(bias),
                          dy=tensor_json(dy), y=tensor_json(y), dx=tensor_json(dx), dkernel=tensor_json(dk), dbias=tensor_json(db)))
    write_fixture(PKG, "weight-standardization", cases)


# ---------------------------------------------------------------------------
# alpha-bn: nn.BatchNorm1d/2d in training; in inference the statistics are
# alpha * running + (1 - alpha) * test-batch (biased variance)

class AlphaBNRef(torch.nn.Module):
    def __init__(self, C, rank, alpha):
        super().__init__()
        self.bn = bn_module(C, rank, eps=1e-5, momentum=0.1)
        self.alpha = alpha

    def forward(self, x):
        if self.training:
            return self.bn(x)
        dims = [0] + list(range(2, x.dim()))
        mean = self.alpha * self.bn.running_mean + (1 - self.alpha) * x.mean(dim=dims)
        var = self.alpha * self.bn.running_var + (1 - self.alpha) * x.var(dim=dims, unbiased=False)
        vs = (1, -1) + (1,) * (x.dim() - 2)
        return (x - mean.view(vs)) / (var.view(vs) + self.bn.eps).sqrt() * self.bn.weight.view(vs) + self.bn.bias.view(vs)


def alpha_bn_cases():
    cases = []
    for i, (name, shape, alpha) in enumerate([("btc-alpha-0.9", (3, 4, 5), 0.9), ("bhwc-alpha-0.3", (2, 3, 3, 4), 0.3), ("bc-alpha-0", (6, 3), 0.0)]):
        m = AlphaBNRef(shape[-1], len(shape), alpha)
        init = init_affine(m.bn, gen(1500 + i))
        steps = stateful_steps(m, shape, 3, 1510 + i, lambda mod, x: to_cl(mod(to_cf(x).contiguous())), {"bn.weight": "gamma", "bn.bias": "beta"}, eval_steps=2)
        for st in steps:
            for k in list(st):
                if k.startswith("bn."):
                    st[k[3:]] = st.pop(k)
        cases.append(dict(name=name, params=dict(alpha=alpha), init=init, steps=steps))
    write_fixture(PKG, "alpha-bn", cases)


GENERATORS = [layer_norm_cases, rms_norm_cases, batch_norm_cases, group_norm_cases, instance_norm_cases, power_norm_cases, unified_norm_cases, crms_norm_cases, masked_batch_norm_cases, ghost_batch_norm_cases, evonorm_cases, small_norm_cases, batch_channel_norm_cases, weight_standardization_cases, alpha_bn_cases]

if __name__ == "__main__":
    for fn in GENERATORS:
        fn()
