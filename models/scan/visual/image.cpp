#include "models/scan/visual/image.h"

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "framework/core/error.h"
#include "framework/io/atomic_file.h"

namespace scan {

namespace {

constexpr int kMaxSide = 32768;

template <typename... Parts>
[[noreturn]] void fail_load(const std::string& path, const Parts&... parts) {
  throw fw::Error(fw::detail::concat("load_image: '", path, "': ", parts...));
}

std::string stb_reason() {
  const char* reason = stbi_failure_reason();
  return reason ? reason : "unknown error";
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// stb_image_write's callback: appends the encoded bytes to a std::vector<uint8_t>.
void append_bytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

}  // namespace

Image::Image(int width, int height, Rgb fill) {
  fw::check(width >= 1 && width <= kMaxSide && height >= 1 && height <= kMaxSide, "Image",
            "width and height must be in 1..", kMaxSide, ", got ", width, " x ", height);
  width_ = width;
  height_ = height;
  pixels_.assign(static_cast<std::size_t>(width) * height, fill);
}

Image load_image(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) fail_load(path, "is a folder, expected an image file");
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) fail_load(path, "cannot open: ", std::strerror(errno));

  int width = 0, height = 0, channels = 0;
  if (!stbi_info_from_file(file.get(), &width, &height, &channels))
    fail_load(path, "not an image (stb_image: ", stb_reason(), ")");
  if (width < 1 || height < 1 || width > kMaxSide || height > kMaxSide)
    fail_load(path, "is ", width, " x ", height, " pixels, expected 1..", kMaxSide, " on each side");

  std::unique_ptr<stbi_uc, void (*)(void*)> decoded(stbi_load_from_file(file.get(), &width, &height, &channels, 3),
                                                    stbi_image_free);
  if (!decoded) fail_load(path, "cannot decode the image (stb_image: ", stb_reason(), "; truncated or corrupt?)");
  Image image(width, height);
  std::memcpy(image.bytes(), decoded.get(), static_cast<std::size_t>(width) * height * 3);
  return image;
}

std::vector<uint8_t> encode_png(const Image& image) {
  fw::check(!image.empty(), "encode_png", "the image is empty (0 x 0 pixels)");
  static const bool level_set = [] {
    stbi_write_png_compression_level = 8;
    return true;
  }();
  (void)level_set;
  std::vector<uint8_t> png;
  const int ok = stbi_write_png_to_func(append_bytes, &png, image.width(), image.height(), 3, image.bytes(),
                                        image.width() * 3);
  fw::check(ok != 0 && !png.empty(), "encode_png", "stb_image_write failed on a ", image.width(), " x ",
            image.height(), " image");
  return png;
}

void write_png(const Image& image, const std::string& path) {
  const std::vector<uint8_t> png = encode_png(image);
  fw::write_file_atomically(path, std::string(png.begin(), png.end()));
}

Image resize_image(const Image& image, int width, int height) {
  fw::check(!image.empty(), "resize_image", "the image is empty (0 x 0 pixels)");
  fw::check(width >= 1 && width <= kMaxSide && height >= 1 && height <= kMaxSide, "resize_image",
            "the target width and height must be in 1..", kMaxSide, ", got ", width, " x ", height);
  Image out(width, height);
  const int ok = stbir_resize_uint8_srgb(image.bytes(), image.width(), image.height(), 0, out.bytes(), width, height,
                                         0, 3, STBIR_ALPHA_CHANNEL_NONE, 0);
  fw::check(ok != 0, "resize_image", "stb_image_resize failed scaling ", image.width(), " x ", image.height(),
            " to ", width, " x ", height);
  return out;
}

}  // namespace scan
