// Tests for the ECMA-262 -> RE2 translation. Every rule is checked by behaviour: the pattern is
// translated, compiled by RE2 with the options the header prescribes, and run with
// RE2::PartialMatch (the unanchored search JSON Schema's `pattern` uses). The second half registers
// the regex cases of the official JSON-Schema-Test-Suite at run time, one test per case.
#include "ecma_regex.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace specgate::detail {
namespace {

RE2::Options re2_options() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingUTF8);
  options.set_posix_syntax(false);
  options.set_longest_match(false);
  options.set_log_errors(false);
  return options;
}

std::string utf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return out;
}

// Translation and compilation must succeed in both predicates, so a pattern that fails to
// translate can never pass as "does not match".
testing::AssertionResult run_match(std::string_view ecma, std::string_view subject, bool want) {
  std::string re2_text;
  std::string error;
  if (!translate_ecma_regex(ecma, &re2_text, &error)) {
    return testing::AssertionFailure() << "translating /" << ecma << "/ failed: " << error;
  }
  RE2 re(re2_text, re2_options());
  if (!re.ok()) {
    return testing::AssertionFailure() << "RE2 rejected '" << re2_text << "' (from /" << ecma
                                       << "/): " << re.error();
  }
  if (RE2::PartialMatch(subject, re) == want) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "/" << ecma << "/ -> '" << re2_text << "' "
                                     << (want ? "does not match" : "matches") << " \"" << subject
                                     << "\"";
}

testing::AssertionResult Matches(std::string_view ecma, std::string_view subject) {
  return run_match(ecma, subject, true);
}
testing::AssertionResult DoesNotMatch(std::string_view ecma, std::string_view subject) {
  return run_match(ecma, subject, false);
}

std::string translated(std::string_view ecma) {
  std::string re2_text;
  std::string error;
  if (!translate_ecma_regex(ecma, &re2_text, &error)) return "<error: " + error + ">";
  return re2_text;
}

// The error message for a pattern that must be rejected, or "<accepted>".
std::string rejection(std::string_view ecma) {
  std::string re2_text;
  std::string error;
  if (translate_ecma_regex(ecma, &re2_text, &error)) return "<accepted: " + re2_text + ">";
  return error;
}

