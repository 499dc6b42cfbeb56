// Internal: the built-in `format` checks for string instances.
#ifndef SPECGATE_SRC_FORMATS_H_
#define SPECGATE_SRC_FORMATS_H_

#include <string>
#include <string_view>

namespace specgate::detail {

// A check for one string format; `value` is valid UTF-8 (the engine checks that first).
using StringFormatCheck = bool (*)(std::string_view value);

// The built-in check for `name` (date, time, date-time, duration, email, idn-email, hostname,
// idn-hostname, ipv4, ipv6, uri, uri-reference, iri, iri-reference, uri-template, uuid,
// json-pointer, relative-json-pointer, regex, byte), or nullptr when the format is unknown.
// Numeric OpenAPI formats (int32, int64, float, double) are handled by the engine, not here.
StringFormatCheck find_string_format(std::string_view name);

// RFC 4648 section 4 base64 with padding. Decodes into *out when given; false when `text` is
// not base64. With out == nullptr it only checks (and allocates nothing).
bool base64_decode(std::string_view text, std::string* out);

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_FORMATS_H_
