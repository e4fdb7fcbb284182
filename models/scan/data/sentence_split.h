#pragma once
// Sentence splitting for lower-cased captions, approximating NLTK's Punkt English model (which
// `nltk.word_tokenize` applies before the Treebank word tokenizer; the trained model is not
// available here, so its decisions are reproduced by rule). It matters for the tokens because the
// Treebank rules split off only a sentence's FINAL period: "a dog. a cat." gives "dog ." only if
// the text is first split into "a dog." and "a cat.".
//
// Rule: a period, optionally followed by closing quotes/brackets ( " ' ) ] } ), then whitespace
// and another token, ends a sentence unless the word it ends
//   - ends with ".." (Punkt never breaks there for lower-case text: "game.. with"),
//   - is a known abbreviation, whole or after its last hyphen ("dr." "st." "u.s." "ave."),
//   - is a single-letter initial ("a.") or a number ("3.") and the next token starts with an
//     ASCII lower-case letter or is one of ; : , . ! ? (Punkt's orthographic heuristic).
// The word is the whitespace-delimited chunk before the period, without leading opening
// punctuation. '?' and '!' are not split on: the Treebank rules split them off everywhere, so
// sentence boundaries there do not change the tokens.
// Then, as Punkt's realignment, closing quotes or brackets that would begin a sentence (followed
// by whitespace, "--" or the end) move to the end of the sentence before it: 'say " p.i.n.k. "
// on' keeps "p.i.n.k." whole.
#include <string>
#include <string_view>
#include <vector>

namespace scan {

// The sentences of `text`, each a slice of it (whitespace between sentences dropped).
std::vector<std::string_view> split_sentences(std::string_view text);

}  // namespace scan
