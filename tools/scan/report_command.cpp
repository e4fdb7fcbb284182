// `scan report`: a static HTML page of what a trained SCAN does on a split
// (models/scan/visual/report_writer.h): its recall table, its pointing accuracy when the split has
// object annotations, and a few query captions with their top images and attention pictures.
//   scan report --model runs/demo/checkpoint/model_best.safetensors --split test --out runs/demo/report
#include <cxxopts.hpp>
#include <iostream>

#include "models/scan/visual/report_writer.h"
#include "tools/scan/commands.h"
#include "tools/scan/picture_flags.h"

namespace scan_tool {

int run_report_command(int argc, char** argv) {
  cxxopts::Options options("scan report",
                           "Writes a static HTML page (index.html and PNGs in --out) of a trained SCAN on a split: "
                           "recall, pointing accuracy, and a few queries with their top images and attention.");
  add_model_and_data_options(options);
  options.add_options()
      ("out", "folder for index.html and its pictures", cxxopts::value<std::string>())
      ("queries", "how many query captions to show", cxxopts::value<int64_t>()->default_value("4"))
      ("k", "top images per query (-k N or --k N)", cxxopts::value<int64_t>()->default_value("8"))
      ("cache", "the encoding cache file (default: <checkpoint>.<split>.encoding.safetensors)",
       cxxopts::value<std::string>());
  std::vector<std::string> storage;
  std::vector<char*> args_k = one_letter_long_options(argc, argv, 'k', storage);
  const auto parsed = parse_arguments(options, static_cast<int>(args_k.size()), args_k.data());
  if (!parsed) return 0;
  const cxxopts::ParseResult& args = *parsed;
  scan::ReportRequest request;
  request.checkpoint = model_flag(args, "scan report");
  request.where = data_location(args);
  request.split = args["split"].as<std::string>();
  request.queries = args["queries"].as<int64_t>();
  request.k = args["k"].as<int64_t>();
  if (args.count("cache")) request.cache = args["cache"].as<std::string>();
  const scan::Font font = font_flag(args);
  request.out = output_folder(args, "scan report");
  print_report_summary(scan::write_report(request, font, &std::cerr));
  return 0;
}

}  // namespace scan_tool
