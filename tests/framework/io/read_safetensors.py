#!/usr/bin/env python3
"""An independent safetensors reader, written from docs/formats.md (section "safetensors") with
only struct, json and numpy, to cross-check the C++ writer.

    read_safetensors.py FILE

Validates the file against the format and prints one JSON object to stdout:
    {"header_length": N,
     "order": [tensor names in data-section order],
     "metadata": {key: value},
     "tensors": {name: {"dtype": "F32", "shape": [...], "values": [row-major values]}}}
Float values are printed exactly (float32 widened to float64, shortest round-trip repr).
A file that breaks the format exits with status 1 and the problem on stderr.
"""
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "I64": np.dtype("<i8")}
FIELDS = {"dtype", "shape", "data_offsets"}


class FormatError(Exception):
    pass


def no_duplicate_keys(pairs):
    keys = [key for key, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise FormatError(f"the header repeats the key {key!r}")
    return dict(pairs)


def is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def read(path):
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise FormatError(f"the file is {len(raw)} bytes, shorter than the header length field")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        raise FormatError(f"header length {n} runs past the end of the file")
    try:
        header = json.loads(raw[8:8 + n].decode("utf-8"), object_pairs_hook=no_duplicate_keys)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise FormatError(f"the header is not valid UTF-8 JSON: {e}")
    if not isinstance(header, dict):
        raise FormatError("the header is not a JSON object")
    data = raw[8 + n:]

    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise FormatError("__metadata__ must map strings to strings")

    entries = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != FIELDS:
            raise FormatError(f"tensor {name!r} must have exactly the fields {sorted(FIELDS)}")
        if info["dtype"] not in DTYPES:
            raise FormatError(f"tensor {name!r} has an unsupported dtype {info['dtype']!r}")
        dtype, shape, offsets = DTYPES[info["dtype"]], info["shape"], info["data_offsets"]
        if not isinstance(shape, list) or not all(is_count(d) for d in shape):
            raise FormatError(f"tensor {name!r} has a bad shape {shape!r}")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(is_count(o) for o in offsets)):
            raise FormatError(f"tensor {name!r} has bad data_offsets {offsets!r}")
        begin, end = offsets
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if end - begin != count * dtype.itemsize or end > len(data):
            raise FormatError(f"tensor {name!r}: data_offsets {offsets} do not fit shape {shape} {info['dtype']}")
        entries.append((begin, end, name, dtype, shape))

    entries.sort(key=lambda e: (e[0], e[1]))
    position = 0
    for begin, end, name, _, _ in entries:
        if begin != position:
            raise FormatError(f"tensor {name!r} starts at {begin}, expected {position} (gap or overlap)")
        position = end
    if position != len(data):
        raise FormatError(f"{len(data) - position} bytes of the data section belong to no tensor")

    tensors = {}
    for begin, end, name, dtype, shape in entries:
        array = np.frombuffer(data[begin:end], dtype=dtype).reshape(shape)
        wide = array.astype(np.int64 if dtype.kind == "i" else np.float64)
        tensors[name] = {"dtype": header[name]["dtype"], "shape": list(shape), "values": wide.ravel().tolist()}
    return {"header_length": n, "order": [e[2] for e in entries], "metadata": metadata, "tensors": tensors}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        contents = read(sys.argv[1])
    except FormatError as e:
        print(f"read_safetensors.py: {sys.argv[1]}: {e}", file=sys.stderr)
        sys.exit(1)
    json.dump(contents, sys.stdout, allow_nan=False)
    print()


if __name__ == "__main__":
    main()
