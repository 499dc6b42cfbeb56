// The built-in `format` checks. Each check is a pure function of its argument: no state, no
// allocation that outlives the call, safe to call from any thread.
#include <algorithm>
#include "formats.h"

#include <idn2.h>
#include <re2/re2.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ecma_regex.h"
#include "uri.h"

namespace specgate::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower_ascii(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = to_lower(c);
  return result;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (to_lower(text[i]) != prefix[i]) return false;
  }
  return true;
}

// Decodes one code point of valid UTF-8 at text[*pos] and advances *pos. Returns -1 on a
// malformed sequence so that a misuse (unchecked input) fails the format instead of reading
// past the end.
std::int32_t next_code_point(std::string_view text, std::size_t* pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  std::size_t i = *pos;
  unsigned char lead = byte(i);
  int length = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3
             : (lead & 0xF8) == 0xF0 ? 4 : 0;
  if (length == 0 || i + length > text.size()) return -1;
  std::int32_t code = length == 1 ? lead : lead & (0x7F >> length);
  for (int k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return -1;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  *pos = i + length;
  return code;
}

void append_utf8(char32_t code, std::string* out) {
  if (code < 0x80) {
    out->push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code >> 6)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

// Reads exactly `count` ASCII digits at text[pos]; false when any is missing or not a digit
// (so "1\u09ea" and other non-ASCII digits are rejected).
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int* value) {
  if (pos + count > text.size()) return false;
  int result = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return false;
    result = result * 10 + (text[i] - '0');
  }
  *value = result;
  return true;
}

