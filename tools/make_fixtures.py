#!/usr/bin/python3
"""Writes reference fixtures computed by PyTorch into tests/fixtures/.

The C++ tests compare the framework against these files; nothing in the build or the test
suite runs this script, and the fixtures are committed. To regenerate them:

    apt-get install python3-torch       # Debian's PyTorch (CPU)
    /usr/bin/python3 tools/make_fixtures.py

(use the system interpreter, which sees Debian's python3-torch). Every number is written with
Python's repr, which round-trips a double exactly; float32 values are written as the double
equal to the float32, so casting back to float is exact. Seeds are fixed, so a rerun with the
same PyTorch version reproduces the files.

Fixtures:
  gru_bidirectional.json  nn.GRU(batch_first=True, bidirectional=True) on a padded batch with
                          unsorted mixed lengths, through pack_padded_sequence(enforce_sorted=False)
                          and pad_packed_sequence: outputs, h_n, and the gradients of
                          L = sum(output * w_out) + sum(h_n * w_h) with respect to x and every
                          parameter, in float64 and float32, for 1 and 2 layers.
  cross_attention.json    SCAN's xattn_score_t2i / xattn_score_i2t (transcribed below from the
                          original model.py, per-caption loop and slicing included) on l2-normalised
                          images [3, 4, 5] and captions [4, 5, 5] padded with non-zero garbage, for
                          every direction x raw_feature_norm x agg_func (lambda_softmax 9 for t2i,
                          4 for i2t; lambda_lse 6): the scores S and the gradients of sum(S * w)
                          with respect to images and captions, in float64 and float32 (the float32
                          run takes the float64 inputs rounded to float32).
  contrastive_loss.json   SCAN's ContrastiveLoss (margin 0.2) on a 5 x 5 score matrix, sum of
                          hinges and max_violation: the loss and its gradient, float64 and float32.
  adam_clip.json          torch.nn.utils.clip_grad_norm_(params, 2.0) then torch.optim.Adam
                          (lr 2e-4, other options default), twice, on three small parameters with
                          given gradients (one total norm above 2, one below, in each case; some
                          gradients tiny, so that Adam's eps placement matters): the total norms,
                          the clipped gradients and the parameters after each step.
"""
import json
import os
from types import SimpleNamespace

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")


def flat(t):
    """Row-major list of Python floats."""
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def gru_case(num_layers, batch, time, input_size, hidden, lengths, seed):
    torch.manual_seed(seed)
    x64 = torch.rand(batch, time, input_size, dtype=torch.float64) * 2 - 1
    w_out = torch.randn(batch, time, 2 * hidden, dtype=torch.float64)
    w_h = torch.randn(2 * num_layers, batch, hidden, dtype=torch.float64)
    reference = torch.nn.GRU(input_size, hidden, num_layers=num_layers, batch_first=True, bidirectional=True)
    reference = reference.double()  # PyTorch's default init U(-1/sqrt(H), 1/sqrt(H)), then widened

    case = {
        "num_layers": num_layers,
        "batch": batch,
        "time": time,
        "input_size": input_size,
        "hidden_size": hidden,
        "bidirectional": True,
        "lengths": lengths,
        "w_out": flat(w_out),
        "w_h": flat(w_h),
        "parameter_names": [name for name, _ in reference.named_parameters()],
    }
    for dtype, key in ((torch.float64, "float64"), (torch.float32, "float32")):
        gru = torch.nn.GRU(input_size, hidden, num_layers=num_layers, batch_first=True, bidirectional=True)
        gru = gru.to(dtype)
        with torch.no_grad():
            for p, q in zip(gru.parameters(), reference.parameters()):
                p.copy_(q.to(dtype))
        x = x64.to(dtype).clone().requires_grad_()
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        packed_out, h_n = gru(packed)
        output, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=time)
        loss = (output * w_out.to(dtype)).sum() + (h_n * w_h.to(dtype)).sum()
        loss.backward()
        case[key] = {
            "x": flat(x),
            "parameters": {name: flat(p) for name, p in gru.named_parameters()},
            "output": flat(output),
            "h_n": flat(h_n),
            "grad_x": flat(x.grad),
            "grad_parameters": {name: flat(p.grad) for name, p in gru.named_parameters()},
        }
    return case


