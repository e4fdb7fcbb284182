#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/), small valid and
nearly valid inputs from which libFuzzer mutates. Run from the repository root; needs numpy.
Sources: the repository's own fixtures (tests/fixtures/tiny_scan, tests/data/real) and files made
here. The output is committed; re-running it rewrites the same files."""
import json
import os
import random
import struct

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def npy_bytes(array, version=None):
    import io

    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array)
    else:
        np.lib.format.write_array(buffer, array, version=version)
    return buffer.getvalue()


def npy_seeds():
    rng = np.random.default_rng(0)
    write("npy", "f4_2x3x4.npy", npy_bytes(rng.standard_normal((2, 3, 4)).astype("<f4")))
    write("npy", "f8_3x2.npy", npy_bytes(rng.standard_normal((3, 2))))
    write("npy", "f4_v2.npy", npy_bytes(np.ones((2, 2), "<f4"), version=(2, 0)))
    write("npy", "f4_v3.npy", npy_bytes(np.ones((1, 3), "<f4"), version=(3, 0)))
    write("npy", "f4_empty_rows.npy", npy_bytes(np.zeros((0, 5), "<f4")))
    write("npy", "f4_scalar.npy", npy_bytes(np.float32(1.5)))
    write("npy", "f4_nan.npy", npy_bytes(np.array([[1, 2], [np.nan, np.inf]], "<f4")))
    write("npy", "f4_fortran.npy", npy_bytes(np.asfortranarray(np.ones((2, 3), "<f4"))))
    write("npy", "i4_rejected.npy", npy_bytes(np.ones((2, 2), "<i4")))
    write("npy", "f4_truncated.npy", npy_bytes(np.ones((4, 4), "<f4"))[:-7])
    with open(os.path.join(ROOT, "tests/fixtures/tiny_scan/data/tiny_precomp/test_ims.npy"), "rb") as f:
        write("npy", "tiny_test_ims.npy", f.read())


def safetensors_bytes(tensors, metadata=None, pad=True):
    header, blobs, offset = {}, [], 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def safetensors_seeds():
    f32 = np.arange(6, dtype="<f4")
    tensors = {
        "a.f32": ("F32", [2, 3], f32.tobytes()),
        "b.f64": ("F64", [2], np.array([0.5, -2], "<f8").tobytes()),
        "c.i64": ("I64", [3], np.array([1, -1, 7], "<i8").tobytes()),
        "d.f16": ("F16", [2, 2], np.array([1, -0.5, 65504, 6e-8], "<f2").tobytes()),
        "e.bf16": ("BF16", [2], (np.array([1.0, -3.0], "<f4").view("<u4") >> 16).astype("<u2").tobytes()),
        "f.scalar": ("F32", [], np.array([4], "<f4").tobytes()),
        "g.empty": ("F32", [0, 4], b""),
    }
    write("safetensors", "all_dtypes.safetensors", safetensors_bytes(tensors, {"format": "pt", "note": "seed"}))
    write("safetensors", "empty.safetensors", safetensors_bytes({}))
    write("safetensors", "unpadded.safetensors", safetensors_bytes({"x": tensors["a.f32"]}, pad=False))
    write("safetensors", "smallest_header.safetensors",
          struct.pack("<Q", 2) + b"{}" + b"")  # the smallest header
    with open(os.path.join(ROOT, "tests/fixtures/tiny_scan/model.safetensors"), "rb") as f:
        write("safetensors", "tiny_scan_checkpoint.safetensors", f.read())


def vocab_seeds():
    with open(os.path.join(ROOT, "tests/fixtures/tiny_scan/vocab/tiny_precomp_vocab.json"), "rb") as f:
        write("vocab", "tiny_precomp_vocab.json", f.read())
    words = ["<pad>", "<start>", "<end>", "<unk>", "a", "dog", "caf\u00e9", "."]
    vocab = {"word2idx": {w: i for i, w in enumerate(words)},
             "idx2word": {str(i): w for i, w in enumerate(words)}, "idx": len(words)}
    write("vocab", "small.json", json.dumps(vocab))
    write("vocab", "specials_only.json", json.dumps({"word2idx": {w: i for i, w in enumerate(words[:4])},
                                                     "idx2word": {str(i): w for i, w in enumerate(words[:4])},
                                                     "idx": 4}))
    write("vocab", "inconsistent.json", json.dumps({"word2idx": {"<pad>": 0}, "idx2word": {"0": "x"}, "idx": 1}))


def caption_seeds():
    with open(os.path.join(ROOT, "tests/data/real/f30k_precomp/test_caps.txt"), "rb") as f:
        lines = f.read().split(b"\n")
    random.seed(0)
    picked = lines[:10] + random.sample(lines[10:-1], 20)
    picked += [line for line in lines if b"p.i.n.k." in line][:1]
    write("captions", "real_f30k_test.txt", b"\n".join(picked) + b"\n")
    write("captions", "quotes_and_abbreviations.txt",
          'He said " Stop . " and left.\nDr. Smith ( the vet ) came at 5 p.m. today.\n'
          "It's 'quoted' -- isn't it?\nA caf\u00e9 sign reads \"OPEN\".\n")
    write("captions", "bom_crlf_no_final_newline.txt", "\ufeffA dog.\r\nTwo cats ... sleep\r\n  spaced  ")
    write("captions", "invalid_utf8.txt", b"A dog\xff runs.\n")
    write("captions", "empty_line.txt", "A dog.\n\nA cat.\n")


def metadata_seeds():
    with open(os.path.join(ROOT, "tests/fixtures/tiny_scan/model.safetensors"), "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    metadata = json.loads(raw[8:8 + n])["__metadata__"]
    # A saved std::mt19937_64 state (312 words and the position), as fw::Generator::state writes it.
    state_words = [random.Random(1).getrandbits(64) for _ in range(312)]
    rng_state = " ".join(str(w) for w in state_words) + " 312"
    keys = ["opt", "epoch", "iteration", "best_rsum", "best_epoch", "rng_state", "step_in_epoch",
            "epoch_rng_state", "epoch_loss_sum", "format"]

    def fields(values):
        return "\0".join(values.get(k, "") for k in keys[:max(keys.index(k) for k in values) + 1])

    write("checkpoint_metadata", "tiny_scan.txt", fields(metadata))
    write("checkpoint_metadata", "mid_epoch.txt",
          fields(dict(metadata, best_epoch="1", rng_state=rng_state, step_in_epoch="3",
                      epoch_rng_state=rng_state, epoch_loss_sum="1.25")))
    write("checkpoint_metadata", "opt_defaults.txt", fields({"opt": "{}"}))
    write("checkpoint_metadata", "opt_wrong_type.txt", fields({"opt": '{"batch_size": "128"}', "epoch": "x"}))


def flag_seeds():
    lines = [
        "--data_path\0data\0--data_name\0f30k_precomp\0--vocab_path\0vocab\0--logger_name\0runs/log\0"
        "--model_name\0runs/log\0--max_violation\0--bi_gru\0--agg_func=Mean\0--cross_attn=t2i\0"
        "--lambda_softmax=9",
        "--data_name\0coco_precomp\0--agg_func=LogSumExp\0--lambda_lse=6\0--lambda_softmax=9\0--num_epochs=20\0"
        "--lr_update=10\0--cross_attn=i2t\0--raw_feature_norm\0clipped_l2norm",
        "--num_epochs\0002\0--batch_size\00016\0--threads\0001\0--seed\0007\0--save_step\0005",
        "--batch_size\0abc",
        "--help",
        "--precomp_enc_type\0weight_norm\0--no_imgnorm\0--learning_rate\0002e-4\0--grad_clip\0-1",
    ]
    for i, line in enumerate(lines):
        write("train_flags", f"args_{i}.txt", line)


def objects_seeds():
    image = {"objects": [{"name": "circle", "attributes": ["small", "red"], "box": [1.5, 2, 30, 40.25]},
                         {"name": "star", "box": [50, 10, 60, 20]}]}
    write("objects", "two_images.json", json.dumps({"images": [image, {"objects": []}]}))
    write("objects", "one_image.json", json.dumps({"images": [image]}))
    write("objects", "inverted_box.json", json.dumps({"images": [{"objects": [{"name": "x", "box": [5, 0, 1, 2]}]},
                                                                {"objects": []}]}))
    write("objects", "box_of_strings.json", json.dumps({"images": [{"objects": [{"name": "x", "box": ["a"] * 4}]},
                                                                  {"objects": []}]}))


if __name__ == "__main__":
    npy_seeds()
    safetensors_seeds()
    vocab_seeds()
    caption_seeds()
    metadata_seeds()
    flag_seeds()
    objects_seeds()