// ---------------------------------------------------------------------------------------------
// date, time, date-time (RFC 3339 section 5.6), duration (RFC 3339 appendix A)

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// full-date = date-fullyear "-" date-month "-" date-mday
bool check_date(std::string_view value) {
  int year, month, day;
  if (value.size() != 10 || value[4] != '-' || value[7] != '-') return false;
  if (!read_digits(value, 0, 4, &year) || !read_digits(value, 5, 2, &month) ||
      !read_digits(value, 8, 2, &day)) {
    return false;
  }
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

// full-time = partial-time time-offset, with time-secfrac optional and "Z" case-insensitive
// (RFC 3339 section 5.6 note). A leap second (:60) is only valid when the instant, taken back
// to UTC through the offset, is 23:59:60.
bool check_time(std::string_view value) {
  int hour, minute, second;
  if (value.size() < 9 || value[2] != ':' || value[5] != ':') return false;
  if (!read_digits(value, 0, 2, &hour) || !read_digits(value, 3, 2, &minute) ||
      !read_digits(value, 6, 2, &second)) {
    return false;
  }
  if (hour > 23 || minute > 59 || second > 60) return false;
  std::size_t pos = 8;
  if (value[pos] == '.') {
    ++pos;
    std::size_t digits_begin = pos;
    while (pos < value.size() && is_digit(value[pos])) ++pos;
    if (pos == digits_begin) return false;
  }
  if (pos >= value.size()) return false;
  int offset_minutes = 0;
  if (value[pos] == 'Z' || value[pos] == 'z') {
    if (pos + 1 != value.size()) return false;
  } else if (value[pos] == '+' || value[pos] == '-') {
    int offset_hour, offset_minute;
    if (pos + 6 != value.size() || value[pos + 3] != ':' ||
        !read_digits(value, pos + 1, 2, &offset_hour) ||
        !read_digits(value, pos + 4, 2, &offset_minute)) {
      return false;
    }
    if (offset_hour > 23 || offset_minute > 59) return false;
    offset_minutes = (offset_hour * 60 + offset_minute) * (value[pos] == '-' ? -1 : 1);
  } else {
    return false;
  }
  if (second == 60) {
    constexpr int kMinutesPerDay = 24 * 60;
    int utc = ((hour * 60 + minute - offset_minutes) % kMinutesPerDay + kMinutesPerDay) %
              kMinutesPerDay;
    if (utc != 23 * 60 + 59) return false;
  }
  return true;
}

bool check_date_time(std::string_view value) {
  if (value.size() < 11 || (value[10] != 'T' && value[10] != 't')) return false;
  return check_date(value.substr(0, 10)) && check_time(value.substr(11));
}

// Reads the designators of `1*DIGIT designator` elements from value[*pos] up to the end or a
// 'T'; false on a number without designator or a designator without number.
bool read_duration_elements(std::string_view value, std::size_t* pos, std::string* designators) {
  while (*pos < value.size() && value[*pos] != 'T') {
    std::size_t digits_begin = *pos;
    while (*pos < value.size() && is_digit(value[*pos])) ++*pos;
    if (*pos == digits_begin || *pos == value.size()) return false;
    designators->push_back(value[(*pos)++]);
  }
  return true;
}

// duration = "P" (dur-date / dur-time / dur-week). Every element is optional only in the ways
// the ABNF nests them: years may be followed by months, months by days, hours by minutes,
// minutes by seconds, so "P1Y2D" and "PT1H2S" are not durations. Designators are upper-case as
// in ISO 8601; RFC 3339 does not allow fractions, signs or a comma.
bool check_duration(std::string_view value) {
  if (value.size() < 2 || value[0] != 'P') return false;
  std::size_t pos = 1;
  std::string date;
  if (!read_duration_elements(value, &pos, &date)) return false;
  if (date == "W") return pos == value.size();
  if (!date.empty() && date != "D" && date != "M" && date != "MD" && date != "Y" &&
      date != "YM" && date != "YMD") {
    return false;
  }
  if (pos == value.size()) return !date.empty();
  ++pos;  // the 'T'
  std::string time;
  if (!read_duration_elements(value, &pos, &time)) return false;
  if (pos != value.size()) return false;  // a second 'T'
  return time == "H" || time == "HM" || time == "HMS" || time == "M" || time == "MS" ||
         time == "S";
}

// ---------------------------------------------------------------------------------------------
// Host names: hostname (RFC 1123, with A-labels checked as IDNA2008), idn-hostname (RFC 5890,
// RFC 5891, RFC 5892, RFC 5893). libidn2 checks each U-label (NFC, DISALLOWED and UNASSIGNED
// code points, CONTEXTJ and CONTEXTO rules, hyphens, leading combining marks); the Bidi rule of
// RFC 5893 is checked here because it spans labels and libidn2 only checks labels that
// themselves contain right-to-left characters.

// The Bidi_Class values RFC 5893 distinguishes; R and AL always go together there, and ES, CS,
// ET, ON and BN are treated alike.
enum BidiClass : std::uint8_t {
  kLeftToRight,
  kRtl,  // R or AL
  kArabicNumber,
  kEuropeanNumber,
  kNonSpacingMark,
  kNeutral,  // ES, CS, ET, ON, BN (and, for characters IDNA disallows anyway, the rest)
};

struct BidiRange {
  char32_t first;
  char32_t last;
  BidiClass bidi_class;
};

// Bidi_Class (Unicode 14.0) of the non-ASCII code points that IDNA2008 can allow: letters, marks
// and digits (general categories Ll, Lu, Lo, Lm, Mn, Mc, Nd) and the RFC 5892 exceptions.
// Ranges are widened across code points outside that set, since libidn2 rejects those before
// the Bidi rule matters. Everything not listed is L. Generated from Python's unicodedata.
constexpr BidiRange kBidiRanges[] = {
    {0x00B7, 0x00B7, kNeutral}, {0x02B9, 0x02BA, kNeutral}, {0x02C6, 0x02CF, kNeutral},
    {0x02EC, 0x02EC, kNeutral}, {0x0300, 0x036F, kNonSpacingMark}, {0x0374, 0x0375, kNeutral},
    {0x0483, 0x0487, kNonSpacingMark}, {0x0591, 0x05C7, kNonSpacingMark}, {0x05D0, 0x05F4, kRtl},
    {0x0610, 0x061A, kNonSpacingMark}, {0x0620, 0x064A, kRtl}, {0x064B, 0x065F, kNonSpacingMark},
    {0x0660, 0x0669, kArabicNumber}, {0x066E, 0x066F, kRtl}, {0x0670, 0x0670, kNonSpacingMark},
    {0x0671, 0x06D5, kRtl}, {0x06D6, 0x06E4, kNonSpacingMark}, {0x06E5, 0x06E6, kRtl},
    {0x06E7, 0x06ED, kNonSpacingMark}, {0x06EE, 0x06EF, kRtl}, {0x06F0, 0x06F9, kEuropeanNumber},
    {0x06FA, 0x0710, kRtl}, {0x0711, 0x0711, kNonSpacingMark}, {0x0712, 0x072F, kRtl},
    {0x0730, 0x074A, kNonSpacingMark}, {0x074D, 0x07A5, kRtl}, {0x07A6, 0x07B0, kNonSpacingMark},
    {0x07B1, 0x07EA, kRtl}, {0x07EB, 0x07F3, kNonSpacingMark}, {0x07F4, 0x07FA, kRtl},
    {0x07FD, 0x07FD, kNonSpacingMark}, {0x0800, 0x0815, kRtl}, {0x0816, 0x0819, kNonSpacingMark},
    {0x081A, 0x081A, kRtl}, {0x081B, 0x0823, kNonSpacingMark}, {0x0824, 0x0824, kRtl},
    {0x0825, 0x0827, kNonSpacingMark}, {0x0828, 0x0828, kRtl}, {0x0829, 0x082D, kNonSpacingMark},
    {0x0840, 0x0858, kRtl}, {0x0859, 0x085B, kNonSpacingMark}, {0x0860, 0x088E, kRtl},
    {0x0898, 0x089F, kNonSpacingMark}, {0x08A0, 0x08C9, kRtl}, {0x08CA, 0x0902, kNonSpacingMark},
    {0x093A, 0x093A, kNonSpacingMark}, {0x093C, 0x093C, kNonSpacingMark},
    {0x0941, 0x0948, kNonSpacingMark}, {0x094D, 0x094D, kNonSpacingMark},
    {0x0951, 0x0957, kNonSpacingMark}, {0x0962, 0x0963, kNonSpacingMark},
    {0x0981, 0x0981, kNonSpacingMark}, {0x09BC, 0x09BC, kNonSpacingMark},
    {0x09C1, 0x09C4, kNonSpacingMark}, {0x09CD, 0x09CD, kNonSpacingMark},
    {0x09E2, 0x09E3, kNonSpacingMark}, {0x09FE, 0x0A02, kNonSpacingMark},
    {0x0A3C, 0x0A3C, kNonSpacingMark}, {0x0A41, 0x0A51, kNonSpacingMark},
    {0x0A70, 0x0A71, kNonSpacingMark}, {0x0A75, 0x0A82, kNonSpacingMark},
    {0x0ABC, 0x0ABC, kNonSpacingMark}, {0x0AC1, 0x0AC8, kNonSpacingMark},
    {0x0ACD, 0x0ACD, kNonSpacingMark}, {0x0AE2, 0x0AE3, kNonSpacingMark},
    {0x0AFA, 0x0B01, kNonSpacingMark}, {0x0B3C, 0x0B3C, kNonSpacingMark},
    {0x0B3F, 0x0B3F, kNonSpacingMark}, {0x0B41, 0x0B44, kNonSpacingMark},
    {0x0B4D, 0x0B56, kNonSpacingMark}, {0x0B62, 0x0B63, kNonSpacingMark},
    {0x0B82, 0x0B82, kNonSpacingMark}, {0x0BC0, 0x0BC0, kNonSpacingMark},
    {0x0BCD, 0x0BCD, kNonSpacingMark}, {0x0C00, 0x0C00, kNonSpacingMark},
    {0x0C04, 0x0C04, kNonSpacingMark}, {0x0C3C, 0x0C3C, kNonSpacingMark},
    {0x0C3E, 0x0C40, kNonSpacingMark}, {0x0C46, 0x0C56, kNonSpacingMark},
    {0x0C62, 0x0C63, kNonSpacingMark}, {0x0C81, 0x0C81, kNonSpacingMark},
    {0x0CBC, 0x0CBC, kNonSpacingMark}, {0x0CCC, 0x0CCD, kNonSpacingMark},
    {0x0CE2, 0x0CE3, kNonSpacingMark}, {0x0D00, 0x0D01, kNonSpacingMark},
    {0x0D3B, 0x0D3C, kNonSpacingMark}, {0x0D41, 0x0D44, kNonSpacingMark},
    {0x0D4D, 0x0D4D, kNonSpacingMark}, {0x0D62, 0x0D63, kNonSpacingMark},
    {0x0D81, 0x0D81, kNonSpacingMark}, {0x0DCA, 0x0DCA, kNonSpacingMark},
    {0x0DD2, 0x0DD6, kNonSpacingMark}, {0x0E31, 0x0E31, kNonSpacingMark},
    {0x0E34, 0x0E3A, kNonSpacingMark}, {0x0E47, 0x0E4E, kNonSpacingMark},
    {0x0EB1, 0x0EB1, kNonSpacingMark}, {0x0EB4, 0x0EBC, kNonSpacingMark},
    {0x0EC8, 0x0ECD, kNonSpacingMark}, {0x0F18, 0x0F19, kNonSpacingMark},
    {0x0F35, 0x0F39, kNonSpacingMark}, {0x0F71, 0x0F7E, kNonSpacingMark},
    {0x0F80, 0x0F87, kNonSpacingMark}, {0x0F8D, 0x0FC6, kNonSpacingMark},
    {0x102D, 0x1030, kNonSpacingMark}, {0x1032, 0x1037, kNonSpacingMark},
    {0x1039, 0x103A, kNonSpacingMark}, {0x103D, 0x103E, kNonSpacingMark},
    {0x1058, 0x1059, kNonSpacingMark}, {0x105E, 0x1060, kNonSpacingMark},
    {0x1071, 0x1074, kNonSpacingMark}, {0x1082, 0x1082, kNonSpacingMark},
    {0x1085, 0x1086, kNonSpacingMark}, {0x108D, 0x108D, kNonSpacingMark},
    {0x109D, 0x109D, kNonSpacingMark}, {0x135D, 0x135F, kNonSpacingMark},
    {0x1712, 0x1714, kNonSpacingMark}, {0x1732, 0x1733, kNonSpacingMark},
    {0x1752, 0x1753, kNonSpacingMark}, {0x1772, 0x1773, kNonSpacingMark},
    {0x17B4, 0x17B5, kNonSpacingMark}, {0x17B7, 0x17BD, kNonSpacingMark},
    {0x17C6, 0x17C6, kNonSpacingMark}, {0x17C9, 0x17D3, kNonSpacingMark},
    {0x17DD, 0x17DD, kNonSpacingMark}, {0x180B, 0x180F, kNonSpacingMark},
    {0x1885, 0x1886, kNonSpacingMark}, {0x18A9, 0x18A9, kNonSpacingMark},
    {0x1920, 0x1922, kNonSpacingMark}, {0x1927, 0x1928, kNonSpacingMark},
    {0x1932, 0x1932, kNonSpacingMark}, {0x1939, 0x193B, kNonSpacingMark},
    {0x1A17, 0x1A18, kNonSpacingMark}, {0x1A1B, 0x1A1B, kNonSpacingMark},
    {0x1A56, 0x1A56, kNonSpacingMark}, {0x1A58, 0x1A60, kNonSpacingMark},
    {0x1A62, 0x1A62, kNonSpacingMark}, {0x1A65, 0x1A6C, kNonSpacingMark},
    {0x1A73, 0x1A7F, kNonSpacingMark}, {0x1AB0, 0x1B03, kNonSpacingMark},
    {0x1B34, 0x1B34, kNonSpacingMark}, {0x1B36, 0x1B3A, kNonSpacingMark},
    {0x1B3C, 0x1B3C, kNonSpacingMark}, {0x1B42, 0x1B42, kNonSpacingMark},
    {0x1B6B, 0x1B81, kNonSpacingMark}, {0x1BA2, 0x1BA5, kNonSpacingMark},
    {0x1BA8, 0x1BA9, kNonSpacingMark}, {0x1BAB, 0x1BAD, kNonSpacingMark},
    {0x1BE6, 0x1BE6, kNonSpacingMark}, {0x1BE8, 0x1BE9, kNonSpacingMark},
    {0x1BED, 0x1BED, kNonSpacingMark}, {0x1BEF, 0x1BF1, kNonSpacingMark},
    {0x1C2C, 0x1C33, kNonSpacingMark}, {0x1C36, 0x1C37, kNonSpacingMark},
    {0x1CD0, 0x1CE0, kNonSpacingMark}, {0x1CE2, 0x1CE8, kNonSpacingMark},
    {0x1CED, 0x1CED, kNonSpacingMark}, {0x1CF4, 0x1CF4, kNonSpacingMark},
    {0x1CF8, 0x1CF9, kNonSpacingMark}, {0x1DC0, 0x1DFF, kNonSpacingMark},
    {0x200C, 0x200D, kNeutral}, {0x20D0, 0x20F0, kNonSpacingMark},
    {0x2CEF, 0x2CF1, kNonSpacingMark}, {0x2D7F, 0x2D7F, kNonSpacingMark},
    {0x2DE0, 0x2DFF, kNonSpacingMark}, {0x2E2F, 0x2E2F, kNeutral},
    {0x302A, 0x302D, kNonSpacingMark}, {0x3099, 0x309A, kNonSpacingMark},
    {0x30FB, 0x30FB, kNeutral}, {0xA66F, 0xA67D, kNonSpacingMark}, {0xA67F, 0xA67F, kNeutral},
    {0xA69E, 0xA69F, kNonSpacingMark}, {0xA6F0, 0xA6F1, kNonSpacingMark},
    {0xA717, 0xA71F, kNeutral}, {0xA788, 0xA788, kNeutral}, {0xA802, 0xA802, kNonSpacingMark},
    {0xA806, 0xA806, kNonSpacingMark}, {0xA80B, 0xA80B, kNonSpacingMark},
    {0xA825, 0xA826, kNonSpacingMark}, {0xA82C, 0xA82C, kNonSpacingMark},
    {0xA8C4, 0xA8C5, kNonSpacingMark}, {0xA8E0, 0xA8F1, kNonSpacingMark},
    {0xA8FF, 0xA8FF, kNonSpacingMark}, {0xA926, 0xA92D, kNonSpacingMark},
    {0xA947, 0xA951, kNonSpacingMark}, {0xA980, 0xA982, kNonSpacingMark},
    {0xA9B3, 0xA9B3, kNonSpacingMark}, {0xA9B6, 0xA9B9, kNonSpacingMark},
    {0xA9BC, 0xA9BD, kNonSpacingMark}, {0xA9E5, 0xA9E5, kNonSpacingMark},
    {0xAA29, 0xAA2E, kNonSpacingMark}, {0xAA31, 0xAA32, kNonSpacingMark},
    {0xAA35, 0xAA36, kNonSpacingMark}, {0xAA43, 0xAA43, kNonSpacingMark},
    {0xAA4C, 0xAA4C, kNonSpacingMark}, {0xAA7C, 0xAA7C, kNonSpacingMark},
    {0xAAB0, 0xAAB0, kNonSpacingMark}, {0xAAB2, 0xAAB4, kNonSpacingMark},
    {0xAAB7, 0xAAB8, kNonSpacingMark}, {0xAABE, 0xAABF, kNonSpacingMark},
    {0xAAC1, 0xAAC1, kNonSpacingMark}, {0xAAEC, 0xAAED, kNonSpacingMark},
    {0xAAF6, 0xAAF6, kNonSpacingMark}, {0xABE5, 0xABE5, kNonSpacingMark},
    {0xABE8, 0xABE8, kNonSpacingMark}, {0xABED, 0xABED, kNonSpacingMark}, {0xFB1D, 0xFB1D, kRtl},
    {0xFB1E, 0xFB1E, kNonSpacingMark}, {0xFB1F, 0xFDFB, kRtl}, {0xFE00, 0xFE2F, kNonSpacingMark},
    {0xFE70, 0xFEFC, kRtl}, {0xFF10, 0xFF19, kEuropeanNumber}, {0x101FD, 0x101FD, kNonSpacingMark},
    {0x102E0, 0x102E0, kNonSpacingMark}, {0x10376, 0x1037A, kNonSpacingMark},
    {0x10800, 0x10A00, kRtl}, {0x10A01, 0x10A0F, kNonSpacingMark}, {0x10A10, 0x10A35, kRtl},
    {0x10A38, 0x10A3F, kNonSpacingMark}, {0x10A60, 0x10AE4, kRtl},
    {0x10AE5, 0x10AE6, kNonSpacingMark}, {0x10B00, 0x10D23, kRtl},
    {0x10D24, 0x10D27, kNonSpacingMark}, {0x10D30, 0x10D39, kArabicNumber},
    {0x10E80, 0x10EA9, kRtl}, {0x10EAB, 0x10EAC, kNonSpacingMark}, {0x10EB0, 0x10F45, kRtl},
    {0x10F46, 0x10F50, kNonSpacingMark}, {0x10F70, 0x10F81, kRtl},
    {0x10F82, 0x10F85, kNonSpacingMark}, {0x10FB0, 0x10FF6, kRtl},
    {0x11001, 0x11001, kNonSpacingMark}, {0x11038, 0x11046, kNonSpacingMark},
    {0x11070, 0x11070, kNonSpacingMark}, {0x11073, 0x11074, kNonSpacingMark},
    {0x1107F, 0x11081, kNonSpacingMark}, {0x110B3, 0x110B6, kNonSpacingMark},
    {0x110B9, 0x110C2, kNonSpacingMark}, {0x11100, 0x11102, kNonSpacingMark},
    {0x11127, 0x1112B, kNonSpacingMark}, {0x1112D, 0x11134, kNonSpacingMark},
    {0x11173, 0x11173, kNonSpacingMark}, {0x11180, 0x11181, kNonSpacingMark},
    {0x111B6, 0x111BE, kNonSpacingMark}, {0x111C9, 0x111CC, kNonSpacingMark},
    {0x111CF, 0x111CF, kNonSpacingMark}, {0x1122F, 0x11231, kNonSpacingMark},
    {0x11234, 0x11234, kNonSpacingMark}, {0x11236, 0x1123E, kNonSpacingMark},
    {0x112DF, 0x112DF, kNonSpacingMark}, {0x112E3, 0x112EA, kNonSpacingMark},
    {0x11300, 0x11301, kNonSpacingMark}, {0x1133B, 0x1133C, kNonSpacingMark},
    {0x11340, 0x11340, kNonSpacingMark}, {0x11366, 0x11374, kNonSpacingMark},
    {0x11438, 0x1143F, kNonSpacingMark}, {0x11442, 0x11444, kNonSpacingMark},
    {0x11446, 0x11446, kNonSpacingMark}, {0x1145E, 0x1145E, kNonSpacingMark},
    {0x114B3, 0x114B8, kNonSpacingMark}, {0x114BA, 0x114BA, kNonSpacingMark},
    {0x114BF, 0x114C0, kNonSpacingMark}, {0x114C2, 0x114C3, kNonSpacingMark},
    {0x115B2, 0x115B5, kNonSpacingMark}, {0x115BC, 0x115BD, kNonSpacingMark},
    {0x115BF, 0x115C0, kNonSpacingMark}, {0x115DC, 0x115DD, kNonSpacingMark},
    {0x11633, 0x1163A, kNonSpacingMark}, {0x1163D, 0x1163D, kNonSpacingMark},
    {0x1163F, 0x11640, kNonSpacingMark}, {0x116AB, 0x116AB, kNonSpacingMark},
    {0x116AD, 0x116AD, kNonSpacingMark}, {0x116B0, 0x116B5, kNonSpacingMark},
    {0x116B7, 0x116B7, kNonSpacingMark}, {0x1171D, 0x1171F, kNonSpacingMark},
    {0x11722, 0x11725, kNonSpacingMark}, {0x11727, 0x1172B, kNonSpacingMark},
    {0x1182F, 0x11837, kNonSpacingMark}, {0x11839, 0x1183A, kNonSpacingMark},
    {0x1193B, 0x1193C, kNonSpacingMark}, {0x1193E, 0x1193E, kNonSpacingMark},
    {0x11943, 0x11943, kNonSpacingMark}, {0x119D4, 0x119DB, kNonSpacingMark},
    {0x119E0, 0x119E0, kNonSpacingMark}, {0x11A01, 0x11A06, kNonSpacingMark},
    {0x11A09, 0x11A0A, kNonSpacingMark}, {0x11A33, 0x11A38, kNonSpacingMark},
    {0x11A3B, 0x11A47, kNonSpacingMark}, {0x11A51, 0x11A56, kNonSpacingMark},
    {0x11A59, 0x11A5B, kNonSpacingMark}, {0x11A8A, 0x11A96, kNonSpacingMark},
    {0x11A98, 0x11A99, kNonSpacingMark}, {0x11C30, 0x11C3D, kNonSpacingMark},
    {0x11C92, 0x11CA7, kNonSpacingMark}, {0x11CAA, 0x11CB0, kNonSpacingMark},
    {0x11CB2, 0x11CB3, kNonSpacingMark}, {0x11CB5, 0x11CB6, kNonSpacingMark},
    {0x11D31, 0x11D45, kNonSpacingMark}, {0x11D47, 0x11D47, kNonSpacingMark},
    {0x11D90, 0x11D91, kNonSpacingMark}, {0x11D95, 0x11D95, kNonSpacingMark},
    {0x11D97, 0x11D97, kNonSpacingMark}, {0x11EF3, 0x11EF4, kNonSpacingMark},
    {0x16AF0, 0x16AF4, kNonSpacingMark}, {0x16B30, 0x16B36, kNonSpacingMark},
    {0x16F4F, 0x16F4F, kNonSpacingMark}, {0x16F8F, 0x16F92, kNonSpacingMark},
    {0x16FE4, 0x16FE4, kNonSpacingMark}, {0x1BC9D, 0x1CF46, kNonSpacingMark},
    {0x1D167, 0x1D169, kNonSpacingMark}, {0x1D17B, 0x1D244, kNonSpacingMark},
    {0x1D7CE, 0x1D7FF, kEuropeanNumber}, {0x1DA00, 0x1DAAF, kNonSpacingMark},
    {0x1E000, 0x1E02A, kNonSpacingMark}, {0x1E130, 0x1E136, kNonSpacingMark},
    {0x1E2AE, 0x1E2AE, kNonSpacingMark}, {0x1E2EC, 0x1E2EF, kNonSpacingMark},
    {0x1E800, 0x1E8C4, kRtl}, {0x1E8D0, 0x1E8D6, kNonSpacingMark}, {0x1E900, 0x1E943, kRtl},
    {0x1E944, 0x1E94A, kNonSpacingMark}, {0x1E94B, 0x1EEBB, kRtl},
    {0x1FBF0, 0x1FBF9, kEuropeanNumber}, {0xE0100, 0xE01EF, kNonSpacingMark},
};

BidiClass bidi_class(char32_t code) {
  if (code < 0x80) {
    if (code >= '0' && code <= '9') return kEuropeanNumber;
    return is_alpha(static_cast<char>(code)) ? kLeftToRight : kNeutral;
  }
  std::size_t low = 0;
  std::size_t high = std::size(kBidiRanges);
  while (low < high) {
    std::size_t middle = (low + high) / 2;
    if (code < kBidiRanges[middle].first) {
      high = middle;
    } else if (code > kBidiRanges[middle].last) {
      low = middle + 1;
    } else {
      return kBidiRanges[middle].bidi_class;
    }
  }
  return kLeftToRight;
}

// RFC 5893 section 2, the six conditions, for one label of a Bidi domain name.
bool satisfies_bidi_rule(const std::u32string& label) {
  if (label.empty()) return false;
  BidiClass first = bidi_class(label[0]);
  if (first != kLeftToRight && first != kRtl) return false;
  bool rtl = first == kRtl;
  bool has_european_number = false;
  bool has_arabic_number = false;
  BidiClass last = first;  // the last class that is not NSM
  for (char32_t code : label) {
    BidiClass c = bidi_class(code);
    if (c == kEuropeanNumber) has_european_number = true;
    if (c == kArabicNumber) has_arabic_number = true;
    if (rtl ? c == kLeftToRight : (c == kRtl || c == kArabicNumber)) return false;
    if (c != kNonSpacingMark) last = c;
  }
  if (rtl) {
    if (has_european_number && has_arabic_number) return false;
    return last == kRtl || last == kEuropeanNumber || last == kArabicNumber;
  }
  return last == kLeftToRight || last == kEuropeanNumber;
}

// RFC 5893: a Bidi domain name has at least one R, AL or AN character.
bool has_right_to_left(const std::u32string& label) {
  for (char32_t code : label) {
    BidiClass c = bidi_class(code);
    if (c == kRtl || c == kArabicNumber) return true;
  }
  return false;
}

// RFC 3492 section 6.2 (decoding only; encoding is left to libidn2 so that a label is checked
// by the same code that would register it).
bool decode_punycode(std::string_view input, std::u32string* output) {
  constexpr std::uint32_t kBase = 36, kTMin = 1, kTMax = 26, kSkew = 38, kDamp = 700;
  constexpr std::uint32_t kMaxCodePoint = 0x10FFFF;
  constexpr std::uint32_t kMaxInt = 0x7FFFFFFF;
  auto adapt = [&](std::uint32_t delta, std::uint32_t points, bool first_time) {
    delta = first_time ? delta / kDamp : delta / 2;
    delta += delta / points;
    std::uint32_t k = 0;
    while (delta > ((kBase - kTMin) * kTMax) / 2) {
      delta /= kBase - kTMin;
      k += kBase;
    }
    return k + (kBase - kTMin + 1) * delta / (delta + kSkew);
  };
  output->clear();
  std::size_t delimiter = input.rfind('-');
  std::size_t in = 0;
  if (delimiter != std::string_view::npos && delimiter > 0) {
    for (std::size_t i = 0; i < delimiter; ++i) {
      if (static_cast<unsigned char>(input[i]) >= 0x80) return false;
      output->push_back(static_cast<unsigned char>(input[i]));
    }
    in = delimiter + 1;
  }
  std::uint32_t n = 0x80;
  std::uint32_t i = 0;
  std::uint32_t bias = 72;
  while (in < input.size()) {
    std::uint32_t old_i = i;
    std::uint32_t w = 1;
    for (std::uint32_t k = kBase;; k += kBase) {
      if (in >= input.size()) return false;
      char c = input[in++];
      std::uint32_t digit;
      if (c >= 'a' && c <= 'z') {
        digit = c - 'a';
      } else if (c >= 'A' && c <= 'Z') {
        digit = c - 'A';
      } else if (is_digit(c)) {
        digit = c - '0' + 26;
      } else {
        return false;
      }
      if (digit > (kMaxInt - i) / w) return false;
      i += digit * w;
      std::uint32_t t = k <= bias ? kTMin : k >= bias + kTMax ? kTMax : k - bias;
      if (digit < t) break;
      if (w > kMaxInt / (kBase - t)) return false;
      w *= kBase - t;
    }
    std::uint32_t points = static_cast<std::uint32_t>(output->size()) + 1;
    bias = adapt(i - old_i, points, old_i == 0);
    if (i / points > kMaxCodePoint - n) return false;
    n += i / points;
    i %= points;
    if (n < 0x80 || n > kMaxCodePoint || (n >= 0xD800 && n <= 0xDFFF)) return false;
    output->insert(output->begin() + i, static_cast<char32_t>(n));
    ++i;
  }
  return true;
}

// RFC 5891 section 4.2.3.1: no "--" in the third and fourth positions, no hyphen at either end.
bool has_valid_hyphens(const std::u32string& label) {
  if (label.empty() || label.front() == '-' || label.back() == '-') return false;
  return !(label.size() >= 4 && label[2] == '-' && label[3] == '-');
}

// Checks a label given as UTF-8 with libidn2's IDNA2008 registration rules and returns its
// A-label and its code points after NFC. NFC is applied to the input, as idn-email expects a
// non-NFC label to be accepted.
bool register_label(const std::string& u_label, std::string* a_label, std::u32string* normalized) {
  if (u_label.find('\0') != std::string::npos) return false;
  std::uint8_t* registered = nullptr;
  int rc = idn2_register_u8(reinterpret_cast<const std::uint8_t*>(u_label.c_str()), nullptr,
                            &registered, IDN2_NFC_INPUT);
  if (rc != IDN2_OK) {
    if (registered != nullptr) idn2_free(registered);
    return false;
  }
  a_label->assign(reinterpret_cast<const char*>(registered));
  idn2_free(registered);
  // A non-ASCII label that NFC turns into ASCII (U+212A KELVIN SIGN becomes "K") contained a
  // code point that is not valid in a U-label.
  if (a_label->size() > 63 || !starts_with_ignoring_case(*a_label, "xn--")) return false;
  if (!decode_punycode(std::string_view(*a_label).substr(4), normalized)) return false;
  return has_valid_hyphens(*normalized);
}

// An ASCII label that is not an A-label: RFC 1123 letters, digits and hyphens.
bool is_ldh_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  for (char c : label) {
    if (!is_alpha(c) && !is_digit(c) && c != '-') return false;
  }
  return true;
}