def write_gru_bidirectional(path):
    fixture = {
        "generator": "tools/make_fixtures.py (PyTorch " + torch.__version__ + ")",
        "loss": "sum(output * w_out) + sum(h_n * w_h)",
        "cases": [
            gru_case(1, batch=4, time=5, input_size=3, hidden=3, lengths=[2, 5, 1, 3], seed=1),
            gru_case(2, batch=3, time=4, input_size=2, hidden=2, lengths=[3, 1, 4], seed=2),
        ],
    }
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


def write_json(fixture, path, compact=False):
    with open(path, "w") as f:
        if compact:  # one line per case keeps the larger fixtures small and still diffable
            f.write("{\n")
            items = list(fixture.items())
            for k, (key, value) in enumerate(items):
                f.write(json.dumps(key) + ": ")
                if key == "cases":
                    f.write("[\n" + ",\n".join(json.dumps(c) for c in value) + "\n]")
                else:
                    f.write(json.dumps(value))
                f.write(",\n" if k + 1 < len(items) else "\n")
            f.write("}\n")
        else:
            json.dump(fixture, f, indent=1)
            f.write("\n")


# ---- SCAN's model.py, transcribed ---------------------------------------------------------------
# The functions below follow the original code line by line (tensor API updated to today's
# PyTorch: nn.Softmax(dim=1) is what the original's implicit-dim nn.Softmax() picks on a 2-D input).
# Two deliberate departures, both marked: the original calls an undefined `l1norm_d` for the
# l1norm / clipped_l1norm options (a NameError); here they use its `l1norm` helper, as the C++
# does. And the aggregation block, identical in xattn_score_t2i and xattn_score_i2t, is shared.


def l1norm(X, dim, eps=1e-8):
    """L1-normalize columns of X"""
    norm = torch.abs(X).sum(dim=dim, keepdim=True) + eps
    X = torch.div(X, norm)
    return X


def l2norm(X, dim, eps=1e-8):
    """L2-normalize columns of X (eps added after the square root)"""
    norm = torch.pow(X, 2).sum(dim=dim, keepdim=True).sqrt() + eps
    X = torch.div(X, norm)
    return X


