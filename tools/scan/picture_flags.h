#pragma once
// The options `scan attend`, `scan search` and `scan report` share: the checkpoint, where its
// data is (default: where it was trained), the split, the font, the threads.
#include <cxxopts.hpp>
#include <string>

#include "models/scan/eval/prepared_model.h"
#include "models/scan/visual/text.h"

namespace scan_tool {

void add_model_and_data_options(cxxopts::Options& options);
// --data_path, --data_name, --vocab_path as overrides of the checkpoint's.
scan::DataLocation data_location(const cxxopts::ParseResult& args);
// --model, required; fw::Error naming the command otherwise.
std::string model_flag(const cxxopts::ParseResult& args, const std::string& command);
// --font FILE, or Font::find_default_path().
scan::Font font_flag(const cxxopts::ParseResult& args);
// Creates --out's folder (and its parents); fw::Error naming the flag if it is a file.
std::string output_folder(const cxxopts::ParseResult& args, const std::string& command);

}  // namespace scan_tool
