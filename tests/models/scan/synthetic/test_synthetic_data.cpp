#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "framework/core/error.h"
#include "models/scan/data/batch.h"
#include "models/scan/data/dataset.h"
#include "models/scan/data/tokenizer.h"
#include "models/scan/synthetic/synthetic_data.h"
#include "tests/models/scan/data/data_test_support.h"

using namespace scan;
using fw::Error;
using fw::Shape;
using scan_test::TempDir;
using Ids = std::vector<int64_t>;
using Words = std::vector<std::string>;

namespace {

SyntheticConfig tiny_config() {
  SyntheticConfig config;
  config.seed = 7;
  config.train_images = 24;
  config.dev_images = 6;
  config.test_images = 4;
  config.img_dim = 16;
  config.regions = 5;
  return config;
}

Words split_on_spaces(const std::string& text) {
  std::istringstream in(text);
  Words words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

Ids ids_of(const CaptionImageSource& data, int64_t item) {
  return Ids(data.caption(item).begin(), data.caption(item).end());
}

std::vector<float> rows_of(const CaptionImageSource& data, const Ids& rows) {
  std::vector<float> out(rows.size() * static_cast<std::size_t>(data.num_regions() * data.img_dim()));
  data.copy_image_rows(rows, out.data());
  return out;
}

Ids all_rows(const CaptionImageSource& data) {
  Ids rows(static_cast<std::size_t>(data.num_images()));
  for (int64_t r = 0; r < data.num_images(); ++r) rows[r] = r;
  return rows;
}

// The (attribute, object) pairs a caption names: every attribute word followed by an object word.
std::vector<SyntheticPair> named_pairs(const Words& words) {
  const auto& attributes = synthetic_attribute_words();
  const auto& objects = synthetic_object_words();
  const auto index = [](const Words& list, const std::string& w) {
    return static_cast<int64_t>(std::find(list.begin(), list.end(), w) - list.begin());
  };
  std::vector<SyntheticPair> pairs;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const int64_t a = index(attributes, words[i]);
    if (a == static_cast<int64_t>(attributes.size())) continue;
    REQUIRE(i + 1 < words.size());
    const int64_t o = index(objects, words[i + 1]);
    REQUIRE_MESSAGE(o < static_cast<int64_t>(objects.size()), "attribute not followed by an object: " << words[i + 1]);
    pairs.push_back({a, o});
  }
  return pairs;
}

bool contains_pair(const std::vector<SyntheticPair>& pairs, const SyntheticPair& p) {
  return std::find(pairs.begin(), pairs.end(), p) != pairs.end();
}

}  // namespace

TEST_CASE("synthetic: the vocabulary holds the specials, the template words, 8 attributes and 24 objects") {
  const Vocabulary vocab = synthetic_vocabulary();
  CHECK(synthetic_attribute_words().size() == 8);
  CHECK(synthetic_object_words().size() == 24);
  CHECK(vocab.word(0) == "<pad>");
  CHECK(vocab.word(1) == "<start>");
  CHECK(vocab.word(2) == "<end>");
  CHECK(vocab.word(3) == "<unk>");
  CHECK(vocab.word(4) == "a");
  CHECK(vocab.word(5) == ".");
  CHECK(vocab.size() == 49);  // 4 specials, 13 template words, 8 attributes, 24 objects
  for (const auto& word : synthetic_attribute_words()) CHECK(vocab.contains(word));
  for (const auto& word : synthetic_object_words()) CHECK(vocab.contains(word));
  CHECK(vocab.id("dog") == 49 - 24);
  CHECK(vocab.id("shirt") == 48);
}

