#include "models/scan/pictures/picture_words.h"

#include <sstream>

namespace scan {

const std::vector<std::string>& shape_words() {
  static const std::vector<std::string> words = {"circle", "square", "triangle", "star", "ring", "cross"};
  return words;
}

const std::vector<std::string>& colour_words() {
  static const std::vector<std::string> words = {"red", "green", "blue", "yellow", "purple", "orange"};
  return words;
}

const std::vector<std::string>& size_words() {
  static const std::vector<std::string> words = {"small", "large"};
  return words;
}

const std::vector<std::string>& relation_phrases() {
  static const std::vector<std::string> phrases = {"left of", "right of", "above", "below"};
  return phrases;
}

const std::vector<std::string>& picture_grammar_words() {
  static const std::vector<std::string> words = {"a",  "an",  "there", "is",   "picture", "of",
                                                 "in", "the", "and",   "with", "."};
  return words;
}

Vocabulary picture_vocabulary() {
  Vocabulary vocab;
  for (const std::string& word : picture_grammar_words()) vocab.add(word);
  for (const std::string& phrase : relation_phrases()) {
    std::istringstream words(phrase);
    for (std::string word; words >> word;) vocab.add(word);  // "of" is already there
  }
  for (const auto* list : {&size_words(), &colour_words(), &shape_words()})
    for (const std::string& word : *list) vocab.add(word);
  return vocab;
}

}  // namespace scan
