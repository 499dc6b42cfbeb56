// Internal: ECMA-262 regular expressions (as JSON Schema `pattern` uses them) translated to RE2.
#ifndef SPECGATE_SRC_ECMA_REGEX_H_
#define SPECGATE_SRC_ECMA_REGEX_H_

#include <string>
#include <string_view>

namespace specgate::detail {

// Translates an ECMA-262 pattern (Unicode mode, no flags) into RE2 syntax with the same meaning:
// '.', '\s', '\S', '\d', '\w', '\b', '$', character classes, '\uXXXX', '\u{...}', '\cX', '\p{...}'
// with ECMA's names, named groups, identity escapes. Returns false and sets *error (a short
// English sentence) for what RE2 cannot run (backreferences, look-around) or for invalid
// syntax. The result is for RE2 with options: UTF-8, longest_match=false, never_nl=false,
// dot_nl=false, case-sensitive; search semantics (unanchored), as ECMA's RegExp.test.
bool translate_ecma_regex(std::string_view pattern, std::string* re2_pattern, std::string* error);

// True when `pattern` is a valid ECMA-262 regular expression (Unicode mode), including ones
// RE2 cannot run (backreferences, look-around): the `regex` format asks only for validity.
bool is_valid_ecma_regex(std::string_view pattern);

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_ECMA_REGEX_H_