testing::AssertionResult Contains(const std::string& text, std::string_view part) {
  if (text.find(part) != std::string::npos) return testing::AssertionSuccess() << text;
  return testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

// --- '.' and the class escapes ------------------------------------------------------------------

TEST(EcmaRegexDot, ExcludesEcmaLineTerminators) {
  for (char32_t cp : {U'\n', U'\r', U'\u2028', U'\u2029'}) {
    EXPECT_TRUE(DoesNotMatch("^.$", utf8(cp))) << "U+" << std::hex << static_cast<int>(cp);
  }
  EXPECT_TRUE(DoesNotMatch("a.b", "a\r\nb"));
}

TEST(EcmaRegexDot, MatchesEveryOtherCodePointOnce) {
  for (char32_t cp : {U'a', U'\t', U'\v', U'\f', U'\u0085', U'\u00e9', U'\u202F', U'\U0001F600'}) {
    EXPECT_TRUE(Matches("^.$", utf8(cp))) << "U+" << std::hex << static_cast<int>(cp);
  }
  EXPECT_TRUE(DoesNotMatch("^.$", utf8(U'\U0001F600') + "x"));
  EXPECT_TRUE(Matches("^.{2}$", utf8(U'\U0001F600') + utf8(U'\u00e9')));
}

TEST(EcmaRegexClassEscapes, DigitIsAsciiOnly) {
  EXPECT_TRUE(Matches("^\\d+$", "0123456789"));
  EXPECT_TRUE(DoesNotMatch("^\\d$", utf8(U'\u0660')));  // ARABIC-INDIC DIGIT ZERO
  EXPECT_TRUE(DoesNotMatch("^\\d$", utf8(U'\uFF10')));  // FULLWIDTH DIGIT ZERO
  EXPECT_TRUE(Matches("^\\D$", utf8(U'\u0660')));
  EXPECT_TRUE(Matches("^\\D$", "\n"));
  EXPECT_TRUE(DoesNotMatch("^\\D$", "7"));
}

TEST(EcmaRegexClassEscapes, WordIsAsciiOnly) {
  EXPECT_TRUE(Matches("^\\w+$", "azAZ09_"));
  EXPECT_TRUE(DoesNotMatch("^\\w$", utf8(U'\u00e9')));
  EXPECT_TRUE(DoesNotMatch("^\\w$", utf8(U'\u212A')));  // KELVIN SIGN
  EXPECT_TRUE(DoesNotMatch("^\\w$", "-"));
  EXPECT_TRUE(Matches("^\\W$", utf8(U'\u00e9')));
  EXPECT_TRUE(Matches("^\\W$", "-"));
  EXPECT_TRUE(DoesNotMatch("^\\W$", "_"));
}

const std::vector<char32_t>& ecma_whitespace() {
  static const std::vector<char32_t> kSpaces = {
      0x09,   0x0A,   0x0B,   0x0C,   0x0D,   0x20,   0xA0,   0x1680, 0x2000, 0x2001,
      0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028,
      0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF};
  return kSpaces;
}

// Unicode White_Space or look-alikes that ECMA's \s does not contain.
const std::vector<char32_t>& not_ecma_whitespace() {
  static const std::vector<char32_t> kOthers = {U'a', 0x01, 0x85, 0x180E, 0x200B, 0x2013, 0x2060};
  return kOthers;
}

TEST(EcmaRegexClassEscapes, SpaceIsEcmaWhiteSpaceAndLineTerminators) {
  for (char32_t cp : ecma_whitespace()) {
    const std::string s = utf8(cp);
    SCOPED_TRACE(testing::Message() << "U+" << std::hex << static_cast<int>(cp));
    EXPECT_TRUE(Matches("^\\s$", s));
    EXPECT_TRUE(DoesNotMatch("^\\S$", s));
    EXPECT_TRUE(Matches("^[\\s]$", s));
    EXPECT_TRUE(DoesNotMatch("^[\\S]$", s));
    EXPECT_TRUE(DoesNotMatch("^[^\\s]$", s));
    EXPECT_TRUE(Matches("^[^\\S]$", s));
    EXPECT_TRUE(Matches("^[x\\s]$", s));
    EXPECT_TRUE(DoesNotMatch("^[^x\\s]$", s));
  }
  for (char32_t cp : not_ecma_whitespace()) {
    const std::string s = utf8(cp);
    SCOPED_TRACE(testing::Message() << "U+" << std::hex << static_cast<int>(cp));
    EXPECT_TRUE(DoesNotMatch("^\\s$", s));
    EXPECT_TRUE(Matches("^\\S$", s));
    EXPECT_TRUE(Matches("^[^\\s]$", s));
    EXPECT_TRUE(DoesNotMatch("^[^\\S]$", s));
  }
}

TEST(EcmaRegexClassEscapes, CombineInsideClasses) {
  EXPECT_TRUE(Matches("^[\\s\\d]+$", " 1\t2"));
  EXPECT_TRUE(DoesNotMatch("^[\\s\\d]$", "a"));
  EXPECT_TRUE(Matches("^[^\\s\\d]$", "a"));
  EXPECT_TRUE(DoesNotMatch("^[^\\s\\d]$", "5"));
  EXPECT_TRUE(DoesNotMatch("^[^\\s\\d]$", " "));
  // [\S\d] is everything but whitespace; [^\S\s] is nothing at all.
  EXPECT_TRUE(Matches("^[\\S\\d]$", "a"));
  EXPECT_TRUE(DoesNotMatch("^[\\S\\d]$", " "));
  EXPECT_TRUE(DoesNotMatch("[^\\S\\s]", "a \n1"));
  EXPECT_TRUE(Matches("^[\\w-]+$", "a-b_c"));
  EXPECT_TRUE(Matches("^[^\\W_]+$", "abc123"));
  EXPECT_TRUE(DoesNotMatch("^[^\\W_]+$", "a_b"));
}

// --- Assertions ---------------------------------------------------------------------------------

TEST(EcmaRegexAssertions, DollarDoesNotMatchBeforeFinalNewline) {
  EXPECT_EQ(translated("^abc$"), "^abc$");
  EXPECT_TRUE(Matches("^abc$", "abc"));
  EXPECT_TRUE(DoesNotMatch("^abc$", "abc\n"));
  EXPECT_TRUE(DoesNotMatch("abc$", "abc\ndef"));
}

TEST(EcmaRegexAssertions, CaretOnlyAtStartOfInput) {
  EXPECT_TRUE(DoesNotMatch("^abc", "x\nabc"));
  EXPECT_TRUE(Matches("^abc", "abcx"));
}

TEST(EcmaRegexAssertions, PatternsAreUnanchored) {
  EXPECT_TRUE(Matches("a+", "xxaayy"));
  EXPECT_TRUE(Matches("", "anything"));
}

TEST(EcmaRegexAssertions, WordBoundaryIsAscii) {
  EXPECT_TRUE(Matches("\\bfoo\\b", "a foo b"));
  EXPECT_TRUE(DoesNotMatch("\\bfoo\\b", "afoo"));
  EXPECT_TRUE(Matches("\\Boo\\B", "fooz"));
  EXPECT_TRUE(DoesNotMatch("\\Boo\\b", "o oo"));
  // e-acute is not an ECMA word character, so no boundary lies before it at the start.
  EXPECT_TRUE(DoesNotMatch("^\\b" + utf8(U'\u00e9'), utf8(U'\u00e9')));
  EXPECT_TRUE(Matches("a\\b" + utf8(U'\u00e9'), "a" + utf8(U'\u00e9')));
}

TEST(EcmaRegexAssertions, NotWordBoundaryNeverInsideACharacter) {
  // RE2 alone would find \B between the bytes of a multi-byte character.
  EXPECT_TRUE(DoesNotMatch("\\B", "_" + utf8(U'\u2C80') + "2"));
  EXPECT_TRUE(DoesNotMatch("\\B", "2" + utf8(U'\u0085') + "A"));
  EXPECT_TRUE(DoesNotMatch("\\B(?:)", "a" + utf8(U'\U0001F600') + "b"));
  EXPECT_TRUE(Matches("\\B", ""));
  EXPECT_TRUE(Matches("\\B", "\n"));
  EXPECT_TRUE(Matches("\\B", "ab"));
  EXPECT_TRUE(Matches("^\\B" + utf8(U'\u00e9') + "\\B$", utf8(U'\u00e9')));
  EXPECT_TRUE(Matches("x\\B|y", "y"));
}

// --- Character escapes --------------------------------------------------------------------------

TEST(EcmaRegexEscapes, ControlEscapes) {
  EXPECT_TRUE(Matches("^\\t\\n\\v\\f\\r$", "\t\n\v\f\r"));
  EXPECT_TRUE(DoesNotMatch("^\\t$", "\\t"));
  EXPECT_TRUE(DoesNotMatch("^\\n$", "n"));
}

TEST(EcmaRegexEscapes, ControlLetterEscapes) {
  EXPECT_TRUE(Matches("^\\cC$", "\x03"));
  EXPECT_TRUE(Matches("^\\cc$", "\x03"));
  EXPECT_TRUE(Matches("^\\cJ$", "\n"));
  EXPECT_TRUE(Matches("^\\cZ\\ca$", "\x1A\x01"));
  EXPECT_TRUE(Matches("^[\\cA-\\cC]+$", "\x01\x02\x03"));
  EXPECT_TRUE(DoesNotMatch("^\\cC$", "\\cC"));
}

TEST(EcmaRegexEscapes, NulAndHexEscapes) {
  EXPECT_TRUE(Matches("^\\0$", std::string("\0", 1)));
  EXPECT_TRUE(Matches("^a\\0b$", std::string("a\0b", 3)));
  EXPECT_TRUE(Matches("^\\x41\\x7a$", "Az"));
  EXPECT_TRUE(Matches("^\\xe9$", utf8(U'\u00e9')));
  EXPECT_TRUE(Matches("^[\\x30-\\x39]+$", "0429"));
}

TEST(EcmaRegexEscapes, UnicodeEscapes) {
  EXPECT_TRUE(Matches("^\\u0041$", "A"));
  EXPECT_TRUE(Matches("^\\u00e9$", utf8(U'\u00e9')));
  EXPECT_TRUE(Matches("^\\u{1F600}$", utf8(U'\U0001F600')));
  EXPECT_TRUE(Matches("^\\u{41}\\u{000000042}$", "AB"));
  EXPECT_TRUE(Matches("^\\u{0}$", std::string("\0", 1)));
  EXPECT_TRUE(Matches("^[\\u{1F600}-\\u{1F64F}]$", utf8(U'\U0001F610')));
  EXPECT_TRUE(DoesNotMatch("^[\\u{1F600}-\\u{1F64F}]$", utf8(U'\U0001F650')));
}

TEST(EcmaRegexEscapes, SurrogatePairsJoinIntoOneCodePoint) {
  const std::string grin = utf8(U'\U0001F600');
  EXPECT_TRUE(Matches("^\\uD83D\\uDE00$", grin));
  // The quantifier applies to the whole code point, not to the trailing surrogate.
  EXPECT_TRUE(Matches("^\\uD83D\\uDE00{2}$", grin + grin));
  EXPECT_TRUE(Matches("^[\\uD83D\\uDE00-\\uD83D\\uDE4F]$", utf8(U'\U0001F610')));
  EXPECT_TRUE(Matches("^\\ud83d\\ude00+$", grin + grin + grin));
  // A lone surrogate is a code point of its own that no well-formed string contains.
  EXPECT_TRUE(DoesNotMatch("\\uD83D", grin));
  EXPECT_TRUE(Matches("^\\uD83Dx|y$", "y"));
}

TEST(EcmaRegexEscapes, IdentityEscapesOfSyntaxCharacters) {
  for (char c : std::string_view("^$\\.*+?()[]{}|/")) {
    const std::string pattern = std::string("^\\") + c + "$";
    EXPECT_TRUE(Matches(pattern, std::string(1, c))) << pattern;
    EXPECT_TRUE(DoesNotMatch(pattern, "x")) << pattern;
    const std::string in_class = std::string("^[\\") + c + "]$";
    EXPECT_TRUE(Matches(in_class, std::string(1, c))) << in_class;
  }
  EXPECT_TRUE(Matches("^[a\\-z]+$", "a-z"));
  EXPECT_TRUE(DoesNotMatch("^[a\\-z]$", "b"));
  EXPECT_TRUE(Matches("^[\\b]$", "\b"));
}

TEST(EcmaRegexLiterals, EveryPatternCharacterIsLiteral) {
  // RE2-specific syntax must stay literal: '#', '-', '/', ':', '<', '=', '&', '~', ' ' ...
  for (int c = 0x20; c < 0x7F; ++c) {
    const std::string literal(1, static_cast<char>(c));
    if (std::string_view("^$\\.*+?()[]{}|").find(static_cast<char>(c)) != std::string::npos) {
      continue;
    }
    EXPECT_TRUE(Matches("^" + literal + "$", literal)) << "char " << c;
    EXPECT_TRUE(DoesNotMatch("^" + literal + "$", literal + literal)) << "char " << c;
  }
  EXPECT_TRUE(Matches("^a\tb$", "a\tb"));
  EXPECT_TRUE(Matches("^(?:x)#y$", "x#y"));
}

TEST(EcmaRegexLiterals, NonAsciiPassesThroughAsUtf8) {
  const std::string e_acute = utf8(U'\u00e9');
  EXPECT_EQ(translated(e_acute + "+"), e_acute + "+");
  EXPECT_TRUE(Matches("^" + e_acute + "+$", e_acute + e_acute));
  const std::string dragon = utf8(U'\U0001F432');
  EXPECT_TRUE(Matches("^" + dragon + "*$", dragon + dragon));
  EXPECT_TRUE(DoesNotMatch("^" + dragon + "*$", utf8(U'\U0001F409')));
  EXPECT_TRUE(Matches("^[" + e_acute + dragon + "]{2}$", dragon + e_acute));
}

TEST(EcmaRegexLiterals, RejectsInvalidUtf8) {
  EXPECT_TRUE(Contains(rejection("a\xFF"), "UTF-8"));
  EXPECT_TRUE(Contains(rejection("\xED\xA0\x80"), "UTF-8"));  // an encoded surrogate
}

// --- Character classes --------------------------------------------------------------------------

TEST(EcmaRegexClasses, RangesAndNegation) {
  EXPECT_TRUE(Matches("^[a-z]+$", "hello"));
  EXPECT_TRUE(DoesNotMatch("^[a-z]$", "A"));
  EXPECT_TRUE(Matches("^[^a-z]$", "A"));
  EXPECT_TRUE(Matches("^[^a-z]$", "\n"));
  EXPECT_TRUE(DoesNotMatch("^[^a-z]$", "q"));
  EXPECT_TRUE(Matches("^[a-c-e]+$", "a-e"));  // '-' after a range is literal
  EXPECT_TRUE(DoesNotMatch("^[a-c-e]$", "d"));
  EXPECT_TRUE(Matches("^[-a]+$", "-a"));
  EXPECT_TRUE(Matches("^[a-]+$", "-a"));
  EXPECT_TRUE(Matches("^[--/]+$", "-./"));
  EXPECT_TRUE(Matches("^[\\d-]+$", "1-2"));
}

TEST(EcmaRegexClasses, Re2ClassSyntaxStaysLiteral) {
  EXPECT_TRUE(Matches("^[[:a]+$", "[:a"));
  EXPECT_TRUE(DoesNotMatch("^[[:a]$", "b"));
  EXPECT_TRUE(Matches("^[a^]+$", "^a"));
  EXPECT_TRUE(Matches("^[\\^]$", "^"));
  EXPECT_TRUE(Matches("^[\\\\]$", "\\"));
  EXPECT_TRUE(Matches("^[.*+?(){}|$/]+$", ".*+?(){}|$/"));
  EXPECT_TRUE(DoesNotMatch("^[.]$", "a"));
}

TEST(EcmaRegexClasses, EmptyAndNegatedEmptyClasses) {
  EXPECT_TRUE(DoesNotMatch("[]", "anything"));
  EXPECT_TRUE(DoesNotMatch("[]", ""));
  EXPECT_TRUE(Matches("a[]?b", "ab"));
  EXPECT_TRUE(Matches("^[^]$", "\n"));
  EXPECT_TRUE(Matches("^[^]$", utf8(U'\u2028')));
  EXPECT_TRUE(Matches("^[^]+$", "a\r\nb"));
  EXPECT_TRUE(DoesNotMatch("^[^]$", ""));
}

// --- Unicode properties -------------------------------------------------------------------------

TEST(EcmaRegexProperties, GeneralCategoryNames) {
  const std::string pi = utf8(U'\u03c0');
  for (const char* pattern : {"^\\p{L}+$", "^\\p{Letter}+$", "^\\p{gc=L}+$",
                              "^\\p{General_Category=Letter}+$", "^[\\p{L}]+$"}) {
    EXPECT_TRUE(Matches(pattern, "Hello" + pi)) << pattern;
    EXPECT_TRUE(DoesNotMatch(pattern, "123")) << pattern;
  }
  EXPECT_TRUE(Matches("^\\p{Lu}$", "A"));
  EXPECT_TRUE(DoesNotMatch("^\\p{Uppercase_Letter}$", "a"));
  EXPECT_TRUE(Matches("^\\p{digit}+$", utf8(U'\u09ea') + utf8(U'\u09e8')));
  EXPECT_TRUE(Matches("^\\p{Nd}+$", "42"));
  EXPECT_TRUE(Matches("^\\p{punct}$", "!"));
  EXPECT_TRUE(Matches("^\\p{Combining_Mark}$", utf8(U'\u0301')));
  EXPECT_TRUE(Matches("^\\p{cntrl}$", "\x01"));
  EXPECT_TRUE(Matches("^\\p{Zs}$", utf8(U'\u3000')));
  EXPECT_TRUE(Matches("^\\P{L}$", "1"));
  EXPECT_TRUE(DoesNotMatch("^\\P{L}$", "a"));
  EXPECT_TRUE(Matches("^[^\\p{L}]$", "1"));
  EXPECT_TRUE(Matches("^[\\P{L}a]+$", "1a"));
  EXPECT_TRUE(DoesNotMatch("^[^\\P{L}a]$", "a"));
  EXPECT_TRUE(Matches("^[^\\P{L}a]$", "b"));
}

TEST(EcmaRegexProperties, EveryGeneralCategoryTranslatesAndCompiles) {
  for (const char* name :
       {"L",  "Lu", "Ll", "Lt", "Lm", "Lo", "LC", "M",  "Mn", "Mc", "Me", "N",  "Nd",
        "Nl", "No", "P",  "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S",  "Sm", "Sc",
        "Sk", "So", "Z",  "Zs", "Zl", "Zp", "C",  "Cc", "Cf", "Cs", "Co", "Cn"}) {
    for (const std::string& pattern :
         {std::string("\\p{") + name + "}", std::string("\\P{") + name + "}",
          std::string("[\\p{") + name + "}]", std::string("[^\\p{") + name + "}]"}) {
      EXPECT_TRUE(Matches(pattern + "|x", "x")) << pattern;
    }
  }
}

TEST(EcmaRegexProperties, CategoriesRe2Lacks) {
  // LC = Lu | Ll | Lt.
  EXPECT_TRUE(Matches("^\\p{LC}+$", "aB" + utf8(U'\u01C5')));
  EXPECT_TRUE(DoesNotMatch("^\\p{Cased_Letter}$", utf8(U'\u05D0')));  // Lo
  // Cn (unassigned): U+0378 is unassigned, U+0377 is a letter.
  EXPECT_TRUE(Matches("^\\p{Cn}$", utf8(U'\u0378')));
  EXPECT_TRUE(DoesNotMatch("^\\p{Unassigned}$", utf8(U'\u0377')));
  EXPECT_TRUE(Matches("^\\P{Cn}$", utf8(U'\u0377')));
  EXPECT_TRUE(DoesNotMatch("^\\P{Cn}$", utf8(U'\u0378')));
  // C includes Cn, which RE2's C does not.
  EXPECT_TRUE(Matches("^\\p{C}$", utf8(U'\u0378')));
  EXPECT_TRUE(Matches("^\\p{Other}$", "\x01"));
  EXPECT_TRUE(DoesNotMatch("^\\p{C}$", "a"));
  EXPECT_TRUE(Matches("^[a\\p{Cn}]+$", "a" + utf8(U'\u0378')));
  EXPECT_TRUE(DoesNotMatch("^[a\\p{Cn}]$", "b"));
  EXPECT_TRUE(Matches("^[^\\p{Cn}]$", "b"));
  EXPECT_TRUE(DoesNotMatch("^[^\\p{Cn}]$", utf8(U'\u0378')));
  EXPECT_TRUE(Contains(rejection("[^a\\p{Cn}]"), "not supported"));
}

TEST(EcmaRegexProperties, Scripts) {
  const std::string pi = utf8(U'\u03c0');
  for (const char* pattern : {"^\\p{Script=Greek}$", "^\\p{sc=Greek}$", "^\\p{sc=Grek}$",
                              "^\\p{Script=Grek}$", "^[\\p{Script=Greek}]$"}) {
    EXPECT_TRUE(Matches(pattern, pi)) << pattern;
    EXPECT_TRUE(DoesNotMatch(pattern, "p")) << pattern;
  }
  EXPECT_TRUE(Matches("^\\P{Script=Greek}$", "p"));
  EXPECT_TRUE(Matches("^\\p{Script=Latin}+$", "abc"));
  EXPECT_TRUE(Matches("^\\p{sc=Hani}$", utf8(U'\u4E2D')));
  EXPECT_TRUE(Matches("^\\p{sc=Zinh}$", utf8(U'\u0301')));
  EXPECT_TRUE(Matches("^\\p{sc=Qaac}$", utf8(U'\u2C80')));  // Coptic by its second alias
  EXPECT_TRUE(Matches("^\\p{Script=Old_Italic}$", utf8(U'\U00010300')));
}

TEST(EcmaRegexProperties, BinaryPropertiesWithFixedExtent) {
  EXPECT_TRUE(Matches("^\\p{ASCII}+$", "abc\x7F"));
  EXPECT_TRUE(DoesNotMatch("^\\p{ASCII}$", utf8(U'\u0080')));
  EXPECT_TRUE(Matches("^\\p{Any}$", "\n"));
  EXPECT_TRUE(Matches("^\\p{Any}$", utf8(U'\U0010FFFF')));
  EXPECT_TRUE(DoesNotMatch("\\P{Any}", "abc\n"));
  EXPECT_TRUE(Matches("^\\p{AHex}+$", "09afAF"));
  EXPECT_TRUE(DoesNotMatch("^\\p{ASCII_Hex_Digit}$", "g"));
  EXPECT_TRUE(Matches("^\\p{Hex_Digit}$", utf8(U'\uFF21')));
  EXPECT_TRUE(Matches("^\\p{Assigned}$", "a"));
  EXPECT_TRUE(DoesNotMatch("^\\p{Assigned}$", utf8(U'\u0378')));
  EXPECT_TRUE(Matches("^\\P{Assigned}$", utf8(U'\u0378')));
  EXPECT_TRUE(Matches("^\\p{White_Space}$", utf8(U'\u0085')));  // unlike \s
  EXPECT_TRUE(DoesNotMatch("^\\p{space}$", utf8(U'\uFEFF')));   // unlike \s
  EXPECT_TRUE(Matches("^\\p{Pattern_White_Space}$", utf8(U'\u200E')));
  EXPECT_TRUE(Matches("^\\p{Join_C}$", utf8(U'\u200D')));
  EXPECT_TRUE(Matches("^\\p{Bidi_C}$", utf8(U'\u202E')));
  EXPECT_TRUE(Matches("^\\p{RI}$", utf8(U'\U0001F1E6')));
  EXPECT_TRUE(Matches("^\\p{NChar}$", utf8(U'\U0010FFFF')));
  EXPECT_TRUE(DoesNotMatch("^\\p{NChar}$", utf8(U'\U0010FFFD')));
}

TEST(EcmaRegexProperties, UnsupportedPropertiesAreReported) {
  EXPECT_TRUE(Contains(rejection("\\p{Alphabetic}"), "Alphabetic is not supported by RE2"));
  EXPECT_TRUE(Contains(rejection("\\p{Alpha}"), "Alphabetic is not supported by RE2"));
  EXPECT_TRUE(Contains(rejection("[\\p{Emoji}]"), "Emoji is not supported by RE2"));
  EXPECT_TRUE(Contains(rejection("\\p{Script_Extensions=Greek}"),
              "Script_Extensions is not supported by RE2"));
  EXPECT_TRUE(Contains(rejection("\\p{scx=Grek}"), "Script_Extensions is not supported"));
  EXPECT_TRUE(Contains(rejection("\\p{Script=Unknown}"), "not supported"));
}

TEST(EcmaRegexProperties, InvalidPropertiesAreSyntaxErrors) {
  for (const char* pattern : {"\\p{letter}", "\\p{Greek}", "\\p{Foo=Bar}", "\\p{Script=Foo}",
                              "\\p{gc=Greek}", "\\p{L", "\\pL", "\\p", "\\p{}", "\\p{L-u}",
                              "[\\p{L}-z]", "\\p{General_Category}"}) {
    const std::string error = rejection(pattern);
    EXPECT_TRUE(Contains(error, "invalid")) << pattern;
  }
  EXPECT_TRUE(Contains(rejection("\\p{Greek}"), "\\p{Script=Name}"));
}

// --- Groups and quantifiers ---------------------------------------------------------------------

TEST(EcmaRegexGroups, NamedGroupsBecomeRe2NamedGroups) {
  const std::string re2_text = translated("(?<year>\\d{4})-(?<month>\\d{2})");
  EXPECT_EQ(re2_text, "(?P<year>[0-9]{4})-(?P<month>[0-9]{2})");
  RE2 re(re2_text, re2_options());
  ASSERT_TRUE(re.ok()) << re.error();
  EXPECT_EQ(re.NamedCapturingGroups().at("year"), 1);
  EXPECT_EQ(re.NamedCapturingGroups().at("month"), 2);
  std::string year;
  EXPECT_TRUE(RE2::PartialMatch("on 2024-05", re, &year));
  EXPECT_EQ(year, "2024");
}

TEST(EcmaRegexGroups, NamesRe2CannotTakeStillCapture) {
  // '$' and escapes are valid in ECMA group names; the capture numbering must not shift.
  EXPECT_EQ(translated("(?<a$>x)(y)"), "(x)(y)");
  EXPECT_TRUE(Matches("^(?<\\u0061b>x)$", "x"));
  EXPECT_TRUE(Matches("^(?<" + utf8(U'\u03c0') + ">x)$", "x"));
  EXPECT_TRUE(Contains(rejection("(?<1a>x)"), "invalid group name"));
  EXPECT_TRUE(Contains(rejection("(?<>x)"), "invalid group name"));
  EXPECT_TRUE(Contains(rejection("(?<a"), "invalid group name"));
}

TEST(EcmaRegexGroups, DuplicateNamesOnlyInDifferentAlternatives) {
  EXPECT_TRUE(Matches("^(?:(?<n>a)|(?<n>b))$", "b"));
  EXPECT_TRUE(Contains(rejection("(?<n>a)(?<n>b)"), "duplicate capture group name"));
  EXPECT_FALSE(Contains(rejection("(?<n>a)|x(?:(?<n>b))"), "duplicate"));
  EXPECT_TRUE(Contains(rejection("(?:(?<n>a)|b)(?<n>c)"), "duplicate"));
}

TEST(EcmaRegexGroups, CapturingAndNonCapturing) {
  EXPECT_EQ(translated("(a)(?:b)"), "(a)(?:b)");
  EXPECT_TRUE(Matches("^(?:ab)+$", "abab"));
  EXPECT_TRUE(DoesNotMatch("^(?:ab)+$", "aba"));
  EXPECT_TRUE(Matches("^(a|bc)*$", "abca"));
  EXPECT_TRUE(Matches("^()$", ""));
  EXPECT_TRUE(Matches("^(|a)+$", "aa"));
}

TEST(EcmaRegexQuantifiers, GreedyLazyAndCounted) {
  EXPECT_TRUE(Matches("^a{3}$", "aaa"));
  EXPECT_TRUE(DoesNotMatch("^a{3}$", "aaaa"));
  EXPECT_TRUE(Matches("^a{2,}$", "aaaaa"));
  EXPECT_TRUE(DoesNotMatch("^a{2,}$", "a"));
  EXPECT_TRUE(Matches("^a{1,2}$", "aa"));
  EXPECT_TRUE(DoesNotMatch("^a{1,2}$", "aaa"));
  EXPECT_TRUE(Matches("^a{0}b$", "b"));
  EXPECT_TRUE(Matches("^a{1000}$", std::string(1000, 'a')));
  EXPECT_EQ(translated("a*?b+?c??d{1,2}?e{3}?f{2,}?"), "a*?b+?c??d{1,2}?e{3}?f{2,}?");
  std::string captured;
  RE2 lazy(translated("(a+?)"), re2_options());
  ASSERT_TRUE(RE2::PartialMatch("aaa", lazy, &captured));
  EXPECT_EQ(captured, "a");
  EXPECT_TRUE(Matches("^[0-9]{2,}$", "123"));
}

TEST(EcmaRegexQuantifiers, CountsOutOfOrderOrBeyondRe2) {
  EXPECT_TRUE(Contains(rejection("a{3,2}"), "out of order"));
  EXPECT_TRUE(Contains(rejection("a{1001}"), "above 1000 are not supported"));
  EXPECT_TRUE(Contains(rejection("a{2,99999999999999999999}"), "not supported"));
}

// --- What RE2 cannot run ------------------------------------------------------------------------

TEST(EcmaRegexUnsupported, BackreferencesAreRejected) {
  for (const char* pattern : {"(a)\\1", "(?<n>a)\\k<n>", "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10"}) {
    EXPECT_TRUE(Contains(rejection(pattern),
                "backreferences are not supported (RE2 runs in linear time)"))
        << pattern;
  }
}

TEST(EcmaRegexUnsupported, LookAroundIsRejected) {
  EXPECT_TRUE(Contains(rejection("a(?=b)"), "look-ahead assertions"));
  EXPECT_TRUE(Contains(rejection("a(?!b)"), "look-ahead assertions"));
  EXPECT_TRUE(Contains(rejection("(?<=a)b"), "look-behind assertions"));
  EXPECT_TRUE(Contains(rejection("(?<!a)b"), "look-behind assertions"));
  EXPECT_TRUE(Contains(rejection("(?<=a+)b"), "not supported (RE2 runs in linear time)"));
}

TEST(EcmaRegexUnsupported, ModifierGroupsAreRejected) {
  EXPECT_TRUE(Contains(rejection("(?i:a)"), "modifier groups"));
  EXPECT_TRUE(Contains(rejection("(?m-s:a)"), "modifier groups"));
}

TEST(EcmaRegexUnsupported, SyntaxErrorsWinOverUnsupportedFeatures) {
  EXPECT_TRUE(Contains(rejection("(?=a)("), "unterminated group"));
  EXPECT_TRUE(Contains(rejection("(a)\\1\\a"), "invalid escape"));
  EXPECT_TRUE(Contains(rejection("(?<=a)*"), "nothing to repeat"));
}

// --- Invalid syntax -----------------------------------------------------------------------------

TEST(EcmaRegexSyntax, InvalidPatternsAreRejectedWithAReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"(abc", "unterminated group"},
      {"^(abc]", "lone ']'"},
      {"a)", "unmatched ')'"},
      {"[abc", "unterminated character class"},
      {"[a\\]", "unterminated character class"},
      {"*a", "nothing to repeat"},
      {"a**", "nothing to repeat"},
      {"a|*", "nothing to repeat"},
      {"^*", "nothing to repeat"},
      {"$+", "nothing to repeat"},
      {"\\b+", "nothing to repeat"},
      {"a{2}{3}", "nothing to repeat"},
      {"{2}", "nothing to repeat"},
      {"(?=a)?", "nothing to repeat"},
      {"\\a", "invalid escape"},
      {"\\q", "invalid escape"},
      {"\\-", "invalid escape"},
      {"\\_", "invalid escape"},
      {"\\e", "invalid escape"},
      {"\\z", "invalid escape"},
      {"\\Q", "invalid escape"},
      {"[\\B]", "invalid escape"},
      {"[\\1]", "invalid escape"},
      {"[\\q]", "invalid escape"},
      {"\\c1", "\\c must be followed by an ASCII letter"},
      {"\\c", "\\c must be followed"},
      {"\\x4", "\\x must be followed by two hex digits"},
      {"\\xg0", "\\x must be followed"},
      {"\\u12", "\\u must be followed"},
      {"\\u{110000}", "\\u{...}"},
      {"\\u{}", "\\u{...}"},
      {"\\u{12", "\\u{...}"},
      {"\\01", "\\0 must not be followed by a digit"},
      {"\\", "\\ at end of pattern"},
      {"[z-a]", "out of order"},
      {"[\\d-z]", "class escape cannot be an endpoint"},
      {"[a-\\w]", "class escape cannot be an endpoint"},
      {"a{", "incomplete quantifier"},
      {"a{1", "incomplete quantifier"},
      {"a{,5}", "incomplete quantifier"},
      {"{", "lone '{'"},
      {"}", "lone '}'"},
      {"]", "lone ']'"},
      {"(?i)abc", "inline flags"},
      {"(?ims)abc", "inline flags"},
      {"(?P<name>x)", "invalid group"},
      {"(?#comment)a", "invalid group"},
      {"(?", "invalid group"},
      {"(?)", "invalid group: '(?' must be followed"},
      {"(?ii:a)", "invalid group"},
      {"(?-:a)", "invalid group"},
      {"\\2(a)", "backreference to a group that does not exist"},
      {"\\k<nope>(?<n>a)", "group name that does not exist"},
      {"\\k", "expected \\k<name>"},
  };
  for (const auto& [pattern, reason] : cases) {
    EXPECT_TRUE(Contains(rejection(pattern), reason)) << "pattern: " << pattern;
  }
}