// An "xn--" label must decode to a valid U-label that encodes back to the same A-label
// (RFC 5891 section 5.4), which rules out non-canonical Punycode and ASCII-only results.
// Host names are case-insensitive in ASCII, so "XN--BCHER-KVA" is decoded as "xn--bcher-kva";
// otherwise its upper-case basic code points would make a DISALLOWED U-label.
bool check_a_label(std::string_view label, std::u32string* normalized) {
  if (label.size() > 63) return false;
  std::string lowered = lower_ascii(label);
  std::u32string decoded;
  if (!decode_punycode(std::string_view(lowered).substr(4), &decoded)) return false;
  std::string u_label;
  bool has_non_ascii = false;
  for (char32_t code : decoded) {
    if (code >= 0x80) has_non_ascii = true;
    append_utf8(code, &u_label);
  }
  if (!has_non_ascii) return false;
  std::string a_label;
  if (!register_label(u_label, &a_label, normalized)) return false;
  return lower_ascii(a_label) == lowered;
}

// The label separators of RFC 3490 section 3.1, which idn-hostname accepts (RFC 5890 leaves
// their mapping to the application; the test suite expects them).
constexpr std::string_view kFullStops[] = {"\xE3\x80\x82", "\xEF\xBC\x8E", "\xEF\xBD\xA1"};

