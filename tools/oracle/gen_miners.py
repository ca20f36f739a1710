"""Fixtures of @tessera/miners, from the reference definitions re-implemented in PyTorch 1.13.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 tools/oracle/gen_miners.py [name ...]

No network and no extra packages: the definitions of pytorch-metric-learning
(`BatchHardMiner`, `TripletMarginMiner(type_of_triplets="semihard")`, the
default `LpDistance(p=2, power=1, normalize_embeddings=True)`) and of
sentence-transformers (`util.mine_hard_negatives` filters, `GISTEmbedLoss`'s
guide rule) are written out below, loop by loop, independently of the
TypeScript code (which is vectorised). Each fixture
`packages/miners/src/__fixtures__/<miner>.json` holds cases
`{name, params, inputs, expected}` with mined indices, validity flags and, where
useful, the value and gradient of a downstream loss through the mined rows.
"""
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import f32, tensor_json, write_fixture  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

PKG = "miners"
GENERATORS = {}


def fixture(name):
    def deco(fn):
        GENERATORS[name] = fn
        return fn
    return deco


def gen(seed):
    return torch.Generator().manual_seed(seed)


def lp_distance(x):
    """PML LpDistance(p=2, power=1, normalize_embeddings=True)."""
    e = F.normalize(x, p=2, dim=1)
    return torch.cdist(e, e, p=2)


def pml_batch_hard(x, labels):
    """PML BatchHardMiner: hardest positive (max dist, j != i, same label), hardest negative (min dist, other label)."""
    d = lp_distance(x)
    n = x.shape[0]
    pos_idx, neg_idx, keep = [], [], []
    for i in range(n):
        pos = [j for j in range(n) if j != i and labels[j] == labels[i]]
        neg = [j for j in range(n) if labels[j] != labels[i]]
        if pos and neg:
            pos_idx.append(max(pos, key=lambda j: d[i, j].item()))
            neg_idx.append(min(neg, key=lambda j: d[i, j].item()))
            keep.append(1)
        else:
            pos_idx.append(0)
            neg_idx.append(0)
            keep.append(0)
    return d, pos_idx, neg_idx, keep


def pml_semihard_triplets(x, labels, margin):
    """PML TripletMarginMiner(margin, type_of_triplets="semihard"): all (a, p, n) with 0 < d_an - d_ap <= margin."""
    d = lp_distance(x)
    n = x.shape[0]
    out = set()
    for a in range(n):
        for p in range(n):
            if p == a or labels[p] != labels[a]:
                continue
            for q in range(n):
                if labels[q] == labels[a]:
                    continue
                m = d[a, q] - d[a, p]
                if m <= margin and m > 0:
                    out.add((a, p, q))
    return out


@fixture("batch-hard")
def batch_hard():
    cases = []
    for name, seed, n, dim, labels, margin in [
        ("4 classes", 1, 12, 5, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], 0.3),
        ("singleton class and one class only rows", 2, 7, 4, [0, 0, 1, 1, 1, 2, 0], 1.0),
    ]:
        x = f32((n, dim), gen(seed)).requires_grad_(True)
        d, pi, ni, keep = pml_batch_hard(x.detach(), labels)
        # Downstream: torch triplet_margin_loss on the mined triplets, mean over kept anchors.
        per = F.triplet_margin_loss(x, x[pi], x[ni], margin=margin, reduction="none")
        w = torch.tensor(keep, dtype=torch.float64)
        loss = (per * w).sum() / w.sum()
        loss.backward()
        cases.append({
            "name": name, "params": {}, "margin": margin,
            "inputs": {"embeddings": tensor_json(x), "labels": tensor_json(torch.tensor(labels), "int32")},
            "expected": {
                "positiveIndices": tensor_json(torch.tensor(pi), "int32"),
                "negativeIndices": tensor_json(torch.tensor(ni).unsqueeze(1), "int32"),
                "weights": tensor_json(w),
                "tripletLoss": loss.item(),
                "grad": tensor_json(x.grad),
            },
        })
    return cases