TEST_CASE("synthetic: captions fill the templates and tokenize back to their words") {
  CHECK(synthetic_caption({{0, 0}}, 0) == "a red dog .");
  CHECK(synthetic_caption({{1, 4}, {6, 5}}, 2) == "there is a blue car near a small ball .");
  CHECK(synthetic_caption({{2, 1}, {7, 14}, {5, 13}}, 0) == "a green cat and a big hat with a white cup .");
  for (int64_t n = 1; n <= kSyntheticMaxPairsPerCaption; ++n)
    for (int64_t form = 0; form < kSyntheticCaptionForms; ++form) {
      std::vector<SyntheticPair> pairs;
      for (int64_t j = 0; j < n; ++j) pairs.push_back({j, 10 + j});
      const std::string text = synthetic_caption(pairs, form);
      CAPTURE(text);
      CHECK(tokenize_caption(text) == split_on_spaces(text));
      CHECK(text.ends_with(" ."));
      CHECK(named_pairs(split_on_spaces(text)) == pairs);
    }
  CHECK_THROWS_WITH_AS(synthetic_caption({}, 0), "synthetic_caption: expected 1 to 3 pairs, got 0", Error);
  CHECK_THROWS_WITH_AS(synthetic_caption({{0, 0}}, 4), "synthetic_caption: expected form 0..3, got 4", Error);
  CHECK_THROWS_WITH_AS(synthetic_caption({{8, 0}}, 0),
                       "synthetic_caption: pair (8, 0) is outside the 8 attributes x 24 objects", Error);
}

TEST_CASE("synthetic: a split has the configured sizes, 5 captions per image and well-formed images") {
  const SyntheticConfig config = tiny_config();
  const SyntheticSplit train = make_synthetic_split(config, "train");
  CHECK(train.name() == "train");
  CHECK(train.num_images() == 24);
  CHECK(train.size() == 120);
  CHECK(train.num_regions() == 5);
  CHECK(train.img_dim() == 16);
  CHECK(train.features().shape() == Shape{24, 5, 16});
  CHECK(train.features().dtype() == fw::DType::Float32);
  CHECK(train.image_row(0) == 0);
  CHECK(train.image_row(4) == 0);
  CHECK(train.image_row(5) == 1);
  CHECK(train.image_row(119) == 23);
  CHECK(make_synthetic_split(config, "dev").num_images() == 6);
  CHECK(make_synthetic_split(config, "test").size() == 20);

  for (const SyntheticImage& image : train.images()) {
    const auto k = static_cast<int64_t>(image.pairs.size());
    CHECK(k >= config.min_pairs);
    CHECK(k <= config.max_pairs);
    std::set<int64_t> attributes, objects, depicted;
    for (const SyntheticPair& p : image.pairs) {
      attributes.insert(p.attribute);
      objects.insert(p.object);
      CHECK(p.attribute < config.num_attributes);
      CHECK(p.object < config.num_objects);
    }
    CHECK(static_cast<int64_t>(attributes.size()) == k);  // distinct attributes and objects
    CHECK(static_cast<int64_t>(objects.size()) == k);
    REQUIRE(static_cast<int64_t>(image.region_pair.size()) == config.regions);
    for (int64_t j : image.region_pair)
      if (j >= 0) CHECK(depicted.insert(j).second);  // each pair in exactly one region
    CHECK(static_cast<int64_t>(depicted.size()) == k);
  }
}

TEST_CASE("synthetic: every caption uses vocabulary words only and names pairs of its own image") {
  const SyntheticSplit train = make_synthetic_split(tiny_config(), "train");
  const Vocabulary& vocab = train.vocab();
  CHECK(vocab.size() == synthetic_vocabulary().size());
  REQUIRE(static_cast<int64_t>(train.caption_texts().size()) == train.size());
  std::set<int64_t> named_counts;
  for (int64_t i = 0; i < train.size(); ++i) {
    const std::string& text = train.caption_texts()[i];
    CAPTURE(text);
    const Words words = split_on_spaces(text);
    CHECK(tokenize_caption(text) == words);
    Ids expected = {Vocabulary::kStart};
    for (const std::string& word : words) {
      CHECK(vocab.contains(word));
      expected.push_back(vocab.id(word));
    }
    expected.push_back(Vocabulary::kEnd);
    CHECK(ids_of(train, i) == expected);
    const std::vector<SyntheticPair> named = named_pairs(words);
    named_counts.insert(static_cast<int64_t>(named.size()));
    CHECK(named.size() >= 1);
    CHECK(named.size() <= 3);
    for (const SyntheticPair& p : named) CHECK(contains_pair(train.images()[train.image_row(i)].pairs, p));
  }
  CHECK(named_counts == std::set<int64_t>{1, 2, 3});
}