// A host name as a sequence of labels, each LDH, an A-label or (when `allow_unicode`) a
// U-label; at most 253 octets in its ASCII form.
bool check_host_name(std::string_view value, bool allow_unicode) {
  // Fast path for the common case, plain ASCII LDH labels: no code points, no allocation.
  bool plain = true;
  for (char c : value) plain = plain && static_cast<unsigned char>(c) < 0x80;
  for (std::size_t pos = 0; plain;) {
    std::size_t end = std::min(value.find('.', pos), value.size());
    std::string_view label = value.substr(pos, end - pos);
    if (starts_with_ignoring_case(label, "xn--")) break;  // A-labels take the full path
    if (label.empty() || !is_ldh_label(label)) return false;
    if (end == value.size()) return value.size() <= 253;
    pos = end + 1;
  }
  std::vector<std::u32string> labels;
  std::size_t ascii_length = 0;
  std::size_t pos = 0;
  while (true) {
    // Find the end of the label at the first separator.
    std::size_t end = pos;
    std::size_t separator_length = 0;
    while (end < value.size()) {
      if (value[end] == '.') {
        separator_length = 1;
        break;
      }
      if (allow_unicode) {
        bool found = false;
        for (std::string_view stop : kFullStops) {
          if (value.substr(end, stop.size()) == stop) {
            separator_length = stop.size();
            found = true;
            break;
          }
        }
        if (found) break;
      }
      ++end;
    }
    std::string_view label = value.substr(pos, end - pos);
    if (label.empty()) return false;  // also a leading, trailing or lone separator
    bool ascii = true;
    for (char c : label) {
      if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
    }
    std::u32string code_points;
    if (ascii && starts_with_ignoring_case(label, "xn--")) {
      if (!check_a_label(label, &code_points)) return false;
      ascii_length += label.size();
    } else if (ascii) {
      if (!is_ldh_label(label)) return false;
      for (char c : label) code_points.push_back(static_cast<unsigned char>(to_lower(c)));
      ascii_length += label.size();
    } else {
      if (!allow_unicode) return false;
      // ASCII letters are mapped to lower case first (RFC 5895 style), as host names are
      // case-insensitive in ASCII and IDNA2008 disallows upper-case letters in a U-label.
      std::string a_label;
      if (!register_label(lower_ascii(label), &a_label, &code_points)) return false;
      ascii_length += a_label.size();
    }
    labels.push_back(std::move(code_points));
    if (end == value.size()) break;
    ascii_length += 1;
    pos = end + separator_length;
  }
  if (ascii_length > 253) return false;
  bool bidi_domain = false;
  for (const std::u32string& label : labels) {
    if (has_right_to_left(label)) bidi_domain = true;
  }
  if (bidi_domain) {
    for (const std::u32string& label : labels) {
      if (!satisfies_bidi_rule(label)) return false;
    }
  }
  return true;
}