@fixture("semi-hard")
def semi_hard():
    cases = []
    for name, seed, n, dim, labels, margin, k in [
        ("margin 0.2, K 1", 3, 12, 4, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 0.2, 1),
        ("margin 0.5, K 2", 4, 10, 3, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4], 0.5, 2),
    ]:
        x = f32((n, dim), gen(seed))
        d, pi, _, _ = pml_batch_hard(x, labels)
        triplets = pml_semihard_triplets(x, labels, margin)
        idx, valid, w = [], [], []
        for a in range(n):
            has_pos = any(j != a and labels[j] == labels[a] for j in range(n))
            cands = sorted([q for (aa, p, q) in triplets if aa == a and p == pi[a]], key=lambda q: d[a, q].item()) if has_pos else []
            chosen = cands[:k]
            idx.append(chosen + [0] * (k - len(chosen)))
            valid.append([1] * len(chosen) + [0] * (k - len(chosen)))
            w.append(1.0 if len(chosen) == k else 0.0)
        cases.append({
            "name": name, "params": {"margin": margin, "numNegatives": k},
            "inputs": {"embeddings": tensor_json(x), "labels": tensor_json(torch.tensor(labels), "int32")},
            "expected": {
                "positiveIndices": tensor_json(torch.tensor(pi), "int32"),
                "negativeIndices": tensor_json(torch.tensor(idx), "int32"),
                "negativeMask": tensor_json(torch.tensor(valid), "bool"),
                "weights": tensor_json(torch.tensor(w, dtype=torch.float64)),
                "tripletCount": len(triplets),
            },
        })
    return cases


def pool_of(a, p, negs, in_batch, include_anchors):
    blocks, parts = [], []
    n = a.shape[0]
    if in_batch:
        blocks.append(("positives", len(parts and torch.cat(parts)) if parts else 0, n))
        parts.append(p)
    if include_anchors:
        blocks.append(("anchors", sum(t.shape[0] for t in parts), n))
        parts.append(a)
    if negs is not None:
        blocks.append(("negatives", sum(t.shape[0] for t in parts), negs.shape[0] * negs.shape[1]))
        parts.append(negs.reshape(-1, negs.shape[2]))
    return torch.cat(parts), blocks


def base_excluded(i, j, blocks, labels, p, pool):
    """Own positive, itself, same group, or a duplicate of the own positive."""
    for name, start, rows in blocks:
        if start <= j < start + rows and name in ("positives", "anchors"):
            r = j - start
            if r == i or (labels is not None and labels[r] == labels[i]):
                return True
    return F.cosine_similarity(p[i], pool[j], dim=0).item() >= 1 - 1e-6


def st_mine(scores_row, keep_row, k, range_min, range_max, eligible=None):
    """sentence-transformers mine_hard_negatives, sampling "top": a window of the range_max best raw scores among
    the non-positive candidates (`eligible`), the filters (`keep_row`), then [range_min:] of the sorted survivors, k of them."""
    eligible = eligible if eligible is not None else keep_row
    if range_max is not None:
        window = set(sorted([j for j in range(len(scores_row)) if eligible[j]], key=lambda j: -scores_row[j])[:range_max])
    else:
        window = set(range(len(scores_row)))
    surv = sorted([j for j in range(len(scores_row)) if keep_row[j] and j in window], key=lambda j: -scores_row[j])
    chosen = surv[range_min:][:k]
    return chosen + [0] * (k - len(chosen)), [1] * len(chosen) + [0] * (k - len(chosen))


