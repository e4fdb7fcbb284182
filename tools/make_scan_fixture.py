#!/usr/bin/python3
"""Writes tests/fixtures/tiny_scan/: a tiny dataset in the original on-disk layout, two tiny
PyTorch SCAN checkpoints converted to ours, and PyTorch's score matrices for the test split.

    /usr/bin/python3 tools/make_scan_fixture.py

(Debian's python3-torch and python3-nltk; nothing in the build or the test suite runs this
script, the files are committed.) tests/tools/test_scan_parity.cpp runs `scan eval` on them and
compares its score matrix with PyTorch's.

  data/tiny_precomp/test_ims.npy     [2 images, 3 regions, img_dim 6] float32 (np.save)
  data/tiny_precomp/test_caps.txt    10 captions, 5 per image
  vocab/tiny_precomp_vocab.json      the original JSON vocabulary (vocab.py serialize_vocab)
  model.safetensors                  t2i, clipped_l2norm, LogSumExp (lambda_lse 6, lambda_softmax 9)
  model_i2t.safetensors              i2t, clipped_l2norm, Mean (lambda_softmax 4)
                                     both: embed_size 8, word_dim 4, bi_gru, batch_size 4, seeded
                                     init, 40 Adam steps (lr 0.01) on the test split itself so that
                                     the scores tell the images apart; saved as the original
                                     train.py does (torch.save of
                                     {"model", "opt", "epoch", "best_rsum", "Eiters"}) and converted
                                     with tools/convert_checkpoint.py
  expected.json                      per model: sims [2, 10] as the original evalrank computes them
                                     (float32 embeddings, attention in float64) and with the attention
                                     in float32, the recalls of the float64 sims; the ensemble's mean
                                     sims; each caption's word ids.

The PyTorch side is tools/scan_torch.py run the way evaluation.evalrank runs: the .pth.tar is
loaded, the model rebuilt from its opt, the split encoded in batches of opt.batch_size (each batch
sorted by caption length), images kept as img_embs[::5], scores by shard_xattn.
"""
import json
import os
import re
import sys
import tempfile
from collections import OrderedDict

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import convert_checkpoint  # noqa: E402
import scan_torch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "tiny_scan")
DATA_NAME = "tiny_precomp"

# One sentence each (see scan_torch.tokenize); upper case, commas, a possessive ("dog's" -> dog 's),
# two words missing from the vocabulary (-> <unk>) and equal lengths inside one encoding batch.
CAPTIONS = [
    "A man rides a brown horse.",
    "A person riding a horse on the beach.",
    "The rider, wearing a hat, sits on a horse.",
    "Man on horseback near the sea.",
    "A horse and its rider.",
    "Two dogs play in the snow.",
    "A dog's nose in the snow.",
    "Dogs chasing each other outside.",
    "Two puppies in the SNOW.",
    "A black dog and a white dog play.",
]
UNKNOWN = {"chasing", "outside"}
EXTRA_WORDS = ["cat", "street"]  # in the vocabulary but in no test caption
TRAIN_STEPS = 40

MODELS = [
    ("model.safetensors", dict(cross_attn="t2i", raw_feature_norm="clipped_l2norm", agg_func="LogSumExp",
                               lambda_lse=6.0, lambda_softmax=9.0), 11),
    ("model_i2t.safetensors", dict(cross_attn="i2t", raw_feature_norm="clipped_l2norm", agg_func="Mean",
                                   lambda_softmax=4.0), 12),
]


def write_vocab(path):
    """vocab.py: the special tokens first, then the words (here in order of first appearance);
    serialize_vocab json.dump-s word2idx, idx2word (int keys, which JSON turns into strings), idx."""
    word2idx, idx2word = OrderedDict(), OrderedDict()

    def add_word(word):
        if word not in word2idx:
            word2idx[word] = len(word2idx)
            idx2word[len(idx2word)] = word

    for word in ["<pad>", "<start>", "<end>", "<unk>"]:
        add_word(word)
    for caption in CAPTIONS:
        for token in scan_torch.tokenize(caption.encode("utf-8")):
            if token not in UNKNOWN:
                add_word(token)
    for word in EXTRA_WORDS:
        add_word(word)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump({"word2idx": word2idx, "idx2word": idx2word, "idx": len(word2idx)}, f)
    return len(word2idx)


def write_split(folder):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.RandomState(7)
    images = (rng.rand(2, 3, 6) * 2).astype(np.float32)  # non-negative, like pooled CNN features
    np.save(os.path.join(folder, "test_ims.npy"), images)
    with open(os.path.join(folder, "test_caps.txt"), "w") as f:
        f.write("\n".join(CAPTIONS) + "\n")


