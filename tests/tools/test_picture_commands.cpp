// `scan synth --images`, `scan attend`, `scan search` and `scan report`, run as a user would, on a
// tiny picture dataset and a model trained on it for one epoch.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/scan/data/npy.h"
#include "models/scan/visual/image.h"
#include "tests/models/scan/data/data_test_support.h"

using scan_test::TempDir;

namespace {

namespace fs = std::filesystem;

struct Run {
  int status = -1;
  std::string output;
};

Run scan_in(const TempDir& root, const std::string& arguments) {
  const scan_test::CommandResult result =
      scan_test::run_command("cd '" + root.str() + "' && " + std::string(SCAN_BINARY_DIR) + "/scan " + arguments);
  return {WIFEXITED(result.status) ? WEXITSTATUS(result.status) : -1, result.output};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

constexpr const char* kModel = "run/ckpt/model_best.safetensors";

// data/pictures_precomp (20 / 10 / 10 pictures, 12 regions of 16 values) and a model of one epoch.
void make_dataset_and_model(const TempDir& root) {
  const Run synth = scan_in(root, "synth --images --out data --train_images 20 --dev_images 10 --test_images 10 "
                                  "--img_dim 16 --regions 12 --picture_splits dev,test");
  REQUIRE_MESSAGE(synth.status == 0, synth.output);
  const Run train = scan_in(root, "train --data_path data --data_name pictures_precomp --vocab_path data/vocab "
                                  "--img_dim 16 --embed_size 8 --word_dim 4 --batch_size 10 --num_epochs 1 "
                                  "--threads 1 --model_name run/ckpt --logger_name run/log");
  REQUIRE_MESSAGE(train.status == 0, train.output);
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  return nlohmann::json::parse(in);
}

std::vector<std::string> files_in(const std::string& folder) {
  std::vector<std::string> names;
  if (!fs::exists(folder)) return names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  return names;
}

}  // namespace

TEST_CASE("scan synth --images writes pictures, boxes, features, captions and annotations in the original layout") {
  TempDir root;
  make_dataset_and_model(root);
  const std::string folder = root.file("data/pictures_precomp/");
  CHECK(scan::NpyArray(folder + "test_ims.npy").shape() == fw::Shape{10, 12, 16});
  CHECK(scan::NpyArray(folder + "test_boxes.npy").shape() == fw::Shape{10, 12, 4});
  CHECK(read_json(folder + "test_objects.json").at("images").size() == 10);
  CHECK(fs::is_regular_file(folder + "images/test/00009.png"));
  CHECK_FALSE(fs::exists(folder + "images/train"));  // --picture_splits dev,test
  const scan::Image picture = scan::load_image(folder + "images/test/00000.png");
  CHECK(picture.width() == 128);
  const Run bad = scan_in(root, "synth --images --out data2 --picture_splits test,valid");
  CHECK(bad.status != 0);
  CHECK(contains(bad.output, "--picture_splits: expected a comma-separated list of train, dev and test, got 'valid'"));
}

TEST_CASE("scan attend draws each word's attention, the regions' words and the weights, --eval the pointing") {
  TempDir root;
  make_dataset_and_model(root);
  const Run run = scan_in(root, std::string("attend --model ") + kModel + " --index 3 --caption_index 1 --out att");
  INFO(run.output);
  REQUIRE(run.status == 0);
  const nlohmann::json attention = read_json(root.file("att/attention.json"));
  const auto words = attention.at("words").get<std::vector<std::string>>();
  REQUIRE(words.size() >= 3);
  CHECK(words.front() == "<start>");
  int64_t word_pictures = 0;
  for (const std::string& name : files_in(root.file("att"))) word_pictures += name.rfind("word_", 0) == 0;
  CHECK(word_pictures == static_cast<int64_t>(words.size()) - 2);  // every word but <start> and <end>
  for (const auto& row : attention.at("text_to_image")) {
    double sum = 0;
    for (const auto& w : row) sum += w.get<double>();
    CHECK(sum == doctest::Approx(1.0).epsilon(1e-4));
    CHECK(row.size() == 12);
  }
  const scan::Image sheet = scan::load_image(root.file("att/sheet.png"));
  CHECK(sheet.width() >= 560);
  CHECK(scan::load_image(root.file("att/regions.png")).height() > 128);

  const Run eval = scan_in(root, std::string("attend --model ") + kModel + " --eval --json pointing.json");
  INFO(eval.output);
  REQUIRE(eval.status == 0);
  CHECK(contains(eval.output, "pointing accuracy over"));
  const nlohmann::json pointing = read_json(root.file("pointing.json"));
  CHECK(pointing.at("words").get<int64_t>() > 10);
  CHECK(pointing.at("random_accuracy").get<double>() > 0.0);
  CHECK(pointing.at("random_accuracy").get<double>() < 0.5);
}

TEST_CASE("scan attend: bad inputs are clear errors and nothing is written") {
  TempDir root;
  make_dataset_and_model(root);
  const auto refuses = [&](const std::string& arguments, const std::string& message) {
    const Run run = scan_in(root, std::string("attend --model ") + kModel + " " + arguments + " --out out");
    INFO(arguments << "\n" << run.output);
    CHECK(run.status != 0);
    CHECK(contains(run.output, message));
    CHECK(files_in(root.file("out")).empty());
  };
  refuses("--caption 'zebra giraffe'", "none of its words is in the vocabulary");
  refuses("--index 10", "expected an image from 0 to 9, got 10");
  scan_test::write_bytes(root.file("not_an_image.png"), "plain text\n");
  refuses("--image not_an_image.png", "not_an_image.png");
  // Boxes with x2 < x1 for image 0, and a file with another box count.
  std::vector<float> boxes(12 * 4, 1.0f);
  for (int r = 0; r < 12; ++r) {
    boxes[r * 4 + 2] = 20;
    boxes[r * 4 + 3] = 20;
  }
  boxes[5 * 4 + 2] = 0.5f;
  scan::save_npy(root.file("bad_boxes.npy"), fw::Tensor::from_vector(boxes, {12, 4}));
  refuses("--boxes bad_boxes.npy", "box 5 (1, 1, 0.5, 20) has x2 <= x1");
  const std::vector<float> five(boxes.begin(), boxes.begin() + 20);
  scan::save_npy(root.file("few_boxes.npy"), fw::Tensor::from_vector(five, {5, 4}));
  refuses("--boxes few_boxes.npy", "5 boxes, but the region features have 12 regions");
  std::vector<float> outside(boxes);
  outside[2] = 500;
  scan::save_npy(root.file("outside.npy"), fw::Tensor::from_vector(outside, {12, 4}));
  refuses("--boxes outside.npy", "lies outside the 128 x 128 image");
  refuses("--font missing.ttf", "missing.ttf");
  const scan_test::CommandResult env_font = scan_test::run_command(
      "cd '" + root.str() + "' && SCAN_FONT=/no/font.ttf " + SCAN_BINARY_DIR + "/scan attend --model " + kModel +
      " --out out3");
  CHECK(env_font.status != 0);
  CHECK(contains(env_font.output, "SCAN_FONT"));
  CHECK(files_in(root.file("out3")).empty());
}

TEST_CASE("scan search ranks images for a caption and captions for an image, on a cached encoding") {
  TempDir root;
  make_dataset_and_model(root);
  std::ifstream captions(root.file("data/pictures_precomp/test_caps.txt"));
  std::string first;
  std::getline(captions, first);
  const Run images = scan_in(root, std::string("search --model ") + kModel + " --caption '" + first +
                                       "' --k 4 --out top.png");
  INFO(images.output);
  REQUIRE(images.status == 0);
  CHECK(contains(images.output, "top 4 of 10 images"));
  CHECK(contains(images.output, "encoding: encoded 10 images and 50 captions"));
  CHECK(contains(images.output, "  4. image "));
  CHECK(scan::load_image(root.file("top.png")).width() > 4 * 180);
  CHECK(fs::is_regular_file(root.file("run/ckpt/model_best.test.encoding.safetensors")));

  const Run captions_of = scan_in(root, std::string("search --model ") + kModel + " --image 2 --k 50");
  INFO(captions_of.output);
  REQUIRE(captions_of.status == 0);
  CHECK(contains(captions_of.output, "encoding: read"));
  CHECK(contains(captions_of.output, "top 50 of 50 captions for image 2"));
  size_t marked = 0;
  for (size_t at = captions_of.output.find("(true match)"); at != std::string::npos;
       at = captions_of.output.find("(true match)", at + 1))
    ++marked;
  CHECK(marked == 5);  // all 50 listed: the image's own 5 among them

  const Run both = scan_in(root, std::string("search --model ") + kModel + " --image 2 --caption red");
  CHECK(both.status != 0);
  CHECK(contains(both.output, "give one query"));
}

TEST_CASE("scan report writes index.html last, with the recall table, pointing and every picture it names") {
  TempDir root;
  make_dataset_and_model(root);
  const Run run = scan_in(root, std::string("report --model ") + kModel + " --queries 3 --k 4 --out report");
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK(contains(run.output, "report: "));
  CHECK(contains(run.output, "pointing accuracy"));
  std::ifstream in(root.file("report/index.html"));
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(contains(html, "<h2 id=\"recall\">"));
  CHECK(contains(html, "<h2 id=\"pointing\">"));
  CHECK(contains(html, "id=\"query-3\""));
  size_t images = 0;
  for (size_t at = html.find("<img src=\""); at != std::string::npos; at = html.find("<img src=\"", at + 1)) {
    const size_t begin = at + 10, end = html.find('"', begin);
    const std::string name = html.substr(begin, end - begin);
    INFO(name);
    CHECK(fs::is_regular_file(root.file("report/" + name)));
    ++images;
  }
  CHECK(images == 9);  // 3 queries x (top images, contact sheet, regions)
}
