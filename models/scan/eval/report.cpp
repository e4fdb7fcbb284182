#include "models/scan/eval/report.h"

#include <cstdio>

namespace scan {

namespace {

// printf-style formatting into a std::string.
template <typename... Args>
std::string format(const char* pattern, Args... args) {
  const int size = std::snprintf(nullptr, 0, pattern, args...);
  std::string text(static_cast<size_t>(size) + 1, '\0');
  std::snprintf(text.data(), text.size(), pattern, args...);
  text.pop_back();
  return text;
}

// Every reported metric under its JSON name.
struct Field {
  const char* name;
  double (*get)(const RetrievalMetrics&);
};
constexpr Field kFields[] = {
    {"i2t_r1", [](const RetrievalMetrics& m) { return m.i2t.r1; }},
    {"i2t_r5", [](const RetrievalMetrics& m) { return m.i2t.r5; }},
    {"i2t_r10", [](const RetrievalMetrics& m) { return m.i2t.r10; }},
    {"i2t_medr", [](const RetrievalMetrics& m) { return m.i2t.medr; }},
    {"i2t_meanr", [](const RetrievalMetrics& m) { return m.i2t.meanr; }},
    {"t2i_r1", [](const RetrievalMetrics& m) { return m.t2i.r1; }},
    {"t2i_r5", [](const RetrievalMetrics& m) { return m.t2i.r5; }},
    {"t2i_r10", [](const RetrievalMetrics& m) { return m.t2i.r10; }},
    {"t2i_medr", [](const RetrievalMetrics& m) { return m.t2i.medr; }},
    {"t2i_meanr", [](const RetrievalMetrics& m) { return m.t2i.meanr; }},
    {"rsum", [](const RetrievalMetrics& m) { return m.rsum(); }},
    {"ar", [](const RetrievalMetrics& m) { return m.ar(); }},
    {"ari", [](const RetrievalMetrics& m) { return m.ari(); }},
};

// "R1 R5 R10 medr meanr" with one decimal each.
std::string columns(const RecallMetrics& m, const char* separator) {
  std::string text;
  for (const double value : {m.r1, m.r5, m.r10, m.medr, m.meanr})
    text += (text.empty() ? "" : separator) + format("%.1f", value);
  return text;
}

}  // namespace

std::string format_summary(const RetrievalMetrics& metrics) {
  return format("rsum: %.1f\n", metrics.rsum()) + format("Average i2t Recall: %.1f\n", metrics.ar()) +
         "Image to text: " + columns(metrics.i2t, " ") + "\n" +
         format("Average t2i Recall: %.1f\n", metrics.ari()) + "Text to image: " + columns(metrics.t2i, " ") + "\n";
}

std::string format_fold(const RetrievalMetrics& metrics) {
  return "Image to text: " + columns(metrics.i2t, ", ") + "\n" + "Text to image: " + columns(metrics.t2i, ", ") +
         "\n" + format("rsum: %.1f ar: %.1f ari: %.1f\n", metrics.rsum(), metrics.ar(), metrics.ari());
}

std::string format_report(const Evaluation& evaluation) {
  if (evaluation.protocol == Protocol::Full) return format_summary(evaluation.metrics);
  std::string text;
  for (const RetrievalResult& run : evaluation.runs) text += format_fold(run.metrics);
  return text + "-----------------------------------\nMean metrics:\n" + format_summary(evaluation.metrics);
}

nlohmann::json metrics_json(const RetrievalMetrics& metrics) {
  nlohmann::json object = nlohmann::json::object();
  for (const Field& field : kFields) object[field.name] = field.get(metrics);
  return object;
}

nlohmann::json report_json(const Evaluation& evaluation) {
  nlohmann::json report = {{"protocol", protocol_name(evaluation.protocol)},
                           {"n_images", evaluation.n_images},
                           {"n_captions", evaluation.n_captions}};
  report.update(metrics_json(evaluation.metrics));
  if (evaluation.protocol == Protocol::Fold5) {
    report["n_folds"] = evaluation.runs.size();
    nlohmann::json folds = nlohmann::json::object();
    for (const Field& field : kFields) {
      nlohmann::json per_fold = nlohmann::json::array();
      for (const RetrievalResult& run : evaluation.runs) per_fold.push_back(field.get(run.metrics));
      folds[field.name] = per_fold;
    }
    report["folds"] = folds;
  }
  return report;
}

}  // namespace scan
