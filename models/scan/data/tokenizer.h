#pragma once
// Caption tokenisation as the original SCAN code does it (`PrecompDataset.__getitem__`):
// lower-case, then `nltk.word_tokenize` = Punkt sentence split + Treebank word tokenizer.
//   tokenize_caption("A man's dog. It runs!")  ->  a man 's dog . it runs !
// Lower-casing is ASCII-only, as the original's Python 2 `str(line).lower()` on the undecoded
// UTF-8 bytes ("CAFÉ" -> "cafÉ"). Sentences: sentence_split.h; words: treebank.h.
#include <string>
#include <string_view>
#include <vector>

namespace scan {

std::string lowercase_ascii(std::string_view text);
std::vector<std::string> tokenize_caption(std::string_view caption);

}  // namespace scan
