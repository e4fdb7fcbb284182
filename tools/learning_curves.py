#!/usr/bin/python3
"""Learning curves of SCAN, ours against PyTorch, over seeds (docs/fidelity.md).

    /usr/bin/python3 tools/learning_curves.py --out runs/curves --seeds 1 2 3 4 5 --epochs 30 --jobs 2
    /usr/bin/python3 tools/learning_curves.py --out runs/curves --report-only   # table + plot again

Writes the synthetic dataset with `scan synth` once per --out folder: --train_images (400) training
and 100 dev and test images, --regions (5) regions of 512 features, --data_seed (7); docs/fidelity.md
also reports 500 training images of 12 regions. Then for every seed trains one configuration three
ways, each single-threaded, --jobs runs at a time:
  torch      tools/train_torch.py: the original train.py loop on PyTorch (torch.manual_seed(seed))
  ours       build/scan train --seed <seed>
  ours-torch-init  build/scan train --seed <seed> --resume torch_init_<seed>.safetensors: our trainer
             from PyTorch's initial weights (train_torch.py --init_only writes the very weights the
             torch line starts from), with our data order of that seed
The configuration is the one of the issue that reported the gap: embed 256, word_dim 128, batch
128, lr 2e-4 with lr_update 15, bi-GRU, t2i, Mean, lambda_softmax 9, clipped_l2norm, hardest
negatives. After training, the last epoch's weights are evaluated on test (both sides).
A run whose result file exists is not run again, so an interrupted sweep resumes.
Each run's result (<line>_<seed>.json) records where it ran (`source`: day, CPU, PyTorch's version
or the scan binary) and on which dataset (`dataset`: the `scan synth` flags); runs of two datasets
are never reported together. Outputs under --out: curves.json (every curve), curves.md (the tables: dev rsum
per seed, the means with permutation p-values, and how many runs of each line fall outside the
other's range), curves.png (needs matplotlib).
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
LINES = ("torch", "ours", "ours-torch-init")
CONFIG = ["--img_dim", "512", "--embed_size", "256", "--word_dim", "128", "--batch_size", "128",
          "--learning_rate", "0.0002", "--lr_update", "15", "--bi_gru", "--cross_attn", "t2i", "--agg_func", "Mean",
          "--lambda_softmax", "9", "--raw_feature_norm", "clipped_l2norm", "--max_violation", "--grad_clip", "2"]
# The dataset's fixed part; --train_images, --regions and --data_seed choose the rest.
SYNTH = ["--dev_images", "100", "--test_images", "100", "--img_dim", "512"]


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--scan", default=os.path.join(REPO, "build", "scan"))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--data_seed", type=int, default=7)
    parser.add_argument("--train_images", type=int, default=400)
    parser.add_argument("--regions", type=int, default=5)
    parser.add_argument("--lines", nargs="+", default=list(LINES), choices=LINES)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument("--include", nargs="*", default=[],
                        help="other output folders, or curves.json files, whose runs join the table, statistics "
                             "and plot (the runs of --out win over them)")
    return parser.parse_args(argv)


def run(command, log):
    with open(log, "w") as f:
        subprocess.run(command, stdout=f, stderr=subprocess.STDOUT, check=True,
                       env=dict(os.environ, OMP_WAIT_POLICY="passive", OMP_NUM_THREADS="1",
                                OPENBLAS_NUM_THREADS="1"))


def dataset(args):
    """The `scan synth` flags of the sweep's dataset, as recorded with each curve."""
    return "--train_images {} --regions {} --seed {}".format(args.train_images, args.regions, args.data_seed)


def write_dataset(args):
    """Writes the dataset once; a sweep folder holding another dataset is refused, not mixed in."""
    data = os.path.join(args.out, "data")
    record = os.path.join(data, "dataset.txt")
    if os.path.exists(os.path.join(data, "synthetic_precomp", "test_caps.txt")):
        found = open(record).read().strip() if os.path.exists(record) else "unknown (no data/dataset.txt)"
        if found != dataset(args):
            raise SystemExit("{}: holds the dataset '{}', not '{}'; give another --out".format(args.out, found,
                                                                                             dataset(args)))
        return
    subprocess.run([args.scan, "synth", "--out", data, "--train_images", str(args.train_images), "--regions",
                    str(args.regions), "--seed", str(args.data_seed)] + SYNTH, check=True)
    with open(record + ".tmp", "w") as f:
        f.write(dataset(args) + "\n")
    os.replace(record + ".tmp", record)


def data_flags(args):
    data = os.path.join(args.out, "data")
    return ["--data_path", data, "--data_name", "synthetic_precomp", "--vocab_path", os.path.join(data, "vocab")]


