#include "json_number.h"

#include <charconv>
#include <cstddef>
#include <limits>
#include <system_error>

namespace specgate::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// For a text std::from_chars found out of double's range: whether it is too large (rather
// than too small). The decimal exponent of its first significant digit decides, and is far
// from zero either way (beyond +308 or below -324), so saturating arithmetic is exact enough.
bool overflows(std::string_view text) {
  std::size_t at = text.size() > 0 && text[0] == '-' ? 1 : 0;
  std::int64_t magnitude = 0;  // decimal exponent of the first significant digit, before e
  bool significant = false;
  std::int64_t position = 0;   // integer digits from the first significant one
  for (; at < text.size() && is_digit(text[at]); ++at) {
    significant = significant || text[at] != '0';
    if (significant) ++position;
  }
  if (significant) {
    magnitude = position - 1;
  } else if (at < text.size() && text[at] == '.') {
    for (++at; at < text.size() && is_digit(text[at]); ++at) {
      --magnitude;
      if (text[at] != '0') {
        significant = true;
        break;
      }
    }
  }
  if (!significant) return false;  // zero is never out of range
  while (at < text.size() && text[at] != 'e' && text[at] != 'E') ++at;
  std::int64_t exponent = 0;
  if (at < text.size()) {
    ++at;
    bool negative = at < text.size() && text[at] == '-';
    if (at < text.size() && (text[at] == '-' || text[at] == '+')) ++at;
    for (; at < text.size() && is_digit(text[at]); ++at) {
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (text[at] - '0');
    }
    if (negative) exponent = -exponent;
  }
  return magnitude + exponent > 0;
}

// The whole text as an integer of type T, when it fits.
template <typename T>
bool parse_whole(const char* first, const char* last, T* out) {
  auto [end, ec] = std::from_chars(first, last, *out);
  return ec == std::errc() && end == last;
}

}  // namespace

JsonNumber convert_json_number(std::string_view text) {
  JsonNumber number;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const bool negative = !text.empty() && text[0] == '-';
  // The common case first: up to 18 digits cannot overflow 64 bits, so one pass decides
  // whether the text is an integer and computes it.
  std::size_t at = negative ? 1 : 0;
  std::uint64_t magnitude = 0;
  if (text.size() - at <= 18) {
    for (; at < text.size() && is_digit(text[at]); ++at) {
      magnitude = magnitude * 10 + static_cast<std::uint64_t>(text[at] - '0');
    }
    if (at == text.size()) {
      if (negative) {
        number.i = -static_cast<std::int64_t>(magnitude);
        number.kind = number.i >= std::numeric_limits<int>::min() ? JsonNumber::Kind::kInt
                                                                   : JsonNumber::Kind::kInt64;
      } else {
        number.u = magnitude;
        number.kind = magnitude <= std::numeric_limits<unsigned>::max()
                          ? JsonNumber::Kind::kUint
                          : JsonNumber::Kind::kUint64;
      }
      return number;
    }
  } else {
    while (at < text.size() && is_digit(text[at])) ++at;
    if (at == text.size()) {
      // A longer integer keeps its exact value in 64 bits when it fits; wider ones become
      // doubles, as in RapidJSON.
      if (negative ? parse_whole(first, last, &number.i) : parse_whole(first, last, &number.u)) {
        number.kind = negative ? JsonNumber::Kind::kInt64 : JsonNumber::Kind::kUint64;
        return number;
      }
    }
  }
  double value = 0;
  auto [end, ec] = std::from_chars(first, last, value, std::chars_format::general);
  if (ec == std::errc() && end == last) {
    number.kind = JsonNumber::Kind::kDouble;
    number.d = value;
    return number;
  }
  if (ec == std::errc::result_out_of_range && !overflows(text)) {
    number.kind = JsonNumber::Kind::kDouble;
    number.d = negative ? -0.0 : 0.0;
    return number;
  }
  number.kind = JsonNumber::Kind::kTooBig;
  return number;
}

}  // namespace specgate::detail