@fixture("hard-negative")
def hard_negative():
    cases = []
    specs = [
        ("in-batch only, defaults", 5, 8, 6, 0, None, {}),
        ("candidates + absolute margin 0.05 + labels", 6, 8, 6, 4, [0, 1, 2, 3, 0, 1, 2, 3], {"absoluteMargin": 0.05, "numNegatives": 2}),
        ("relative margin, range [1, 6), maxScore", 7, 6, 5, 3, None, {"relativeMargin": 0.1, "rangeMin": 1, "rangeMax": 6, "maxScore": 0.9, "numNegatives": 2}),
        ("window rangeMax 4 before the filters, rangeMin 1", 12, 6, 5, 3, None, {"absoluteMargin": 0.0, "rangeMin": 1, "rangeMax": 4, "numNegatives": 3}),
        ("minScore 0.5 leaves some rows short", 8, 6, 4, 2, None, {"minScore": 0.5, "numNegatives": 2}),
        ("candidates only (inBatch false)", 9, 5, 4, 5, None, {"inBatch": False, "numNegatives": 3}),
    ]
    for name, seed, n, dim, kc, labels, params in specs:
        g = gen(seed)
        a = f32((n, dim), g)
        p = (a + 0.7 * f32((n, dim), g)).float().double()
        negs = f32((n, kc, dim), g) if kc else None
        if kc:
            # Plant a near-duplicate of anchor 0's positive among row 1's candidates: a false negative.
            negs[1, 0] = (p[0] + 0.05 * f32((dim,), g)).float().double()
        full = {"numNegatives": 3, "rangeMin": 0, "rangeMax": None, "maxScore": None, "minScore": None,
                "absoluteMargin": None, "relativeMargin": None, "inBatch": True}
        full.update(params)
        pool, blocks = pool_of(a, p, negs, full["inBatch"], False)
        k = full["numNegatives"]
        idx, valid, w = [], [], []
        for i in range(n):
            s = [F.cosine_similarity(a[i], pool[j], dim=0).item() for j in range(pool.shape[0])]
            sp = F.cosine_similarity(a[i], p[i], dim=0).item()
            keep = []
            eligible = []
            for j in range(pool.shape[0]):
                ok = not base_excluded(i, j, blocks, labels, p, pool)
                eligible.append(ok)
                # sentence-transformers' comparisons (removed if true).
                if full["absoluteMargin"] is not None and s[j] + full["absoluteMargin"] > sp:
                    ok = False
                if full["relativeMargin"] is not None and s[j] > sp * (1 - full["relativeMargin"]):
                    ok = False
                if full["maxScore"] is not None and s[j] > full["maxScore"]:
                    ok = False
                if full["minScore"] is not None and s[j] < full["minScore"]:
                    ok = False
                keep.append(ok)
            ci, cv = st_mine(s, keep, k, full["rangeMin"], full["rangeMax"], eligible)
            idx.append(ci)
            valid.append(cv)
            w.append(1.0 if all(cv) else 0.0)
        inputs = {"embeddings": tensor_json(a), "positives": tensor_json(p)}
        if negs is not None:
            inputs["negatives"] = tensor_json(negs)
        if labels is not None:
            inputs["labels"] = tensor_json(torch.tensor(labels), "int32")
        cases.append({"name": name, "params": params, "inputs": inputs, "expected": {
            "negativeIndices": tensor_json(torch.tensor(idx), "int32"),
            "negativeMask": tensor_json(torch.tensor(valid), "bool"),
            "weights": tensor_json(torch.tensor(w, dtype=torch.float64)),
        }})
    return cases


@fixture("gist-guide-filter")
def gist_guide_filter():
    cases = []
    specs = [
        ("absolute margin 0, anchors and positives", 10, 6, 5, 0, {"numNegatives": 2}),
        ("absolute margin 0.1 with candidates", 11, 6, 5, 2, {"numNegatives": 3, "margin": 0.1}),
        ("relative margin 0.05", 12, 5, 4, 0, {"numNegatives": 2, "marginStrategy": "relative", "margin": 0.05}),
        ("duplicate anchor/positive row (t = 1): self never selected", 13, 5, 4, 0, {"numNegatives": 2, "margin": 0.0}),
    ]
    for name, seed, n, dim, kc, params in specs:
        g = gen(seed)
        a = f32((n, dim), g)
        p = (a + 0.8 * f32((n, dim), g)).float().double()
        negs = f32((n, kc, dim), g) if kc else None
        ga = (a + 0.3 * f32((n, dim), g)).float().double()
        gp = (p + 0.3 * f32((n, dim), g)).float().double()
        gn = (negs + 0.3 * f32(negs.shape, g)).float().double() if kc else None
        if name.startswith("duplicate"):
            p[2] = a[2]
            gp[2] = ga[2]
        full = {"numNegatives": 3, "marginStrategy": "absolute", "margin": 0.0}
        full.update(params)
        pool, blocks = pool_of(a, p, negs, True, True)
        gpool, _ = pool_of(ga, gp, gn, True, True)
        k = full["numNegatives"]
        idx, valid, w = [], [], []
        for i in range(n):
            t = F.cosine_similarity(ga[i], gp[i], dim=0).item()
            limit = t - full["margin"] if full["marginStrategy"] == "absolute" else t * (1 - full["margin"])
            s = [F.cosine_similarity(a[i], pool[j], dim=0).item() for j in range(pool.shape[0])]
            keep = []
            for j in range(pool.shape[0]):
                ok = not base_excluded(i, j, blocks, None, p, pool)
                # GISTEmbedLoss: mask where guide_sim > threshold (strict).
                if F.cosine_similarity(ga[i], gpool[j], dim=0).item() > limit:
                    ok = False
                keep.append(ok)
            ci, cv = st_mine(s, keep, k, 0, None)
            idx.append(ci)
            valid.append(cv)
            w.append(1.0 if all(cv) else 0.0)
        inputs = {"embeddings": tensor_json(a), "positives": tensor_json(p), "guideEmbeddings": tensor_json(ga), "guidePositives": tensor_json(gp)}
        if kc:
            inputs["negatives"] = tensor_json(negs)
            inputs["guideNegatives"] = tensor_json(gn)
        cases.append({"name": name, "params": params, "inputs": inputs, "expected": {
            "negativeIndices": tensor_json(torch.tensor(idx), "int32"),
            "negativeMask": tensor_json(torch.tensor(valid), "bool"),
            "weights": tensor_json(torch.tensor(w, dtype=torch.float64)),
        }})
    return cases


