// json_number: JSON number text to the value RapidJSON's handler calls would carry.
#include "json_number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace {

using specgate::detail::convert_json_number;
using specgate::detail::JsonNumber;
using Kind = JsonNumber::Kind;

TEST(JsonNumber, IntegersTakeTheNarrowestKind) {
  EXPECT_EQ(convert_json_number("0").kind, Kind::kUint);
  EXPECT_EQ(convert_json_number("4294967295").kind, Kind::kUint);
  EXPECT_EQ(convert_json_number("4294967295").u, 4294967295u);
  EXPECT_EQ(convert_json_number("4294967296").kind, Kind::kUint64);
  EXPECT_EQ(convert_json_number("18446744073709551615").u,
            std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(convert_json_number("-2147483648").kind, Kind::kInt);
  EXPECT_EQ(convert_json_number("-2147483648").i, std::numeric_limits<int>::min());
  EXPECT_EQ(convert_json_number("-2147483649").kind, Kind::kInt64);
  EXPECT_EQ(convert_json_number("-9223372036854775808").i,
            std::numeric_limits<std::int64_t>::min());
  // -0 is the integer 0, as in RapidJSON; 18 digits take the fast path, 19 and 20 the other.
  EXPECT_EQ(convert_json_number("-0").kind, Kind::kInt);
  EXPECT_EQ(convert_json_number("-0").i, 0);
  EXPECT_EQ(convert_json_number("999999999999999999").u, 999999999999999999u);
  EXPECT_EQ(convert_json_number("-999999999999999999").i, -999999999999999999);
}

TEST(JsonNumber, IntegersPast64BitsBecomeDoubles) {
  JsonNumber big = convert_json_number("18446744073709551616");
  EXPECT_EQ(big.kind, Kind::kDouble);
  EXPECT_EQ(big.d, 18446744073709551616.0);
  JsonNumber negative = convert_json_number("-9223372036854775809");
  EXPECT_EQ(negative.kind, Kind::kDouble);
  EXPECT_EQ(negative.d, -9223372036854775808.0);
}

TEST(JsonNumber, FractionsAndExponentsRoundToNearest) {
  EXPECT_EQ(convert_json_number("0.1").d, 0.1);
  EXPECT_EQ(convert_json_number("1e2").kind, Kind::kDouble);
  EXPECT_EQ(convert_json_number("1E+2").d, 100.0);
  EXPECT_EQ(convert_json_number("2.5e-3").d, 0.0025);
  // Halfway cases and long digit strings: correctly rounded, not an ULP off.
  EXPECT_EQ(convert_json_number("9007199254740993").u, 9007199254740993u);
  EXPECT_EQ(convert_json_number("9007199254740993.0").d, 9007199254740992.0);
  EXPECT_EQ(convert_json_number("0." + std::string(375, '0')).d, 0.0);
  EXPECT_EQ(convert_json_number("1.7976931348623157e308").d,
            std::numeric_limits<double>::max());
  EXPECT_EQ(convert_json_number("4.9406564584124654e-324").d,
            std::numeric_limits<double>::denorm_min());
}

TEST(JsonNumber, BelowTheRangeIsASignedZeroAboveItIsTooBig) {
  JsonNumber tiny = convert_json_number("1e-400");
  EXPECT_EQ(tiny.kind, Kind::kDouble);
  EXPECT_EQ(tiny.d, 0.0);
  EXPECT_FALSE(std::signbit(tiny.d));
  JsonNumber negative_tiny = convert_json_number("-0.000001e-400");
  EXPECT_EQ(negative_tiny.d, 0.0);
  EXPECT_TRUE(std::signbit(negative_tiny.d));
  EXPECT_EQ(convert_json_number("0." + std::string(500, '0') + "1").d, 0.0);
  EXPECT_EQ(convert_json_number("1e309").kind, Kind::kTooBig);
  EXPECT_EQ(convert_json_number("-1.8e308").kind, Kind::kTooBig);
  EXPECT_EQ(convert_json_number("0.00001e314").kind, Kind::kTooBig);
  // A huge exponent on a tiny mantissa, and the reverse, are decided by their sum.
  EXPECT_EQ(convert_json_number("0." + std::string(400, '0') + "1e500").d, 1e99);
  EXPECT_EQ(convert_json_number("1e-999999999999").d, 0.0);
}

}  // namespace
