#include "models/scan/data/tokenizer.h"

#include "models/scan/data/sentence_split.h"
#include "models/scan/data/treebank.h"

namespace scan {

std::string lowercase_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::string> tokenize_caption(std::string_view caption) {
  const std::string lower = lowercase_ascii(caption);
  std::vector<std::string> tokens;
  for (std::string_view sentence : split_sentences(lower)) {
    std::vector<std::string> words = treebank_tokenize(sentence);
    tokens.insert(tokens.end(), std::make_move_iterator(words.begin()), std::make_move_iterator(words.end()));
  }
  return tokens;
}

}  // namespace scan