def tfmot_polynomial_decay(initial, final, begin, end, power, step):
    """tfmot.sparsity.keras.PolynomialDecay.__call__ (sparsity at a step)."""
    p = min(1.0, max(0.0, (step - begin) / (end - begin)))
    return (initial - final) * (1 - p) ** power + final


@fixture("gradual-magnitude-pruning")
def gradual_magnitude_pruning():
    import torch.nn as nn
    import torch.nn.utils.prune as prune
    cases = []
    sched = {"initialSparsity": 0.1, "finalSparsity": 0.85, "beginStep": 10, "endStep": 110, "frequency": 20, "power": 3}
    steps = list(range(0, 131, 10))
    cases.append({"name": "cubic schedule (tfmot PolynomialDecay, power 3)", "params": sched,
                  "steps": steps,
                  "sparsity": [tfmot_polynomial_decay(0.1, 0.85, 10, 110, 3, t) for t in steps]})
    for scope in ("global", "layer"):
        g = gen(20)
        m1, m2 = nn.Linear(6, 5, bias=True), nn.Linear(5, 3, bias=True)
        with torch.no_grad():
            m1.weight.copy_(f32((5, 6), g))
            m2.weight.copy_(f32((3, 5), g))
        w1, w2 = m1.weight.detach().clone(), m2.weight.detach().clone()
        out = []
        done = {"global": 0, "l1": 0, "l2": 0}
        for s in (0.3, 0.6):
            if scope == "global":
                target = round(s * (w1.numel() + w2.numel()))
                prune.global_unstructured([(m1, "weight"), (m2, "weight")], pruning_method=prune.L1Unstructured, amount=target - done["global"])
                done["global"] = target
            else:
                for key, m, n in (("l1", m1, w1.numel()), ("l2", m2, w2.numel())):
                    target = round(s * n)
                    prune.l1_unstructured(m, "weight", amount=target - done[key])
                    done[key] = target
            out.append({"sparsity": s, "masks": [tensor_json(m1.weight_mask), tensor_json(m2.weight_mask)]})
        cases.append({"name": f"magnitude masks, {scope} (torch.nn.utils.prune)", "scope": scope,
                      "weights": [tensor_json(w1), tensor_json(w2)], "rounds": out})
    return cases


