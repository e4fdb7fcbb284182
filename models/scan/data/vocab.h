#pragma once
// The word vocabulary, in the original SCAN JSON format (`vocab.py serialize_vocab`):
//   {"word2idx": {"<pad>": 0, "<start>": 1, "<end>": 2, "<unk>": 3, "two": 4, ...},
//    "idx2word": {"0": "<pad>", "1": "<start>", ...},   (string keys, as JSON forces)
//    "idx": 8480}                                         (the number of words, specials included)
// The four special tokens always have ids 0-3; an unknown word maps to <unk> = 3.
//   Vocabulary vocab = Vocabulary::load("vocab/f30k_precomp_vocab.json");
//   vocab.encode_caption("Two dogs.")  ->  {1, 4, <id of "dogs">, <id of ".">, 2}
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace scan {

class Vocabulary {
 public:
  static constexpr int64_t kPad = 0, kStart = 1, kEnd = 2, kUnk = 3;

  Vocabulary();  // the four special tokens only

  // Reads the JSON format above; throws fw::Error naming the file if it is malformed, inconsistent
  // (word2idx and idx2word disagree, ids not 0..idx-1) or the special tokens are not 0-3.
  static Vocabulary load(const std::string& path);
  // Writes the JSON format above (ids in increasing order), atomically.
  void save(const std::string& path) const;

  int64_t size() const { return static_cast<int64_t>(words_.size()); }
  bool contains(std::string_view word) const;
  int64_t id(std::string_view word) const;  // kUnk when unknown
  const std::string& word(int64_t id) const;
  // Appends `word` with the next id (or returns its id if present).
  int64_t add(const std::string& word);

  // [<start>] + ids of the tokens + [<end>].
  std::vector<int64_t> encode(const std::vector<std::string>& tokens) const;
  // tokenize_caption (tokenizer.h), then encode.
  std::vector<int64_t> encode_caption(std::string_view caption) const;
  // The words of `ids` joined by spaces, <start>, <end> and <pad> left out (what encode_caption
  // read, up to the tokenizer's changes: lower case, punctuation split off, unknown words <unk>).
  std::string decode(std::span<const int64_t> ids) const;

 private:
  std::vector<std::string> words_;
  std::unordered_map<std::string, int64_t> ids_;
};

// The original's build_vocab: words of the tokenised captions counted, those with count >= threshold
// (4 in SCAN) added after the special tokens. The original adds them in Counter order (arbitrary);
// here the order is deterministic: by first appearance in `tokenized_captions`, which the caller
// passes train captions first, then dev (never test).
Vocabulary build_vocabulary(const std::vector<std::vector<std::string>>& tokenized_captions, int64_t threshold = 4);
// The same from caption files (e.g. {"data/f30k_precomp/train_caps.txt", ".../dev_caps.txt"}), read
// with read_captions and tokenised with tokenize_caption.
Vocabulary build_vocabulary_from_files(const std::vector<std::string>& caption_files, int64_t threshold = 4);

}  // namespace scan
