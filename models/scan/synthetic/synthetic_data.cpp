#include "models/scan/synthetic/synthetic_data.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <utility>

#include "framework/core/error.h"
#include "framework/core/random.h"
#include "framework/io/atomic_file.h"
#include "models/scan/data/npy.h"

namespace scan {

namespace {

constexpr const char* kSplits[] = {"train", "dev", "test"};

int64_t split_index(const std::string& split) {
  for (int64_t i = 0; i < 3; ++i)
    if (split == kSplits[i]) return i;
  throw fw::Error("make_synthetic_split: unknown split '" + split + "'; expected train, dev or test");
}

// Independent streams of one seed: splitmix64 of seed + (stream + 1) * golden ratio. Stream 0 draws
// the concept directions, stream 1 + i split i.
uint64_t stream_seed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + (stream + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// `count` distinct values of 0..n-1 in random order (the first `count` steps of a Fisher-Yates shuffle).
std::vector<int64_t> sample_distinct(int64_t n, int64_t count, fw::Generator& gen) {
  std::vector<int64_t> values(static_cast<std::size_t>(n));
  std::iota(values.begin(), values.end(), int64_t{0});
  for (int64_t i = 0; i < count; ++i)
    std::swap(values[i], values[i + static_cast<int64_t>(gen.below(static_cast<uint64_t>(n - i)))]);
  values.resize(static_cast<std::size_t>(count));
  return values;
}

// `rows` unit vectors of `dim` values (normal draws, normalised).
std::vector<double> unit_directions(int64_t rows, int64_t dim, fw::Generator& gen) {
  std::vector<double> values(static_cast<std::size_t>(rows * dim));
  for (int64_t r = 0; r < rows; ++r) {
    double* row = values.data() + r * dim;
    double norm2 = 0;
    for (int64_t d = 0; d < dim; ++d) {
      row[d] = gen.normal();
      norm2 += row[d] * row[d];
    }
    for (int64_t d = 0; d < dim; ++d) row[d] /= std::sqrt(norm2);
  }
  return values;
}

SyntheticImage next_image(const SyntheticConfig& config, const SyntheticImage* previous, fw::Generator& gen) {
  SyntheticImage image;
  const bool twin = gen.uniform() < config.rebind_fraction && previous != nullptr && !previous->twin_of_previous &&
                    previous->pairs.size() >= 2;
  if (twin) {
    // Same objects and attributes, every attribute moved to the next object.
    const std::size_t k = previous->pairs.size();
    for (std::size_t j = 0; j < k; ++j)
      image.pairs.push_back({previous->pairs[(j + 1) % k].attribute, previous->pairs[j].object});
    image.twin_of_previous = true;
  } else {
    const int64_t k = config.min_pairs + static_cast<int64_t>(gen.below(config.max_pairs - config.min_pairs + 1));
    const std::vector<int64_t> objects = sample_distinct(config.num_objects, k, gen);
    const std::vector<int64_t> attributes = sample_distinct(config.num_attributes, k, gen);
    for (int64_t j = 0; j < k; ++j) image.pairs.push_back({attributes[j], objects[j]});
  }
  const std::vector<int64_t> order = sample_distinct(config.regions, config.regions, gen);
  image.region_pair.assign(static_cast<std::size_t>(config.regions), -1);
  for (std::size_t j = 0; j < image.pairs.size(); ++j) image.region_pair[order[j]] = static_cast<int64_t>(j);
  return image;
}

// The regions of `image`: a pair's region is its attribute + object direction + noise, a background
// region N(0, 1 / dim) per value.
void draw_regions(const SyntheticImage& image, const SyntheticConcepts& concepts, double noise, int64_t dim,
                  fw::Generator& gen, float* out) {
  const double* attributes = concepts.attributes.data<double>();
  const double* objects = concepts.objects.data<double>();
  const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
  for (std::size_t r = 0; r < image.region_pair.size(); ++r) {
    float* region = out + static_cast<int64_t>(r) * dim;
    const int64_t j = image.region_pair[r];
    for (int64_t d = 0; d < dim; ++d) {
      double value = (j < 0 ? 1.0 : noise) * scale * gen.normal();
      if (j >= 0) value += attributes[image.pairs[j].attribute * dim + d] + objects[image.pairs[j].object * dim + d];
      region[d] = static_cast<float>(value);
    }
  }
}

std::string next_caption(const SyntheticImage& image, fw::Generator& gen) {
  const auto k = static_cast<int64_t>(image.pairs.size());
  const int64_t named = 1 + static_cast<int64_t>(gen.below(std::min(k, kSyntheticMaxPairsPerCaption)));
  std::vector<SyntheticPair> pairs;
  for (int64_t j : sample_distinct(k, named, gen)) pairs.push_back(image.pairs[j]);
  return synthetic_caption(pairs, static_cast<int64_t>(gen.below(kSyntheticCaptionForms)));
}

}  // namespace

int64_t SyntheticConfig::images(const std::string& split) const {
  const int64_t counts[] = {train_images, dev_images, test_images};
  return counts[split_index(split)];
}

void SyntheticConfig::validate() const {
  constexpr const char* op = "SyntheticConfig";
  fw::check(train_images >= 1 && dev_images >= 1 && test_images >= 1, op,
            "expected at least 1 image per split, got train_images = ", train_images, ", dev_images = ", dev_images,
            ", test_images = ", test_images);
  fw::check(img_dim >= 1, op, "expected img_dim >= 1, got ", img_dim);
  const auto attribute_words = static_cast<int64_t>(synthetic_attribute_words().size());
  const auto object_words = static_cast<int64_t>(synthetic_object_words().size());
  fw::check(num_attributes >= 1 && num_attributes <= attribute_words, op, "expected num_attributes in 1..",
            attribute_words, ", got ", num_attributes);
  fw::check(num_objects >= 1 && num_objects <= object_words, op, "expected num_objects in 1..", object_words,
            ", got ", num_objects);
  fw::check(min_pairs >= 1 && min_pairs <= max_pairs, op, "expected 1 <= min_pairs <= max_pairs, got min_pairs = ",
            min_pairs, ", max_pairs = ", max_pairs);
  fw::check(max_pairs <= std::min(num_attributes, num_objects), op, "expected max_pairs <= min(num_attributes, ",
            "num_objects) = ", std::min(num_attributes, num_objects), " (the pairs of an image have distinct ",
            "attributes and objects), got ", max_pairs);
  fw::check(regions >= max_pairs, op, "expected regions >= max_pairs = ", max_pairs, " (one region per pair), got ",
            regions);
  fw::check(std::isfinite(noise) && noise >= 0, op, "expected a finite noise >= 0, got ", noise);
  fw::check(rebind_fraction >= 0 && rebind_fraction <= 1, op, "expected rebind_fraction in [0, 1], got ",
            rebind_fraction);
}

SyntheticConcepts make_synthetic_concepts(const SyntheticConfig& config) {
  config.validate();
  // All 8 + 24 directions are drawn, so the ones used do not depend on num_attributes/num_objects.
  fw::Generator gen(stream_seed(config.seed, 0));
  const auto attribute_words = static_cast<int64_t>(synthetic_attribute_words().size());
  const auto object_words = static_cast<int64_t>(synthetic_object_words().size());
  std::vector<double> attributes = unit_directions(attribute_words, config.img_dim, gen);
  std::vector<double> objects = unit_directions(object_words, config.img_dim, gen);
  attributes.resize(static_cast<std::size_t>(config.num_attributes * config.img_dim));
  objects.resize(static_cast<std::size_t>(config.num_objects * config.img_dim));
  return {fw::Tensor::from_vector(attributes, {config.num_attributes, config.img_dim}),
          fw::Tensor::from_vector(objects, {config.num_objects, config.img_dim})};
}

SyntheticSplit::SyntheticSplit(std::string name, Vocabulary vocab, std::vector<SyntheticImage> images,
                               fw::Tensor features, std::vector<std::string> captions)
    : InMemorySplit("SyntheticSplit", std::move(name), std::move(vocab), std::move(features), std::move(captions)),
      images_(std::move(images)) {
  fw::check(static_cast<int64_t>(images_.size()) == num_images(), "SyntheticSplit", "expected features of ",
            images_.size(), " images, got ", fw::shape_str(InMemorySplit::features().shape()));
}

SyntheticSplit make_synthetic_split(const SyntheticConfig& config, const std::string& split) {
  const int64_t n = config.images(split);
  const SyntheticConcepts concepts = make_synthetic_concepts(config);
  fw::Generator gen(stream_seed(config.seed, 1 + static_cast<uint64_t>(split_index(split))));
  std::vector<SyntheticImage> images;
  images.reserve(static_cast<std::size_t>(n));
  fw::Tensor features = fw::Tensor::empty({n, config.regions, config.img_dim}, fw::DType::Float32);
  std::vector<std::string> captions;
  for (int64_t i = 0; i < n; ++i) {
    images.push_back(next_image(config, i > 0 ? &images.back() : nullptr, gen));
    draw_regions(images.back(), concepts, config.noise, config.img_dim, gen,
                 features.data<float>() + i * config.regions * config.img_dim);
    for (int64_t c = 0; c < kSyntheticCaptionsPerImage; ++c) captions.push_back(next_caption(images.back(), gen));
  }
  return SyntheticSplit(split, synthetic_vocabulary(), std::move(images), std::move(features), std::move(captions));
}

void write_synthetic_dataset(const SyntheticConfig& config, const std::string& out_dir, const std::string& data_name) {
  config.validate();
  fw::check(!data_name.empty(), "write_synthetic_dataset", "expected a non-empty data_name");
  const std::filesystem::path folder = std::filesystem::path(out_dir) / data_name;
  const std::filesystem::path vocab_folder = std::filesystem::path(out_dir) / "vocab";
  std::filesystem::create_directories(folder);
  std::filesystem::create_directories(vocab_folder);
  for (const char* split : kSplits) {
    const SyntheticSplit data = make_synthetic_split(config, split);
    save_npy((folder / (std::string(split) + "_ims.npy")).string(), data.features());
    std::string text;
    for (const std::string& caption : data.caption_texts()) text += caption + "\n";
    fw::write_file_atomically((folder / (std::string(split) + "_caps.txt")).string(), text);
  }
  synthetic_vocabulary().save((vocab_folder / (data_name + "_vocab.json")).string());
}

}  // namespace scan
