"""PyTorch twins of the Tessera benchmark workloads (bench/workloads/*.mjs).

Same sizes and the same initial weights and batches, read from the files the
JS side exports (bench/.cache/<workload>.json). Run by bench/run.mjs:

    OPENBLAS_NUM_THREADS=1 python3 bench/torch/twins.py w1 bench/.cache [reps] [warmup]

prints one JSON object: msPerStep (median), times, loss0 (the loss at the
initial weights, compared with the JS side's to show the models agree), and
the torch version and thread count. Debian's torch with OpenBLAS: BLAS threads
off (OPENBLAS_NUM_THREADS=1, set before the import) and torch's own pool at
the core count is the fastest honest configuration on this machine.
"""
import base64
import json
import math
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

THREADS = int(os.environ.get("BENCH_TORCH_THREADS", os.cpu_count() or 1))
torch.set_num_threads(THREADS)


def load(cache, name):
    with open(os.path.join(cache, name)) as f:
        doc = json.load(f)
    tensors = {}
    for key, t in doc["tensors"].items():
        raw = base64.b64decode(t["data"])
        dtype = {"float32": np.float32, "int32": np.int32}[t["dtype"]]
        arr = np.frombuffer(raw, dtype=dtype).reshape(t["shape"]).copy()
        tensors[key] = torch.from_numpy(arr) if dtype is np.float32 else torch.from_numpy(arr.astype(np.int64))
    return doc["meta"], tensors


WARMUP_MS = float(os.environ.get("BENCH_WARMUP_MS", 1500))


def measure(step, reps, warmup):
    # Same warm-up rule as bench/lib.mjs: `warmup` steps and WARMUP_MS, at most 300 steps.
    w0 = time.perf_counter()
    i = 0
    while i < warmup or ((time.perf_counter() - w0) * 1000 < WARMUP_MS and i < 300):
        step(i)
        i += 1
    times = []
    for r in range(reps):
        t0 = time.perf_counter()
        step(i + r)
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times)), times


def time_training(forward, batches, params, meta, reps, warmup):
    """W1/W2's step (cross-entropy, backward, AdamW) timed over `batches`, and the loss at the initial weights."""
    with torch.no_grad():
        loss0 = F.cross_entropy(forward(batches[0][0]), batches[0][1]).item()
    opt = torch.optim.AdamW(params, lr=meta["lr"], weight_decay=meta["weightDecay"])

    def step(i):
        x, y = batches[i % len(batches)]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(forward(x), y)
        loss.backward()
        opt.step()
        loss.item()

    ms, times = measure(step, reps, warmup)
    return {"msPerStep": ms, "times": times, "loss0": loss0}


def w1(cache, reps, warmup):
    meta, t = load(cache, "w1.json")
    sizes, batch = meta["sizes"], meta["batch"]
    params = []
    for l in range(len(sizes) - 1):
        params.append(t[f"w1_kernel_{l}"].clone().requires_grad_(True))  # [in, out], used as x @ W
        params.append(t[f"w1_bias_{l}"].clone().requires_grad_(True))
    x_all, y_all = t["x"], t["y"]
    n = x_all.shape[0] // batch
    batches = [(x_all[i * batch:(i + 1) * batch].contiguous(), y_all[i * batch:(i + 1) * batch].contiguous()) for i in range(n)]

    def forward(x):
        h = x
        for l in range(len(sizes) - 1):
            h = torch.addmm(params[2 * l + 1], h, params[2 * l])
            if l < len(sizes) - 2:
                h = torch.relu(h)
        return h

    return time_training(forward, batches, params, meta, reps, warmup)


def w2(cache, reps, warmup):
    meta, t = load(cache, "w2.json")
    D, H, L, T, B, V = meta["dim"], meta["heads"], meta["layers"], meta["seqLen"], meta["batch"], meta["vocabSize"]
    dh = D // H
    names = meta["params"]
    p = {k: t[k].clone().requires_grad_(True) for k in names}
    batches = [(t[f"x{i}"], t[f"y{i}"]) for i in range(meta["batches"])]
    causal = torch.ones(T, T, dtype=torch.bool).tril()

    def ln(x, prefix):
        return F.layer_norm(x, (D,), p[f"{prefix}.gamma"], p[f"{prefix}.beta"], 1e-5)

    def dense(x, prefix, name):
        return torch.matmul(x, p[f"{prefix}.{name}_kernel"]) + p[f"{prefix}.{name}_bias"]

    def block(x, i):
        pre = f"block{i}"
        n1 = ln(x, f"{pre}.norm1")
        q = dense(n1, f"{pre}.mha", "query").view(B, T, H, dh).transpose(1, 2)
        k = dense(n1, f"{pre}.mha", "key").view(B, T, H, dh).transpose(1, 2)
        v = dense(n1, f"{pre}.mha", "value").view(B, T, H, dh).transpose(1, 2)
        s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(dh)
        s = s.masked_fill(~causal, float("-inf"))
        o = torch.matmul(torch.softmax(s, dim=-1), v).transpose(1, 2).reshape(B, T, D)
        h = x + dense(o, f"{pre}.mha", "output")
        n2 = ln(h, f"{pre}.norm2")
        f = F.gelu(dense(n2, f"{pre}.ff", "ff1"), approximate="tanh")
        return h + dense(f, f"{pre}.ff", "ff2")

    def forward(ids):
        h = p["tok"][ids] + p["pos"][:T]
        for i in range(L):
            h = block(h, i)
        h = ln(h, "final")
        return torch.addmm(p["head_bias"], h.reshape(B * T, D), p["head"])

    return time_training(forward, batches, list(p.values()), meta, reps, warmup)


def w3(cache, reps, warmup):
    meta, t = load(cache, "w3.json")
    params = [t[f"p{i}"].clone().requires_grad_(True) for i in range(len(meta["shapes"]))]
    grads = [[t[f"g{k}_{i}"] for i in range(len(params))] for k in range(3)]
    opt = torch.optim.AdamW(params, lr=meta["lr"], weight_decay=0.0, eps=1e-8)

    def step(i):
        for p_, g in zip(params, grads[i % 3]):
            p_.grad = g
        opt.step()

    ms, times = measure(step, reps, warmup)
    return {"msPerStep": ms, "times": times}


def w6(cache, reps, warmup, T):
    B, H, Dh = 1, 4, 16
    g = torch.Generator().manual_seed(T)
    q, k, v, dy = (torch.rand(B, H, T, Dh, generator=g) * 2 - 1 for _ in range(4))
    q.requires_grad_(True)
    k.requires_grad_(True)
    v.requires_grad_(True)
    causal = torch.ones(T, T, dtype=torch.bool).tril()

    def step(i):
        s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(Dh)
        s = s.masked_fill(~causal, float("-inf"))
        o = torch.matmul(torch.softmax(s, dim=-1), v)
        gq, gk, gv = torch.autograd.grad((o * dy).sum(), (q, k, v))
        gq.sum().item()

    ms, times = measure(step, reps, warmup)
    return {"msPerStep": ms, "times": times}


def main():
    which, cache = sys.argv[1], sys.argv[2]
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    if which.startswith("w6:"):
        out = w6(cache, reps, warmup, int(which.split(":")[1]))
    else:
        out = {"w1": w1, "w2": w2, "w3": w3}[which](cache, reps, warmup)
    out.update({"torch": torch.__version__, "threads": THREADS})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
