#pragma once
// The options `scan attend`, `scan search` and `scan report` share: the checkpoint, where its
// data is (default: where it was trained), the split, the font, the threads.
#include <cxxopts.hpp>
#include <string>
#include <vector>

#include "models/scan/eval/prepared_model.h"
#include "models/scan/visual/report_writer.h"
#include "models/scan/visual/text.h"

namespace scan_tool {

void add_model_and_data_options(cxxopts::Options& options);
// cxxopts takes a one-letter option only as "-k"; the original-style "--k 8" and "--k=8" are
// rewritten to "-k" "8" here (the strings live in `storage`), so both spellings work.
std::vector<char*> one_letter_long_options(int argc, char** argv, char letter, std::vector<std::string>& storage);
// --data_path, --data_name, --vocab_path as overrides of the checkpoint's.
scan::DataLocation data_location(const cxxopts::ParseResult& args);
// --model, required; fw::Error naming the command otherwise.
std::string model_flag(const cxxopts::ParseResult& args, const std::string& command);
// --font FILE, or Font::find_default_path().
scan::Font font_flag(const cxxopts::ParseResult& args);
// Creates --out's folder (and its parents); fw::Error naming the flag if it is a file.
std::string output_folder(const cxxopts::ParseResult& args, const std::string& command);
// "rsum ... on N images, pointing accuracy ...%" and "report: <index.html>" (scan report, the demo).
void print_report_summary(const scan::ReportSummary& summary);

}  // namespace scan_tool
