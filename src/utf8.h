// Internal: UTF-8 validation and code point counting.
#ifndef SPECGATE_SRC_UTF8_H_
#define SPECGATE_SRC_UTF8_H_

#include <cstddef>
#include <string_view>

namespace specgate::detail {

// Counts the code points of valid UTF-8 `text` (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF). Returns false when `text` is not valid UTF-8.
bool utf8_length(std::string_view text, std::size_t* code_points);

inline bool is_valid_utf8(std::string_view text) {
  std::size_t ignored;
  return utf8_length(text, &ignored);
}

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_UTF8_H_
