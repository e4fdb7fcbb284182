#!/usr/bin/python3
"""Converts SCAN checkpoints between the original PyTorch code and this repository.

    /usr/bin/python3 tools/convert_checkpoint.py model_best.pth.tar model_best.safetensors
    /usr/bin/python3 tools/convert_checkpoint.py checkpoint_29.safetensors checkpoint_29.pth.tar

The direction follows the output's extension: ".safetensors" converts an original checkpoint to
ours, anything else converts ours to the original's. Needs PyTorch (Debian: python3-torch) to
read or write the .pth.tar side; the safetensors side is read and written here from the format
description (docs/formats.md) with struct, json and numpy.

Original (train.py save_checkpoint): torch.save of a dict
    {"model": [img_enc.state_dict(), txt_enc.state_dict()],   keys fc.weight, embed.weight, rnn.weight_ih_l0 ...
     "opt": argparse.Namespace of the train.py flags (+ vocab_size), or a dict,
     "epoch": index of the last finished epoch, "best_rsum": float, "Eiters": iteration count}
Ours (models/scan/checkpoint.h): a safetensors file whose tensors are the same state dicts with
the prefixes "img_enc." and "txt_enc." (float32), and whose __metadata__ holds strings:
    "format": "scan-checkpoint-1", "opt": JSON of the options under the flag names,
    "epoch", "iteration" (= Eiters), "best_rsum", "best_epoch", "rng_state".
What does not carry over: the original stores no optimizer state, so a converted checkpoint
resumes with a fresh Adam (as the original does); our "optimizer." tensors are dropped on the
way back (reported). Our rng_state, best_epoch, seed, threads and device are kept in the .pth.tar (the
original code ignores them) so that a round trip is lossless apart from the optimizer state.
Options our code does not know (e.g. added by forks) are dropped with a warning.
"""
import argparse
import json
import os
import struct
import sys
from collections import OrderedDict

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # scan_torch.py

FORMAT = "scan-checkpoint-1"
PREFIXES = ("img_enc.", "txt_enc.")  # the order of the original's "model" list
OPTIMIZER_PREFIX = "optimizer."
# Options of models/scan/options.h beyond train.py's flags and the run-time vocab_size.
EXTRA_OPTIONS = ("seed", "threads", "device", "save_step")

# ---- safetensors (docs/formats.md) --------------------------------------------------------------

DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "I64": np.dtype("<i8"), "F16": np.dtype("<f2")}


class ConversionError(Exception):
    pass


def dtype_name(array):
    for name, dtype in DTYPES.items():
        if array.dtype == dtype:
            return name
    raise ConversionError("safetensors here stores float32, float64, int64 and float16 only, got {}".format(array.dtype))


def write_safetensors(path, tensors, metadata):
    """tensors: name -> numpy array; metadata: str -> str. Tensors in sorted name order, header
    padded with spaces so that the data section starts at a multiple of 8 (as the C++ writer)."""
    header = OrderedDict()
    if metadata:
        header["__metadata__"] = OrderedDict(sorted(metadata.items()))
    offset = 0
    blobs = []
    for name in sorted(tensors, key=lambda n: n.encode("utf-8")):
        array = np.asarray(tensors[name])
        array = np.ascontiguousarray(array).reshape(array.shape)  # ascontiguousarray makes 0-d arrays 1-d
        blob = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = OrderedDict([("dtype", dtype_name(array)), ("shape", list(array.shape)),
                                    ("data_offsets", [offset, offset + len(blob)])])
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(temporary, path)


