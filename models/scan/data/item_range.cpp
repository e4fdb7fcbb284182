#include "models/scan/data/item_range.h"

#include "framework/core/error.h"

namespace scan {

ItemRange::ItemRange(const CaptionImageSource& source, int64_t begin, int64_t count)
    : source_(source), begin_(begin), count_(count) {
  fw::check(begin >= 0 && count > 0 && begin <= source.size() - count, "ItemRange", "items [", begin, ", ",
            begin + count, ") are not a non-empty range of the source's ", source.size(), " items");
}

int64_t ItemRange::underlying(int64_t item) const {
  fw::check(item >= 0 && item < count_, "ItemRange", "item ", item, " is outside 0..", count_ - 1);
  return begin_ + item;
}

}  // namespace scan