@fixture("color-filter")
def color_filter():
    """CoLoR-Filter scores as in the research note's oracle:
    (CE(lp.transpose(1,2), y, reduction='none').sum(1) - CE(lc.transpose(1,2), y, reduction='none').sum(1)).topk(b)."""
    cases = []
    for name, seed, n, t, v, tau in [("sequences [N,T,V] with ignored tokens", 30, 8, 5, 7, 4), ("classes [N,C]", 31, 10, None, 4, 3)]:
        g = gen(seed)
        if t:
            lp, lc = f32((n, t, v), g, 2.0), f32((n, t, v), g, 2.0)
            y = torch.randint(0, v, (n, t), generator=g)
            y[0, 1] = -100
            y[3, 4] = -100
            sp = F.cross_entropy(lp.transpose(1, 2), y, reduction="none", ignore_index=-100).sum(1)
            sc = F.cross_entropy(lc.transpose(1, 2), y, reduction="none", ignore_index=-100).sum(1)
        else:
            lp, lc = f32((n, v), g, 2.0), f32((n, v), g, 2.0)
            y = torch.randint(0, v, (n,), generator=g)
            sp = F.cross_entropy(lp, y, reduction="none")
            sc = F.cross_entropy(lc, y, reduction="none")
        score = sp - sc
        k = -(-n // tau)
        top = score.topk(k).indices
        mask = torch.zeros(n)
        mask[top] = 1
        cases.append({"name": name, "params": {"tau": tau},
                      "inputs": {"priorLogits": tensor_json(lp), "conditionalLogits": tensor_json(lc), "labels": tensor_json(y, "int32")},
                      "expected": {"score": tensor_json(score), "mask": tensor_json(mask)}})
    return cases


@fixture("granet-regrow")
def granet_regrow():
    """GraNet's truncate_weights (VITA-Group/GraNet CIFAR/sparselearning/core.py), re-written:
    magnitude_death (ceil(rate*nnz) smallest |w| removed, threshold on sorted |w|) then gradient_growth
    (the same count regrown at the largest |grad| where the new mask is 0), and the CosineDecay death rate."""
    cases = []
    for name, seed, shape, density, rate in [("6x5 at density 0.6, rate 0.5", 40, (6, 5), 0.6, 0.5), ("8x4 at density 0.3, rate 0.25", 41, (8, 4), 0.3, 0.25)]:
        g = gen(seed)
        w = f32(shape, g)
        grad = f32(shape, g)
        mask = (torch.rand(shape, generator=g) < density).double()
        w = w * mask  # masked weights are zero, as after apply_mask
        nnz = mask.sum().item()
        zeros = mask.numel() - nnz
        num_remove = math.ceil(rate * nnz)
        k = math.ceil(zeros + num_remove)
        x, _ = torch.sort(torch.abs(w).view(-1))
        threshold = x[k - 1].item()
        new_mask = (torch.abs(w) > threshold).double()
        regrowth = int(nnz - new_mask.sum().item())
        gg = grad * (new_mask == 0).double()
        _, idx = torch.sort(torch.abs(gg).flatten(), descending=True)
        new_mask.view(-1)[idx[:regrowth]] = 1.0
        cases.append({"name": name, "rate": rate, "weights": tensor_json(w), "mask": tensor_json(mask), "grad": tensor_json(grad), "expected": tensor_json(new_mask)})
    sgd = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.5)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(sgd, 40, 0.005)
    rates = []
    for _ in range(45):
        sched.step()
        rates.append(sgd.param_groups[0]["lr"])
    cases.append({"name": "death rate: CosineDecay(0.5, T_max=40, eta_min=0.005) after t steps", "deathRates": rates})
    return cases


@fixture("eata")
def eata():
    """EATA's forward_and_adapt_eata selection and update_model_probs (mr-eggplant/EATA eata.py), re-written:
    entropy filter E < e_margin, redundancy filter |cos(p_bar, p)| < d_margin once p_bar exists,
    coeff = 1/exp(E - e_margin), p_bar <- 0.9 p_bar + 0.1 mean(p_kept)."""
    g = gen(50)
    c = 10
    e_margin = 0.4 * math.log(c)
    d_margin = 0.4
    batches = [f32((12, c), g, 4.0), f32((12, c), g, 4.0), f32((12, c), g, 4.0)]
    p_bar = None
    steps = []
    for z in batches:
        prob = z.softmax(1)
        ent = -(prob * z.log_softmax(1)).sum(1)
        ids1 = ent < e_margin
        keep = ids1.clone()
        if p_bar is not None:
            cos = F.cosine_similarity(p_bar.unsqueeze(0), prob, dim=1)
            keep = keep & (cos.abs() < d_margin)
        kept = prob[keep]
        if p_bar is None:
            p_new = kept.mean(0) if kept.shape[0] else None
        else:
            p_new = 0.9 * p_bar + 0.1 * kept.mean(0) if kept.shape[0] else p_bar
        w = torch.where(keep, 1 / torch.exp(ent - e_margin), torch.zeros_like(ent))
        steps.append({"logits": tensor_json(z), "weights": tensor_json(w), "probs": tensor_json(p_new) if p_new is not None else None})
        p_bar = p_new
    return [{"name": "three batches, C = 10, d_margin 0.4", "params": {"dMargin": d_margin}, "steps": steps}]


