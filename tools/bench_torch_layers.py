#!/usr/bin/python3
"""Times SCAN's two heavy layers in PyTorch, as the baseline that benchmarks/bench_layers.cpp
prints next to the framework's own times (it runs this script in the same run, same threads).

    /usr/bin/python3 tools/bench_torch_layers.py --threads 2 [--quick]

Workloads (float32, forward + backward; the shapes must stay those of bench_layers.cpp):
  gru              nn.GRU(300, 1024, batch_first=True, bidirectional=True) on a batch of 128
                   sequences of T = 20 steps with lengths 8 + (5 b) mod 13 (8..20), through
                   pack_padded_sequence(enforce_sorted=False) / pad_packed_sequence, loss
                   sum(output * w); gradients of the input and every weight.
  cross_attention  the original per-caption loop (xattn_score_t2i / xattn_score_i2t, transcribed in
                   tools/make_fixtures.py) for 128 images x 128 captions, 36 regions, 12 words
                   each, d = 1024, clipped_l2norm + LogSumExp (t2i: lambda 9 / 6; i2t: 4 / 5),
                   loss sum(S * w); gradients of images and captions.
Prints one JSON object: for each workload, the median and best milliseconds per forward +
backward over several runs after a warm-up run.

Threads: torch.set_num_threads(N) for PyTorch's own kernels, and OPENBLAS_NUM_THREADS=N (set
before torch loads: Debian's PyTorch calls OpenBLAS for its GEMMs and does not pass its thread
count on), as the framework does with openblas_set_num_threads.
"""
import argparse
import json
import os
import statistics
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser(description="Times SCAN's GRU and cross attention in PyTorch; JSON on stdout.")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    return parser.parse_args()


if __name__ == "__main__":
    ARGS = parse_args()
    os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)

import torch  # noqa: E402  (after OPENBLAS_NUM_THREADS is set)
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import xattn_options, xattn_score  # noqa: E402  (the transcription of SCAN's code)


def timed(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {"median_ms": statistics.median(times) * 1e3, "best_ms": min(times) * 1e3, "reps": reps}


def gru_lengths(batch):
    return [8 + (5 * b) % 13 for b in range(batch)]


def bench_gru(warmup, reps):
    batch, steps, input_size, hidden = 128, 20, 300, 1024
    torch.manual_seed(1)
    gru = torch.nn.GRU(input_size, hidden, batch_first=True, bidirectional=True)
    x = torch.empty(batch, steps, input_size).uniform_(-0.1, 0.1).requires_grad_()
    w = torch.empty(batch, steps, 2 * hidden).uniform_(-1, 1)
    lengths = torch.tensor(gru_lengths(batch))

    def step():
        x.grad = None
        gru.zero_grad(set_to_none=True)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = gru(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=steps)
        (out * w).sum().backward()

    return timed(step, warmup, reps)


def bench_cross_attention(direction, lambda_softmax, lambda_lse, warmup, reps):
    n_img, n_cap, regions, words, d = 128, 128, 36, 12, 1024
    torch.manual_seed(2)
    images = torch.empty(n_img, regions, d).uniform_(-0.05, 0.05).requires_grad_()
    captions = torch.empty(n_cap, words, d).uniform_(-0.05, 0.05).requires_grad_()
    w = torch.empty(n_img, n_cap).uniform_(-1, 1)
    opt = xattn_options(direction, "clipped_l2norm", "LogSumExp", lambda_lse=lambda_lse)
    assert opt.lambda_softmax == lambda_softmax
    cap_lens = [words] * n_cap

    def step():
        images.grad = None
        captions.grad = None
        (xattn_score(images, captions, cap_lens, opt) * w).sum().backward()

    return timed(step, warmup, reps)


def main(args):
    torch.set_num_threads(args.threads)
    reps = 3 if args.quick else 5
    result = {
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "gru": bench_gru(1, reps),
        "cross_attention_t2i": bench_cross_attention("t2i", 9.0, 6.0, 1, reps),
        "cross_attention_i2t": bench_cross_attention("i2t", 4.0, 5.0, 1, reps),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(ARGS)
