#!/usr/bin/python3
"""A small PyTorch SCAN (Lee et al., ECCV 2018), transcribed from the original kuanghuei/SCAN code.

Reference only: it makes the fixtures of tests/fixtures/ and checks checkpoint conversion; nothing
in the C++ build or test suite imports it. Needs Debian's python3-torch (run with /usr/bin/python3).
It follows the original model.py, data.py, vocab.py and evaluation.py piece by piece.

  model.py       l2norm, func_attention, xattn_score_t2i / _i2t and the score-matrix loss are
                 imported from tools/make_fixtures.py (the transcriptions live there); here:
                 EncoderImagePrecomp (Xavier init), EncoderImageWeightNormPrecomp, EncoderText
                 (Embedding U(+-0.1), GRU, bi-GRU directions averaged, l2norm), ContrastiveLoss
                 on (images, captions, lengths), and SCAN, whose parameter names are the original
                 state-dict names prefixed img_enc. / txt_enc.
  data.py        PrecompDataset (im_div rule, dev truncation, tokenisation) and collate_fn.
  vocab.py       Vocabulary loaded from the JSON format (deserialize_vocab).
  evaluation.py  encode_data, shard_xattn_t2i / _i2t, i2t, t2i.

Departures from the Python 2 / PyTorch 0.3 original are limited to API updates (no Variable or
volatile, integer division //, torch.no_grad at test time) and are marked where they matter.

  import scan_torch
  opt = scan_torch.options(vocab_size=20, embed_size=8, word_dim=4, img_dim=6, bi_gru=True)
  model = scan_torch.SCAN(opt)
  torch.save({"model": model.original_state_dict(), "opt": opt, "epoch": 0, "best_rsum": 0.0,
              "Eiters": 0}, "model_best.pth.tar")
"""
import argparse
import json
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import ContrastiveLoss as ScoreContrastiveLoss  # noqa: E402  (loss of a score matrix)
from make_fixtures import l2norm, xattn_score_i2t, xattn_score_t2i  # noqa: E402

# train.py's flags and defaults (the original train.py), in the original order.
TRAIN_DEFAULTS = OrderedDict([
    ("data_path", "./data/"), ("data_name", "precomp"), ("vocab_path", "./vocab/"), ("margin", 0.2),
    ("num_epochs", 30), ("batch_size", 128), ("word_dim", 300), ("embed_size", 1024), ("grad_clip", 2.0),
    ("num_layers", 1), ("learning_rate", 0.0002), ("lr_update", 15), ("workers", 10), ("log_step", 10),
    ("val_step", 500), ("logger_name", "./runs/runX/log"), ("model_name", "./runs/runX/checkpoint"),
    ("resume", ""), ("max_violation", False), ("img_dim", 2048), ("no_imgnorm", False), ("no_txtnorm", False),
    ("raw_feature_norm", "clipped_l2norm"), ("agg_func", "LogSumExp"), ("cross_attn", "t2i"),
    ("precomp_enc_type", "basic"), ("bi_gru", False), ("lambda_lse", 6.0), ("lambda_softmax", 9.0),
])


def options(**overrides):
    """The argparse.Namespace train.py would build with these flags; vocab_size is what train.main
    adds at run time (len(vocab))."""
    values = OrderedDict(TRAIN_DEFAULTS)
    values["vocab_size"] = 0
    for key, value in overrides.items():
        if key not in values:
            raise KeyError("unknown SCAN option '{}'".format(key))
        values[key] = value
    return argparse.Namespace(**values)


# ---- model.py -----------------------------------------------------------------------------------

def EncoderImage(data_name, img_dim, embed_size, precomp_enc_type="basic", no_imgnorm=False):
    """The original factory; data_name is ignored, as there."""
    if precomp_enc_type == "basic":
        return EncoderImagePrecomp(img_dim, embed_size, no_imgnorm)
    if precomp_enc_type == "weight_norm":
        return EncoderImageWeightNormPrecomp(img_dim, embed_size, no_imgnorm)
    raise ValueError("Unknown precomp_enc_type: {}".format(precomp_enc_type))