def st_mine_hard_negatives(q, corpus, positives, num_negatives=3, range_min=0, range_max=None, absolute_margin=None,
                           relative_margin=None, max_score=None, min_score=None):
    """The scoring core of sentence-transformers util.mine_hard_negatives (sampling "top", no FAISS, no
    cross-encoder), on embeddings: window topk(range_max + max_positives), positives to -inf, margin/score
    filters with its comparisons, topk(range_max), [range_min:], first num_negatives."""
    max_positives = max(len(p) for p in positives)
    if range_max is None:
        if absolute_margin is not None or relative_margin is not None or max_score is not None:
            range_max = range_min + (num_negatives * 10) + max_positives
        else:
            range_max = range_min + num_negatives + max_positives
    qn, cn = F.normalize(q, dim=1), F.normalize(corpus, dim=1)
    full = qn @ cn.T
    scores, indices = torch.topk(full, k=min(range_max + max_positives, corpus.shape[0]), dim=1)
    positive_mask = torch.stack([torch.isin(indices[i], torch.tensor(positives[i])) for i in range(len(positives))])
    scores[positive_mask] = -float("inf")
    pos_scores = torch.tensor([min(full[i, j].item() for j in positives[i]) for i in range(len(positives))], dtype=full.dtype)
    if absolute_margin is not None:
        scores[scores + absolute_margin > pos_scores.repeat(scores.size(1), 1).T] = -float("inf")
    if relative_margin is not None:
        scores[scores > pos_scores.repeat(scores.size(1), 1).T * (1 - relative_margin)] = -float("inf")
    if max_score is not None:
        scores[scores > max_score] = -float("inf")
    if min_score is not None:
        scores[scores < min_score] = -float("inf")
    neg_scores, local = torch.topk(scores, k=min(range_max, scores.shape[1]), dim=1)
    idx = indices[torch.arange(len(positives)).unsqueeze(-1), local]
    idx, neg_scores = idx[:, range_min:][:, :num_negatives], neg_scores[:, range_min:][:, :num_negatives]
    return idx, neg_scores


@fixture("mine-hard-negatives")
def mine_hard_negatives_fixture():
    cases = []
    g = gen(60)
    q = f32((10, 6), g)
    corpus = f32((40, 6), g)
    # Make each query's first positive close to it.
    positives = [[i] for i in range(10)]
    for i in range(10):
        corpus[i] = (q[i] + 0.3 * f32((6,), g)).float().double()
    positives[3] = [3, 20]
    specs = [
        ("defaults (range_max = range_min + K + max_positives)", {}),
        ("absolute margin 0.1 (auto range_max with filters)", {"absoluteMargin": 0.1}),
        ("relative 0.05, range [2, 12), maxScore 0.8, K 4", {"relativeMargin": 0.05, "rangeMin": 2, "rangeMax": 12, "maxScore": 0.8, "numNegatives": 4}),
        ("minScore 0.2, rangeMax 8, K 5", {"minScore": 0.2, "numNegatives": 5, "rangeMax": 8}),
    ]
    for name, params in specs:
        kw = {"num_negatives": params.get("numNegatives", 3), "range_min": params.get("rangeMin", 0), "range_max": params.get("rangeMax"),
              "absolute_margin": params.get("absoluteMargin"), "relative_margin": params.get("relativeMargin"),
              "max_score": params.get("maxScore"), "min_score": params.get("minScore")}
        idx, sc = st_mine_hard_negatives(q, corpus, positives, **kw)
        cases.append({"name": name, "params": params, "positives": positives,
                      "inputs": {"queries": tensor_json(q), "corpus": tensor_json(corpus)},
                      "expected": {"indices": tensor_json(idx, "int32"), "valid": tensor_json(torch.isfinite(sc), "bool"), "scores": tensor_json(torch.where(torch.isfinite(sc), sc, torch.zeros_like(sc)))}})
    return cases


if __name__ == "__main__":
    only = set(sys.argv[1:])
    for key, fn in GENERATORS.items():
        if only and key not in only:
            continue
        write_fixture(PKG, key, fn())
