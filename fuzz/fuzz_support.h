// Helpers shared by the fuzz targets: invariant checks that turn a silent wrong answer into a
// crash the fuzzer reports, and small readers for the targets' input formats.
//
// Header-only so each target stays one translation unit plus the driver.
#ifndef SPECGATE_FUZZ_FUZZ_SUPPORT_H_
#define SPECGATE_FUZZ_FUZZ_SUPPORT_H_

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

// Aborts with a message when an invariant of the library does not hold. Unlike assert() it
// stays on in Release builds, where the plain-driver corpus runs happen.
#define SPECGATE_FUZZ_CHECK(condition, what)                                              \
  do {                                                                                    \
    if (!(condition)) {                                                                   \
      std::fprintf(stderr, "%s:%d: invariant violated: %s (%s)\n", __FILE__, __LINE__,   \
                   what, #condition);                                                     \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

namespace specgate::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// True when `text` is one well-formed JSON document in valid UTF-8: what every JSON the
// library renders (problem+json, result JSON) must be, whatever the request contained.
inline bool is_well_formed_json(std::string_view text) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
      text.data(), text.size());
  return !document.HasParseError();
}

// Splits off the text up to the first `delimiter` (which is dropped); the whole rest when
// there is none.
inline std::string_view take_until(std::string_view* rest, char delimiter) {
  std::size_t at = rest->find(delimiter);
  std::string_view head = rest->substr(0, at);
  rest->remove_prefix(at == std::string_view::npos ? rest->size() : at + 1);
  return head;
}

}  // namespace specgate::fuzz

#endif  // SPECGATE_FUZZ_FUZZ_SUPPORT_H_