TEST(EcmaRegexSyntax, ErrorsNameTheOffset) {
  EXPECT_EQ(rejection("ab(cd"), "unterminated group: missing ')' (at offset 2)");
  EXPECT_EQ(rejection(utf8(U'\u00e9') + "\\a"),
            "invalid escape in Unicode mode (only syntax characters and '/' may be escaped) "
            "(at offset 2)");
}

TEST(EcmaRegexSyntax, ForwardReferencesAreValidSyntax) {
  // Valid ECMA (a reference to a later group), but still a backreference.
  EXPECT_TRUE(Contains(rejection("\\1(a)"), "backreferences are not supported"));
  EXPECT_TRUE(Contains(rejection("\\k<n>(?<n>a)"), "backreferences are not supported"));
}

TEST(EcmaRegexSyntax, DeepNestingIsBounded) {
  const std::string deep = std::string(100000, '(') + std::string(100000, ')');
  EXPECT_TRUE(Contains(rejection(deep), "nested"));
  const std::string fine = std::string(50, '(') + "a" + std::string(50, ')');
  EXPECT_TRUE(Matches(fine, "a"));
}

TEST(EcmaRegexApi, NullOutputsAreAllowed) {
  EXPECT_TRUE(translate_ecma_regex("a", nullptr, nullptr));
  EXPECT_FALSE(translate_ecma_regex("(", nullptr, nullptr));
}

