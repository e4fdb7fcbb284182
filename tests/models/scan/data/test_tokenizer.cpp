#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "models/scan/data/sentence_split.h"
#include "models/scan/data/tokenizer.h"
#include "models/scan/data/treebank.h"
#include "tests/models/scan/data/data_test_support.h"

using namespace scan;
using Tokens = std::vector<std::string>;

namespace {

nlohmann::json load_cases() {
  const std::string path = scan_test::source_dir() + "/tests/fixtures/tokenizer_cases.json";
  return nlohmann::json::parse(scan_test::read_bytes(path));
}

std::vector<std::string> as_strings(const std::vector<std::string_view>& views) {
  return {views.begin(), views.end()};
}

}  // namespace

TEST_CASE("tokenizer: NLTK 3.8 word_tokenize results for tricky captions (tests/fixtures/tokenizer_cases.json)") {
  const nlohmann::json fixture = load_cases();
  CHECK(fixture["nltk_version"] == "3.8");
  const nlohmann::json& cases = fixture["cases"];
  REQUIRE(cases.size() >= 60);
  for (const nlohmann::json& c : cases) {
    const std::string text = c["text"];
    CAPTURE(text);
    const auto sentences = c["sentences"].get<std::vector<std::string>>();
    const auto sentence_tokens = c["sentence_tokens"].get<std::vector<Tokens>>();
    // The word tokenizer against NLTKWordTokenizer, sentence by sentence...
    for (std::size_t s = 0; s < sentences.size(); ++s) {
      CAPTURE(sentences[s]);
      CHECK(treebank_tokenize(sentences[s]) == sentence_tokens[s]);
    }
    // ...the sentence splitter against the Python statement of the same rule...
    CHECK(as_strings(split_sentences(lowercase_ascii(text))) == sentences);
    // ...and the whole pipeline.
    CHECK(tokenize_caption(text) == c["tokens"].get<Tokens>());
  }
}

TEST_CASE("tokenizer: Treebank rules on single sentences") {
  CHECK(treebank_tokenize("don't stop, it's mine.") == Tokens{"do", "n't", "stop", ",", "it", "'s", "mine", "."});
  CHECK(treebank_tokenize("we'll see they're i'm you've he'd") ==
        Tokens{"we", "'ll", "see", "they", "'re", "i", "'m", "you", "'ve", "he", "'d"});
  CHECK(treebank_tokenize("cannot gonna gotta") == Tokens{"can", "not", "gon", "na", "got", "ta"});
  CHECK(treebank_tokenize("\"hi\" he said") == Tokens{"``", "hi", "''", "he", "said"});
  CHECK(treebank_tokenize("a \" b \" c") == Tokens{"a", "``", "b", "``", "c"});  // quote after a space opens
  CHECK(treebank_tokenize("costs $3.50, 1,000 or 3:2") == Tokens{"costs", "$", "3.50", ",", "1,000", "or", "3:2"});
  CHECK(treebank_tokenize("a (b) [c] {d} <e>") ==
        Tokens{"a", "(", "b", ")", "[", "c", "]", "{", "d", "}", "<", "e", ">"});
  CHECK(treebank_tokenize("wait... what?!") == Tokens{"wait", "...", "what", "?", "!"});
  CHECK(treebank_tokenize("well--no") == Tokens{"well", "--", "no"});
  CHECK(treebank_tokenize("the u.s. team.") == Tokens{"the", "u.s.", "team", "."});  // only the final period
  CHECK(treebank_tokenize("(the end.)") == Tokens{"(", "the", "end", ".", ")"});
  CHECK(treebank_tokenize("dogs' bowls") == Tokens{"dogs", "'", "bowls"});
  CHECK(treebank_tokenize("a,,b") == Tokens{"a", ",", ",b"});  // NLTK's regex consumes the second comma
  CHECK(treebank_tokenize("café crème.") == Tokens{"café", "crème", "."});
  CHECK(treebank_tokenize("") == Tokens{});
  CHECK(treebank_tokenize("   ") == Tokens{});
}

TEST_CASE("tokenizer: sentence splitting approximates Punkt") {
  using Sentences = std::vector<std::string>;
  CHECK(as_strings(split_sentences("a dog runs. a cat sits.")) == Sentences{"a dog runs.", "a cat sits."});
  // Abbreviations, initials and numbers before a lower-case word do not end a sentence.
  CHECK(as_strings(split_sentences("dr. smith on st. mark's ave. in the u.s. now.")) ==
        Sentences{"dr. smith on st. mark's ave. in the u.s. now."});
  CHECK(as_strings(split_sentences("a letter a. on a sign")) == Sentences{"a letter a. on a sign"});
  CHECK(as_strings(split_sentences("number 3. is red")) == Sentences{"number 3. is red"});
  CHECK(as_strings(split_sentences("number 3. 4 is red")) == Sentences{"number 3.", "4 is red"});
  // ".." and "..." never end a sentence in lower-case text.
  CHECK(as_strings(split_sentences("a game.. with fans... at night")) == Sentences{"a game.. with fans... at night"});
  // Closing quotes and brackets stay with the sentence they close.
  CHECK(as_strings(split_sentences("it says \"stop.\" then (go.) now")) ==
        Sentences{"it says \"stop.\"", "then (go.)", "now"});
  // A period inside a token or at the very end does not split.
  CHECK(as_strings(split_sentences("the dog.the cat. ")) == Sentences{"the dog.the cat. "});
  CHECK(as_strings(split_sentences("  ")).empty());
  // The split changes tokens: without it "runs." would stay one token.
  CHECK(tokenize_caption("A dog runs. A cat sits.") == Tokens{"a", "dog", "runs", ".", "a", "cat", "sits", "."});
  CHECK(treebank_tokenize("a dog runs. a cat sits.") == Tokens{"a", "dog", "runs.", "a", "cat", "sits", "."});
}

TEST_CASE("tokenizer: lower-casing is ASCII-only, as the original's Python 2 bytes lower()") {
  CHECK(lowercase_ascii("A CAFÉ, Über") == "a cafÉ, Über");
  CHECK(tokenize_caption("TWO Dogs' TOYS") == Tokens{"two", "dogs", "'", "toys"});
}
