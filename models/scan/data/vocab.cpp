#include "models/scan/data/vocab.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "framework/core/error.h"
#include "framework/core/parallel.h"
#include "framework/io/atomic_file.h"
#include "models/scan/data/captions.h"
#include "models/scan/data/tokenizer.h"

namespace scan {

namespace {

constexpr std::array<const char*, 4> kSpecials = {"<pad>", "<start>", "<end>", "<unk>"};

template <typename... Parts>
void require(bool condition, const std::string& path, const Parts&... parts) {
  if (!condition) throw fw::Error(fw::detail::concat("Vocabulary::load: '", path, "': ", parts...));
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  fw::check(in.good(), "Vocabulary::load", "cannot open '", path, "': ", std::strerror(errno));
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw fw::Error("Vocabulary::load: '" + path + "': not valid JSON (" + e.what() + ")");
  }
}

}  // namespace

Vocabulary::Vocabulary() {
  for (const char* special : kSpecials) add(special);
}

Vocabulary Vocabulary::load(const std::string& path) {
  const nlohmann::json root = read_json(path);
  require(root.is_object() && root.contains("word2idx") && root.contains("idx2word") && root.contains("idx"), path,
          "expected an object with the keys 'word2idx', 'idx2word' and 'idx'");
  const nlohmann::json& word2idx = root["word2idx"];
  const nlohmann::json& idx2word = root["idx2word"];
  require(word2idx.is_object() && idx2word.is_object(), path, "'word2idx' and 'idx2word' must be objects");
  require(root["idx"].is_number_integer(), path, "'idx' must be an integer, found ", root["idx"].dump());
  const auto size = root["idx"].get<int64_t>();
  require(static_cast<int64_t>(word2idx.size()) == size && static_cast<int64_t>(idx2word.size()) == size, path,
          "'idx' says ", size, " words but word2idx has ", word2idx.size(), " and idx2word ", idx2word.size());

  Vocabulary vocab;
  vocab.words_.assign(static_cast<std::size_t>(size), std::string());
  vocab.ids_.clear();
  std::vector<bool> seen(static_cast<std::size_t>(size), false);
  for (const auto& [word, id_json] : word2idx.items()) {
    require(id_json.is_number_integer(), path, "word2idx['", word, "'] is not an integer");
    const auto id = id_json.get<int64_t>();
    require(id >= 0 && id < size, path, "word2idx['", word, "'] = ", id, " is outside 0..", size - 1);
    require(!seen[static_cast<std::size_t>(id)], path, "id ", id, " is used by two words in word2idx");
    seen[static_cast<std::size_t>(id)] = true;
    vocab.words_[static_cast<std::size_t>(id)] = word;
    vocab.ids_.emplace(word, id);
  }
  for (const auto& [key, word_json] : idx2word.items()) {
    std::size_t used = 0;
    int64_t id = -1;
    try {
      id = std::stoll(key, &used);
    } catch (const std::exception&) {
    }
    require(used == key.size() && id >= 0 && id < size, path, "idx2word key '", key, "' is not an id in 0..",
            size - 1);
    require(word_json.is_string() && word_json.get<std::string>() == vocab.words_[static_cast<std::size_t>(id)],
            path, "idx2word['", key, "'] = ", word_json.dump(), " but word2idx gives '",
            vocab.words_[static_cast<std::size_t>(id)], "' that id");
  }
  for (std::size_t k = 0; k < kSpecials.size(); ++k) {
    const auto it = vocab.ids_.find(kSpecials[k]);
    require(it != vocab.ids_.end() && it->second == static_cast<int64_t>(k), path, "expected ", kSpecials[k], " = ", k,
            ", found ", it == vocab.ids_.end() ? std::string("no such word") : std::to_string(it->second));
  }
  return vocab;
}

void Vocabulary::save(const std::string& path) const {
  nlohmann::ordered_json word2idx = nlohmann::ordered_json::object();
  nlohmann::ordered_json idx2word = nlohmann::ordered_json::object();
  for (int64_t id = 0; id < size(); ++id) {
    word2idx[words_[static_cast<std::size_t>(id)]] = id;
    idx2word[std::to_string(id)] = words_[static_cast<std::size_t>(id)];
  }
  nlohmann::ordered_json root = nlohmann::ordered_json::object();
  root["word2idx"] = std::move(word2idx);
  root["idx2word"] = std::move(idx2word);
  root["idx"] = size();
  std::string text;
  try {
    text = root.dump();
  } catch (const nlohmann::json::exception& e) {
    throw fw::Error("Vocabulary::save: '" + path + "': a word is not valid UTF-8 (" + e.what() + ")");
  }
  fw::write_file_atomically(path, text);
}

bool Vocabulary::contains(std::string_view word) const { return ids_.count(std::string(word)) > 0; }

int64_t Vocabulary::id(std::string_view word) const {
  const auto it = ids_.find(std::string(word));
  return it == ids_.end() ? kUnk : it->second;
}

const std::string& Vocabulary::word(int64_t id) const {
  fw::check(id >= 0 && id < size(), "Vocabulary::word", "id ", id, " is outside 0..", size() - 1);
  return words_[static_cast<std::size_t>(id)];
}

int64_t Vocabulary::add(const std::string& word) {
  const auto [it, inserted] = ids_.emplace(word, size());
  if (inserted) words_.push_back(word);
  return it->second;
}

std::vector<int64_t> Vocabulary::encode(const std::vector<std::string>& tokens) const {
  std::vector<int64_t> ids;
  ids.reserve(tokens.size() + 2);
  ids.push_back(kStart);
  for (const std::string& token : tokens) ids.push_back(id(token));
  ids.push_back(kEnd);
  return ids;
}

std::vector<int64_t> Vocabulary::encode_caption(std::string_view caption) const {
  return encode(tokenize_caption(caption));
}

std::string Vocabulary::decode(std::span<const int64_t> ids) const {
  std::string text;
  for (const int64_t id : ids) {
    if (id == kPad || id == kStart || id == kEnd) continue;
    if (!text.empty()) text += ' ';
    text += word(id);
  }
  return text;
}

Vocabulary build_vocabulary(const std::vector<std::vector<std::string>>& tokenized_captions, int64_t threshold) {
  std::unordered_map<std::string, int64_t> counts;
  std::vector<std::string> first_seen;
  for (const auto& tokens : tokenized_captions) {
    for (const std::string& token : tokens) {
      if (counts[token]++ == 0) first_seen.push_back(token);
    }
  }
  Vocabulary vocab;
  for (const std::string& word : first_seen)
    if (counts[word] >= threshold) vocab.add(word);
  return vocab;
}

Vocabulary build_vocabulary_from_files(const std::vector<std::string>& caption_files, int64_t threshold) {
  std::vector<std::vector<std::string>> tokenized;
  for (const std::string& file : caption_files) {
    const std::vector<std::string> captions = read_captions(file);
    const std::size_t offset = tokenized.size();
    tokenized.resize(offset + captions.size());
    fw::parallel_for(static_cast<int64_t>(captions.size()), 256, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) tokenized[offset + i] = tokenize_caption(captions[i]);
    });
  }
  return build_vocabulary(tokenized, threshold);
}

}  // namespace scan
