#include "models/scan/data/sentence_split.h"

#include <array>
#include <utility>

#include "models/scan/data/utf8.h"

namespace scan {

namespace {

// Abbreviations after which a period does not end a sentence. Punkt's English model learned its
// list from news text; these are the common ones, including every abbreviation the SCAN
// vocabularies contain as a token with its period ("dr." "mr." "mrs." "st." "ave." "u.s." "j.p.").
constexpr std::array<std::string_view, 26> kAbbreviations = {
    "dr", "mr", "mrs", "ms", "st", "jr", "sr", "mt", "ave", "blvd", "vs", "inc", "co", "corp", "ltd",
    "u.s", "u.k", "u.n", "d.c", "l.a", "n.y", "a.m", "p.m", "e.g", "i.e", "j.p",
};

constexpr std::string_view kClosers = "\"')]}";
// Characters Punkt's word tokenizer never lets a word start with.
constexpr std::string_view kWordStartExcluded = "(\"`{[:;&#*@)}]-,";

bool is_abbreviation(std::string_view kind) {
  for (std::string_view a : kAbbreviations)
    if (kind == a) return true;
  return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Punkt's number pattern -?[\.,]?\d[\d,\.-]*\.? over the whole word.
bool is_number(std::string_view w) {
  std::size_t i = 0;
  if (i < w.size() && w[i] == '-') ++i;
  if (i < w.size() && (w[i] == '.' || w[i] == ',')) ++i;
  if (i >= w.size() || !is_digit(w[i])) return false;
  for (++i; i < w.size(); ++i)
    if (!is_digit(w[i]) && w[i] != ',' && w[i] != '.' && w[i] != '-') return false;
  return true;
}

// One letter (a word character that is not a digit) followed by the period.
bool is_initial(std::string_view kind) {
  if (kind.empty()) return false;
  const utf8::CodePoint c = utf8::decode(kind, 0);
  return c.length == kind.size() && utf8::is_word(c.value) && !utf8::is_digit(c.value);
}

// Punkt's orthographic heuristic says "not a sentence start" for lower-case text.
bool cannot_start_sentence(std::string_view next) {
  const char first = next[0];
  return (first >= 'a' && first <= 'z') || first == ';' || first == ':' || first == ',' || next == "." ||
         next == "!" || next == "?";
}

// `word` ends with the period; `next` is the following whitespace-delimited token.
bool ends_sentence(std::string_view word, std::string_view next) {
  if (word.ends_with("..")) return false;
  const std::string_view kind = word.substr(0, word.size() - 1);
  const std::size_t hyphen = kind.rfind('-');
  if (is_abbreviation(kind) || (hyphen != std::string_view::npos && is_abbreviation(kind.substr(hyphen + 1))))
    return false;
  if ((is_initial(kind) || is_number(word)) && cannot_start_sentence(next)) return false;
  return true;
}

// Punkt's _realign_boundaries: a sentence that begins with closing quotes or brackets followed
// by whitespace, "--" or the end of the text gives them to the sentence before it
// ('... says " p.i.n.k. " on the back' breaks after the quote, not before it). The run is the
// shortest one so followed (Punkt's lazy ["')\]}]+?(?:\s+|(?=--)|$)). Returns how many bytes of
// `sentence` (a slice of text ending at text_end) belong to the previous sentence, and sets
// `skip` to that plus the whitespace after them; 0 when the rule does not apply.
std::size_t realigned_prefix(std::string_view text, std::size_t begin, std::size_t& skip) {
  std::size_t q = begin;
  while (q < text.size() && kClosers.find(text[q]) != std::string_view::npos) {
    ++q;
    const std::size_t space = utf8::space_at(text, q);
    if (space > 0 || q == text.size() || text.substr(q, 2) == "--") {
      skip = q - begin;
      for (std::size_t w = space; w > 0; w = utf8::space_at(text, begin + skip)) skip += w;
      return q - begin;
    }
  }
  skip = 0;
  return 0;
}

std::vector<std::string_view> realign(std::string_view text, const std::vector<std::pair<std::size_t, std::size_t>>& spans) {
  std::vector<std::string_view> sentences;
  std::size_t shift = 0;
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const std::size_t begin = spans[i].first + shift;
    std::size_t end = spans[i].second;
    shift = 0;
    if (i + 1 < spans.size()) {
      std::size_t skip = 0;
      if (const std::size_t moved = realigned_prefix(text, spans[i + 1].first, skip)) {
        end = spans[i + 1].first + moved;
        shift = skip;
      }
    }
    if (end > begin) sentences.push_back(text.substr(begin, end - begin));
  }
  return sentences;
}

}  // namespace

std::vector<std::string_view> split_sentences(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // [begin, end) of each sentence
  std::size_t start = 0;
  const std::size_t n = text.size();
  for (std::size_t p = 0; p < n; ++p) {
    if (text[p] != '.') continue;
    std::size_t q = p + 1;
    while (q < n && kClosers.find(text[q]) != std::string_view::npos) ++q;
    if (utf8::space_at(text, q) == 0) continue;  // also false at the end of the text
    std::size_t k = q;
    while (const std::size_t w = utf8::space_at(text, k)) k += w;
    if (k == n) continue;  // nothing follows
    std::size_t next_end = k;
    while (next_end < n && utf8::space_at(text, next_end) == 0) next_end += utf8::decode(text, next_end).length;
    std::size_t chunk = p;
    while (chunk > start && utf8::space_at(text, utf8::previous_start(text, chunk)) == 0)
      chunk = utf8::previous_start(text, chunk);
    while (kWordStartExcluded.find(text[chunk]) != std::string_view::npos) ++chunk;  // stops at the period
    if (ends_sentence(text.substr(chunk, p + 1 - chunk), text.substr(k, next_end - k))) {
      spans.emplace_back(start, q);
      start = k;
    }
  }
  // The rest, unless it is whitespace only.
  for (std::size_t i = start; i < n;) {
    const std::size_t w = utf8::space_at(text, i);
    if (w == 0) {
      spans.emplace_back(start, n);
      break;
    }
    i += w;
  }
  return realign(text, spans);
}

}  // namespace scan