TEST_CASE("synthetic: the same seed gives the same data, another seed other data") {
  const SyntheticConfig config = tiny_config();
  const SyntheticSplit a = make_synthetic_split(config, "train");
  const SyntheticSplit b = make_synthetic_split(config, "train");
  CHECK(a.features().to_vector<float>() == b.features().to_vector<float>());
  CHECK(a.caption_texts() == b.caption_texts());
  for (std::size_t i = 0; i < a.images().size(); ++i) {
    CHECK(a.images()[i].pairs == b.images()[i].pairs);
    CHECK(a.images()[i].region_pair == b.images()[i].region_pair);
  }
  SyntheticConfig other = config;
  other.seed = 8;
  const SyntheticSplit c = make_synthetic_split(other, "train");
  CHECK(c.features().to_vector<float>() != a.features().to_vector<float>());
  CHECK(c.caption_texts() != a.caption_texts());
  // Splits draw from their own streams: other splits' sizes do not change a split, and the
  // splits differ from each other.
  SyntheticConfig resized = config;
  resized.dev_images = 50;
  resized.test_images = 1;
  CHECK(make_synthetic_split(resized, "train").features().to_vector<float>() == a.features().to_vector<float>());
  CHECK(make_synthetic_split(config, "dev").caption_texts() !=
        std::vector<std::string>(a.caption_texts().begin(), a.caption_texts().begin() + 30));
  // The concept directions are shared by all splits and do not depend on how many are used.
  SyntheticConfig fewer = config;
  fewer.num_objects = 5;
  fewer.num_attributes = 3;
  const SyntheticConcepts all = make_synthetic_concepts(config), some = make_synthetic_concepts(fewer);
  CHECK(all.objects.shape() == Shape{24, 16});
  CHECK(some.objects.shape() == Shape{5, 16});
  CHECK(some.attributes.shape() == Shape{3, 16});
  const std::vector<double> all_objects = all.objects.to_vector<double>();
  CHECK(some.objects.to_vector<double>() == std::vector<double>(all_objects.begin(), all_objects.begin() + 5 * 16));
  const std::vector<double> norm_check = all.attributes.to_vector<double>();
  double norm2 = 0;
  for (int64_t d = 0; d < 16; ++d) norm2 += norm_check[d] * norm_check[d];
  CHECK(norm2 == doctest::Approx(1.0));
}

TEST_CASE("synthetic: a depicted pair's region is its attribute plus object direction plus noise") {
  const SyntheticConfig config = tiny_config();
  const SyntheticSplit train = make_synthetic_split(config, "train");
  const SyntheticConcepts concepts = make_synthetic_concepts(config);
  const std::vector<double> attributes = concepts.attributes.to_vector<double>();
  const std::vector<double> objects = concepts.objects.to_vector<double>();
  const std::vector<float> features = train.features().to_vector<float>();
  const int64_t dim = config.img_dim;
  // Squared distance of region r of image i from attribute a + object o.
  const auto distance2 = [&](int64_t i, int64_t r, int64_t a, int64_t o) {
    double sum = 0;
    for (int64_t d = 0; d < dim; ++d) {
      const double diff = features[(i * config.regions + r) * dim + d] - attributes[a * dim + d] - objects[o * dim + d];
      sum += diff * diff;
    }
    return sum;
  };
  double noise2 = 0;
  int64_t depicted = 0;
  for (int64_t i = 0; i < train.num_images(); ++i) {
    const SyntheticImage& image = train.images()[i];
    for (int64_t r = 0; r < config.regions; ++r) {
      const int64_t j = image.region_pair[r];
      if (j < 0) continue;
      const SyntheticPair p = image.pairs[j];
      const double own = distance2(i, r, p.attribute, p.object);
      noise2 += own;
      ++depicted;
      // The closest of all attribute + object combinations is the depicted one.
      for (int64_t a = 0; a < config.num_attributes; ++a)
        for (int64_t o = 0; o < config.num_objects; ++o)
          if (a != p.attribute || o != p.object) CHECK(distance2(i, r, a, o) > own);
    }
  }
  // The noise has squared norm noise^2 on average (within 25% over ~60 regions).
  CHECK(std::sqrt(noise2 / static_cast<double>(depicted)) == doctest::Approx(config.noise).epsilon(0.25));
}

