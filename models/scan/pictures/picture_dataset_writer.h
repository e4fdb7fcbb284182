#pragma once
// Writes the synthetic picture dataset in the original SCAN on-disk layout (what PrecompDataset and
// Vocabulary::load read back), plus the boxes, the object annotations and the pictures themselves:
//   <out_dir>/<data_name>/{split}_ims.npy       float32 [images, regions, img_dim]   region features
//   <out_dir>/<data_name>/{split}_caps.txt      5 captions per image, line 5k + j describes image row k
//   <out_dir>/<data_name>/{split}_boxes.npy     float32 [images, regions, 4]          x1 y1 x2 y2 in pixels
//   <out_dir>/<data_name>/{split}_objects.json  {"images": [{"objects": [{"name": "circle",
//                                               "attributes": ["small", "red"], "box": [x1, y1, x2, y2]}, ...]},
//                                               ...]}, entry k for image row k; attributes are size, colour
//   <out_dir>/vocab/<data_name>_vocab.json      picture_vocabulary()
// and for each split in `image_splits`:
//   <out_dir>/<data_name>/images/{split}/{k:05d}.png   image row k's picture
//   <out_dir>/<data_name>/{split}_images.txt           line k: "images/{split}/{k:05d}.png", relative to
//                                                      the folder holding the .txt
// for the splits "train", "dev" and "test". Every file is written atomically. An earlier run's
// {split}_images.txt is removed before the split's other files are replaced, and its
// images/{split}/ too when this run writes no pictures of that split.
//   write_picture_dataset(config, "data");                                 // data/pictures_precomp/...
//   write_picture_dataset(config, "data", "pictures_precomp", {"test"});  // PNGs of the test split only
#include <string>
#include <vector>

#include "models/scan/pictures/picture_config.h"
#include "models/scan/pictures/picture_split.h"

namespace scan {

void write_picture_dataset(const PictureConfig& config, const std::string& out_dir,
                           const std::string& data_name = "pictures_precomp",
                           const std::vector<std::string>& image_splits = {"train", "dev", "test"});

// The {split}_objects.json text of a split.
std::string picture_objects_json(const PictureSplit& split);

}  // namespace scan