def read_safetensors(path):
    """-> (tensors: name -> numpy array, metadata: dict). Checks what the conversion relies on."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ConversionError("{}: {} bytes, too short for a safetensors file".format(path, len(raw)))
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        raise ConversionError("{}: header length {} runs past the end of the file".format(path, n))
    try:
        header = json.loads(raw[8:8 + n].decode("utf-8"))
    except ValueError as e:
        raise ConversionError("{}: the header is not valid JSON ({})".format(path, e))
    data = raw[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors = OrderedDict()
    for name, entry in header.items():
        if entry["dtype"] not in DTYPES:
            raise ConversionError("{}: tensor '{}' has dtype {} (expected F32, F64 or I64)".format(
                path, name, entry["dtype"]))
        begin, end = entry["data_offsets"]
        dtype = DTYPES[entry["dtype"]]
        count = int(np.prod(entry["shape"], dtype=np.int64))
        if end - begin != count * dtype.itemsize or end > len(data):
            raise ConversionError("{}: tensor '{}' has data_offsets {} that do not fit shape {}".format(
                path, name, entry["data_offsets"], entry["shape"]))
        tensors[name] = np.frombuffer(data, dtype=dtype, count=count, offset=begin).reshape(entry["shape"])
    return tensors, metadata


# ---- options ------------------------------------------------------------------------------------

def known_options():
    from scan_torch import TRAIN_DEFAULTS
    return list(TRAIN_DEFAULTS) + ["vocab_size"] + list(EXTRA_OPTIONS)


def plain_value(key, value):
    """A JSON value for an option (Python 2 pickles may give bytes; numpy scalars happen too)."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (bool, int, float, str)):
        return value
    raise ConversionError("option '{}' has a value of type {} ({!r}); expected a number, a string or a "
                          "boolean".format(key, type(value).__name__, value))


def options_json(opt, warn):
    """The "opt" metadata text of an original opt (argparse.Namespace or dict)."""
    values = vars(opt) if isinstance(opt, argparse.Namespace) else dict(opt)
    known = known_options()
    out = OrderedDict()
    for key in known:
        if key in values and values[key] is not None:
            out[key] = plain_value(key, values[key])
    dropped = sorted(str(k) for k in values if k not in known or values[k] is None)
    if dropped:
        warn("dropped options that models/scan/options.h does not have (or that are None): " + ", ".join(dropped))
    if not out.get("vocab_size"):
        warn("the checkpoint's opt has no vocab_size; `scan eval` then cannot check the vocabulary size")
    return json.dumps(out)


# ---- original -> ours ---------------------------------------------------------------------------

def load_original(path):
    import torch
    try:
        # weights_only=False: an original checkpoint pickles an argparse.Namespace ("opt"), which
        # PyTorch >= 2.6 refuses by default. Only convert checkpoints you trust.
        try:
            return torch.load(path, map_location="cpu", weights_only=False)
        except UnicodeDecodeError:  # a Python 2 pickle with non-UTF-8 byte strings
            return torch.load(path, map_location="cpu", encoding="latin1", weights_only=False)
    except OSError:
        raise
    except Exception as e:  # unpickling errors come in many types
        raise ConversionError("cannot be read by torch.load: {}: {}".format(type(e).__name__, e))


def original_to_ours(checkpoint, warn):
    """(tensors, metadata) of our format from the dict the original torch.save-d."""
    if not isinstance(checkpoint, dict) or "model" not in checkpoint or "opt" not in checkpoint:
        raise ConversionError("not an original SCAN checkpoint: expected a dict with 'model' and 'opt', got {}".format(
            sorted(checkpoint) if isinstance(checkpoint, dict) else type(checkpoint).__name__))
    model = checkpoint["model"]
    if not isinstance(model, (list, tuple)) or len(model) != 2:
        raise ConversionError("'model' must be the list [img_enc.state_dict(), txt_enc.state_dict()]")
    tensors = OrderedDict()
    for prefix, state in zip(PREFIXES, model):
        for key, value in state.items():
            array = value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)
            if not np.issubdtype(array.dtype, np.floating):
                raise ConversionError("tensor {}{} has dtype {}; SCAN's parameters are floating point".format(
                    prefix, key, array.dtype))
            array = array.astype(np.float32)  # the model is float32 (the original trains in float32)
            if key == "fc.weight_g" and array.shape == (1,):
                array = array.reshape(())  # PyTorch 0.3 stored weight_norm's scalar g as a 1-vector
            tensors[prefix + key] = array
    metadata = {
        "format": FORMAT,
        "opt": options_json(checkpoint["opt"], warn),
        "epoch": str(int(checkpoint.get("epoch", -1))),
        "iteration": str(int(checkpoint.get("Eiters", 0))),
        "best_rsum": format(float(checkpoint.get("best_rsum", 0.0)), ".17g"),
        "rng_state": str(checkpoint.get("rng_state", "")),
        "best_epoch": str(int(checkpoint.get("best_epoch", -1))),
    }
    return tensors, metadata


