#!/usr/bin/python3
"""The original SCAN train.py loop on tools/scan_torch.py's model: the PyTorch side of the learning
curves in docs/fidelity.md. Reference only: nothing in the C++ build or tests needs it.

    /usr/bin/python3 tools/train_torch.py --data_path DIR --data_name NAME --vocab_path DIR/vocab \\
        --img_dim 512 --embed_size 256 --word_dim 128 --bi_gru --agg_func Mean --max_violation \\
        --num_epochs 30 --seed 1 --json curve.json [--save_init init.safetensors] [--threads 1]

As train.py: Adam(lr) over txt_enc and img_enc.fc parameters; each epoch lr = learning_rate *
0.1^(epoch // lr_update), a DataLoader over the training captions with shuffle=True and the last
partial batch kept, collate_fn sorting each batch by caption length; each step zero_grad, the
ContrastiveLoss, backward, clip_grad_norm_(grad_clip), step; at the end of each epoch validate()
on dev (encode_data, the float64 shard_xattn, i2t + t2i recalls, rsum).
Departures, all for reproducibility: torch.manual_seed(seed) before the model is built (the
original seeds nothing); no checkpoints are written. --save_init writes the initial weights in
our checkpoint format (epoch -1, no generator state), for `scan train --resume` to start from.
Captions are tokenised with NLTK as in the original when it is installed, else split on
whitespace (exact for the synthetic captions, whose tokens are already space-separated).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scan_torch  # noqa: E402
from convert_checkpoint import original_to_ours, write_safetensors  # noqa: E402


def whitespace_tokenize(line):
    return line.lower().decode("utf-8").split()


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for key, value in scan_torch.TRAIN_DEFAULTS.items():
        if isinstance(value, bool):
            parser.add_argument("--" + key, action="store_true")
        else:
            parser.add_argument("--" + key, type=type(value), default=value)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", default="", help="write the per-epoch dev recalls here")
    parser.add_argument("--save_init", default="", help="write the initial weights here (our safetensors format)")
    parser.add_argument("--init_only", action="store_true", help="stop after --save_init")
    parser.add_argument("--test", action="store_true", help="evaluate the last epoch's weights on test as well")
    return parser.parse_args(argv)


def recalls(model, opt, loader):
    """validate(): the six recalls and rsum of the dev split, as train.py computes them."""
    img_embs, cap_embs, cap_lens = scan_torch.encode_data(model, loader)
    img_embs = np.array([img_embs[i] for i in range(0, len(img_embs), 5)])
    sims = scan_torch.shard_xattn(img_embs, cap_embs, cap_lens, opt, shard_size=128)
    r1, r5, r10, _, _ = scan_torch.i2t(sims)
    r1i, r5i, r10i, _, _ = scan_torch.t2i(sims)
    return {"i2t": [r1, r5, r10], "t2i": [r1i, r5i, r10i], "rsum": r1 + r5 + r10 + r1i + r5i + r10i}


def main(argv=None):
    args = parse(argv)
    torch.set_num_threads(args.threads)
    try:
        import nltk  # noqa: F401
    except ImportError:
        scan_torch.tokenize = whitespace_tokenize
    values = {k: getattr(args, k) for k in scan_torch.TRAIN_DEFAULTS}
    vocab = scan_torch.Vocabulary(os.path.join(args.vocab_path, "%s_vocab.json" % args.data_name))
    values["vocab_size"] = len(vocab)
    opt = scan_torch.options(**values)

    torch.manual_seed(args.seed)
    model = scan_torch.SCAN(opt)
    if args.save_init:
        checkpoint = {"model": model.original_state_dict(), "opt": opt, "epoch": -1, "Eiters": 0, "best_rsum": 0.0}
        tensors, metadata = original_to_ours(checkpoint, warn=lambda m: print("warning: " + m, file=sys.stderr))
        write_safetensors(args.save_init, tensors, metadata)
        if args.init_only:
            return 0

    root = os.path.join(args.data_path, args.data_name)
    train_set = scan_torch.PrecompDataset(root, "train", vocab)
    train_loader = torch.utils.data.DataLoader(dataset=train_set, batch_size=opt.batch_size, shuffle=True,
                                               collate_fn=scan_torch.collate_fn)
    dev_loader = scan_torch.get_test_loader("dev", opt.data_name, vocab, opt.batch_size, args.data_path)
    # The original truncates dev to 5,000 captions (COCO's); a smaller dev split keeps all of its own.
    dev_loader.dataset.length = min(dev_loader.dataset.length, len(dev_loader.dataset.captions))
    params = list(model.txt_enc.parameters()) + list(model.img_enc.fc.parameters())
    optimizer = torch.optim.Adam(params, lr=opt.learning_rate)

    curve = []
    for epoch in range(opt.num_epochs):
        lr = opt.learning_rate * (0.1 ** (epoch // opt.lr_update))
        for group in optimizer.param_groups:
            group["lr"] = lr
        model.train()
        start, losses = time.time(), []
        for images, captions, lengths, _ in train_loader:
            model.Eiters += 1
            img_emb, cap_emb, cap_lens = model.forward_emb(images, captions, lengths)
            optimizer.zero_grad()
            loss = model.forward_loss(img_emb, cap_emb, cap_lens)
            loss.backward()
            if opt.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(params, opt.grad_clip)
            optimizer.step()
            losses.append(loss.item())
        dev = recalls(model, opt, dev_loader)
        dev.update(epoch=epoch, mean_loss=float(np.mean(losses)), seconds=time.time() - start)
        curve.append(dev)
        print("Epoch {}: mean loss {:.4f}, dev rsum {:.1f} ({:.1f} s)".format(epoch, dev["mean_loss"], dev["rsum"],
                                                                          dev["seconds"]), flush=True)
    result = {"seed": args.seed, "epochs": curve}
    if args.test:
        test_loader = scan_torch.get_test_loader("test", opt.data_name, vocab, opt.batch_size, args.data_path)
        result["test"] = recalls(model, opt, test_loader)
        result["test_rsum"] = result["test"]["rsum"]
        print("Test rsum {:.1f}".format(result["test_rsum"]), flush=True)
    if args.json:
        with open(args.json + ".tmp", "w") as f:
            json.dump(result, f)
        os.replace(args.json + ".tmp", args.json)


if __name__ == "__main__":
    sys.exit(main())
