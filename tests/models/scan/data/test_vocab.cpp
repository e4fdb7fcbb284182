#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "models/scan/data/vocab.h"
#include "tests/models/scan/data/data_test_support.h"

using namespace scan;
using fw::Error;
using scan_test::TempDir;

TEST_CASE("vocab: the shipped vocabularies load with their sizes and special ids") {
  const std::string root = scan_test::real_data_dir();
  const Vocabulary f30k = Vocabulary::load(root + "/vocab/f30k_precomp_vocab.json");
  const Vocabulary coco = Vocabulary::load(root + "/vocab/coco_precomp_vocab.json");
  // 'idx' = number of entries, the four special tokens included.
  CHECK(f30k.size() == 8480);
  CHECK(coco.size() == 11352);
  for (const Vocabulary* v : {&f30k, &coco}) {
    CHECK(v->word(0) == "<pad>");
    CHECK(v->word(1) == "<start>");
    CHECK(v->word(2) == "<end>");
    CHECK(v->word(3) == "<unk>");
    // Treebank tokens are words of both vocabularies.
    for (const char* token : {".", ",", "'s", "n't", "``", "st.", "dr.", "u.s.", "mr."}) {
      CAPTURE(token);
      CHECK(v->contains(token));
    }
  }
  CHECK(f30k.id("two") == 4);
  CHECK(f30k.word(20) == ".");
  CHECK(coco.id("a") == 4);
  CHECK(coco.contains("game.."));
  CHECK(f30k.id("qwertyuiop") == Vocabulary::kUnk);
  CHECK(f30k.encode_caption("Two young guys.") ==
        std::vector<int64_t>{1, 4, 5, 6, 20, 2});  // <start> two young guys . <end>
}

TEST_CASE("vocab: encode adds <start> and <end> and maps unknown words to <unk>") {
  Vocabulary v;
  CHECK(v.size() == 4);
  CHECK(v.add("dog") == 4);
  CHECK(v.add("runs") == 5);
  CHECK(v.add("dog") == 4);  // already present
  CHECK(v.size() == 6);
  CHECK(v.encode({"dog", "flies", "runs"}) == std::vector<int64_t>{1, 4, 3, 5, 2});
  CHECK(v.encode({}) == std::vector<int64_t>{1, 2});
  CHECK(v.encode_caption("Dog runs") == std::vector<int64_t>{1, 4, 5, 2});
  CHECK_THROWS_WITH_AS(v.word(6), doctest::Contains("Vocabulary::word: id 6 is outside 0..5"), Error);
}

TEST_CASE("vocab: decode joins the words of ids, leaving out <start>, <end> and <pad>") {
  Vocabulary v;
  v.add("dog");
  v.add("runs");
  CHECK(v.decode(v.encode({"dog", "flies", "runs"})) == "dog <unk> runs");
  const std::vector<int64_t> padded{1, 5, 2, 0, 0};
  CHECK(v.decode(padded) == "runs");
  CHECK(v.decode(std::vector<int64_t>{}).empty());
}

TEST_CASE("vocab: build keeps words seen at least 4 times, in order of first appearance") {
  const std::vector<std::vector<std::string>> captions = {
      {"a", "dog", "runs"}, {"a", "cat", "sits"}, {"the", "dog", "runs", "a"}, {"dog", "a", "runs", "cat"},
      {"dog", "cat", "cat"}, {"runs"},
  };
  // counts: a 4, dog 4, runs 4, cat 4, sits 1, the 1
  const Vocabulary v = build_vocabulary(captions);
  CHECK(v.size() == 8);
  CHECK(v.word(4) == "a");
  CHECK(v.word(5) == "dog");
  CHECK(v.word(6) == "runs");
  CHECK(v.word(7) == "cat");
  CHECK_FALSE(v.contains("sits"));
  CHECK(build_vocabulary(captions, 5).size() == 4);
  CHECK(build_vocabulary(captions, 1).size() == 10);

  TempDir dir;
  scan_test::write_bytes(dir.file("train_caps.txt"), "A dog runs.\nA dog sits.\nA DOG RUNS!\n");
  scan_test::write_bytes(dir.file("dev_caps.txt"), "A dog? Yes!");
  const Vocabulary from_files = build_vocabulary_from_files({dir.file("train_caps.txt"), dir.file("dev_caps.txt")}, 2);
  // a 4, dog 4, runs 2, . 2, ! 2, sits 1, ? 1, yes 1
  std::vector<std::string> words;
  for (int64_t id = 4; id < from_files.size(); ++id) words.push_back(from_files.word(id));
  CHECK(words == std::vector<std::string>{"a", "dog", "runs", ".", "!"});
}