def result_path(args, line, seed):
    return os.path.join(args.out, "{}_{}.json".format(line, seed))


def torch_init_path(args, seed):
    return os.path.join(args.out, "torch_init_{}.safetensors".format(seed))


def train_torch(args, seed):
    out = result_path(args, "torch", seed)
    run(["/usr/bin/python3", os.path.join(HERE, "train_torch.py")] + data_flags(args) + CONFIG +
        ["--num_epochs", str(args.epochs), "--seed", str(seed), "--threads", "1", "--test",
         "--json", out], out + ".log")


def train_ours(args, line, seed):
    out = result_path(args, line, seed)
    folder = os.path.join(args.out, "{}_{}".format(line, seed))
    command = [args.scan, "train"] + data_flags(args) + CONFIG + [
        "--num_epochs", str(args.epochs), "--seed", str(seed), "--threads", "1",
        "--logger_name", folder + "/log", "--model_name", folder + "/checkpoint"]
    if line == "ours-torch-init":
        if not os.path.exists(torch_init_path(args, seed)):  # PyTorch's initial weights alone, no training
            run(["/usr/bin/python3", os.path.join(HERE, "train_torch.py")] + data_flags(args) + CONFIG +
                ["--num_epochs", str(args.epochs), "--seed", str(seed), "--save_init", torch_init_path(args, seed),
                 "--init_only"], out + ".init.log")
        command += ["--resume", torch_init_path(args, seed)]
    run(command, out + ".log")
    last = os.path.join(folder, "checkpoint", "checkpoint_{}.safetensors".format(args.epochs - 1))
    run([args.scan, "eval", "--model", last, "--split", "test", "--threads", "1", "--json", out + ".test.json"],
        out + ".eval.log")
    epochs = []
    with open(os.path.join(folder, "log", "metrics.jsonl")) as f:
        for record in map(json.loads, f):
            if record["type"] == "val":
                epochs.append(record)
    # Keep the end-of-epoch validations (one per epoch: the last "val" record of each epoch).
    by_epoch = {}
    for record in epochs:
        by_epoch[record["epoch"]] = record
    with open(out + ".test.json") as f:
        test = json.load(f)
    curve = {"seed": seed, "epochs": [{"epoch": e, "rsum": by_epoch[e]["rsum"]} for e in sorted(by_epoch)],
             "test_rsum": test["rsum"]}
    with open(out + ".tmp", "w") as f:
        json.dump(curve, f)
    os.replace(out + ".tmp", out)


def where_it_ran(args, line):
    """The `source` of a new run: the day, the CPU, and what trained it."""
    import datetime
    cpu = "a CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
    except OSError:
        pass
    day = datetime.date.today().isoformat()
    if line == "torch":
        version = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"],
                                 capture_output=True, text=True).stdout.strip() or "?"
        what = "PyTorch {}, tools/train_torch.py".format(version)
    else:
        commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip() or "?"
        what = "{} (checkout at commit {})".format(args.scan, commit)
    return "run {} on {} ({} cores), single-threaded, {}".format(day, cpu, os.cpu_count(), what)


def job(args, line, seed):
    out = result_path(args, line, seed)
    if os.path.exists(out):
        return
    if line == "torch":
        train_torch(args, seed)
    else:
        train_ours(args, line, seed)
    with open(out) as f:
        curve = json.load(f)
    curve.setdefault("source", where_it_ran(args, line))
    curve.setdefault("dataset", dataset(args))
    with open(out + ".tmp", "w") as f:
        json.dump(curve, f)
    os.replace(out + ".tmp", out)
    print("done: {} seed {}".format(line, seed), flush=True)


def load_curves(sources):
    """Curves by line and seed from run folders (<line>_<seed>.json) and curves.json files; a later source wins.

    A curves.json may hold curves recorded at some epochs only (a "source" field says where they come from)."""
    curves = {line: {} for line in LINES}
    for source in sources:
        if os.path.isfile(source):
            with open(source) as f:
                for line, by_seed in json.load(f).items():
                    if line not in curves:
                        raise SystemExit("{}: unknown line {!r} (expected one of {})".format(source, line, LINES))
                    for seed, curve in by_seed.items():
                        curves[line][int(seed)] = curve
            continue
        for name in sorted(os.listdir(source)):
            for line in LINES:
                prefix = line + "_"
                rest = name[len(prefix):-len(".json")] if name.startswith(prefix) and name.endswith(".json") else ""
                if rest.isdigit():
                    with open(os.path.join(source, name)) as f:
                        curves[line][int(rest)] = json.load(f)
    # Runs on two datasets are not one sample (a curve without "dataset" predates the field).
    datasets = sorted({c["dataset"] for by_seed in curves.values() for c in by_seed.values() if "dataset" in c})
    if len(datasets) > 1:
        raise SystemExit("the runs of {} come from {} datasets ({}): report each alone".format(
            ", ".join(sources), len(datasets), "; ".join(datasets)))
    # By seed, whatever the sources' order: the statistics (and their random relabellings) then see the
    # same sequence of runs however a sweep was put together.
    return {line: dict(sorted(by_seed.items())) for line, by_seed in curves.items()}


