#!/usr/bin/python3
"""Which property of an initialisation predicts how fast SCAN training takes off? (docs/fidelity.md)

    /usr/bin/python3 tools/init_features.py --out runs/features --curves docs/fidelity_curves_500x12.json \\
        --train_images 500 --regions 12 --seeds 1 2 3 4 5 6 7 8 9 10 11 12 13 14

For every seed, recreates the two initialisations whose learning curves --curves holds: PyTorch's
(tools/train_torch.py --init_only, the start of the `torch` and `ours-torch-init` lines) and ours
(`scan train` for one epoch at learning rate 1e-30, which leaves every drawn float32 weight as it
was: an Adam step moves a weight by about the learning rate, far below its last place; the zero
biases become about 1e-30). Then measures, on the curves' dataset (rewritten with `scan synth`):

  take-off   dev rsum after epoch 5 and after epoch 10: for PyTorch's initialisation the mean of
             its two lines (two data orders), for ours that of the `ours` line
  init rsum  the initialisation's own dev rsum (`scan eval`), before any step
  fc.*       statistics of the image encoder's weight W [embed, img_dim] against the data: the
             subspace P spanned by the regions that depict an (attribute, object) pair (their 31
             leading singular directions; the others are background), and how W maps it

and, for each, Spearman's rank correlation with the take-off over all initialisations, with a
two-sided permutation p-value. With many statistics, a p below 0.05 / (their number) is what
would stand out. It also prints how strongly the take-off follows the initialisation: the rank
correlation between two lines that share the initial weights (other data orders) and between two
that share the data order (other initial weights); and, with --other_curves, whether the same
initial weights are slow or fast on another dataset too.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from convert_checkpoint import read_safetensors  # noqa: E402
from learning_curves import CONFIG, SYNTH, rsum_at, run  # noqa: E402

TAKE_OFF_EPOCHS = (4, 9)  # 0-based: after epochs 5 and 10


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--curves", required=True, help="a curves.json of tools/learning_curves.py")
    parser.add_argument("--scan", default=os.path.join(os.path.dirname(HERE), "build", "scan"))
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    parser.add_argument("--train_images", type=int, default=500)
    parser.add_argument("--regions", type=int, default=12)
    parser.add_argument("--data_seed", type=int, default=7)
    parser.add_argument("--other_curves", default="",
                        help="a curves.json of the same seeds on another dataset: does a draw slow on one stay slow?")
    return parser.parse_args(argv)


def data_flags(args):
    data = os.path.join(args.out, "data")
    return ["--data_path", data, "--data_name", "synthetic_precomp", "--vocab_path", os.path.join(data, "vocab")]


def initialisation(args, kind, seed):
    """The path of PyTorch's ("torch") or our ("ours") initial weights of seed, made if missing."""
    path = os.path.join(args.out, "{}_{}.safetensors".format(kind, seed))
    if os.path.exists(path):
        return path
    if kind == "torch":
        run(["/usr/bin/python3", os.path.join(HERE, "train_torch.py")] + data_flags(args) + CONFIG +
            ["--seed", str(seed), "--save_init", path, "--init_only"], path + ".log")
        return path
    folder = os.path.join(args.out, "ours_{}_run".format(seed))
    at = CONFIG.index("--learning_rate")
    config = CONFIG[:at] + ["--learning_rate", "1e-30"] + CONFIG[at + 2:]
    run([args.scan, "train"] + data_flags(args) + config + [
        "--num_epochs", "1", "--seed", str(seed), "--threads", "1",
        "--logger_name", folder + "/log", "--model_name", folder + "/checkpoint"], path + ".log")
    os.replace(os.path.join(folder, "checkpoint", "checkpoint_0.safetensors"), path)
    return path


def init_rsum(args, path):
    result = path + ".dev.json"
    if not os.path.exists(result):
        run([args.scan, "eval", "--model", path, "--split", "dev", "--threads", "1", "--json", result] +
            data_flags(args), result + ".log")
    with open(result) as f:
        return json.load(f)["rsum"]


class RegionGeometry:
    """The training regions that depict a pair, and the subspace they span."""

    def __init__(self, features):
        regions = features.reshape(-1, features.shape[-1]).astype(np.float64)
        norms = np.linalg.norm(regions, axis=1)
        # A depicted region is attribute + object direction (+ small noise): norm about sqrt(2);
        # background is N(0, 1/img_dim) per value: norm about 1.
        self.depicted = regions[norms > 1.2]
        self.background = regions[norms <= 1.2]
        _, _, vt = np.linalg.svd(self.depicted, full_matrices=False)
        self.subspace = vt[:31].T  # 8 + 24 directions, less the one a + o sums lose
        rng = np.random.default_rng(0)
        self.sample = self.depicted[rng.choice(len(self.depicted), min(400, len(self.depicted)), replace=False)]

    def statistics(self, weight):
        w = weight.astype(np.float64)
        projected = w @ self.subspace
        singular = np.linalg.svd(projected, compute_uv=False)
        all_singular = np.linalg.svd(w, compute_uv=False)
        unit = self.sample / np.linalg.norm(self.sample, axis=1, keepdims=True)
        mapped = self.sample @ w.T
        mapped /= np.linalg.norm(mapped, axis=1, keepdims=True)
        upper = np.triu_indices(len(unit), 1)
        cos_in, cos_out = (unit @ unit.T)[upper], (mapped @ mapped.T)[upper]
        return {
            "fc.frobenius_norm": float(np.linalg.norm(w)),
            "fc.condition": float(all_singular[0] / all_singular[-1]),
            "fc.energy_in_P (1 = an even share)": float(
                np.linalg.norm(projected) ** 2 / np.linalg.norm(w) ** 2 * w.shape[1] / self.subspace.shape[1]),
            "fc.condition_on_P": float(singular[0] / singular[-1]),
            "fc.smallest_singular_on_P": float(singular[-1]),
            "fc.largest_singular_on_P": float(singular[0]),
            "fc.cosines_kept (correlation, in vs out)": float(np.corrcoef(cos_in, cos_out)[0, 1]),
            "fc.mean_cosine_out": float(cos_out.mean()),
            "fc.depicted_over_background_norm": float(np.linalg.norm(self.depicted[:2000] @ w.T, axis=1).mean() /
                                                      np.linalg.norm(self.background[:2000] @ w.T, axis=1).mean()),
        }


