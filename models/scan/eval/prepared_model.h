#pragma once
// A trained SCAN ready to score a split: the checkpoint read and checked, the model rebuilt with
// its training options (the data location and batch size overridable) and restored, and the
// split opened with the training vocabulary. `scan eval`, `scan attend`, `scan search` and
// `scan report` all start here.
//   DataLocation where;                   // unset: the checkpoint's own data_path, data_name, vocab_path
//   where.data_path = "data";
//   PreparedModel m = prepare_model("runs/f30k/checkpoint/model_best.safetensors", "--model", where, "test");
//   m.model->encode_images(...);  m.data->caption(0);  m.vocab.word(7);
#include <memory>
#include <optional>
#include <string>

#include "models/scan/data/dataset.h"
#include "models/scan/data/vocab.h"
#include "models/scan/model/scan_model.h"
#include "models/scan/options.h"

namespace scan {

// Overrides of the checkpoint's training options (unset: the checkpoint's).
struct DataLocation {
  std::optional<std::string> data_path, data_name, vocab_path;
  std::optional<int> batch_size;
};

struct PreparedModel {
  std::string checkpoint;
  ScanOptions opt;                       // the checkpoint's, with the DataLocation applied
  std::unique_ptr<ScanModel> model;      // restored, in eval mode
  Vocabulary vocab;                      // read from vocab_file
  std::string vocab_file;                // <vocab_path>/<data_name>_vocab.json
  std::unique_ptr<PrecompDataset> data;  // the split, or null when none was asked for
  std::string split_path;                // <data_path>/<data_name>/<split>, for messages
};

// Reads `checkpoint` (named `flag` in errors, e.g. "--model"), loads the vocabulary (its size must
// be the trained vocab_size), rebuilds and restores the model, and, unless `split` is empty,
// opens that split and checks that its features have the trained img_dim and are finite and
// that it has 5 captions per image. Every error is an fw::Error naming the file at fault.
PreparedModel prepare_model(const std::string& checkpoint, const char* flag, const DataLocation& where,
                            const std::string& split);

}  // namespace scan
