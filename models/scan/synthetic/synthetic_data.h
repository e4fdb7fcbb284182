#pragma once
// The built-in synthetic image-text dataset: generated in memory from a seed, small enough that a
// small SCAN learns it in minutes, and built so that only word-region ALIGNMENT solves it.
//
// Concepts: 8 attributes (colours, sizes) and 24 objects, each a fixed random unit direction in
// img_dim (drawn from the seed, the same for every split).
// Image: `regions` regions in random order. Each of its 2-3 (attribute, object) pairs, with
// distinct attributes and distinct objects, is depicted by one region
//     attribute direction + object direction + noise        (noise ~ N(0, noise^2 / img_dim) per value)
// and every other region is background, N(0, 1 / img_dim) per value (norm about 1).
// Twins: with probability rebind_fraction an image takes the previous image's objects and
// attributes but binds them differently (attributes shifted by one place: red dog + blue car
// becomes blue dog + red car). Twins have the same bag of concepts and, up to noise, the same
// region mean, so a bag-of-words or pooled-region model cannot tell them apart; only attending
// each word to the region that depicts it (which attribute goes with which object) can.
// Captions: 5 per image, each naming 1-3 of its pairs in a template (synthetic_captions.h).
//
// Layout: im_div 5 (captions 5k..5k+4 describe image row k), as the original's train/test splits.
//   SyntheticConfig config;                          // 2000 / 100 / 100 images
//   SyntheticSplit train = make_synthetic_split(config, "train");
//   Batcher batches(train, 128);                     // a CaptionImageSource like PrecompDataset
//   write_synthetic_dataset(config, "data");         // data/synthetic_precomp/..., data/vocab/...
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "framework/core/tensor.h"
#include "models/scan/data/in_memory_split.h"
#include "models/scan/data/vocab.h"
#include "models/scan/synthetic/synthetic_captions.h"

namespace scan {

struct SyntheticConfig {
  uint64_t seed = 1;
  int64_t train_images = 2000, dev_images = 100, test_images = 100;
  int64_t img_dim = 64;
  int64_t regions = 12;
  int64_t num_attributes = 8, num_objects = 24;  // how many of the words are used (at most 8 and 24)
  int64_t min_pairs = 2, max_pairs = 3;          // (attribute, object) pairs per image
  double noise = 0.3;                            // norm of the noise added to a depicted pair
  double rebind_fraction = 0.5;                  // chance that an image is the previous one's twin

  int64_t images(const std::string& split) const;  // train_images, dev_images or test_images
  // fw::Error naming the field, its value and what is accepted.
  void validate() const;
};

// One generated image: its pairs, which region depicts each (region_pair[r] = index into pairs,
// or -1 for background), and whether it is the previous image's twin.
struct SyntheticImage {
  std::vector<SyntheticPair> pairs;
  std::vector<int64_t> region_pair;
  bool twin_of_previous = false;
};

// The concept directions of a configuration: attributes [num_attributes, img_dim] and objects
// [num_objects, img_dim], float64 rows of unit norm.
struct SyntheticConcepts {
  fw::Tensor attributes, objects;
};
SyntheticConcepts make_synthetic_concepts(const SyntheticConfig& config);

class SyntheticSplit : public InMemorySplit {
 public:
  SyntheticSplit(std::string name, Vocabulary vocab, std::vector<SyntheticImage> images, fw::Tensor features,
                 std::vector<std::string> captions);

  const std::vector<SyntheticImage>& images() const { return images_; }

 private:
  std::vector<SyntheticImage> images_;
};

inline constexpr int64_t kSyntheticCaptionsPerImage = InMemorySplit::kCaptionsPerImage;

// Split "train", "dev" or "test". Each split draws from its own stream of the seed, so a split does
// not depend on the sizes of the others; the concept directions are shared.
SyntheticSplit make_synthetic_split(const SyntheticConfig& config, const std::string& split);

// Writes the original on-disk layout, which PrecompDataset and Vocabulary::load read back:
//   <out_dir>/<data_name>/{train,dev,test}_ims.npy   float32 [images, regions, img_dim]
//   <out_dir>/<data_name>/{train,dev,test}_caps.txt  5 captions per image
//   <out_dir>/vocab/<data_name>_vocab.json          synthetic_vocabulary()
void write_synthetic_dataset(const SyntheticConfig& config, const std::string& out_dir,
                             const std::string& data_name = "synthetic_precomp");

}  // namespace scan