TEST_CASE("synthetic: twins have the same bag of concepts with every binding changed") {
  SyntheticConfig config = tiny_config();
  config.train_images = 40;
  const SyntheticSplit train = make_synthetic_split(config, "train");
  int64_t twins = 0;
  for (int64_t i = 1; i < train.num_images(); ++i) {
    const SyntheticImage& image = train.images()[i];
    if (!image.twin_of_previous) continue;
    ++twins;
    const SyntheticImage& previous = train.images()[i - 1];
    CHECK_FALSE(previous.twin_of_previous);
    std::multiset<int64_t> attributes, objects, previous_attributes, previous_objects;
    for (const SyntheticPair& p : image.pairs) {
      attributes.insert(p.attribute);
      objects.insert(p.object);
      CHECK_FALSE(contains_pair(previous.pairs, p));  // no (attribute, object) binding in common
    }
    for (const SyntheticPair& p : previous.pairs) {
      previous_attributes.insert(p.attribute);
      previous_objects.insert(p.object);
    }
    CHECK(attributes == previous_attributes);  // the same words, bound differently
    CHECK(objects == previous_objects);
  }
  CHECK(twins >= 8);  // about a third of the images with rebind_fraction 0.5

  config.rebind_fraction = 0;
  const SyntheticSplit unpaired = make_synthetic_split(config, "train");
  for (const SyntheticImage& image : unpaired.images()) CHECK_FALSE(image.twin_of_previous);
  config.rebind_fraction = 1;
  const SyntheticSplit paired = make_synthetic_split(config, "train");
  for (int64_t i = 0; i < paired.num_images(); ++i) CHECK(paired.images()[i].twin_of_previous == (i % 2 == 1));
}

TEST_CASE("synthetic: copy_image_rows and the Batcher read the features of the split") {
  const SyntheticSplit test = make_synthetic_split(tiny_config(), "test");
  const std::vector<float> features = test.features().to_vector<float>();
  const int64_t row = test.num_regions() * test.img_dim();
  const std::vector<float> copied = rows_of(test, {3, 0, 3});
  CHECK(std::vector<float>(copied.begin(), copied.begin() + row) ==
        std::vector<float>(features.begin() + 3 * row, features.begin() + 4 * row));
  CHECK(std::vector<float>(copied.begin() + row, copied.begin() + 2 * row) ==
        std::vector<float>(features.begin(), features.begin() + row));
  CHECK_THROWS_WITH_AS(rows_of(test, {4}), "SyntheticSplit: image row 4 is outside 0..3", Error);
  CHECK_THROWS_WITH_AS(test.caption(20), "SyntheticSplit: item 20 is outside 0..19", Error);
  CHECK_THROWS_WITH_AS(test.image_row(-1), "SyntheticSplit: item -1 is outside 0..19", Error);

  Batcher batches(test, 8);
  CHECK(batches.num_batches() == 3);
  const Batch batch = batches.batch(2);
  REQUIRE(batch.images.shape() == Shape{4, 5, 16});
  for (int64_t b = 0; b < batch.size(); ++b) {
    CHECK(batch.images.at({b, 1, 2}) == features[test.image_row(batch.items[b]) * row + 1 * 16 + 2]);
    CHECK(batch.lengths[b] == static_cast<int64_t>(test.caption(batch.items[b]).size()));
  }
}