class EncoderImagePrecomp(nn.Module):
    def __init__(self, img_dim, embed_size, no_imgnorm=False):
        super(EncoderImagePrecomp, self).__init__()
        self.embed_size = embed_size
        self.no_imgnorm = no_imgnorm
        self.fc = nn.Linear(img_dim, embed_size)
        self.init_weights()

    def init_weights(self):
        """Xavier initialization for the fully connected layer: U(+-sqrt(6)/sqrt(in+out)), bias 0."""
        r = np.sqrt(6.) / np.sqrt(self.fc.in_features + self.fc.out_features)
        self.fc.weight.data.uniform_(-r, r)
        self.fc.bias.data.fill_(0)

    def forward(self, images):
        """Extract image feature vectors."""
        # assuming that the precomputed features are already l2-normalized (not true for SCAN's data)
        features = self.fc(images)
        # normalize in the joint embedding space
        if not self.no_imgnorm:
            features = l2norm(features, dim=-1)
        return features


class EncoderImageWeightNormPrecomp(nn.Module):
    def __init__(self, img_dim, embed_size, no_imgnorm=False):
        super(EncoderImageWeightNormPrecomp, self).__init__()
        self.embed_size = embed_size
        self.no_imgnorm = no_imgnorm
        self.fc = nn.utils.weight_norm(nn.Linear(img_dim, embed_size), dim=None)

    def forward(self, images):
        features = self.fc(images)
        if not self.no_imgnorm:
            features = l2norm(features, dim=-1)
        return features


class EncoderText(nn.Module):
    def __init__(self, vocab_size, word_dim, embed_size, num_layers, use_bi_gru=False, no_txtnorm=False):
        super(EncoderText, self).__init__()
        self.embed_size = embed_size
        self.no_txtnorm = no_txtnorm
        # word embedding
        self.embed = nn.Embedding(vocab_size, word_dim)
        # caption embedding
        self.use_bi_gru = use_bi_gru
        self.rnn = nn.GRU(word_dim, embed_size, num_layers, batch_first=True, bidirectional=use_bi_gru)
        self.init_weights()

    def init_weights(self):
        self.embed.weight.data.uniform_(-0.1, 0.1)

    def forward(self, x, lengths):
        """Handles variable size captions. `lengths` must be sorted in decreasing order (collate_fn)."""
        # Embed word ids to vectors
        x = self.embed(x)
        packed = pack_padded_sequence(x, torch.as_tensor(lengths, dtype=torch.int64), batch_first=True)
        # Forward propagate RNN
        out, _ = self.rnn(packed)
        # Reshape *final* output to (batch_size, hidden_size)
        padded = pad_packed_sequence(out, batch_first=True)
        cap_emb, cap_len = padded
        if self.use_bi_gru:  # the two directions averaged (the original's size(2)/2 is Python 2 division)
            half = cap_emb.size(2) // 2
            cap_emb = (cap_emb[:, :, :half] + cap_emb[:, :, half:]) / 2
        # normalization in the joint embedding space
        if not self.no_txtnorm:
            cap_emb = l2norm(cap_emb, dim=-1)
        return cap_emb, cap_len


def xattn_scores(images, captions, cap_lens, opt):
    """The score matrix [n_image, n_caption] of opt.cross_attn (what ContrastiveLoss computes)."""
    if opt.cross_attn == "t2i":
        return xattn_score_t2i(images, captions, cap_lens, opt)
    if opt.cross_attn == "i2t":
        return xattn_score_i2t(images, captions, cap_lens, opt)
    raise ValueError("unknown cross_attn: {}".format(opt.cross_attn))


class ContrastiveLoss(nn.Module):
    """The original's ContrastiveLoss(opt, margin, max_violation): scores by opt.cross_attn, then
    the hinge loss of make_fixtures.ContrastiveLoss (identical code on the score matrix)."""

    def __init__(self, opt, margin=0, max_violation=False):
        super(ContrastiveLoss, self).__init__()
        self.opt = opt
        self.loss = ScoreContrastiveLoss(margin=margin, max_violation=max_violation)

    def forward(self, im, s, s_l):
        return self.loss(xattn_scores(im, s, s_l, self.opt))