TEST_CASE("vocab: save and load round trip in the original JSON format") {
  TempDir dir;
  Vocabulary v;
  for (const char* w : {"dog", "n't", "café", "\"quoted\"", "10"}) v.add(w);
  v.save(dir.file("v.json"));
  const nlohmann::json json = nlohmann::json::parse(scan_test::read_bytes(dir.file("v.json")));
  CHECK(json["idx"] == 9);
  CHECK(json["word2idx"]["café"] == 6);
  CHECK(json["idx2word"]["5"] == "n't");
  CHECK(json["idx2word"]["0"] == "<pad>");
  const Vocabulary back = Vocabulary::load(dir.file("v.json"));
  REQUIRE(back.size() == v.size());
  for (int64_t id = 0; id < v.size(); ++id) CHECK(back.word(id) == v.word(id));
  CHECK(back.id("\"quoted\"") == 7);

  // A real vocabulary survives the round trip unchanged.
  const Vocabulary f30k = Vocabulary::load(scan_test::real_data_dir() + "/vocab/f30k_precomp_vocab.json");
  f30k.save(dir.file("f30k.json"));
  const Vocabulary f30k_back = Vocabulary::load(dir.file("f30k.json"));
  REQUIRE(f30k_back.size() == f30k.size());
  for (int64_t id = 0; id < f30k.size(); ++id) CHECK(f30k_back.word(id) == f30k.word(id));
}

TEST_CASE("vocab: malformed files are errors naming the file") {
  TempDir dir;
  auto load = [&](const std::string& text) {
    scan_test::write_bytes(dir.file("bad.json"), text);
    return Vocabulary::load(dir.file("bad.json"));
  };
  const std::string specials = R"("<pad>": 0, "<start>": 1, "<end>": 2, "<unk>": 3)";
  const std::string idx2word = R"("0": "<pad>", "1": "<start>", "2": "<end>", "3": "<unk>")";
  CHECK_THROWS_WITH_AS(Vocabulary::load(dir.file("none.json")), doctest::Contains("none.json': No such file"), Error);
  CHECK_THROWS_WITH_AS(load("{not json"), doctest::Contains("bad.json': not valid JSON"), Error);
  CHECK_THROWS_WITH_AS(load(R"({"word2idx": {}})"),
                       doctest::Contains("expected an object with the keys 'word2idx', 'idx2word' and 'idx'"), Error);
  CHECK_THROWS_WITH_AS(load("{\"word2idx\": {" + specials + "}, \"idx2word\": {" + idx2word + "}, \"idx\": 5}"),
                       doctest::Contains("'idx' says 5 words but word2idx has 4 and idx2word 4"), Error);
  CHECK_THROWS_WITH_AS(
      load(R"({"word2idx": {"<unk>": 0, "<start>": 1, "<end>": 2, "<pad>": 3}, "idx2word": {"0": "<unk>", "1": "<start>", "2": "<end>", "3": "<pad>"}, "idx": 4})"),
      doctest::Contains("bad.json': expected <pad> = 0, found 3"), Error);
  CHECK_THROWS_WITH_AS(
      load(R"({"word2idx": {"a": 0, "<start>": 1, "<end>": 2, "<unk>": 3}, "idx2word": {"0": "a", "1": "<start>", "2": "<end>", "3": "<unk>"}, "idx": 4})"),
      doctest::Contains("expected <pad> = 0, found no such word"), Error);
  CHECK_THROWS_WITH_AS(load("{\"word2idx\": {" + specials + "}, \"idx2word\": {" +
                            R"("0": "<pad>", "1": "<start>", "2": "<end>", "3": "dog")" + "}, \"idx\": 4}"),
                       doctest::Contains("idx2word['3'] = \"dog\" but word2idx gives '<unk>' that id"), Error);
  CHECK_THROWS_WITH_AS(load("{\"word2idx\": {" + specials + "}, \"idx2word\": {" +
                            R"("0": "<pad>", "1": "<start>", "2": "<end>", "x": "<unk>")" + "}, \"idx\": 4}"),
                       doctest::Contains("idx2word key 'x' is not an id in 0..3"), Error);
  CHECK_THROWS_WITH_AS(
      load(R"({"word2idx": {"<pad>": 0, "<start>": 1, "<end>": 2, "<unk>": 7}, "idx2word": {)" + idx2word +
           "}, \"idx\": 4}"),
      doctest::Contains("word2idx['<unk>'] = 7 is outside 0..3"), Error);
  CHECK_THROWS_WITH_AS(
      load(R"({"word2idx": {"<pad>": 0, "<start>": 1, "<end>": 2, "<unk>": 2}, "idx2word": {)" + idx2word +
           "}, \"idx\": 4}"),
      doctest::Contains("is used by two words"), Error);
}