bool check_hostname(std::string_view value) { return check_host_name(value, false); }
bool check_idn_hostname(std::string_view value) { return check_host_name(value, true); }

// ---------------------------------------------------------------------------------------------
// email (RFC 5321 section 4.1.2 Mailbox) and idn-email (RFC 6531 section 3.3: UTF-8 allowed in
// atext and qtextSMTP, U-labels allowed in the domain).

bool is_atext(char c) {
  if (is_alpha(c) || is_digit(c)) return true;
  constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return kSpecials.find(c) != std::string_view::npos;
}

bool check_mailbox(std::string_view value, bool international) {
  auto is_utf8 = [&](char c) { return international && static_cast<unsigned char>(c) >= 0x80; };
  std::size_t pos = 0;
  if (!value.empty() && value[0] == '"') {
    // Quoted-string = DQUOTE *QcontentSMTP DQUOTE
    pos = 1;
    while (true) {
      if (pos >= value.size()) return false;
      char c = value[pos];
      if (c == '"') break;
      if (c == '\\') {
        if (pos + 1 >= value.size() || value[pos + 1] < 32 || value[pos + 1] > 126) return false;
        pos += 2;
      } else if ((c >= 32 && c <= 126 && c != '"' && c != '\\') || is_utf8(c)) {
        ++pos;
      } else {
        return false;
      }
    }
    ++pos;
  } else {
    // Dot-string = Atom *("." Atom): no empty atom, so no leading, trailing or double dot.
    bool atom_empty = true;
    while (pos < value.size() && value[pos] != '@') {
      char c = value[pos];
      if (c == '.') {
        if (atom_empty) return false;
        atom_empty = true;
      } else if (is_atext(c) || is_utf8(c)) {
        atom_empty = false;
      } else {
        return false;
      }
      ++pos;
    }
    if (atom_empty) return false;
  }
  // RFC 5321 section 4.5.3.1.1: a local part has at most 64 octets.
  if (pos > 64 || pos >= value.size() || value[pos] != '@') return false;
  std::string_view domain = value.substr(pos + 1);
  // RFC 5321 section 4.5.3.1.3: a path has at most 256 octets including "<" and ">".
  if (!international && value.size() > 254) return false;
  if (!domain.empty() && domain.front() == '[') {
    if (domain.back() != ']') return false;
    std::string_view literal = domain.substr(1, domain.size() - 2);
    // Only the IPv6 tag is registered for a General-address-literal, so no other tag can
    // name a reachable host.
    if (starts_with_ignoring_case(literal, "ipv6:")) return is_ipv6_address(literal.substr(5));
    return is_ipv4_address(literal);
  }
  return check_host_name(domain, international);
}

