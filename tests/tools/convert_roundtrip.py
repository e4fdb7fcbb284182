#!/usr/bin/python3
"""PyTorch side of tests/tools/test_convert_checkpoint.cpp (needs python3-torch).

    convert_roundtrip.py original-to-ours WORKDIR
        For each tiny configuration below: builds tools/scan_torch.py's SCAN, saves it as the
        original train.py does (torch.save of {"epoch", "model": [img_enc, txt_enc state dicts],
        "best_rsum", "opt", "Eiters"}), converts it with tools/convert_checkpoint.py (its command
        line, main(argv), run in this process) to WORKDIR/<name>.safetensors, and writes
        WORKDIR/<name>.json: the options, epoch, Eiters, best_rsum, every parameter (name, shape,
        row-major values) and, on a fixed input, the image and caption embeddings and the score
        matrix PyTorch computes.
    convert_roundtrip.py ours-to-original CHECKPOINT.safetensors WORKDIR
        Converts our checkpoint to WORKDIR/back.pth.tar, loads that as the original evalrank does
        (torch.load, opt = checkpoint["opt"], SCAN(opt), load_state_dict(checkpoint["model"])),
        checks its structure, writes what PyTorch sees to WORKDIR/back.json, and converts the
        .pth.tar back to WORKDIR/again.safetensors.

Float values are written as the double equal to the float32, so the C++ side compares exactly.
Prints the converter's output; exits non-zero (with the reason) on any failure.
"""
import argparse
import json
import os
import sys
from collections import OrderedDict

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import convert_checkpoint  # noqa: E402
import scan_torch  # noqa: E402

# name -> (train.py flags, how the original checkpoint stores opt, what else to exercise)
CONFIGS = OrderedDict([
    ("basic_bigru_t2i", dict(flags=dict(bi_gru=True, cross_attn="t2i", agg_func="LogSumExp", lambda_softmax=9.0,
                                        max_violation=True), opt_as="namespace", extra_option=True)),
    ("weight_norm_2layers_i2t", dict(flags=dict(precomp_enc_type="weight_norm", num_layers=2, cross_attn="i2t",
                                                agg_func="Mean", lambda_softmax=4.0, raw_feature_norm="softmax",
                                                no_txtnorm=True), opt_as="dict", g_as_vector=True)),
])


def run_converter(source, target):
    """The converter's command line, run in this process (PyTorch is slow to import)."""
    sys.stdout.flush()
    status = convert_checkpoint.main([source, target])
    if status != 0:
        sys.exit("convert_checkpoint.py {} {} failed with status {}".format(source, target, status))


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def tensor_json(t):
    return {"shape": list(t.shape), "values": flat(t)}


def fixed_input(opt):
    """Images [2, 3, img_dim] and three captions (lengths 5, 4, 2, sorted as collate_fn sorts)."""
    gen = torch.Generator().manual_seed(5)
    images = torch.rand(2, 3, opt.img_dim, generator=gen) * 2
    lengths = [5, 4, 2]
    ids = torch.zeros(3, 5, dtype=torch.int64)
    for i, n in enumerate(lengths):
        ids[i, :n] = torch.randint(0, opt.vocab_size, (n,), generator=gen)
    return images, ids, lengths


def original_to_ours(workdir):
    for seed, (name, config) in enumerate(CONFIGS.items()):
        torch.manual_seed(100 + seed)
        opt = scan_torch.options(data_name="tiny_precomp", vocab_size=11, img_dim=6, embed_size=8, word_dim=4,
                                 batch_size=4, **config["flags"])
        model = scan_torch.SCAN(opt)
        state = model.original_state_dict()
        if config.get("g_as_vector"):  # PyTorch 0.3 stored weight_norm's scalar g as a 1-vector
            state[0]["fc.weight_g"] = state[0]["fc.weight_g"].reshape(1)
        saved_opt = opt
        if config.get("extra_option"):  # an option our code does not know is dropped with a warning
            saved_opt = scan_torch.options(**vars(opt))
            saved_opt.fork_only_flag = 3
        if config["opt_as"] == "dict":
            saved_opt = dict(vars(saved_opt))
        original = os.path.join(workdir, name + ".pth.tar")
        torch.save({"epoch": 7 + seed, "model": state, "best_rsum": 412.5 + seed, "opt": saved_opt,
                    "Eiters": 9001 + seed}, original)
        run_converter(original, os.path.join(workdir, name + ".safetensors"))

        images, ids, lengths = fixed_input(opt)
        with torch.no_grad():
            img_emb, cap_emb, cap_lens = model.forward_emb(images, ids, lengths)
            scores = scan_torch.xattn_scores(img_emb, cap_emb, cap_lens, opt)
        expected = OrderedDict([
            ("opt", vars(opt)), ("epoch", 7 + seed), ("Eiters", 9001 + seed), ("best_rsum", 412.5 + seed),
            ("parameters", OrderedDict((k, tensor_json(v)) for k, v in model.state_dict().items())),
            ("images", tensor_json(images)), ("ids", ids.reshape(-1).tolist()), ("lengths", lengths),
            ("img_emb", tensor_json(img_emb)), ("cap_emb", tensor_json(cap_emb)), ("scores", tensor_json(scores)),
        ])
        with open(os.path.join(workdir, name + ".json"), "w") as f:
            json.dump(expected, f)


def ours_to_original(checkpoint, workdir):
    back = os.path.join(workdir, "back.pth.tar")
    run_converter(checkpoint, back)
    loaded = torch.load(back)
    required = {"epoch", "model", "best_rsum", "opt", "Eiters"}
    if not required <= set(loaded):
        sys.exit("back.pth.tar lacks {}".format(sorted(required - set(loaded))))
    opt = loaded["opt"]
    if not isinstance(opt, argparse.Namespace):
        sys.exit("opt is a {}, the original saves an argparse.Namespace".format(type(opt).__name__))
    if not isinstance(loaded["model"], list) or len(loaded["model"]) != 2:
        sys.exit("model must be the list [img_enc.state_dict(), txt_enc.state_dict()]")
    model = scan_torch.SCAN(opt)
    model.load_original_state_dict(loaded["model"])  # strict: every name and shape must fit
    seen = OrderedDict([
        ("opt", vars(opt)), ("epoch", loaded["epoch"]), ("Eiters", loaded["Eiters"]),
        ("best_rsum", loaded["best_rsum"]), ("rng_state", loaded.get("rng_state", "")),
        ("img_enc_keys", list(loaded["model"][0])), ("txt_enc_keys", list(loaded["model"][1])),
        ("parameters", OrderedDict((k, tensor_json(v)) for k, v in model.state_dict().items())),
    ])
    with open(os.path.join(workdir, "back.json"), "w") as f:
        json.dump(seen, f)
    run_converter(back, os.path.join(workdir, "again.safetensors"))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "original-to-ours":
        original_to_ours(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "ours-to-original":
        ours_to_original(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