TEST_CASE("synthetic: invalid configurations and split names are rejected") {
  SyntheticConfig config = tiny_config();
  CHECK_THROWS_WITH_AS(make_synthetic_split(config, "testall"),
                       "make_synthetic_split: unknown split 'testall'; expected train, dev or test", Error);
  config.regions = 2;
  CHECK_THROWS_WITH_AS(make_synthetic_split(config, "train"),
                       "SyntheticConfig: expected regions >= max_pairs = 3 (one region per pair), got 2", Error);
  config = tiny_config();
  config.dev_images = 0;
  CHECK_THROWS_WITH_AS(config.validate(),
                       doctest::Contains("expected at least 1 image per split, got train_images = 24, dev_images = 0"),
                       Error);
  config = tiny_config();
  config.num_objects = 25;
  CHECK_THROWS_WITH_AS(config.validate(), "SyntheticConfig: expected num_objects in 1..24, got 25", Error);
  config = tiny_config();
  config.num_attributes = 2;
  CHECK_THROWS_WITH_AS(config.validate(),
                       doctest::Contains("expected max_pairs <= min(num_attributes, num_objects) = 2"), Error);
  config = tiny_config();
  config.min_pairs = 0;
  CHECK_THROWS_WITH_AS(config.validate(), doctest::Contains("expected 1 <= min_pairs <= max_pairs, got min_pairs = 0"),
                       Error);
  config = tiny_config();
  config.noise = -0.1;
  CHECK_THROWS_WITH_AS(config.validate(), "SyntheticConfig: expected a finite noise >= 0, got -0.1", Error);
  config = tiny_config();
  config.rebind_fraction = 1.5;
  CHECK_THROWS_WITH_AS(config.validate(), "SyntheticConfig: expected rebind_fraction in [0, 1], got 1.5", Error);
  config = tiny_config();
  config.img_dim = 0;
  CHECK_THROWS_WITH_AS(config.validate(), "SyntheticConfig: expected img_dim >= 1, got 0", Error);
}

TEST_CASE("synthetic: the written dataset reads back identically through PrecompDataset and Vocabulary") {
  const SyntheticConfig config = tiny_config();
  TempDir root;
  write_synthetic_dataset(config, root.str(), "tiny_precomp");
  const Vocabulary vocab = Vocabulary::load(root.file("vocab/tiny_precomp_vocab.json"));
  const Vocabulary expected_vocab = synthetic_vocabulary();
  REQUIRE(vocab.size() == expected_vocab.size());
  for (int64_t id = 0; id < vocab.size(); ++id) CHECK(vocab.word(id) == expected_vocab.word(id));

  for (const std::string split : {"train", "dev", "test"}) {
    CAPTURE(split);
    const SyntheticSplit memory = make_synthetic_split(config, split);
    const PrecompDataset disk(root.str(), "tiny_precomp", split, vocab, config.img_dim);
    CHECK(disk.im_div() == 5);
    REQUIRE(disk.size() == memory.size());
    CHECK(disk.num_images() == memory.num_images());
    CHECK(disk.num_regions() == memory.num_regions());
    CHECK(disk.img_dim() == memory.img_dim());
    for (int64_t i = 0; i < memory.size(); ++i) {
      CHECK(ids_of(disk, i) == ids_of(memory, i));
      CHECK(disk.image_row(i) == memory.image_row(i));
    }
    CHECK(rows_of(disk, all_rows(disk)) == rows_of(memory, all_rows(memory)));
    std::string text;
    for (const std::string& caption : memory.caption_texts()) text += caption + "\n";
    CHECK(scan_test::read_bytes(root.file("tiny_precomp/" + split + "_caps.txt")) == text);
  }
}