def train_a_little(model, opt, steps):
    """train.py's train_emb for `steps` iterations on one batch of the whole test split, so that
    the scores tell the two images apart: forward, loss, backward, clip_grad_norm, Adam step."""
    vocab = scan_torch.Vocabulary(os.path.join(OUT, "vocab", DATA_NAME + "_vocab.json"))
    data = scan_torch.PrecompDataset(os.path.join(OUT, "data", DATA_NAME), "test", vocab)
    params = list(model.txt_enc.parameters()) + list(model.img_enc.fc.parameters())
    optimizer = torch.optim.Adam(params, lr=opt.learning_rate)
    model.train()
    for _ in range(steps):
        images, captions, lengths, ids = scan_torch.collate_fn([data[i] for i in range(len(data))])
        model.Eiters += 1
        img_emb, cap_emb, cap_lens = model.forward_emb(images, captions, lengths)
        optimizer.zero_grad()
        loss = model.forward_loss(img_emb, cap_emb, cap_lens)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, opt.grad_clip)
        optimizer.step()


def save_original_checkpoint(path, settings, seed, vocab_size):
    """A tiny SCAN (seeded init, a few training steps) saved as train.py's save_checkpoint does."""
    torch.manual_seed(seed)
    opt = scan_torch.options(data_name=DATA_NAME, vocab_size=vocab_size, embed_size=8, word_dim=4, img_dim=6,
                             bi_gru=True, max_violation=True, batch_size=4, learning_rate=0.01, **settings)
    model = scan_torch.SCAN(opt)
    train_a_little(model, opt, TRAIN_STEPS)
    torch.save({"epoch": 2, "model": model.original_state_dict(), "best_rsum": 123.25, "opt": opt,
                "Eiters": model.Eiters}, path)


def evalrank(checkpoint_path):
    """evaluation.evalrank(model_path, data_path, split="test") up to the sims, plus the recalls."""
    checkpoint = torch.load(checkpoint_path)
    opt = checkpoint["opt"]
    model = scan_torch.SCAN(opt)
    model.load_original_state_dict(checkpoint["model"])
    data_path, vocab_path = os.path.join(OUT, "data"), os.path.join(OUT, "vocab")
    sims = {name: scan_torch.evalrank_sims(model, opt, data_path, vocab_path, "test", dtype)
            for name, dtype in (("float64", torch.float64), ("float32", torch.float32))}
    s = sims["float64"]
    # Rankings compare scores within a row (i2t) and within a column (t2i); keep them apart, so
    # that a float32 implementation ranks the same and the recalls can be compared exactly.
    gaps = [np.diff(np.sort(line)).min() for line in list(s) + list(s.T)]
    assert min(gaps) > 1e-5, "two scores of a ranking are {} apart: change a seed".format(min(gaps))
    r, ri = scan_torch.i2t(s), scan_torch.t2i(s)
    metrics = {"i2t": list(r), "t2i": list(ri), "rsum": r[0] + r[1] + r[2] + ri[0] + ri[1] + ri[2]}
    return sims, metrics


def caption_ids(vocab_path):
    vocab = scan_torch.Vocabulary(vocab_path)
    return [[vocab("<start>")] + [vocab(t) for t in scan_torch.tokenize(c.encode("utf-8"))] + [vocab("<end>")]
            for c in CAPTIONS]


def rows(matrix):
    return [[float(v) for v in row] for row in matrix]


def main():
    vocab_path = os.path.join(OUT, "vocab", DATA_NAME + "_vocab.json")
    vocab_size = write_vocab(vocab_path)
    write_split(os.path.join(OUT, "data", DATA_NAME))
    expected = OrderedDict([
        ("generator", "tools/make_scan_fixture.py (PyTorch " + torch.__version__ + ")"),
        ("split", "test"),
        ("caption_ids", caption_ids(vocab_path)),
        ("models", OrderedDict()),
    ])
    all_sims = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, settings, seed in MODELS:
            original = os.path.join(tmp, name.replace(".safetensors", ".pth.tar"))
            save_original_checkpoint(original, settings, seed, vocab_size)
            convert_checkpoint.convert(original, os.path.join(OUT, name), warn=print)
            sims, metrics = evalrank(original)
            all_sims.append(sims)
            expected["models"][name] = OrderedDict([
                ("options", settings),
                ("sims_float64", rows(sims["float64"])),
                ("sims_float32", rows(sims["float32"])),
                ("metrics", metrics),
            ])
    # The ensemble: the element-wise mean of the two models' sims (the original's ensemble: two models' sims averaged).
    expected["ensemble"] = OrderedDict([
        ("models", [name for name, _, _ in MODELS]),
        ("sims_float64", rows((all_sims[0]["float64"] + all_sims[1]["float64"]) / 2)),
        ("sims_float32", rows((all_sims[0]["float32"] + all_sims[1]["float32"]) / 2)),
    ])
    text = json.dumps(expected, indent=1)
    # one line per list of numbers keeps the file short and diffable
    text = re.sub(r"\[[-0-9.e,\s]*\]", lambda m: re.sub(r"\s+", "", m.group(0)).replace(",", ", "), text)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
