#!/usr/bin/python3
"""The PyTorch side of `scan bench --torch` (tools/scan/bench_torch.cpp runs it; needs Debian's
python3-torch, i.e. /usr/bin/python3).

    /usr/bin/python3 tools/bench_torch_scan.py --spec SPEC.json

SPEC.json (written by `scan bench`): workload ("step"), style ("loop" or "batched"), threads,
reps, warmup, the caption lengths of the batch (<start> and <end> included, descending, as
collate_fn sorts them; for eval, of every caption in file order, with "images" and "image_shards")
and the sizes (regions, img_dim, embed_size, word_dim, vocab_size). Prints
one JSON object: {"runs_s": [seconds of each timed run], "peak_resident_bytes": the process's
peak resident memory, "torch_version": ..., "threads": ...}.

step: one training iteration of the original train.py (train_emb) at those sizes, on a batch of
random region features (uniform in [0, 1), as `scan bench` draws them) and random word ids:
forward_emb, zero_grad, the loss, backward, clip_grad_norm_(params, 2), Adam.step, float32, with
the Flickr30K t-i AVG options (bi-GRU, t2i, clipped_l2norm, Mean, lambda_softmax 9, hardest
negatives). The two styles differ only in how the score matrix is computed:
  loop     the original xattn_score_t2i: a Python loop over the captions, each against every
           image (transcribed in tools/make_fixtures.py), as the original code runs it;
  batched  every pair at once, as a user writing it for speed today would: one einsum for every
           word-region score of every pair, the padded words masked out, the attention-weighted
           regions of every (image, caption, word) formed explicitly, then the cosine and the mean.

eval: the encoding of encode_data and shard_xattn_t2i of the original evaluation.py (blocks of
128 images x 128 captions, float32 instead of the original's float64), the loop or the batched
score per block; the blocks of the first image_shards image shards are timed and scaled by the
number of images, so a run of the per-caption loop over 1,000 x 5,000 does not take ten minutes.
Also prints encode_s, scores_s, image_shards_timed and image_shards.

Threads: torch.set_num_threads(N), and OPENBLAS_NUM_THREADS=N before torch is imported (Debian's
PyTorch multiplies matrices through OpenBLAS).
"""
import argparse
import json
import os
import resource
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser(description="PyTorch baseline of `scan bench`; JSON on stdout.")
    parser.add_argument("--spec", required=True, help="the JSON file `scan bench` writes")
    return parser.parse_args()


if __name__ == "__main__":
    ARGS = parse_args()
    with open(ARGS.spec) as f:
        SPEC = json.load(f)
    os.environ["OPENBLAS_NUM_THREADS"] = str(SPEC["threads"])

import torch  # noqa: E402  (after OPENBLAS_NUM_THREADS is set)
from torch import nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scan_torch  # noqa: E402  (the original model code)
from make_fixtures import ContrastiveLoss as ScoreContrastiveLoss  # noqa: E402


def batched_t2i_mean(images, captions, lengths, lambda_softmax, eps=1e-8):
    """xattn_score_t2i with clipped_l2norm and Mean for every (image, caption) pair at once:
    images [n_img, R, d], captions [n_cap, L, d] (padded), lengths n_cap -> scores [n_img, n_cap]."""
    n_cap, L = captions.size(0), captions.size(1)
    mask = (torch.arange(L).unsqueeze(0) < torch.as_tensor(lengths).unsqueeze(1)).to(images.dtype)  # [n_cap, L]
    # attn[i, c, r, l] = region r of image i . word l of caption c
    attn = torch.einsum("ird,cld->icrl", images, captions)
    attn = nn.functional.leaky_relu(attn, 0.1) * mask[None, :, None, :]
    attn = attn / (attn.pow(2).sum(dim=3, keepdim=True).sqrt() + eps)  # l2norm over the words
    attn = torch.softmax(attn.transpose(2, 3) * lambda_softmax, dim=3)  # [i, c, l, r]: over regions
    context = torch.einsum("iclr,ird->icld", attn, images)  # attention-weighted regions
    dot = (context * captions.unsqueeze(0)).sum(dim=3)
    norms = context.norm(dim=3) * captions.norm(dim=2).unsqueeze(0)
    cosine = dot / norms.clamp(min=eps)  # [i, c, l]
    return (cosine * mask.unsqueeze(0)).sum(dim=2) / torch.as_tensor(lengths, dtype=images.dtype).unsqueeze(0)


