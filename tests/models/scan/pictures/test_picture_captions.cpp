#include <doctest/doctest.h>

#include <set>

#include "framework/core/error.h"
#include "framework/core/random.h"
#include "models/scan/data/tokenizer.h"
#include "models/scan/pictures/picture_captions.h"
#include "tests/models/scan/pictures/picture_test_support.h"

using namespace scan;
using picture_test::make_object;
using picture_test::parse_caption;
using picture_test::ParsedCaption;
using picture_test::tiny_config;
using picture_test::true_of;
using picture_test::words_of;

TEST_CASE("pictures: noun phrases name size and/or colour with the right article") {
  const PictureObject star = make_object(kStar, kOrange, kLarge, 30, 30, 20);
  CHECK(noun_phrase(star, kNameSize) == "a large star");
  CHECK(noun_phrase(star, kNameColour) == "an orange star");
  CHECK(noun_phrase(star, kNameSizeColour) == "a large orange star");
  CHECK(fill_caption(kRelationCaption, 0, {"a small red circle", "a blue star"}, kLeftOf) ==
        "a small red circle left of a blue star .");
  CHECK(fill_caption(kPairCaption, 1, {"a red star", "a green circle"}) == "there is a red star and a green circle .");
  CHECK(fill_caption(kSingleCaption, 2, {"a blue cross"}) == "a picture of a blue cross .");
  CHECK(fill_caption(kTripleCaption, 1, {"a red star", "a blue ring", "a small cross"}) ==
        "there is a red star with a blue ring and a small cross .");
  CHECK_THROWS_WITH_AS(fill_caption(kPairCaption, 0, {"a red star"}), "fill_caption: expected 2 noun phrases, got 1",
                       fw::Error);
  CHECK_THROWS_WITH_AS(fill_caption(kSingleCaption, 4, {"a red star"}), "fill_caption: expected form 0..3, got 4",
                       fw::Error);
  CHECK_THROWS_WITH_AS(noun_phrase(star, 3), "noun_phrase: expected a naming in 0..2, got 3", fw::Error);
}

TEST_CASE("pictures: every caption is true of its scene and uses vocabulary words only") {
  const PictureConfig config = tiny_config();
  const Vocabulary vocab = picture_vocabulary();
  fw::Generator gen(31);
  std::set<std::size_t> named_counts;
  int relation_captions = 0, scenes_with_relations = 0, with_repeats = 0;
  for (int i = 0; i < 150; ++i) {
    const PictureScene scene = sample_scene(config, gen);
    const std::vector<std::string> captions = picture_captions(scene, gen);
    REQUIRE(captions.size() == kPictureCaptionsPerImage);
    with_repeats += std::set<std::string>(captions.begin(), captions.end()).size() < captions.size() ? 1 : 0;
    bool related = false;
    for (std::size_t a = 0; a < scene.objects.size(); ++a)
      for (std::size_t b = 0; b < scene.objects.size(); ++b)
        related = related || (a != b && picture_test::seen_relation(scene.objects[a], scene.objects[b]).has_value());
    int with_relation = 0, with_two = 0;
    for (const std::string& text : captions) {
      CAPTURE(text);
      CHECK(tokenize_caption(text) == words_of(text));
      CHECK(text.ends_with(" ."));
      for (const std::string& word : words_of(text)) CHECK(vocab.contains(word));
      const ParsedCaption parsed = parse_caption(text);
      REQUIRE(!parsed.objects.empty());
      CHECK(parsed.objects.size() <= scene.objects.size());
      CHECK(true_of(parsed, scene.objects));
      named_counts.insert(parsed.objects.size());
      with_relation += parsed.relation ? 1 : 0;
      with_two += parsed.objects.size() >= 2 ? 1 : 0;
    }
    if (scene.objects.size() >= 2) CHECK(with_two >= 2);
    if (related) CHECK(with_relation >= 2);
    relation_captions += with_relation;
    scenes_with_relations += related ? 1 : 0;
  }
  CHECK(named_counts == std::set<std::size_t>{1, 2, 3});
  CHECK(with_repeats <= 3);  // of 150 pictures
  CHECK(scenes_with_relations > 50);
  CHECK(relation_captions > 100);
}

TEST_CASE("pictures: a caption naming the wrong colour or relation is caught by the check") {
  // The checking helper itself: a false caption must fail it.
  const std::vector<PictureObject> objects = {make_object(kCircle, kRed, kSmall, 10, 30, 12),
                                              make_object(kStar, kBlue, kLarge, 45, 32, 24)};
  CHECK(true_of(parse_caption("a small red circle left of a blue star ."), objects));
  CHECK_FALSE(true_of(parse_caption("a small red circle right of a blue star ."), objects));
  CHECK_FALSE(true_of(parse_caption("a green circle ."), objects));
  CHECK_FALSE(true_of(parse_caption("a large circle ."), objects));
  CHECK_FALSE(true_of(parse_caption("a red circle and a red circle ."), objects));
}