def rsum_at(curve, epoch):
    """Dev rsum of a curve after the 0-based epoch, or None where it was not recorded."""
    return next((e["rsum"] for e in curve["epochs"] if e["epoch"] == epoch), None)


def last_epoch(curve):
    return max(e["epoch"] for e in curve["epochs"])


def permutation_p(a, b, rounds=20000):
    """Two-sided p-value of the difference of means of a and b under random relabelling."""
    import numpy as np
    a, b = np.asarray(a, float), np.asarray(b, float)
    observed = abs(a.mean() - b.mean())
    pooled = np.concatenate([a, b])
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(rounds):
        rng.shuffle(pooled)
        hits += abs(pooled[:len(a)].mean() - pooled[len(a):].mean()) >= observed - 1e-12
    return (hits + 1) / (rounds + 1)


def paired_p(differences, rounds=20000):
    """Two-sided p-value of a mean paired difference under random sign flips."""
    import numpy as np
    d = np.asarray(differences, float)
    observed = abs(d.mean())
    rng = np.random.default_rng(0)
    hits = sum(abs((d * rng.choice([-1.0, 1.0], size=len(d))).mean()) >= observed - 1e-12 for _ in range(rounds))
    return (hits + 1) / (rounds + 1)


def spread(curves, epochs):
    """Per epoch: how many runs of one line fall outside the other line's [min, max].

    If two lines were draws of one distribution, a run of one would fall outside the range of n runs of
    the other with probability 2 / (n + 1) (ties aside), so a handful of runs just outside is expected."""
    rows = ["| epoch | torch [min, max] (seeds) | ours below / above it | ours [min, max] (seeds) | "
            "torch below / above it | expected outside, either way, if the lines were one distribution |",
            "|---|---|---|---|---|---|"]
    for e in epochs:
        v = {line: [r for r in (rsum_at(c, e) for c in curves[line].values()) if r is not None]
             for line in ("torch", "ours")}
        if not v["torch"] or not v["ours"]:
            continue

        def outside(runs, other):
            return "{} / {}".format(sum(r < min(other) for r in runs), sum(r > max(other) for r in runs))

        expected = "ours {:.1f}, torch {:.1f}".format(len(v["ours"]) * 2 / (len(v["torch"]) + 1),
                                                        len(v["torch"]) * 2 / (len(v["ours"]) + 1))
        rows.append("| {} | [{:.1f}, {:.1f}] ({}) | {} | [{:.1f}, {:.1f}] ({}) | {} | {} |".format(
            e + 1, min(v["torch"]), max(v["torch"]), len(v["torch"]), outside(v["ours"], v["torch"]),
            min(v["ours"]), max(v["ours"]), len(v["ours"]), outside(v["torch"], v["ours"]), expected))
    return rows


def statistics(curves, epochs):
    """Per line and epoch: seeds, mean, min, max of dev rsum; and p-values of ours vs torch."""
    rows = ["| epoch | " + " | ".join("{} mean [min, max] (seeds)".format(line) for line in LINES) +
            " | p, ours vs torch | p, ours-torch-init vs torch | paired p, ours vs ours-torch-init |",
            "|---" * (len(LINES) + 4) + "|"]
    for e in epochs:
        values = {line: [r for r in (rsum_at(c, e) for c in curves[line].values()) if r is not None]
                  for line in LINES}
        cells = []
        for line in LINES:
            v = values[line]
            cells.append("{:.0f} [{:.0f}, {:.0f}] ({})".format(sum(v) / len(v), min(v), max(v), len(v)) if v else "-")
        p = [("{:.2f}".format(permutation_p(values[x], values["torch"])) if values[x] and values["torch"] else "-")
             for x in ("ours", "ours-torch-init")]
        # ours and ours-torch-init of one seed share the data order: only the initial weights differ.
        pairs = [(c, curves["ours-torch-init"][seed]) for seed, c in curves["ours"].items()
                 if seed in curves["ours-torch-init"]]
        diffs = [rsum_at(a, e) - rsum_at(b, e) for a, b in pairs
                 if rsum_at(a, e) is not None and rsum_at(b, e) is not None]
        paired = "{:.2f} ({} pairs)".format(paired_p(diffs), len(diffs)) if diffs else "-"
        rows.append("| {} | {} | {} | {} | {} |".format(e + 1, " | ".join(cells), p[0], p[1], paired))
    full = max(last_epoch(c) for by_seed in curves.values() for c in by_seed.values())
    tests = {line: [c["test_rsum"] for c in curves[line].values() if c.get("test_rsum") is not None
                    and last_epoch(c) == full] for line in LINES}
    rows.append("")
    rows.append("Test rsum of the last epoch's weights, runs of the full length: " + "; ".join(
        "{} {:.1f} mean ({} seeds: {})".format(line, sum(v) / len(v), len(v), ", ".join("{:.1f}".format(x) for x in v))
        for line, v in tests.items() if v))
    if tests["torch"]:
        torch_mean = sum(tests["torch"]) / len(tests["torch"])
        rows.append("Mean test rsum against PyTorch's: " + "; ".join(
            "{} {:+.2f}%".format(line, 100 * (sum(tests[line]) / len(tests[line]) / torch_mean - 1))
            for line in ("ours", "ours-torch-init") if tests[line]))
    return rows