# ---- ours -> original ---------------------------------------------------------------------------

def ours_to_original(tensors, metadata, warn):
    """The dict the original torch.save-s, from our tensors and metadata. The tensors are loaded
    into tools/scan_torch.py's SCAN (strict), which proves the original code accepts them."""
    if "opt" not in metadata:
        raise ConversionError("not a SCAN checkpoint: its metadata has no \"opt\"")
    if metadata.get("format", FORMAT) != FORMAT:
        raise ConversionError("unsupported format \"{}\" (expected \"{}\")".format(metadata["format"], FORMAT))
    import torch
    import scan_torch
    values = json.loads(metadata["opt"])
    try:
        opt = scan_torch.options(**{k: v for k, v in values.items() if k not in EXTRA_OPTIONS})
    except KeyError as e:
        raise ConversionError("metadata \"opt\": {}".format(e.args[0]))
    for key in EXTRA_OPTIONS:  # kept for the way back; the original code never reads them
        if key in values:
            setattr(opt, key, values[key])

    states = [OrderedDict(), OrderedDict()]
    dropped = []
    for name, array in tensors.items():
        for k, prefix in enumerate(PREFIXES):
            if name.startswith(prefix):
                states[k][name[len(prefix):]] = torch.from_numpy(np.array(array, dtype=np.float32))
                break
        else:
            if not name.startswith(OPTIMIZER_PREFIX):
                raise ConversionError("tensor '{}' belongs to neither img_enc. nor txt_enc.".format(name))
            dropped.append(name)
    if dropped:
        warn("dropped {} optimizer tensors: the original checkpoint format has no optimizer state".format(
            len(dropped)))

    model = scan_torch.SCAN(opt)
    for prefix, module, state in zip(PREFIXES, (model.img_enc, model.txt_enc), states):
        try:
            module.load_state_dict(state)  # strict, as the original's load_state_dict
        except RuntimeError as e:
            raise ConversionError("the tensors do not fit the model the options describe: {} {}".format(
                prefix[:-1], e))
    checkpoint = {
        "epoch": int(metadata.get("epoch", "-1")),
        "model": model.original_state_dict(),  # the original modules' key order
        "best_rsum": float(metadata.get("best_rsum", "0")),
        "opt": opt,
        "Eiters": int(metadata.get("iteration", "0")),
    }
    if metadata.get("rng_state"):
        checkpoint["rng_state"] = metadata["rng_state"]
    if "best_epoch" in metadata:
        checkpoint["best_epoch"] = int(metadata["best_epoch"])
    return checkpoint


# ---- command line -------------------------------------------------------------------------------

def convert(source, target, warn):
    if source.endswith(".safetensors") == target.endswith(".safetensors"):
        raise ConversionError("one of the two files must be .safetensors (ours) and the other not (the original's "
                              ".pth.tar); the direction follows the target's extension")
    if target.endswith(".safetensors"):
        tensors, metadata = original_to_ours(load_original(source), warn)
        write_safetensors(target, tensors, metadata)
    else:
        import torch
        checkpoint = ours_to_original(*read_safetensors(source), warn=warn)
        # The pre-1.6 serialisation, which old PyTorch versions (the original's era) can read too.
        torch.save(checkpoint, target, _use_new_zipfile_serialization=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="checkpoint to read (.pth.tar of the original, or .safetensors of ours)")
    parser.add_argument("target", help="file to write; .safetensors: ours, anything else: the original's")
    args = parser.parse_args(argv)

    def warn(message):
        print("convert_checkpoint.py: warning: " + message, file=sys.stderr)

    try:
        convert(args.source, args.target, warn)
    except (ConversionError, OSError) as e:
        print("convert_checkpoint.py: error: {}: {}".format(args.source, e), file=sys.stderr)
        return 1
    print("wrote " + args.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
