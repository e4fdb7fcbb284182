#pragma once
// Reporting an Evaluation: the lines the original evalrank prints, with correct values (see
// protocols.h for the 5-fold summary the original mislabels), and a JSON object.
//
// Full protocol (columns R@1 R@5 R@10 medr meanr, one decimal as printf "%.1f"):
//   rsum: 360.0
//   Average i2t Recall: 50.0
//   Image to text: 0.0 50.0 100.0 4.0 4.0
//   Average t2i Recall: 70.0
//   Text to image: 10.0 100.0 100.0 2.0 1.9
// 5-fold protocol: after each fold
//   Image to text: 100.0, 100.0, 100.0, 1.0, 1.0
//   Text to image: 100.0, 100.0, 100.0, 1.0, 1.0
//   rsum: 600.0 ar: 100.0 ari: 100.0
// then "-----------------------------------", "Mean metrics:" and the five lines above for the means.
#include <string>

#include <nlohmann/json.hpp>

#include "models/scan/eval/protocols.h"

namespace scan {

// The five summary lines (rsum, Average i2t Recall, Image to text, Average t2i Recall,
// Text to image), each ending in '\n'.
std::string format_summary(const RetrievalMetrics& metrics);

// The three lines printed after each fold (Image to text, Text to image, rsum/ar/ari).
std::string format_fold(const RetrievalMetrics& metrics);

// Everything evalrank prints for this evaluation: the summary (full), or every fold, a
// separator, "Mean metrics:" and the summary of the means (fold5).
std::string format_report(const Evaluation& evaluation);

// {"protocol", "n_images", "n_captions", "i2t_r1", "i2t_r5", "i2t_r10", "i2t_medr", "i2t_meanr",
//  "t2i_r1", ..., "t2i_meanr", "rsum", "ar", "ari"} and, for fold5, "n_folds" and
// "folds": {"i2t_r1": [one value per fold], ..., "ari": [...]}.
nlohmann::json metrics_json(const RetrievalMetrics& metrics);  // the 13 metric keys only
nlohmann::json report_json(const Evaluation& evaluation);

}  // namespace scan