// --- The JSON-Schema-Test-Suite, one test per case ----------------------------------------------

namespace fs = std::filesystem;

fs::path shared_dir() {
  if (const char* env = std::getenv("SPECGATE_SHARED"); env != nullptr && *env != '\0') {
    return fs::path(env);
  }
  // This file is <repo>/tests/ecma_regex_test.cc; the shared folder sits beside the repository.
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "shared";
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

class SuiteCaseTest : public testing::Test {
 public:
  explicit SuiteCaseTest(std::function<void()> body) : body_(std::move(body)) {}
  void TestBody() override { body_(); }

 private:
  std::function<void()> body_;
};

void register_case(const std::string& suite, const std::string& name, std::function<void()> body) {
  testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                        [body = std::move(body)]() -> SuiteCaseTest* {
                          return new SuiteCaseTest(body);
                        });
}

std::string identifier(std::string_view text, std::size_t max_length = 60) {
  std::string out;
  bool underscore = false;
  for (char c : text) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (word) {
      out.push_back(c);
      underscore = false;
    } else if (!underscore && !out.empty()) {
      out.push_back('_');
      underscore = true;
    }
    if (out.size() >= max_length) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "x" : out;
}

using Json = rapidjson::Value;
using Document = std::shared_ptr<const rapidjson::Document>;

