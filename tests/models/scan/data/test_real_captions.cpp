// The tokenizer and vocabularies on the real caption files of the original SCAN release
// (tests/data/real, copied from the release). These tests fail, rather than pass, if the files are
// missing.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "framework/core/parallel.h"
#include "models/scan/data/captions.h"
#include "models/scan/data/tokenizer.h"
#include "models/scan/data/vocab.h"
#include "tests/models/scan/data/data_test_support.h"

using namespace scan;

namespace {

std::vector<std::vector<std::string>> tokenize_file(const std::string& path) {
  const std::vector<std::string> captions = read_captions(path);
  std::vector<std::vector<std::string>> tokens(captions.size());
  fw::parallel_for(static_cast<int64_t>(captions.size()), 256, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) tokens[i] = tokenize_caption(captions[i]);
  });
  return tokens;
}

uint64_t fnv1a64(const std::string& bytes) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char b : bytes) h = (h ^ b) * 0x100000001B3ull;
  return h;
}

}  // namespace

TEST_CASE("real captions: tokens equal NLTK's on every caption of every real file") {
  const std::string root = scan_test::real_data_dir();
  const nlohmann::json expected =
      nlohmann::json::parse(scan_test::read_bytes(scan_test::source_dir() + "/tests/fixtures/tokenizer_cases.json"))
          ["real_files"];
  REQUIRE(expected.size() == 5);
  for (const auto& item : expected.items()) {
    const std::string file = item.key();
    const nlohmann::json& summary = item.value();
    CAPTURE(file);
    const auto tokens = tokenize_file(root + "/" + file);
    std::string text;
    int64_t count = 0;
    for (const auto& caption : tokens) {
      for (std::size_t k = 0; k < caption.size(); ++k) text += (k ? " " : "") + caption[k];
      text += "\n";
      count += static_cast<int64_t>(caption.size());
    }
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a64(text)));
    CHECK(static_cast<int64_t>(tokens.size()) == summary["captions"].get<int64_t>());
    CHECK(count == summary["tokens"].get<int64_t>());
    CHECK(std::string(hash) == summary["fnv1a64"].get<std::string>());
  }
}

TEST_CASE("real captions: few tokens fall outside the shipped vocabularies") {
  const std::string root = scan_test::real_data_dir();
  struct Dataset {
    const char* name;
    std::vector<const char*> files;
    double max_unk_rate;
  };
  // Measured: F30K dev+test 0.90 % of tokens (1,227 of 136,408), COCO dev+test+testall 0.47 % (1,850 of 395,006).
  for (const Dataset& d : {Dataset{"f30k_precomp", {"dev", "test"}, 0.011},
                           Dataset{"coco_precomp", {"dev", "test", "testall"}, 0.006}}) {
    const std::string name = d.name;
    CAPTURE(name);
    const Vocabulary vocab = Vocabulary::load(root + "/vocab/" + name + "_vocab.json");
    int64_t total = 0, unknown = 0;
    for (const char* split : d.files) {
      for (const auto& caption : tokenize_file(root + "/" + d.name + "/" + split + "_caps.txt")) {
        const std::vector<int64_t> ids = vocab.encode(caption);
        total += static_cast<int64_t>(caption.size());
        for (int64_t id : ids) unknown += id == Vocabulary::kUnk;
      }
    }
    const double rate = static_cast<double>(unknown) / static_cast<double>(total);
    MESSAGE(name << ": " << unknown << " of " << total << " tokens are <unk> (" << 100.0 * rate << " %)");
    CHECK(total > 100000);
    CHECK(rate < d.max_unk_rate);
  }
}

TEST_CASE("real captions: counts, stripping, and a last line without newline") {
  const std::string root = scan_test::real_data_dir();
  const std::vector<std::string> test = read_captions(root + "/f30k_precomp/test_caps.txt");
  CHECK(test.size() == 5000);  // the file's last line has no trailing newline
  CHECK(test.front() == "The man with pierced ears is wearing glasses and an orange hat .");
  CHECK(test.back().ends_with("in the ocean ."));
  CHECK(read_captions(root + "/f30k_precomp/dev_caps.txt").size() == 5070);
  CHECK(read_captions(root + "/coco_precomp/testall_caps.txt").size() == 25000);
}