class SCAN(nn.Module):
    """The original SCAN object (an nn.Module here so that its state_dict names are the
    original's with their encoder prefix: img_enc.fc.weight, txt_enc.rnn.weight_ih_l0, ...).
    The original saves and loads the list [img_enc.state_dict(), txt_enc.state_dict()]:
    original_state_dict / load_original_state_dict."""

    def __init__(self, opt):
        super(SCAN, self).__init__()
        self.opt = opt
        self.grad_clip = opt.grad_clip
        self.img_enc = EncoderImage(opt.data_name, opt.img_dim, opt.embed_size,
                                    precomp_enc_type=opt.precomp_enc_type, no_imgnorm=opt.no_imgnorm)
        self.txt_enc = EncoderText(opt.vocab_size, opt.word_dim, opt.embed_size, opt.num_layers,
                                   use_bi_gru=opt.bi_gru, no_txtnorm=opt.no_txtnorm)
        self.criterion = ContrastiveLoss(opt=opt, margin=opt.margin, max_violation=opt.max_violation)
        self.Eiters = 0

    def original_state_dict(self):
        return [self.img_enc.state_dict(), self.txt_enc.state_dict()]

    def load_original_state_dict(self, state_dict):
        self.img_enc.load_state_dict(state_dict[0])
        self.txt_enc.load_state_dict(state_dict[1])

    def forward_emb(self, images, captions, lengths):
        """Compute the image and caption embeddings."""
        img_emb = self.img_enc(images)
        # cap_emb (tensor), cap_lens (list)
        cap_emb, cap_lens = self.txt_enc(captions, lengths)
        return img_emb, cap_emb, cap_lens

    def forward_loss(self, img_emb, cap_emb, cap_len):
        return self.criterion(img_emb, cap_emb, cap_len)


# ---- vocab.py and data.py -----------------------------------------------------------------------

class Vocabulary(object):
    """deserialize_vocab: the JSON {"word2idx", "idx2word", "idx"}; an unknown word maps to <unk>."""

    def __init__(self, path):
        with open(path) as f:
            d = json.load(f)
        self.word2idx = d["word2idx"]
        self.idx2word = d["idx2word"]
        self.idx = d["idx"]

    def __call__(self, word):
        if word not in self.word2idx:
            return self.word2idx["<unk>"]
        return self.word2idx[word]

    def __len__(self):
        return len(self.word2idx)


def tokenize(line):
    """The original's nltk.tokenize.word_tokenize(str(caption).lower().decode('utf-8')) on a line of
    bytes (Python 2's str.lower on bytes lower-cases ASCII only, as bytes.lower does). Without NLTK's
    punkt model, the caption is tokenised as one sentence, which is the same for one-sentence captions."""
    import nltk
    text = line.lower().decode("utf-8")
    try:
        return nltk.tokenize.word_tokenize(text)
    except LookupError:
        return nltk.tokenize.NLTKWordTokenizer().tokenize(text)


class PrecompDataset(torch.utils.data.Dataset):
    """Load precomputed captions and image features: <data_path>/<split>_caps.txt, <split>_ims.npy."""

    def __init__(self, data_path, data_split, vocab):
        self.vocab = vocab
        loc = data_path + "/"
        # Captions
        self.captions = []
        with open(loc + "%s_caps.txt" % data_split, "rb") as f:
            for line in f:
                self.captions.append(line.strip())
        # Image features
        self.images = np.load(loc + "%s_ims.npy" % data_split)
        self.length = len(self.captions)
        # rkiros data has redundancy in images, we divide by 5, 10crop doesn't
        if self.images.shape[0] != self.length:
            self.im_div = 5
        else:
            self.im_div = 1
        # the development set for coco is large and so validation would be slow
        if data_split == "dev":
            self.length = 5000

    def __getitem__(self, index):
        # handle the image redundancy
        img_id = index // self.im_div
        image = torch.Tensor(self.images[img_id])
        vocab = self.vocab
        # Convert caption (string) to word ids.
        tokens = tokenize(self.captions[index])
        caption = [vocab("<start>")] + [vocab(token) for token in tokens] + [vocab("<end>")]
        target = torch.Tensor(caption)
        return image, target, index, img_id

    def __len__(self):
        return self.length


def collate_fn(data):
    """Build mini-batch tensors from a list of (image, caption, index, img_id) tuples, sorted by
    caption length, longest first (stable)."""
    data.sort(key=lambda x: len(x[1]), reverse=True)
    images, captions, ids, img_ids = zip(*data)
    # Merge images (convert tuple of 3D tensor to 4D tensor)
    images = torch.stack(images, 0)
    # Merget captions (convert tuple of 1D tensor to 2D tensor)
    lengths = [len(cap) for cap in captions]
    targets = torch.zeros(len(captions), max(lengths)).long()
    for i, cap in enumerate(captions):
        end = lengths[i]
        targets[i, :end] = cap[:end]
    return images, targets, lengths, ids


def get_test_loader(split_name, data_name, vocab, batch_size, data_path):
    dset = PrecompDataset(os.path.join(data_path, data_name), split_name, vocab)
    return torch.utils.data.DataLoader(dataset=dset, batch_size=batch_size, shuffle=False,
                                       collate_fn=collate_fn)


# ---- evaluation.py ------------------------------------------------------------------------------

