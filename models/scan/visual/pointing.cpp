#include "models/scan/visual/pointing.h"

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>

#include "framework/core/error.h"

namespace scan {

namespace {

AnnotatedObject parse_object(const nlohmann::json& j, const std::string& where) {
  fw::check(j.is_object() && j.contains("name") && j["name"].is_string(), "objects", where,
            ": expected an object with a string \"name\"");
  AnnotatedObject object;
  object.name = j["name"].get<std::string>();
  // Caption tokens are lower case (tokenizer.h): so are the names compared with them.
  for (char& c : object.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (j.contains("attributes")) {
    fw::check(j["attributes"].is_array(), "objects", where, ": \"attributes\" must be a list of words");
    for (const auto& a : j["attributes"]) {
      fw::check(a.is_string(), "objects", where, ": \"attributes\" must be a list of words");
      object.attributes.push_back(a.get<std::string>());
    }
  }
  fw::check(j.contains("box") && j["box"].is_array() && j["box"].size() == 4, "objects", where,
            ": expected \"box\": [x1, y1, x2, y2]");
  for (const auto& v : j["box"]) fw::check(v.is_number(), "objects", where, ": the box's values must be numbers");
  object.box = {j["box"][0].get<double>(), j["box"][1].get<double>(), j["box"][2].get<double>(),
                j["box"][3].get<double>()};
  fw::check(object.box.x1 < object.box.x2 && object.box.y1 < object.box.y2, "objects", where,
            ": the box has x2 <= x1 or y2 <= y1");
  return object;
}

}  // namespace

std::vector<std::vector<AnnotatedObject>> load_objects(const std::string& path, int64_t expected_images) {
  std::ifstream in(path);
  fw::check(in.good(), "objects", "cannot open '", path, "' (the object annotations: {split}_objects.json)");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw fw::Error("objects: '" + path + "' is not valid JSON: " + e.what());
  }
  fw::check(doc.is_object() && doc.contains("images") && doc["images"].is_array(), "objects", "'", path,
            "': expected {\"images\": [{\"objects\": [...]}, ...]}");
  const auto& images = doc["images"];
  fw::check(static_cast<int64_t>(images.size()) == expected_images, "objects", "'", path, "' annotates ",
            images.size(), " images but the split has ", expected_images);
  std::vector<std::vector<AnnotatedObject>> out;
  for (size_t k = 0; k < images.size(); ++k) {
    const std::string where = "'" + path + "', image " + std::to_string(k);
    fw::check(images[k].is_object() && images[k].contains("objects") && images[k]["objects"].is_array(), "objects",
              where, ": expected {\"objects\": [...]}");
    std::vector<AnnotatedObject> objects;
    for (const auto& o : images[k]["objects"]) objects.push_back(parse_object(o, where));
    out.push_back(std::move(objects));
  }
  return out;
}

void add_pointing(const PairAlignment& a, const std::vector<Box>& boxes, const std::vector<AnnotatedObject>& objects,
                  PointingTally& tally) {
  fw::check(static_cast<int64_t>(boxes.size()) == a.regions, "pointing", "expected ", a.regions,
            " boxes (one per region), got ", boxes.size());
  for (int64_t j = 0; j < a.num_words(); ++j) {
    std::vector<const AnnotatedObject*> named;
    for (const AnnotatedObject& o : objects)
      if (o.name == a.words[j]) named.push_back(&o);
    if (named.empty()) continue;
    const auto hit = [&](int64_t region) {
      for (const AnnotatedObject* o : named)
        if (iou(boxes[region], o->box) >= kPointingIou) return true;
      return false;
    };
    int64_t hitting_regions = 0;
    for (int64_t r = 0; r < a.regions; ++r) hitting_regions += hit(r);
    ++tally.words;
    tally.hits += hit(a.top_region(j));
    tally.random_hits += static_cast<double>(hitting_regions) / a.regions;
  }
}

}  // namespace scan
