#include "models/scan/eval/prepared_model.h"

#include <filesystem>

#include "framework/core/error.h"
#include "framework/core/random.h"
#include "models/scan/checkpoint.h"
#include "models/scan/eval/ranking.h"

namespace scan {

namespace {

ScanOptions resolved_options(const ScanOptions& trained, const DataLocation& where) {
  ScanOptions opt = trained;
  if (where.data_path) opt.data_path = *where.data_path;
  if (where.data_name) opt.data_name = *where.data_name;
  if (where.vocab_path) opt.vocab_path = *where.vocab_path;
  if (where.batch_size) opt.batch_size = *where.batch_size;
  opt.validate();
  return opt;
}

}  // namespace

PreparedModel prepare_model(const std::string& checkpoint, const char* flag, const DataLocation& where,
                            const std::string& split) {
  fw::check(!checkpoint.empty(), flag, "expected a checkpoint file");
  fw::check(std::filesystem::is_regular_file(checkpoint), flag, "checkpoint '", checkpoint,
            "' does not exist or is not a file");
  PreparedModel prepared;
  prepared.checkpoint = checkpoint;
  Checkpoint saved = read_checkpoint(checkpoint);
  prepared.opt = resolved_options(saved.opt, where);
  const ScanOptions& opt = prepared.opt;

  const std::string vocab_file =
      (std::filesystem::path(opt.vocab_path) / (opt.data_name + "_vocab.json")).string();
  prepared.vocab = Vocabulary::load(vocab_file);
  prepared.vocab_file = vocab_file;
  fw::check(opt.vocab_size <= 0 || prepared.vocab.size() == opt.vocab_size, "--vocab_path", "the vocabulary '",
            vocab_file, "' has ", prepared.vocab.size(), " words but '", checkpoint, "' was trained with vocab_size ",
            opt.vocab_size, " (--vocab_path / --data_name must name the training vocabulary)");

  fw::Generator gen(opt.seed);  // the initial weights are replaced by the checkpoint's
  prepared.model = std::make_unique<ScanModel>(opt, gen);
  restore_model(saved, *prepared.model);
  prepared.model->eval();
  if (split.empty()) return prepared;

  prepared.data = std::make_unique<PrecompDataset>(opt.data_path, opt.data_name, split, prepared.vocab);
  fw::check(prepared.data->img_dim() == opt.img_dim, flag, "'", prepared.data->images().path(), "' has ",
            prepared.data->img_dim(), "-dimensional region features but '", checkpoint, "' was trained on img_dim ",
            opt.img_dim, "; use features of the kind it was trained on");
  prepared.data->check_features_finite();
  prepared.split_path = (std::filesystem::path(opt.data_path) / opt.data_name / split).string();
  fw::check(prepared.data->size() % kCaptionsPerImage == 0, "--split", "'", prepared.data->captions_path(), "' has ",
            prepared.data->size(), " captions; evaluation needs ", kCaptionsPerImage, " per image");
  return prepared;
}

}  // namespace scan