bool check_email(std::string_view value) { return check_mailbox(value, false); }
bool check_idn_email(std::string_view value) { return check_mailbox(value, true); }

// ---------------------------------------------------------------------------------------------
// Addresses and URIs.

bool check_ipv4(std::string_view value) { return is_ipv4_address(value); }
bool check_ipv6(std::string_view value) { return is_ipv6_address(value); }
bool check_uri(std::string_view value) { return is_uri(value); }
bool check_uri_reference(std::string_view value) { return is_uri_reference(value); }
bool check_iri(std::string_view value) { return is_iri(value); }
bool check_iri_reference(std::string_view value) { return is_iri_reference(value); }

// RFC 3987 ucschar and iprivate, which RFC 6570 allows in literals.
bool is_ucschar_or_iprivate(std::int32_t c) {
  if ((c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFEF)) {
    return true;
  }
  // Planes 1 to 16 without each plane's last two code points (xFFFE, xFFFF); plane 14 is
  // ucschar up to xEFFFD and planes 15-16 are iprivate up to xFFFFD / x10FFFD.
  return c >= 0x10000 && c <= 0x10FFFD && (c & 0xFFFF) <= 0xFFFD;
}

bool is_pct_encoded(std::string_view text, std::size_t pos) {
  return pos + 2 < text.size() && text[pos] == '%' && is_hex(text[pos + 1]) &&
         is_hex(text[pos + 2]);
}