bool only_keys(const Json& schema, std::initializer_list<std::string_view> allowed) {
  if (!schema.IsObject()) return false;
  for (const auto& member : schema.GetObject()) {
    const std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) return false;
  }
  return true;
}

bool has_type(const Json& schema, std::string_view type) {
  const auto it = schema.FindMember("type");
  return it == schema.MemberEnd() ||
         (it->value.IsString() && std::string_view(it->value.GetString()) == type);
}

std::string string_of(const Json& value) {
  return std::string(value.GetString(), value.GetStringLength());
}

// The few subschemas patternProperties.json uses: true, false, {}, {"type": T}, {"maximum": N}.
bool simple_subschema(const Json& schema) {
  if (schema.IsBool()) return true;
  if (!schema.IsObject() || schema.MemberCount() > 1) return false;
  if (schema.MemberCount() == 0) return true;
  const auto& member = *schema.MemberBegin();
  const std::string_view key = member.name.GetString();
  return (key == "type" && member.value.IsString()) ||
         (key == "maximum" && member.value.IsNumber());
}

bool valid_against_subschema(const Json& schema, const Json& value, bool draft4) {
  if (schema.IsBool()) return schema.GetBool();
  if (schema.MemberCount() == 0) return true;
  const auto& member = *schema.MemberBegin();
  if (std::string_view(member.name.GetString()) == "maximum") {
    return !value.IsNumber() || value.GetDouble() <= member.value.GetDouble();
  }
  const std::string_view type = member.value.GetString();
  if (type == "integer") {
    if (value.IsInt64() || value.IsUint64()) return true;
    return !draft4 && value.IsDouble() && std::floor(value.GetDouble()) == value.GetDouble();
  }
  if (type == "number") return value.IsNumber();
  if (type == "string") return value.IsString();
  if (type == "boolean") return value.IsBool();
  if (type == "null") return value.IsNull();
  if (type == "object") return value.IsObject();
  if (type == "array") return value.IsArray();
  return false;
}

