#pragma once
// An 8-bit RGB picture in memory, and reading/writing it (stb_image, stb_image_write).
//   Image photo = load_image("photo.jpg");            // JPEG, PNG, BMP, ...; fw::Error naming the file
//   Image canvas(640, 480, Rgb{255, 255, 255});       // white
//   canvas.at(10, 20) = Rgb{255, 0, 0};               // x = column, y = row; (0, 0) is the top left
//   write_png(canvas, "out.png");                     // written atomically
#include <cstdint>
#include <string>
#include <vector>

namespace scan {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

class Image {
 public:
  Image() = default;
  // width x height pixels of `fill`; both must be in 1..32768 (fw::Error otherwise).
  Image(int width, int height, Rgb fill = {});

  int width() const { return width_; }
  int height() const { return height_; }
  bool empty() const { return width_ == 0; }
  Rgb& at(int x, int y) { return pixels_[static_cast<std::size_t>(y) * width_ + x]; }
  const Rgb& at(int x, int y) const { return pixels_[static_cast<std::size_t>(y) * width_ + x]; }
  bool contains(int x, int y) const { return x >= 0 && y >= 0 && x < width_ && y < height_; }
  // Rows top to bottom, 3 bytes per pixel (what stb_image_write takes).
  const uint8_t* bytes() const { return reinterpret_cast<const uint8_t*>(pixels_.data()); }
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(pixels_.data()); }

 private:
  int width_ = 0, height_ = 0;
  std::vector<Rgb> pixels_;
};
static_assert(sizeof(Rgb) == 3, "Image::bytes() relies on packed RGB pixels");

// Reads any format stb_image reads (JPEG, PNG, BMP, TGA, GIF's first frame, ...) as RGB; grey and
// alpha are converted. fw::Error naming `path` when the file is missing, unreadable, not an image
// or larger than 32768 pixels on a side.
Image load_image(const std::string& path);
// The PNG file's bytes (stb_image_write, compression level 8).
std::vector<uint8_t> encode_png(const Image& image);
// Writes encode_png(image) to `path` atomically (a temporary file renamed over it).
void write_png(const Image& image, const std::string& path);
// `image` scaled to width x height (stb_image_resize, sRGB-aware filtering).
Image resize_image(const Image& image, int width, int height);

}  // namespace scan