// RFC 6570 section 2.3: variable-list = varspec *( "," varspec ), varspec = varname
// [ ":" max-length / "*" ], varname = varchar *( ["."] varchar ).
bool check_variable_list(std::string_view list) {
  std::size_t pos = 0;
  while (true) {
    // varname
    bool need_varchar = true;
    while (pos < list.size()) {
      char c = list[pos];
      if (is_alpha(c) || is_digit(c) || c == '_') {
        ++pos;
      } else if (c == '%') {
        if (!is_pct_encoded(list, pos)) return false;
        pos += 3;
      } else if (c == '.' && !need_varchar) {
        ++pos;
        need_varchar = true;
        continue;
      } else {
        break;
      }
      need_varchar = false;
    }
    if (need_varchar) return false;  // empty name, or a name ending in '.' or with ".."
    // modifier-level4
    if (pos < list.size() && list[pos] == '*') {
      ++pos;
    } else if (pos < list.size() && list[pos] == ':') {
      // max-length = %x31-39 0*3DIGIT
      ++pos;
      std::size_t digits_begin = pos;
      while (pos < list.size() && is_digit(list[pos])) ++pos;
      std::size_t digits = pos - digits_begin;
      if (digits == 0 || digits > 4 || list[digits_begin] == '0') return false;
    }
    if (pos == list.size()) return true;
    if (list[pos] != ',') return false;
    ++pos;
  }
}