// Translates and compiles, or records a failure naming the pattern and the reason.
std::unique_ptr<RE2> compile_or_fail(const std::string& pattern) {
  std::string re2_text;
  std::string error;
  if (!translate_ecma_regex(pattern, &re2_text, &error)) {
    ADD_FAILURE() << "translating /" << pattern << "/ failed: " << error;
    return nullptr;
  }
  auto re = std::make_unique<RE2>(re2_text, re2_options());
  if (!re->ok()) {
    ADD_FAILURE() << "RE2 rejected '" << re2_text << "' (from /" << pattern
                  << "/): " << re->error();
    return nullptr;
  }
  return re;
}

void check_pattern_case(const std::string& pattern, const std::string& instance, bool valid) {
  const std::unique_ptr<RE2> re = compile_or_fail(pattern);
  ASSERT_NE(re, nullptr);
  EXPECT_EQ(RE2::PartialMatch(instance, *re), valid)
      << "/" << pattern << "/ -> '" << re->pattern() << "' against \"" << instance << "\"";
}

void check_pattern_properties_case(const Json* schema, const Json* instance, bool valid,
                                   bool draft4) {
  const Json& properties = (*schema)["patternProperties"];
  const auto additional = schema->FindMember("additionalProperties");
  const bool closed = additional != schema->MemberEnd() && additional->value.IsFalse();
  bool result = true;
  for (const auto& member : instance->GetObject()) {
    const std::string key = string_of(member.name);
    bool matched = false;
    for (const auto& entry : properties.GetObject()) {
      const std::unique_ptr<RE2> re = compile_or_fail(string_of(entry.name));
      ASSERT_NE(re, nullptr);
      if (!RE2::PartialMatch(key, *re)) continue;
      matched = true;
      result = result && valid_against_subschema(entry.value, member.value, draft4);
    }
    if (!matched && closed) result = false;
  }
  EXPECT_EQ(result, valid);
}

