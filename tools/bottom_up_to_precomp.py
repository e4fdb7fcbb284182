#!/usr/bin/env python3
"""Bottom-up-attention region features and boxes -> the layout `scan` reads.

The usual extractors (Anderson et al.'s bottom-up-attention `tools/generate_tsv.py`, and the
released trainval_36 files) write one TSV row per image, tab-separated, with the fields
    image_id  image_w  image_h  num_boxes  boxes  features
where `boxes` is base64 of float32 [num_boxes, 4] (x1 y1 x2 y2 in pixels of the image) and
`features` base64 of float32 [num_boxes, 2048]. This script writes, for one split,
    OUT/{split}_ims.npy     float32 [N, R, 2048]   what SCAN's precomp features are
    OUT/{split}_boxes.npy   float32 [N, R, 4]      what `scan attend`, `search` and `report` draw
    OUT/{split}_images.txt  (with --images_dir) one picture path per image, relative to OUT
in the order of --ids (one image id per line: the order of the split's captions, 5 per image), or
the TSV's order without it. Every image must have the same number of boxes (SCAN uses 36).

    python3 tools/bottom_up_to_precomp.py --tsv test.tsv --split test --out data/f30k_precomp \
        --ids test_ids.txt --images_dir /data/flickr30k-images --image_pattern '{id}.jpg'

Needs numpy only. Nothing in the build runs it.
"""
import argparse
import base64
import csv
import os
import sys

import numpy as np

FIELDS = ["image_id", "image_w", "image_h", "num_boxes", "boxes", "features"]


def read_rows(paths):
    csv.field_size_limit(sys.maxsize)
    for path in paths:
        with open(path, newline="") as f:
            for line, row in enumerate(csv.DictReader(f, delimiter="\t", fieldnames=FIELDS), start=1):
                try:
                    n = int(row["num_boxes"])
                    boxes = np.frombuffer(base64.b64decode(row["boxes"]), dtype=np.float32).reshape(n, 4)
                    features = np.frombuffer(base64.b64decode(row["features"]), dtype=np.float32).reshape(n, -1)
                except (TypeError, ValueError) as error:
                    sys.exit(f"{path}:{line}: not a bottom-up-attention row ({error})")
                yield row["image_id"], int(row["image_w"]), int(row["image_h"]), boxes, features


def save_atomically(path, array):
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        np.save(f, array)
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tsv", nargs="+", required=True, help="the extractor's TSV file(s)")
    parser.add_argument("--split", required=True, help="split name: train, dev, test, ...")
    parser.add_argument("--out", required=True, help="the dataset folder (DATA_PATH/DATA_NAME)")
    parser.add_argument("--ids", help="file of image ids, one per line, in the split's order")
    parser.add_argument("--images_dir", help="folder of the pictures, for {split}_images.txt")
    parser.add_argument("--image_pattern", default="{id}.jpg", help="picture file name of an image id")
    args = parser.parse_args()

    rows = {image_id: (w, h, boxes, features) for image_id, w, h, boxes, features in read_rows(args.tsv)}
    if args.ids:
        with open(args.ids) as f:
            order = [line.strip() for line in f if line.strip()]
        missing = [i for i in order if i not in rows]
        if missing:
            sys.exit(f"{len(missing)} image ids of {args.ids} are not in the TSV, e.g. {missing[0]}")
    else:
        order = list(rows)
    if not order:
        sys.exit("no images")
    counts = {rows[i][2].shape[0] for i in order}
    if len(counts) != 1:
        sys.exit(f"images have different box counts {sorted(counts)}; SCAN needs the same number for every image")
    for i in order:
        w, h, boxes, _ = rows[i]
        bad = ((boxes[:, 0] >= boxes[:, 2]) | (boxes[:, 1] >= boxes[:, 3]) | (boxes[:, 0] < -1) | (boxes[:, 1] < -1)
               | (boxes[:, 2] > w + 1) | (boxes[:, 3] > h + 1))
        if bad.any():
            r = int(np.argmax(bad))
            sys.exit(f"image {i}: box {r} {boxes[r].tolist()} does not fit a {w} x {h} image")

    os.makedirs(args.out, exist_ok=True)
    save_atomically(os.path.join(args.out, f"{args.split}_ims.npy"), np.stack([rows[i][3] for i in order]))
    save_atomically(os.path.join(args.out, f"{args.split}_boxes.npy"), np.stack([rows[i][2] for i in order]))
    if args.images_dir:
        listed = os.path.join(args.out, f"{args.split}_images.txt")
        with open(listed + ".tmp", "w") as f:
            for i in order:
                picture = os.path.join(args.images_dir, args.image_pattern.format(id=i))
                f.write(os.path.relpath(picture, args.out) + "\n")
        os.replace(listed + ".tmp", listed)
    print(f"wrote {args.split}: {len(order)} images, {counts.pop()} regions each, to {args.out}")


if __name__ == "__main__":
    main()