def encode_data(model, data_loader):
    """Encode all images and captions loadable by `data_loader`, in dataset order: numpy float64
    arrays (np.zeros' default dtype), one image row per caption."""
    model.eval()
    max_n_word = 0
    for i, (images, captions, lengths, ids) in enumerate(data_loader):
        max_n_word = max(max_n_word, max(lengths))
    img_embs = cap_embs = cap_lens = None
    with torch.no_grad():  # the original: Variable(volatile=True)
        for i, (images, captions, lengths, ids) in enumerate(data_loader):
            img_emb, cap_emb, cap_len = model.forward_emb(images, captions, lengths)
            if img_embs is None:
                n = len(data_loader.dataset)
                img_embs = np.zeros((n, img_emb.size(1), img_emb.size(2)))
                cap_embs = np.zeros((n, max_n_word, cap_emb.size(2)))
                cap_lens = [0] * n
            ids = list(ids)
            img_embs[ids] = img_emb.data.cpu().numpy().copy()
            cap_embs[ids, :max(lengths), :] = cap_emb.data.cpu().numpy().copy()
            for j, nid in enumerate(ids):
                cap_lens[nid] = int(cap_len[j])
    return img_embs, cap_embs, cap_lens


def shard_xattn(images, captions, caplens, opt, shard_size=128, dtype=torch.float64):
    """shard_xattn_t2i / shard_xattn_i2t: sims [n_image, n_caption] of numpy embeddings, block by
    block. The original scores the float64 arrays (dtype float64); float32 gives the training-time
    precision."""
    n_im_shard = (len(images) - 1) // shard_size + 1
    n_cap_shard = (len(captions) - 1) // shard_size + 1
    d = np.zeros((len(images), len(captions)))
    with torch.no_grad():
        for i in range(n_im_shard):
            im_start, im_end = shard_size * i, min(shard_size * (i + 1), len(images))
            for j in range(n_cap_shard):
                cap_start, cap_end = shard_size * j, min(shard_size * (j + 1), len(captions))
                im = torch.from_numpy(images[im_start:im_end]).to(dtype)
                s = torch.from_numpy(captions[cap_start:cap_end]).to(dtype)
                l = caplens[cap_start:cap_end]
                sim = xattn_scores(im, s, l, opt)
                d[im_start:im_end, cap_start:cap_end] = sim.data.cpu().numpy()
    return d


def i2t(sims):
    """Images -> Text (caption retrieval): sims [N, 5N]; (r1, r5, r10, medr, meanr)."""
    npts = sims.shape[0]
    ranks = np.zeros(npts)
    for index in range(npts):
        inds = np.argsort(sims[index])[::-1]
        # Score: the best rank among the 5 ground-truth captions
        rank = 1e20
        for i in range(5 * index, 5 * index + 5, 1):
            tmp = np.where(inds == i)[0][0]
            if tmp < rank:
                rank = tmp
        ranks[index] = rank
    return recall_summary(ranks)


def t2i(sims):
    """Text -> Images (image retrieval): sims [N, 5N]; (r1, r5, r10, medr, meanr)."""
    npts = sims.shape[0]
    ranks = np.zeros(5 * npts)
    sims = sims.T
    for index in range(npts):
        for i in range(5):
            inds = np.argsort(sims[5 * index + i])[::-1]
            ranks[5 * index + i] = np.where(inds == index)[0][0]
    return recall_summary(ranks)


def recall_summary(ranks):
    r1 = 100.0 * len(np.where(ranks < 1)[0]) / len(ranks)
    r5 = 100.0 * len(np.where(ranks < 5)[0]) / len(ranks)
    r10 = 100.0 * len(np.where(ranks < 10)[0]) / len(ranks)
    medr = np.floor(np.median(ranks)) + 1
    meanr = ranks.mean() + 1
    return (r1, r5, r10, medr, meanr)


def evalrank_sims(model, opt, data_path, vocab_path, split, dtype=torch.float64):
    """The part of evalrank(fold5=False) before the recalls: the [n_image, n_caption] sims of a
    split, images kept as img_embs[::5]."""
    vocab = Vocabulary(os.path.join(vocab_path, "%s_vocab.json" % opt.data_name))
    loader = get_test_loader(split, opt.data_name, vocab, opt.batch_size, data_path)
    img_embs, cap_embs, cap_lens = encode_data(model, loader)
    img_embs = np.array([img_embs[i] for i in range(0, len(img_embs), 5)])
    return shard_xattn(img_embs, cap_embs, cap_lens, opt, shard_size=128, dtype=dtype)