// format "regex" asks whether the text is a valid ECMA-262 regex, not whether RE2 can run it.
void check_format_case(const std::string& pattern, bool valid) {
  EXPECT_EQ(is_valid_ecma_regex(pattern), valid) << "/" << pattern << "/";
}

TEST(EcmaRegexValidity, ValidButNotRunnableIsStillValid) {
  EXPECT_TRUE(is_valid_ecma_regex("(?<n>a)\\k<n>"));
  EXPECT_TRUE(is_valid_ecma_regex("(?<=a+)b"));
  EXPECT_FALSE(translate_ecma_regex("(?<=a+)b", nullptr, nullptr));
  EXPECT_FALSE(is_valid_ecma_regex("(?<=a+b"));
  EXPECT_FALSE(is_valid_ecma_regex("[z-a]"));
}

struct SuiteFile {
  std::string draft;
  std::string path;  // relative to tests/<draft>/
};

std::vector<SuiteFile> suite_files() {
  std::vector<SuiteFile> files;
  for (const char* draft : {"draft4", "draft6", "draft7", "draft2019-09", "draft2020-12"}) {
    for (const char* path : {"optional/ecmascript-regex.json", "optional/non-bmp-regex.json",
                             "pattern.json", "patternProperties.json"}) {
      files.push_back({draft, path});
    }
    // format "regex" has tests from draft 7 on.
    if (std::string_view(draft) != "draft4" && std::string_view(draft) != "draft6") {
      files.push_back({draft, "optional/format/regex.json"});
      files.push_back({draft, "optional/format/ecmascript-regex.json"});
    }
  }
  return files;
}