// RFC 6570 level 4 syntax. Literals take any character but CTL, SP, DQUOTE, "%" (unless
// pct-encoded), "<", ">", "\", "^", "`", "{", "|", "}". The RFC's ABNF also leaves out "'",
// contradicting its own prose (a sub-delim, allowed everywhere else); it is accepted here as
// the JSON-Schema-Test-Suite expects. The reserved operators "=", ",", "!", "@", "|" have no
// defined expansion, so a template using them cannot be expanded and is rejected.
bool check_uri_template(std::string_view value) {
  std::size_t pos = 0;
  while (pos < value.size()) {
    char c = value[pos];
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '{') {
      std::size_t close = value.find('}', pos);
      if (close == std::string_view::npos) return false;
      std::string_view expression = value.substr(pos + 1, close - pos - 1);
      if (!expression.empty() && std::string_view("+#./;?&").find(expression[0]) !=
                                     std::string_view::npos) {
        expression.remove_prefix(1);
      }
      if (!check_variable_list(expression)) return false;
      pos = close + 1;
    } else if (c == '%') {
      if (!is_pct_encoded(value, pos)) return false;
      pos += 3;
    } else if (u >= 0x80) {
      std::int32_t code = next_code_point(value, &pos);
      if (code < 0 || !is_ucschar_or_iprivate(code)) return false;
    } else {
      if (u <= 0x20 || u == 0x7F) return false;
      if (std::string_view("\"<>\\^`{|}").find(c) != std::string_view::npos) return false;
      ++pos;
    }
  }
  return true;
}

// RFC 4122 section 3 string form, any version and variant.
bool check_uuid(std::string_view value) {
  if (value.size() != 36) return false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    bool hyphen = i == 8 || i == 13 || i == 18 || i == 23;
    if (hyphen ? value[i] != '-' : !is_hex(value[i])) return false;
  }
  return true;
}

// RFC 6901: empty, or "/" reference tokens in which "~" is always followed by "0" or "1".
bool check_json_pointer(std::string_view value) {
  if (value.empty()) return true;
  if (value[0] != '/') return false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '~' && (i + 1 == value.size() || (value[i + 1] != '0' && value[i + 1] != '1'))) {
      return false;
    }
  }
  return true;
}

// draft-bhutton-relative-json-pointer-00: non-negative-integer ( "#" / json-pointer ).
bool check_relative_json_pointer(std::string_view value) {
  std::size_t digits = 0;
  while (digits < value.size() && is_digit(value[digits])) ++digits;
  if (digits == 0 || (digits > 1 && value[0] == '0')) return false;
  std::string_view rest = value.substr(digits);
  return rest == "#" || check_json_pointer(rest);
}

// An ECMA-262 pattern is valid when it translates to RE2 and RE2 accepts the translation.
bool check_regex(std::string_view value) { return is_valid_ecma_regex(value); }

// RFC 4648 section 4 base64 with padding, as OpenAPI's "byte". Non-zero pad bits are accepted
// (RFC 4648 section 3.5 lets decoders choose).
bool check_byte(std::string_view value) { return base64_decode(value, nullptr); }

struct FormatEntry {
  std::string_view name;
  StringFormatCheck check;
};

constexpr FormatEntry kFormats[] = {
    {"date", check_date},
    {"time", check_time},
    {"date-time", check_date_time},
    {"duration", check_duration},
    {"email", check_email},
    {"idn-email", check_idn_email},
    {"hostname", check_hostname},
    {"idn-hostname", check_idn_hostname},
    {"ipv4", check_ipv4},
    {"ipv6", check_ipv6},
    {"uri", check_uri},
    {"uri-reference", check_uri_reference},
    {"iri", check_iri},
    {"iri-reference", check_iri_reference},
    {"uri-template", check_uri_template},
    {"uuid", check_uuid},
    {"json-pointer", check_json_pointer},
    {"relative-json-pointer", check_relative_json_pointer},
    {"regex", check_regex},
    {"byte", check_byte},
};

}  // namespace

bool base64_decode(std::string_view text, std::string* out) {
  if (text.size() % 4 != 0) return false;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  if (out) out->clear();
  std::uint32_t bits = 0;
  int count = 0;
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    char c = text[i];
    std::uint32_t sextet;
    if (c >= 'A' && c <= 'Z') sextet = static_cast<std::uint32_t>(c - 'A');
    else if (c >= 'a' && c <= 'z') sextet = static_cast<std::uint32_t>(c - 'a' + 26);
    else if (c >= '0' && c <= '9') sextet = static_cast<std::uint32_t>(c - '0' + 52);
    else if (c == '+') sextet = 62;
    else if (c == '/') sextet = 63;
    else return false;
    bits = (bits << 6) | sextet;
    if (++count == 4) {
      if (out) {
        out->push_back(static_cast<char>(bits >> 16));
        out->push_back(static_cast<char>(bits >> 8));
        out->push_back(static_cast<char>(bits));
      }
      bits = 0;
      count = 0;
    }
  }
  if (out && count == 3) {
    out->push_back(static_cast<char>(bits >> 10));
    out->push_back(static_cast<char>(bits >> 2));
  } else if (out && count == 2) {
    out->push_back(static_cast<char>(bits >> 4));
  }
  return true;
}

StringFormatCheck find_string_format(std::string_view name) {
  for (const FormatEntry& entry : kFormats) {
    if (entry.name == name) return entry.check;
  }
  return nullptr;
}

}  // namespace specgate::detail