def ranks(values):
    return np.argsort(np.argsort(values)).astype(float)


def spearman(x, y, rounds=20000):
    """Spearman's rho of x and y and its two-sided permutation p-value."""
    rx, ry = ranks(x), ranks(y)
    rho = np.corrcoef(rx, ry)[0, 1]
    rng = np.random.default_rng(0)
    hits = sum(abs(np.corrcoef(rx, rng.permutation(ry))[0, 1]) >= abs(rho) - 1e-12 for _ in range(rounds))
    return rho, (hits + 1) / (rounds + 1)


def main(argv=None):
    args = parse(argv)
    os.makedirs(args.out, exist_ok=True)
    if not os.path.exists(os.path.join(args.out, "data", "synthetic_precomp", "test_caps.txt")):
        subprocess.run([args.scan, "synth", "--out", os.path.join(args.out, "data"), "--train_images",
                        str(args.train_images), "--regions", str(args.regions), "--seed", str(args.data_seed)] + SYNTH,
                       check=True, stdout=subprocess.DEVNULL)
    with open(args.curves) as f:
        curves = {line: {int(s): c for s, c in by_seed.items()} for line, by_seed in json.load(f).items()}
    geometry = RegionGeometry(np.load(os.path.join(args.out, "data", "synthetic_precomp", "train_ims.npy")))

    rows = []  # (initialisation, its statistics, take-off after each of TAKE_OFF_EPOCHS)
    for seed in args.seeds:
        for kind, lines in (("torch", ("torch", "ours-torch-init")), ("ours", ("ours",))):
            path = initialisation(args, kind, seed)
            stats = {"init rsum": init_rsum(args, path)}
            stats.update(geometry.statistics(read_safetensors(path)[0]["img_enc.fc.weight"]))
            take_off = [float(np.mean([rsum_at(curves[line][seed], e) for line in lines])) for e in TAKE_OFF_EPOCHS]
            rows.append(("{}_{}".format(kind, seed), stats, take_off))
    with open(os.path.join(args.out, "features.json"), "w") as f:
        json.dump({name: {"statistics": s, "take_off": t} for name, s, t in rows}, f, indent=1)

    names = list(rows[0][1])
    print("{} initialisations ({} seeds, PyTorch's and ours); {} statistics, so p < {:.4f} would stand out".format(
        len(rows), len(args.seeds), len(names), 0.05 / len(names)))
    print("| statistic | " + " | ".join("rho, p vs dev rsum after epoch {}".format(e + 1) for e in TAKE_OFF_EPOCHS) +
          " |\n|---|" + "---|" * len(TAKE_OFF_EPOCHS))
    for name in names:
        x = [s[name] for _, s, _ in rows]
        cells = ["{:+.2f}, {:.3f}".format(*spearman(x, [t[i] for _, _, t in rows]))
                 for i in range(len(TAKE_OFF_EPOCHS))]
        print("| {} | {} |".format(name, " | ".join(cells)))

    print("\nHow much the take-off follows the initial weights (Spearman's rho over seeds {}):".format(
        " ".join(map(str, args.seeds))))
    print("| pair of lines | what they share | " +
          " | ".join("rho, p after epoch {}".format(e + 1) for e in TAKE_OFF_EPOCHS) +
          " |\n|---|---|" + "---|" * len(TAKE_OFF_EPOCHS))
    for a, b, shared in (("torch", "ours-torch-init", "initial weights (PyTorch's), not the data order"),
                         ("ours", "ours-torch-init", "data order (ours), not the initial weights")):
        cells = ["{:+.2f}, {:.3f}".format(*spearman([rsum_at(curves[a][s], e) for s in args.seeds],
                                                    [rsum_at(curves[b][s], e) for s in args.seeds]))
                 for e in TAKE_OFF_EPOCHS]
        print("| {} and {} | {} | {} |".format(a, b, shared, " | ".join(cells)))
    if args.other_curves:
        other_curves(args, curves)
    return 0


def other_curves(args, curves):
    """The same initial weights on two datasets: Spearman's rho of their take-offs, per line."""
    with open(args.other_curves) as f:
        other = {line: {int(s): c for s, c in by_seed.items()} for line, by_seed in json.load(f).items()}
    print("\nThe same initial weights on the dataset of {} (Spearman's rho of the dev rsum on each):".format(
        args.other_curves))
    print("| line | seeds | " + " | ".join("rho, p after epoch {}".format(e + 1) for e in TAKE_OFF_EPOCHS) +
          " |\n|---|---|" + "---|" * len(TAKE_OFF_EPOCHS))
    for line in ("torch", "ours", "ours-torch-init"):
        seeds = [s for s in args.seeds if s in other.get(line, {})]
        if len(seeds) < 3:
            continue
        cells = ["{:+.2f}, {:.3f}".format(*spearman([rsum_at(curves[line][s], e) for s in seeds],
                                                    [rsum_at(other[line][s], e) for s in seeds]))
                 for e in TAKE_OFF_EPOCHS]
        print("| {} | {} | {} |".format(line, len(seeds), " | ".join(cells)))


if __name__ == "__main__":
    sys.exit(main())