def func_attention(query, context, opt, smooth, eps=1e-8):
    """
    query: (n_context, queryL, d)
    context: (n_context, sourceL, d)
    """
    batch_size_q, queryL = query.size(0), query.size(1)
    batch_size, sourceL = context.size(0), context.size(1)

    # Get attention
    # --> (batch, d, queryL)
    queryT = torch.transpose(query, 1, 2)

    # (batch, sourceL, d)(batch, d, queryL)
    # --> (batch, sourceL, queryL)
    attn = torch.bmm(context, queryT)
    if opt.raw_feature_norm == "softmax":
        # --> (batch*sourceL, queryL)
        attn = attn.view(batch_size * sourceL, queryL)
        attn = nn.Softmax(dim=1)(attn)
        # --> (batch, sourceL, queryL)
        attn = attn.view(batch_size, sourceL, queryL)
    elif opt.raw_feature_norm == "l2norm":
        attn = l2norm(attn, 2)
    elif opt.raw_feature_norm == "clipped_l2norm":
        attn = nn.LeakyReLU(0.1)(attn)
        attn = l2norm(attn, 2)
    elif opt.raw_feature_norm == "l1norm":
        attn = l1norm(attn, 2)  # the original: l1norm_d(attn, 2), undefined
    elif opt.raw_feature_norm == "clipped_l1norm":
        attn = nn.LeakyReLU(0.1)(attn)
        attn = l1norm(attn, 2)  # the original: l1norm_d(attn, 2), undefined
    elif opt.raw_feature_norm == "clipped":
        attn = nn.LeakyReLU(0.1)(attn)
    elif opt.raw_feature_norm == "no_norm":
        pass
    else:
        raise ValueError("unknown first norm type:", opt.raw_feature_norm)
    # --> (batch, queryL, sourceL)
    attn = torch.transpose(attn, 1, 2).contiguous()
    # --> (batch*queryL, sourceL)
    attn = attn.view(batch_size * queryL, sourceL)
    attn = nn.Softmax(dim=1)(attn * smooth)
    # --> (batch, queryL, sourceL)
    attn = attn.view(batch_size, queryL, sourceL)
    # --> (batch, sourceL, queryL)
    attnT = torch.transpose(attn, 1, 2).contiguous()

    # --> (batch, d, sourceL)
    contextT = torch.transpose(context, 1, 2)
    # (batch x d x sourceL)(batch x sourceL x queryL)
    # --> (batch, d, queryL)
    weightedContext = torch.bmm(contextT, attnT)
    # --> (batch, queryL, d)
    weightedContext = torch.transpose(weightedContext, 1, 2)

    return weightedContext, attnT


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Returns cosine similarity between x1 and x2, computed along dim."""
    w12 = torch.sum(x1 * x2, dim)
    w1 = torch.norm(x1, 2, dim)
    w2 = torch.norm(x2, 2, dim)
    return (w12 / (w1 * w2).clamp(min=eps)).squeeze()


def aggregate(row_sim, opt):
    """The agg_func block of xattn_score_t2i / xattn_score_i2t: (n_image, N) -> (n_image, 1)."""
    if opt.agg_func == "LogSumExp":
        row_sim = torch.exp(row_sim * opt.lambda_lse)  # the original: row_sim.mul_(...).exp_()
        row_sim = row_sim.sum(dim=1, keepdim=True)
        row_sim = torch.log(row_sim) / opt.lambda_lse
    elif opt.agg_func == "Max":
        row_sim = row_sim.max(dim=1, keepdim=True)[0]
    elif opt.agg_func == "Sum":
        row_sim = row_sim.sum(dim=1, keepdim=True)
    elif opt.agg_func == "Mean":
        row_sim = row_sim.mean(dim=1, keepdim=True)
    else:
        raise ValueError("unknown aggfunc: {}".format(opt.agg_func))
    return row_sim


def xattn_score_t2i(images, captions, cap_lens, opt):
    """
    Images: (n_image, n_regions, d) matrix of images
    Captions: (n_caption, max_n_word, d) matrix of captions
    CapLens: (n_caption) array of caption lengths
    """
    similarities = []
    n_image = images.size(0)
    n_caption = captions.size(0)
    for i in range(n_caption):
        # Get the i-th text description
        n_word = cap_lens[i]
        cap_i = captions[i, :n_word, :].unsqueeze(0).contiguous()
        # --> (n_image, n_word, d)
        cap_i_expand = cap_i.repeat(n_image, 1, 1)
        """
            word(query): (n_image, n_word, d)
            image(context): (n_image, n_regions, d)
            weiContext: (n_image, n_word, d)
            attn: (n_image, n_region, n_word)
        """
        weiContext, attn = func_attention(cap_i_expand, images, opt, smooth=opt.lambda_softmax)
        cap_i_expand = cap_i_expand.contiguous()
        weiContext = weiContext.contiguous()
        # (n_image, n_word)
        row_sim = cosine_similarity(cap_i_expand, weiContext, dim=2)
        row_sim = aggregate(row_sim, opt)
        similarities.append(row_sim)

    # (n_image, n_caption)
    similarities = torch.cat(similarities, 1)
    return similarities


def xattn_score_i2t(images, captions, cap_lens, opt):
    """
    Images: (batch_size, n_regions, d) matrix of images
    Captions: (batch_size, max_n_words, d) matrix of captions
    CapLens: (batch_size) array of caption lengths
    """
    similarities = []
    n_image = images.size(0)
    n_caption = captions.size(0)
    n_region = images.size(1)
    for i in range(n_caption):
        # Get the i-th text description
        n_word = cap_lens[i]
        cap_i = captions[i, :n_word, :].unsqueeze(0).contiguous()
        # (n_image, n_word, d)
        cap_i_expand = cap_i.repeat(n_image, 1, 1)
        """
            word(query): (n_image, n_word, d)
            image(context): (n_image, n_region, d)
            weiContext: (n_image, n_region, d)
            attn: (n_image, n_word, n_region)
        """
        weiContext, attn = func_attention(images, cap_i_expand, opt, smooth=opt.lambda_softmax)
        # (n_image, n_region)
        row_sim = cosine_similarity(images, weiContext, dim=2)
        row_sim = aggregate(row_sim, opt)
        similarities.append(row_sim)

    # (n_image, n_caption)
    similarities = torch.cat(similarities, 1)
    return similarities


class ContrastiveLoss(nn.Module):
    """Compute contrastive loss (on a precomputed score matrix, rows = images)."""

    def __init__(self, margin=0, max_violation=False):
        super(ContrastiveLoss, self).__init__()
        self.margin = margin
        self.max_violation = max_violation

    def forward(self, scores):
        diagonal = scores.diag().view(scores.size(0), 1)
        d1 = diagonal.expand_as(scores)
        d2 = diagonal.t().expand_as(scores)

        # compare every diagonal score to scores in its column
        # caption retrieval
        cost_s = (self.margin + scores - d1).clamp(min=0)
        # compare every diagonal score to scores in its row
        # image retrieval
        cost_im = (self.margin + scores - d2).clamp(min=0)

        # clear diagonals
        mask = torch.eye(scores.size(0)) > 0.5
        cost_s = cost_s.masked_fill_(mask, 0)
        cost_im = cost_im.masked_fill_(mask, 0)

        # keep the maximum violating negative for each query
        if self.max_violation:
            cost_s = cost_s.max(1)[0]
            cost_im = cost_im.max(0)[0]
        return cost_s.sum() + cost_im.sum()


# ---- fixtures of the SCAN functions -------------------------------------------------------------

RAW_FEATURE_NORMS = ["softmax", "l2norm", "clipped_l2norm", "l1norm", "clipped_l1norm", "clipped", "no_norm"]
AGG_FUNCS = ["LogSumExp", "Mean", "Max", "Sum"]
LAMBDA_SOFTMAX = {"t2i": 9.0, "i2t": 4.0}


def xattn_options(direction, norm, agg, lambda_lse=6.0):
    return SimpleNamespace(cross_attn=direction, raw_feature_norm=norm, agg_func=agg,
                           lambda_softmax=LAMBDA_SOFTMAX[direction], lambda_lse=lambda_lse)


def xattn_score(images, captions, cap_lens, opt):
    score = xattn_score_t2i if opt.cross_attn == "t2i" else xattn_score_i2t
    return score(images, captions, cap_lens, opt)


def cross_attention_inputs(seed):
    """Images [3, 4, 5] and captions [4, 5, 5] (rows l2-normalised, as the encoders output them);
    the padded caption rows hold non-zero garbage, which must never reach a score."""
    n_img, regions, n_cap, length, d = 3, 4, 4, 5, 5
    cap_lens = [5, 2, 4, 3]
    torch.manual_seed(seed)
    images = l2norm(torch.randn(n_img, regions, d, dtype=torch.float64), 2)
    captions = l2norm(torch.randn(n_cap, length, d, dtype=torch.float64), 2)
    for c, n in enumerate(cap_lens):
        captions[c, n:] = torch.rand(length - n, d, dtype=torch.float64) * 6 - 3
    w = torch.randn(n_img, n_cap, dtype=torch.float64)
    return images, captions, cap_lens, w


def away_from_kinks(images, captions, cap_lens):
    """True when no raw score sits near LeakyReLU's kink at 0 and, in every direction and norm, no
    two per-element cosines tie for the maximum (the Max aggregation's kink)."""
    for c, n in enumerate(cap_lens):
        raw = torch.einsum("ird,jd->irj", images, captions[c, :n])
        if raw.abs().min() < 1e-2:
            return False
    for direction in ("t2i", "i2t"):
        for norm in RAW_FEATURE_NORMS:
            opt = xattn_options(direction, norm, "Max")
            for c, n in enumerate(cap_lens):
                cap = captions[c:c + 1, :n].repeat(images.size(0), 1, 1)
                if direction == "t2i":
                    context, _ = func_attention(cap, images, opt, opt.lambda_softmax)
                    row_sim = cosine_similarity(cap, context, dim=2)
                else:
                    context, _ = func_attention(images, cap, opt, opt.lambda_softmax)
                    row_sim = cosine_similarity(images, context, dim=2)
                top2 = row_sim.topk(2, dim=1)[0]
                if (top2[:, 0] - top2[:, 1]).min() < 1e-3:
                    return False
    return True


def write_cross_attention(path):
    seed = 3
    while True:  # the first seed whose inputs keep away from every kink
        images, captions, cap_lens, w = cross_attention_inputs(seed)
        if away_from_kinks(images, captions, cap_lens):
            break
        seed += 1
    fixture = {
        "generator": "tools/make_fixtures.py (PyTorch " + torch.__version__ + ")",
        "functions": "SCAN model.py xattn_score_t2i / xattn_score_i2t, per-caption loop",
        "loss": "sum(S * w)",
        "seed": seed,
        "n_img": images.size(0), "regions": images.size(1), "n_cap": captions.size(0),
        "max_len": captions.size(1), "d": images.size(2), "cap_lens": cap_lens,
        "images": flat(images), "captions": flat(captions), "w": flat(w),
        "cases": [],
    }
    for direction in ("t2i", "i2t"):
        for norm in RAW_FEATURE_NORMS:
            for agg in AGG_FUNCS:
                opt = xattn_options(direction, norm, agg)
                case = {"direction": direction, "raw_feature_norm": norm, "agg_func": agg,
                        "lambda_softmax": opt.lambda_softmax, "lambda_lse": opt.lambda_lse}
                for dtype, key in ((torch.float64, "float64"), (torch.float32, "float32")):
                    im = images.to(dtype).detach().clone().requires_grad_()
                    cap = captions.to(dtype).detach().clone().requires_grad_()
                    scores = xattn_score(im, cap, cap_lens, opt)
                    (scores * w.to(dtype)).sum().backward()
                    case[key] = {"scores": flat(scores), "grad_images": flat(im.grad),
                                 "grad_captions": flat(cap.grad)}
                fixture["cases"].append(case)
    write_json(fixture, path, compact=True)


def write_contrastive_loss(path):
    # Scores spread so that every hinge margin + S[i, j] - S[k, k] is away from 0 and the hardest
    # negatives are unique (no kinks, no ties); both conditions are asserted.
    torch.manual_seed(4)
    n, margin = 5, 0.2
    scores = torch.rand(n, n, dtype=torch.float64) * 0.8 - 0.2
    scores += torch.eye(n, dtype=torch.float64) * 0.3
    hinge = margin + scores.unsqueeze(2) - scores.diag().view(1, 1, n)
    assert hinge.abs().min() > 1e-3
    fixture = {
        "generator": "tools/make_fixtures.py (PyTorch " + torch.__version__ + ")",
        "functions": "SCAN model.py ContrastiveLoss.forward on a given score matrix (rows = images)",
        "n": n, "margin": margin, "scores": flat(scores), "cases": [],
    }
    for max_violation in (False, True):
        case = {"max_violation": max_violation}
        for dtype, key in ((torch.float64, "float64"), (torch.float32, "float32")):
            s = scores.to(dtype).detach().clone().requires_grad_()
            loss = ContrastiveLoss(margin=margin, max_violation=max_violation)(s)
            loss.backward()
            case[key] = {"loss": float(loss), "grad_scores": flat(s.grad)}
        fixture["cases"].append(case)
    write_json(fixture, path)


def write_adam_clip(path):
    """Two cases of two steps (clip to 2.0, then Adam) on three parameters; the gradients are
    scaled to a chosen total norm per step: case 0 clips at step 1 only, case 1 at step 2 only.
    One gradient has tiny entries (|g| ~ 1e-9), where sqrt(v_hat) ~ eps, so that the placement of
    Adam's eps (after the bias correction of sqrt(v), as PyTorch >= 1.x) shows."""
    torch.manual_seed(5)
    shapes = [[3, 4], [4], [2, 3]]
    lr, max_norm = 2e-4, 2.0
    initial = [torch.rand(s, dtype=torch.float64) * 2 - 1 for s in shapes]
    fixture = {
        "generator": "tools/make_fixtures.py (PyTorch " + torch.__version__ + ")",
        "functions": "torch.nn.utils.clip_grad_norm_(params, max_norm) then torch.optim.Adam(params, lr).step()",
        "lr": lr, "max_norm": max_norm, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.0,
        "shapes": shapes, "initial": [flat(p) for p in initial], "cases": [],
    }
    for norms in ((5.0, 0.7), (1.3, 3.5)):
        grads = []
        for norm in norms:
            g = [torch.randn(s, dtype=torch.float64) for s in shapes]
            g[2] = g[2] * 1e-9
            total = torch.sqrt(sum((t * t).sum() for t in g))
            grads.append([t * (norm / total) for t in g])
        case = {"steps": [{"grads": [flat(t) for t in g]} for g in grads]}
        for dtype, key in ((torch.float64, "float64"), (torch.float32, "float32")):
            params = [p.to(dtype).clone().requires_grad_() for p in initial]
            adam = torch.optim.Adam(params, lr=lr)
            steps = []
            for g in grads:
                for p, t in zip(params, g):
                    p.grad = t.to(dtype).clone()
                total_norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
                clipped = [flat(p.grad) for p in params]
                adam.step()
                steps.append({"total_norm": float(total_norm), "clipped_grads": clipped,
                              "params_after": [flat(p) for p in params]})
            case[key] = steps
        fixture["cases"].append(case)
    write_json(fixture, path)


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    write_gru_bidirectional(os.path.join(FIXTURES, "gru_bidirectional.json"))
    write_cross_attention(os.path.join(FIXTURES, "cross_attention.json"))
    write_contrastive_loss(os.path.join(FIXTURES, "contrastive_loss.json"))
    write_adam_clip(os.path.join(FIXTURES, "adam_clip.json"))


if __name__ == "__main__":
    main()
