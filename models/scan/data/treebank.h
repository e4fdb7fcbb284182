#pragma once
// The Penn-Treebank word tokenizer of NLTK 3.8 (`NLTKWordTokenizer().tokenize`, the word tokenizer
// behind `nltk.word_tokenize`), re-implemented rule by rule: every regular-expression substitution
// of the Python class is one function in treebank.cpp, applied in the same order to the whole
// string, and the result is split on whitespace. For one sentence, e.g.
//   treebank_tokenize("don't say \"hi,\" dr. smith.")
//     -> do n't say `` hi , '' dr. smith .
// (only the sentence's final period is split off; see sentence_split.h for sentences).
// Text is UTF-8; the character classes follow Python's re on str (see utf8.h).
#include <string>
#include <string_view>
#include <vector>

namespace scan {

std::vector<std::string> treebank_tokenize(std::string_view sentence);

}  // namespace scan
