#include "utf8.h"

#include <cstdint>

namespace specgate::detail {

bool utf8_length(std::string_view text, std::size_t* code_points) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto* end = p + text.size();
  std::size_t count = 0;
  while (p < end) {
    // ASCII runs dominate real payloads: skip eight bytes at a time while all are ASCII.
    while (end - p >= 8) {
      std::uint64_t chunk;
      __builtin_memcpy(&chunk, p, 8);
      if (chunk & 0x8080808080808080ULL) break;
      p += 8;
      count += 8;
    }
    if (p >= end) break;
    std::uint8_t c = *p;
    if (c < 0x80) {
      ++p;
      ++count;
      continue;
    }
    int extra;
    std::uint32_t min;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      extra = 1, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += extra + 1;
    ++count;
  }
  *code_points = count;
  return true;
}

}  // namespace specgate::detail