def bench_step(spec):
    lengths = [int(n) for n in spec["lengths"]]
    opt = scan_torch.options(vocab_size=spec["vocab_size"], img_dim=spec["img_dim"], embed_size=spec["embed_size"],
                             word_dim=spec["word_dim"], bi_gru=True, max_violation=True, agg_func="Mean",
                             lambda_softmax=9.0, cross_attn="t2i", raw_feature_norm="clipped_l2norm")
    torch.manual_seed(1)
    model = scan_torch.SCAN(opt)
    params = list(model.img_enc.parameters()) + list(model.txt_enc.parameters())
    optimizer = torch.optim.Adam(params, lr=opt.learning_rate)
    batch = len(lengths)
    images = torch.rand(batch, spec["regions"], spec["img_dim"])
    captions = torch.zeros(batch, max(lengths), dtype=torch.int64)
    for b, n in enumerate(lengths):
        captions[b, 0] = 1
        captions[b, 1:n - 1] = torch.randint(4, spec["vocab_size"], (n - 2,))
        captions[b, n - 1] = 2
    loss_of_scores = ScoreContrastiveLoss(margin=opt.margin, max_violation=True)

    def step():
        img_emb, cap_emb, cap_lens = model.forward_emb(images, captions, lengths)
        optimizer.zero_grad()
        if spec["style"] == "loop":
            loss = model.forward_loss(img_emb, cap_emb, cap_lens)
        else:
            loss = loss_of_scores(batched_t2i_mean(img_emb, cap_emb, cap_lens, opt.lambda_softmax))
        loss.backward()
        nn.utils.clip_grad_norm_(params, opt.grad_clip)
        optimizer.step()

    for _ in range(spec["warmup"]):
        step()
    runs = []
    for _ in range(spec["reps"]):
        start = time.perf_counter()
        step()
        runs.append(time.perf_counter() - start)
    return runs


def bench_eval(spec):
    """The encoding of encode_data (each image encoded once, as `scan bench` does; the original
    encodes it once per caption) then shard_xattn_t2i (blocks of 128 x 128) of the original
    evaluation.py, in float32; the score blocks of the first `image_shards` image shards are
    timed and the time is scaled by the number of images (an image shard scores its images
    against every caption, so the work is proportional to its images)."""
    lengths = [int(n) for n in spec["lengths"]]
    n_img, n_cap, shard = spec["images"], len(lengths), 128
    opt = scan_torch.options(vocab_size=spec["vocab_size"], img_dim=spec["img_dim"], embed_size=spec["embed_size"],
                             word_dim=spec["word_dim"], bi_gru=True, agg_func="Mean", lambda_softmax=9.0,
                             cross_attn="t2i", raw_feature_norm="clipped_l2norm")
    torch.manual_seed(1)
    model = scan_torch.SCAN(opt)
    model.eval()
    images = torch.rand(n_img, spec["regions"], spec["img_dim"])
    ids = [torch.cat([torch.tensor([1]), torch.randint(4, spec["vocab_size"], (n - 2,)), torch.tensor([2])])
           for n in lengths]
    start = time.perf_counter()
    with torch.no_grad():
        img_embs = torch.cat([model.img_enc(images[i:i + shard]) for i in range(0, n_img, shard)])
        cap_embs = torch.zeros(n_cap, max(lengths), spec["embed_size"])
        for c0 in range(0, n_cap, shard):  # collate_fn: each batch sorted by length, descending
            batch = sorted(range(c0, min(c0 + shard, n_cap)), key=lambda c: -lengths[c])
            padded = torch.zeros(len(batch), lengths[batch[0]], dtype=torch.int64)
            for row, c in enumerate(batch):
                padded[row, :lengths[c]] = ids[c]
            emb, _ = model.txt_enc(padded, [lengths[c] for c in batch])
            for row, c in enumerate(batch):
                cap_embs[c, :lengths[c]] = emb[row, :lengths[c]]
    encode = time.perf_counter() - start
    n_im_shard = (n_img - 1) // shard + 1
    timed_shards = min(n_im_shard, spec.get("image_shards", n_im_shard))
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(timed_shards):
            im = img_embs[i * shard:(i + 1) * shard]
            for c0 in range(0, n_cap, shard):
                caps, lens = cap_embs[c0:c0 + shard], lengths[c0:c0 + shard]
                if spec["style"] == "loop":
                    scan_torch.xattn_scores(im, caps, lens, opt)
                else:
                    batched_t2i_mean(im, caps[:, :max(lens)], lens, opt.lambda_softmax)
    scores = (time.perf_counter() - start) * n_img / min(n_img, timed_shards * shard)
    return [encode + scores], {"encode_s": encode, "scores_s": scores, "image_shards_timed": timed_shards,
                               "image_shards": n_im_shard}


def main(spec):
    torch.set_num_threads(spec["threads"])
    if spec["workload"] not in ("step", "eval") or spec["style"] not in ("loop", "batched"):
        raise SystemExit("unknown workload/style: {} / {}".format(spec["workload"], spec["style"]))
    extra = {}
    if spec["workload"] == "step":
        runs = bench_step(spec)
    else:
        runs, extra = bench_eval(spec)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    print(json.dumps(dict({"runs_s": runs, "peak_resident_bytes": peak, "torch_version": torch.__version__,
                           "threads": torch.get_num_threads()}, **extra)))


if __name__ == "__main__":
    main(SPEC)