// Registers the cases of one file; returns how many.
int register_file(const SuiteFile& file, const Document& doc) {
  const std::string suite =
      "JsonSchemaSuite_" + identifier(file.draft) + "_" +
      identifier(file.path.substr(0, file.path.size() - std::string_view(".json").size()));
  const bool draft4 = file.draft == "draft4";
  int registered = 0;
  for (rapidjson::SizeType g = 0; g < doc->Size(); ++g) {
    const Json& group = (*doc)[g];
    const Json* schema = &group["schema"];
    const bool pattern_schema = only_keys(*schema, {"$schema", "pattern", "type"}) &&
                                schema->HasMember("pattern") && (*schema)["pattern"].IsString() &&
                                has_type(*schema, "string");
    const bool format_schema = only_keys(*schema, {"$schema", "format"}) &&
                               schema->HasMember("format") && (*schema)["format"].IsString() &&
                               std::string_view((*schema)["format"].GetString()) == "regex";
    bool properties_schema =
        only_keys(*schema, {"$schema", "type", "patternProperties", "additionalProperties"}) &&
        schema->HasMember("patternProperties") && has_type(*schema, "object");
    if (properties_schema) {
      for (const auto& entry : (*schema)["patternProperties"].GetObject()) {
        properties_schema = properties_schema && simple_subschema(entry.value);
      }
      const auto additional = schema->FindMember("additionalProperties");
      properties_schema = properties_schema && (additional == schema->MemberEnd() ||
                                                additional->value.IsBool());
    }
    const Json& tests = group["tests"];
    for (rapidjson::SizeType t = 0; t < tests.Size(); ++t) {
      const Json* data = &tests[t]["data"];
      const bool valid = tests[t]["valid"].GetBool();
      const std::string name = "g" + std::to_string(g) + "t" + std::to_string(t) + "_" +
                               identifier(group["description"].GetString(), 50) + "__" +
                               identifier(tests[t]["description"].GetString(), 50);
      if (pattern_schema && data->IsString()) {
        const std::string pattern = string_of((*schema)["pattern"]);
        const std::string instance = string_of(*data);
        register_case(suite, name, [doc, pattern, instance, valid] {
          check_pattern_case(pattern, instance, valid);
        });
      } else if (format_schema && data->IsString()) {
        const std::string pattern = string_of(*data);
        register_case(suite, name, [doc, pattern, valid] { check_format_case(pattern, valid); });
      } else if (properties_schema && data->IsObject()) {
        register_case(suite, name, [doc, schema, data, valid, draft4] {
          check_pattern_properties_case(schema, data, valid, draft4);
        });
      } else {
        continue;  // not about regular expressions (e.g. "ignores integers")
      }
      ++registered;
    }
  }
  return registered;
}

int register_suite() {
  const fs::path root = shared_dir() / "JSON-Schema-Test-Suite" / "tests";
  std::vector<std::string> problems;
  int registered = 0;
  if (!fs::is_directory(root)) {
    problems.push_back("JSON-Schema-Test-Suite not found at " + root.string() +
                       " (set SPECGATE_SHARED to the folder that holds it)");
  } else {
    for (const SuiteFile& file : suite_files()) {
      const fs::path path = root / file.draft / file.path;
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        problems.push_back("missing " + path.string());
        continue;
      }
      std::stringstream text;
      text << in.rdbuf();
      auto doc = std::make_shared<rapidjson::Document>();
      doc->Parse(text.str().c_str());
      if (doc->HasParseError() || !doc->IsArray()) {
        problems.push_back("cannot parse " + path.string());
        continue;
      }
      registered += register_file(file, doc);
    }
  }
  register_case("JsonSchemaSuite", "FilesPresent", [problems, registered] {
    if (problems.empty()) {
      EXPECT_GT(registered, 0) << "no regular-expression cases found in the suite";
      return;
    }
    std::string message;
    for (const std::string& p : problems) message += p + "\n";
    if (running_in_ci()) {
      FAIL() << message;
    } else {
      GTEST_SKIP() << message;
    }
  });
  return registered;
}

[[maybe_unused]] const int kSuiteCases = register_suite();

}  // namespace
}  // namespace specgate::detail