def report(args):
    curves = load_curves(args.include + [args.out])
    with open(os.path.join(args.out, "curves.json"), "w") as f:
        json.dump(curves, f, indent=1)
    marks = [e for e in (0, 4, 9, 14, 19, 24, 29) if e < args.epochs]
    rows = ["| line | seed | dev rsum after epoch " + " / ".join(str(e + 1) for e in marks) + " | test rsum |",
            "|---|---|---|---|"]
    for line in LINES:
        for seed, curve in sorted(curves[line].items()):
            rsums = {e["epoch"]: e["rsum"] for e in curve["epochs"]}
            cells = " / ".join("{:.0f}".format(rsums[e]) if e in rsums else "-" for e in marks)
            test = curve.get("test_rsum")
            test_cell = "-" if test is None else "{:.1f}".format(test)
            rows.append("| {} | {} | {} | {} |".format(line, seed, cells, test_cell))
    rows += [""] + statistics(curves, [e for e in (4, 9, 14, 19, 29) if e < args.epochs])
    rows += [""] + spread(curves, [e for e in marks if e >= 9])
    with open(os.path.join(args.out, "curves.md"), "w") as f:
        f.write("\n".join(rows) + "\n")
    print("\n".join(rows))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no matplotlib: curves.png not drawn (apt-get install python3-matplotlib)")
        return
    colours = {"torch": "tab:blue", "ours": "tab:orange", "ours-torch-init": "tab:green"}
    labels = {"torch": "PyTorch (original loop)", "ours": "ours (scan train)",
              "ours-torch-init": "ours from PyTorch's initial weights"}
    fig, ax = plt.subplots(figsize=(8, 5), dpi=110)
    for line in LINES:
        sparse_seeds = [s for s, c in curves[line].items() if len(c["epochs"]) < last_epoch(c) + 1]
        labelled = set()
        for seed, curve in sorted(curves[line].items()):
            xs = [e["epoch"] + 1 for e in curve["epochs"]]
            ys = [e["rsum"] for e in curve["epochs"]]
            sparse = seed in sparse_seeds  # recorded at some epochs only: dashed, with a mark where
            label = None
            if sparse not in labelled:
                labelled.add(sparse)
                count = len(sparse_seeds) if sparse else len(curves[line]) - len(sparse_seeds)
                label = "{} ({} seeds{})".format(labels[line], count, ", at recorded epochs" if sparse else "")
            ax.plot(xs, ys, color=colours[line], alpha=0.75, linewidth=1.2, marker="o" if sparse else None,
                    markersize=3, linestyle="--" if sparse else "-", label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("dev rsum (max 600)")
    datasets = {c["dataset"] for by_seed in curves.values() for c in by_seed.values() if "dataset" in c}
    ax.set_title("SCAN on the synthetic dataset{}: one line per seed".format(
        " (scan synth " + datasets.pop() + ")" if datasets else ""), fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "curves.png"))
    print("wrote " + os.path.join(args.out, "curves.png"))


def main(argv=None):
    args = parse(argv)
    os.makedirs(args.out, exist_ok=True)
    if not args.report_only:
        write_dataset(args)
        # PyTorch first for each seed: its initial weights are the third line's start.
        jobs = [(line, seed) for seed in args.seeds for line in args.lines]
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for future in [pool.submit(job, args, line, seed) for line, seed in jobs]:
                future.result()
    report(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
