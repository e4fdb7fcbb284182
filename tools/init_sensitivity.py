#!/usr/bin/python3
"""How much does the outcome of SCAN training depend on the exact initial weights? (docs/fidelity.md)

    /usr/bin/python3 tools/init_sensitivity.py --out runs/sensitivity --curves runs/curves30 \\
        --seeds 1 10 --copies 6 --epochs 10

For each seed, takes PyTorch's initial weights of that seed (torch_init_<seed>.safetensors, as
tools/learning_curves.py writes them into --curves) and makes --copies copies of them whose image
encoder weight is multiplied element-wise by (1 + 2^-22 u), u uniform in [-1, 1): a change of at
most two units in the last place of a float32, far below any statistic of the draw. Each copy
trains with `scan train` (same flags as learning_curves.py, same --seed, so the same data order)
for --epochs epochs, single-threaded, --jobs at a time. Copy 0 is the weights unchanged. Writes
sensitivity.json (dev rsum per epoch of every run) and prints a table.
"""
import argparse
import concurrent.futures
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from convert_checkpoint import read_safetensors, write_safetensors  # noqa: E402
from learning_curves import CONFIG, run  # noqa: E402


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--curves", required=True, help="a learning_curves.py output folder (data, torch inits)")
    parser.add_argument("--scan", default=os.path.join(os.path.dirname(HERE), "build", "scan"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=1)
    return parser.parse_args(argv)


def perturbed(args, seed, copy):
    """The path of copy `copy` of seed's PyTorch initial weights, written if missing."""
    path = os.path.join(args.out, "init_{}_{}.safetensors".format(seed, copy))
    if not os.path.exists(path):
        tensors, metadata = read_safetensors(os.path.join(args.curves, "torch_init_{}.safetensors".format(seed)))
        weight = tensors["img_enc.fc.weight"].astype(np.float32)
        if copy > 0:
            u = np.random.default_rng(1000 * seed + copy).uniform(-1, 1, size=weight.shape)
            weight = (weight.astype(np.float64) * (1 + 2.0 ** -22 * u)).astype(np.float32)
        tensors["img_enc.fc.weight"] = weight
        write_safetensors(path, tensors, metadata)
    return path


def train(args, seed, copy):
    folder = os.path.join(args.out, "run_{}_{}".format(seed, copy))
    result = folder + ".json"
    if not os.path.exists(result):
        data = os.path.join(args.curves, "data")
        run([args.scan, "train", "--data_path", data, "--data_name", "synthetic_precomp", "--vocab_path",
             os.path.join(data, "vocab")] + CONFIG +
            ["--num_epochs", str(args.epochs), "--seed", str(seed), "--threads", "1", "--resume",
             perturbed(args, seed, copy), "--logger_name", folder + "/log", "--model_name", folder + "/checkpoint"],
            folder + ".log")
        by_epoch = {}
        with open(os.path.join(folder, "log", "metrics.jsonl")) as f:
            for record in map(json.loads, f):
                if record["type"] == "val":
                    by_epoch[record["epoch"]] = record["rsum"]
        with open(result, "w") as f:
            json.dump([by_epoch[e] for e in sorted(by_epoch)], f)
    with open(result) as f:
        return json.load(f)


def main(argv=None):
    args = parse(argv)
    os.makedirs(args.out, exist_ok=True)
    jobs = [(seed, copy) for seed in args.seeds for copy in range(args.copies)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {job: pool.submit(train, args, *job) for job in jobs}
        curves = {"{}_{}".format(*job): future.result() for job, future in futures.items()}
    with open(os.path.join(args.out, "sensitivity.json"), "w") as f:
        json.dump(curves, f, indent=1)
    marks = [e for e in (2, 4, 6, 9) if e < args.epochs]
    print("| seed | copy | dev rsum after epoch " + " / ".join(str(e + 1) for e in marks) + " |")
    print("|---|---|---|")
    for (seed, copy) in jobs:
        curve = curves["{}_{}".format(seed, copy)]
        print("| {} | {} | {} |".format(seed, copy, " / ".join("{:.0f}".format(curve[e]) for e in marks)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
