// Internal: JSON numbers converted by specgate, not by RapidJSON.
//
// RapidJSON 1.1.0's full-precision strtod (kParseFullPrecisionFlag) reads out of bounds on
// some texts: "0." followed by a few hundred zeros crashes it (docs/hardening.md, bug 10), and
// its normal-precision path is an ULP off on others. So every parse of outside text uses
// kParseNumbersAsStringsFlag: RapidJSON still checks the grammar (and refuses integer parts and
// exponents far past double's range) and hands over the number's text, which this converts:
// integers to the narrowest of int, unsigned, int64 and uint64, as RapidJSON would, anything
// else to the nearest double (std::from_chars, correctly rounded whatever the length).
#ifndef SPECGATE_SRC_JSON_NUMBER_H_
#define SPECGATE_SRC_JSON_NUMBER_H_

#include <cstdint>
#include <string_view>

namespace specgate::detail {

struct JsonNumber {
  enum class Kind { kInt, kUint, kInt64, kUint64, kDouble, kTooBig };
  Kind kind = Kind::kTooBig;
  std::int64_t i = 0;   // kInt, kInt64
  std::uint64_t u = 0;  // kUint, kUint64
  double d = 0;         // kDouble: finite; a value below double's range is a signed zero
};

// `text` must be a number in JSON's grammar (as RapidJSON hands it to RawNumber). kTooBig when
// its magnitude is beyond the largest double.
JsonNumber convert_json_number(std::string_view text);

// Passes a converted number to a RapidJSON SAX handler; false for kTooBig.
template <typename Handler>
bool emit_json_number(const JsonNumber& number, Handler& handler) {
  switch (number.kind) {
    case JsonNumber::Kind::kInt: return handler.Int(static_cast<int>(number.i));
    case JsonNumber::Kind::kUint: return handler.Uint(static_cast<unsigned>(number.u));
    case JsonNumber::Kind::kInt64: return handler.Int64(number.i);
    case JsonNumber::Kind::kUint64: return handler.Uint64(number.u);
    case JsonNumber::Kind::kDouble: return handler.Double(number.d);
    case JsonNumber::Kind::kTooBig: return false;
  }
  return false;
}

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_JSON_NUMBER_H_
