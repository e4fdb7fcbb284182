#include "models/scan/data/treebank.h"

#include <array>

#include "models/scan/data/utf8.h"

// The rules scan bytes. Every literal in the patterns is ASCII or a whole UTF-8 sequence, and
// UTF-8 never uses ASCII bytes inside other code points, so byte scanning finds the matches Python
// finds scanning code points; where a pattern uses a class (\w, \s, \d, [^...]) of the character
// next to a match, the code point there is decoded.

namespace scan {

namespace {

using utf8::decode;

bool starts_with(std::string_view s, std::size_t i, std::string_view prefix) {
  // The first-byte test keeps the per-position scans cheap.
  return i < s.size() && s[i] == prefix[0] && s.substr(i, prefix.size()) == prefix;
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_nocase(std::string_view s, std::size_t i, std::string_view lower_prefix) {
  if (i + lower_prefix.size() > s.size()) return false;
  for (std::size_t k = 0; k < lower_prefix.size(); ++k)
    if (ascii_lower(s[i + k]) != lower_prefix[k]) return false;
  return true;
}

// Length of the first of `options` found at byte i, or 0.
template <std::size_t N>
std::size_t match_any(std::string_view s, std::size_t i, const std::array<std::string_view, N>& options) {
  for (std::string_view option : options)
    if (starts_with(s, i, option)) return option.size();
  return 0;
}

// Pads every occurrence of a "unit" with one space on each side. `unit_at(s, i)` returns the
// length of the unit starting at byte i (0 if none); scanning resumes after each unit, which is
// re.sub's non-overlapping left-to-right matching.
template <typename UnitAt>
std::string pad(std::string_view s, UnitAt unit_at) {
  std::string out;
  out.reserve(s.size() + 16);
  for (std::size_t i = 0; i < s.size();) {
    if (const std::size_t n = unit_at(s, i)) {
      out.append(" ").append(s.substr(i, n)).append(" ");
      i += n;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

std::size_t char_in(std::string_view s, std::size_t i, std::string_view set) {
  return set.find(s[i]) != std::string_view::npos ? 1 : 0;
}

constexpr std::array<std::string_view, 4> kOpenQuotes = {"\u00ab", "\u201c", "\u2018", "\u201e"};  // « “ ‘ „
constexpr std::array<std::string_view, 3> kCloseQuotes = {"\u00bb", "\u201d", "\u2019"};          // » ” ’

// ---- starting quotes ------------------------------------------------------------------------

// ([«“‘„]|[`]+) -> " \1 "
std::string pad_open_quotes(std::string_view s) {
  return pad(s, [](std::string_view t, std::size_t i) -> std::size_t {
    if (t[i] == '`') {
      std::size_t n = 1;
      while (i + n < t.size() && t[i + n] == '`') ++n;
      return n;
    }
    return match_any(t, i, kOpenQuotes);
  });
}

// ^\" -> ``
std::string leading_double_quote(std::string_view s) {
  if (!s.empty() && s[0] == '"') return "``" + std::string(s.substr(1));
  return std::string(s);
}

// (``) -> " \1 "
std::string pad_double_backticks(std::string_view s) {
  return pad(s, [](std::string_view t, std::size_t i) -> std::size_t { return starts_with(t, i, "``") ? 2 : 0; });
}

// ([ \(\[{<])(\"|\'{2}) -> "\1 `` "
std::string opening_double_quotes(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (std::string_view(" ([{<").find(s[i]) != std::string_view::npos && i + 1 < s.size()) {
      const std::size_t quote = s[i + 1] == '"' ? 1 : (starts_with(s, i + 1, "''") ? 2 : 0);
      if (quote) {
        out.push_back(s[i]);
        out.append(" `` ");
        i += 1 + quote;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

// (?i)(\')(?!re|ve|ll|m|t|s|d|n)(\w)\b -> "\1 \2": a quote before a one-character word is split
// off ("'a" -> "' a"). The two-letter exclusions cannot precede a boundary after one character, so
// only the single letters m t s d n matter.
std::string quote_before_single_character(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '\'' && i + 1 < s.size()) {
      const utf8::CodePoint c = decode(s, i + 1);
      const bool excluded =
          c.value < 0x80 && std::string_view("mtsdn").find(ascii_lower(static_cast<char>(c.value))) != std::string_view::npos;
      const std::size_t after = i + 1 + c.length;
      if (utf8::is_word(c.value) && !excluded && !utf8::word_at(s, after)) {
        out.append("' ").append(s.substr(i + 1, c.length));
        i = after;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

// ---- punctuation ----------------------------------------------------------------------------

// ([^\.])(\.)([<closers>]*)\s*$ -> "\1 \2 \3 " (or "\1 \2\3 " when `space_before_closers` is false):
// the last period of the string is split off when only closing brackets/quotes and whitespace
// follow it and it is not preceded by another period. `unicode_closers` adds » ” ’ and the space,
// as in the first PUNCTUATION rule of NLTKWordTokenizer.
std::string final_period(std::string_view s, bool unicode_closers, bool space_before_closers) {
  const std::size_t p = s.rfind('.');
  if (p == std::string_view::npos || p == 0 || s[p - 1] == '.') return std::string(s);
  // Greedy closers, then the rest must be whitespace only.
  std::size_t q = p + 1;
  while (q < s.size()) {
    std::size_t n = char_in(s, q, "])}>\"'");
    if (!n && unicode_closers) n = s[q] == ' ' ? 1 : match_any(s, q, kCloseQuotes);
    if (!n) break;
    q += n;
  }
  for (std::size_t k = q; k < s.size();) {
    const std::size_t n = utf8::space_at(s, k);
    if (!n) return std::string(s);
    k += n;
  }
  std::string out(s.substr(0, p));
  out.append(space_before_closers ? " . " : " .").append(s.substr(p + 1, q - p - 1)).append(" ");
  return out;
}

// ([:,])([^\d]) -> " \1 \2": a colon or comma not followed by a digit (the following character is
// consumed by the match, so ",," splits only the first comma).
std::string colon_comma(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if ((s[i] == ':' || s[i] == ',') && i + 1 < s.size()) {
      const utf8::CodePoint next = decode(s, i + 1);
      if (!utf8::is_digit(next.value)) {
        out.append(" ").push_back(s[i]);
        out.append(" ").append(s.substr(i + 1, next.length));
        i += 1 + next.length;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

// ([:,])$ -> " \1 " ($ also matches before a final newline)
std::string final_colon_comma(std::string_view s) {
  std::size_t end = s.size();
  if (end > 0 && s[end - 1] == '\n') --end;
  for (std::size_t at : {s.size(), end}) {
    if (at > 0 && (s[at - 1] == ':' || s[at - 1] == ',')) {
      std::string out(s.substr(0, at - 1));
      out.append(" ").push_back(s[at - 1]);
      out.append(" ").append(s.substr(at));
      return out;
    }
  }
  return std::string(s);
}

// \.{2,} -> " \g<0> "
std::string pad_dot_runs(std::string_view s) {
  return pad(s, [](std::string_view t, std::size_t i) -> std::size_t {
    std::size_t n = 0;
    while (i + n < t.size() && t[i + n] == '.') ++n;
    return n >= 2 ? n : 0;
  });
}

// [<set>] -> " \g<0> "
std::string pad_chars(std::string_view s, std::string_view set) {
  return pad(s, [set](std::string_view t, std::size_t i) { return char_in(t, i, set); });
}

// ([^'])' -> "\1 ' "
std::string quote_before_space(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != '\'' && i + 2 < s.size() && s[i + 1] == '\'' && s[i + 2] == ' ') {
      out.push_back(s[i]);
      out.append(" ' ");
      i += 3;
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

// -- -> " -- "
std::string double_dashes(std::string_view s) {
  return pad(s, [](std::string_view t, std::size_t i) -> std::size_t { return starts_with(t, i, "--") ? 2 : 0; });
}

// ---- ending quotes --------------------------------------------------------------------------

// '' -> " '' " and " -> " '' "
std::string closing_double_quotes(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (starts_with(s, i, "''")) {
      out.append(" '' ");
      i += 2;
    } else {
      out.push_back(s[i++]);
    }
  }
  std::string result;
  for (char c : out) {
    if (c == '"') result.append(" '' ");
    else result.push_back(c);
  }
  return result;
}

// ([^' ])(<clitic>) -> "\1 \2 " for the clitics that must be followed by a space:
//   ('[sS]|'[mM]|'[dD]|') and ('ll|'LL|'re|'RE|'ve|'VE|n't|N'T), tried in that order.
template <std::size_t N>
std::string split_clitics(std::string_view s, const std::array<std::string_view, N>& clitics) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != '\'' && s[i] != ' ') {
      std::size_t matched = 0;
      for (std::string_view clitic : clitics) {
        if (starts_with(s, i + 1, clitic) && i + 1 + clitic.size() < s.size() && s[i + 1 + clitic.size()] == ' ') {
          matched = clitic.size();
          break;
        }
      }
      if (matched) {
        out.push_back(s[i]);
        out.append(" ").append(s.substr(i + 1, matched)).append(" ");
        i += 2 + matched;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

constexpr std::array<std::string_view, 7> kShortClitics = {"'s", "'S", "'m", "'M", "'d", "'D", "'"};
constexpr std::array<std::string_view, 8> kLongClitics = {"'ll", "'LL", "'re", "'RE", "'ve", "'VE", "n't", "N'T"};

// ---- contractions (MacIntyre's lists) --------------------------------------------------------

struct Contraction {
  std::string_view first, second;
  bool leading_space;    // CONTRACTIONS3: " ('t)(is)\b" starts with a space instead of \b
  bool space_after;      // "(wan)(na)(?=\s)" needs whitespace after instead of \b
};

// CONTRACTIONS2: (?i)\b(can)(not)\b, \b(d)('ye)\b, \b(gim)(me)\b, \b(gon)(na)\b, \b(got)(ta)\b,
// \b(lem)(me)\b, \b(more)('n)\b, \b(wan)(na)(?=\s); CONTRACTIONS3: (?i) ('t)(is)\b, (?i) ('t)(was)\b.
// Each is replaced by " \1 \2 " (keeping the original case).
constexpr std::array<Contraction, 10> kContractions = {{
    {"can", "not", false, false}, {"d", "'ye", false, false}, {"gim", "me", false, false},
    {"gon", "na", false, false},  {"got", "ta", false, false}, {"lem", "me", false, false},
    {"more", "'n", false, false}, {"wan", "na", false, true},  {"'t", "is", true, false},
    {"'t", "was", true, false},
}};

std::string split_contraction(std::string_view s, const Contraction& c) {
  std::string out;
  const std::size_t lead = c.leading_space ? 1 : 0;
  const std::size_t length = lead + c.first.size() + c.second.size();
  for (std::size_t i = 0; i < s.size();) {
    if (starts_with_nocase(s, i + lead, c.first) && starts_with_nocase(s, i + lead + c.first.size(), c.second) &&
        (c.leading_space ? s[i] == ' ' : !utf8::word_before(s, i))) {
      const std::size_t end = i + length;
      const bool right_ok = c.space_after ? utf8::space_at(s, end) > 0 : !utf8::word_at(s, end);
      if (right_ok) {
        out.append(" ").append(s.substr(i + lead, c.first.size()));
        out.append(" ").append(s.substr(i + lead + c.first.size(), c.second.size())).append(" ");
        i = end;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

std::vector<std::string> split_whitespace(std::string_view s) {
  std::vector<std::string> tokens;
  std::string current;
  for (std::size_t i = 0; i < s.size();) {
    if (const std::size_t n = utf8::space_at(s, i)) {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
      i += n;
    } else {
      current.push_back(s[i++]);
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

}  // namespace

std::vector<std::string> treebank_tokenize(std::string_view sentence) {
  // STARTING_QUOTES
  std::string t = pad_open_quotes(sentence);
  t = leading_double_quote(t);
  t = pad_double_backticks(t);
  t = opening_double_quotes(t);
  t = quote_before_single_character(t);
  // PUNCTUATION
  t = final_period(t, /*unicode_closers=*/true, /*space_before_closers=*/true);
  t = colon_comma(t);
  t = final_colon_comma(t);
  t = pad_dot_runs(t);
  t = pad_chars(t, ";@#$%&");
  t = final_period(t, /*unicode_closers=*/false, /*space_before_closers=*/false);
  t = pad_chars(t, "?!");
  t = quote_before_space(t);
  t = pad_chars(t, "*");
  // PARENS_BRACKETS, DOUBLE_DASHES
  t = pad_chars(t, "[](){}<>");
  t = double_dashes(t);
  t = " " + t + " ";
  // ENDING_QUOTES
  t = pad(t, [](std::string_view s, std::size_t i) { return match_any(s, i, kCloseQuotes); });
  t = closing_double_quotes(t);
  t = split_clitics(t, kShortClitics);
  t = split_clitics(t, kLongClitics);
  // CONTRACTIONS2, CONTRACTIONS3
  for (const Contraction& c : kContractions) t = split_contraction(t, c);
  return split_whitespace(t);
}

}  // namespace scan
