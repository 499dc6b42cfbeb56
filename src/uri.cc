// URI references: RFC 3986 resolution (section 5.2) and strict RFC 3986 / RFC 3987 syntax checks.
#include "uri.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace specgate::detail {
namespace {

// The five components of a URI reference, split as RFC 3986 appendix B does. Splitting never
// fails: it only finds the delimiters, so resolution works on references the validators reject.
struct UriParts {
  bool has_scheme = false;
  std::string_view scheme;
  bool has_authority = false;
  std::string_view authority;
  std::string_view path;
  bool has_query = false;
  std::string_view query;
  bool has_fragment = false;
  std::string_view fragment;
};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_scheme(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return false;
  for (char c : s.substr(1)) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

UriParts split_uri(std::string_view text) {
  UriParts parts;
  // A scheme is recognised only when it is well formed: "./a:b" or "1:b" have none, which is
  // what RFC 3986 section 4.2 requires of a relative reference's first segment.
  std::size_t colon = text.find_first_of(":/?#");
  if (colon != std::string_view::npos && text[colon] == ':' &&
      is_scheme(text.substr(0, colon))) {
    parts.has_scheme = true;
    parts.scheme = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  std::size_t hash = text.find('#');
  if (hash != std::string_view::npos) {
    parts.has_fragment = true;
    parts.fragment = text.substr(hash + 1);
    text = text.substr(0, hash);
  }
  std::size_t question = text.find('?');
  if (question != std::string_view::npos) {
    parts.has_query = true;
    parts.query = text.substr(question + 1);
    text = text.substr(0, question);
  }
  if (text.size() >= 2 && text[0] == '/' && text[1] == '/') {
    text.remove_prefix(2);
    std::size_t slash = text.find('/');
    parts.has_authority = true;
    parts.authority = text.substr(0, slash);
    text = slash == std::string_view::npos ? std::string_view() : text.substr(slash);
  }
  parts.path = text;
  return parts;
}

// RFC 3986 section 5.2.4. A path that is not absolute is processed as if it had a leading '/',
// which is then taken off again, so "a/../b" stays relative ("b") instead of becoming "/b".
std::string remove_dot_segments(std::string_view path) {
  bool relative = path.empty() || path[0] != '/';
  std::string input;
  if (relative) input.push_back('/');
  input.append(path);
  std::string output;
  std::string_view in(input);
  while (!in.empty()) {
    if (in.substr(0, 3) == "../") {
      in.remove_prefix(3);
    } else if (in.substr(0, 2) == "./") {
      in.remove_prefix(2);
    } else if (in.substr(0, 3) == "/./") {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.substr(0, 4) == "/../" || in == "/..") {
      // Replace the "/.." by "/" and drop the last output segment with its preceding '/'.
      bool last = in.size() == 3;
      in.remove_prefix(3);
      std::size_t cut = output.rfind('/');
      output.erase(cut == std::string::npos ? 0 : cut);
      if (last) {
        output.push_back('/');
        break;
      }
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      std::size_t start = in[0] == '/' ? 1 : 0;
      std::size_t end = in.find('/', start);
      if (end == std::string_view::npos) end = in.size();
      output.append(in.substr(0, end));
      in.remove_prefix(end);
    }
  }
  if (relative && !output.empty() && output[0] == '/') output.erase(0, 1);
  return output;
}

// RFC 3986 section 5.2.3.
std::string merge_paths(const UriParts& base, std::string_view reference_path) {
  if (base.has_authority && base.path.empty()) {
    std::string merged = "/";
    merged.append(reference_path);
    return merged;
  }
  std::size_t slash = base.path.rfind('/');
  std::string merged;
  if (slash != std::string_view::npos) merged.assign(base.path.substr(0, slash + 1));
  merged.append(reference_path);
  return merged;
}

// Lower-cases the host inside an authority ([userinfo "@"] host [":" port]); the userinfo and
// the port are case-sensitive or digits and are left alone.
std::string normalize_authority(std::string_view authority) {
  std::string result(authority);
  std::size_t at = authority.rfind('@');
  std::size_t host_begin = at == std::string_view::npos ? 0 : at + 1;
  std::size_t host_end = authority.size();
  if (host_begin < authority.size() && authority[host_begin] == '[') {
    std::size_t close = authority.find(']', host_begin);
    if (close != std::string_view::npos) host_end = close + 1;
  } else {
    std::size_t colon = authority.find(':', host_begin);
    if (colon != std::string_view::npos) host_end = colon;
  }
  for (std::size_t i = host_begin; i < host_end; ++i) result[i] = to_lower(result[i]);
  return result;
}

std::string recompose(const UriParts& parts, std::string_view path) {
  std::string result;
  if (parts.has_scheme) {
    for (char c : parts.scheme) result.push_back(to_lower(c));
    result.push_back(':');
  }
  if (parts.has_authority) {
    result.append("//");
    result.append(normalize_authority(parts.authority));
  } else if (path.substr(0, 2) == "//") {
    // Dot-segment removal can leave "//x" ("a:/.//x"), which would read back as an authority.
    result.append("/.");
  } else if (!parts.has_scheme) {
    // A relative path whose first segment has a colon ("../a:b" against "x/y") would read back
    // as a scheme; RFC 3986 section 4.2 prescribes the "./" prefix.
    std::string_view first_segment = path.substr(0, path.find('/'));
    if (first_segment.find(':') != std::string_view::npos) result.append("./");
  }
  result.append(path);
  if (parts.has_query) {
    result.push_back('?');
    result.append(parts.query);
  }
  // An empty fragment identifies the same resource as no fragment; "x#" and "x" must compare
  // equal when used as keys for $id lookups.
  if (parts.has_fragment && !parts.fragment.empty()) {
    result.push_back('#');
    result.append(parts.fragment);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Validation (RFC 3986 section 3 and appendix A; RFC 3987 section 2.2 for IRIs).

// Decodes one UTF-8 sequence at text[*pos]; returns the code point and advances *pos, or
// returns -1 for a malformed, overlong or surrogate sequence.
std::int32_t decode_utf8(std::string_view text, std::size_t* pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  std::size_t i = *pos;
  unsigned char lead = byte(i);
  int length;
  std::int32_t code;
  std::int32_t minimum;
  if (lead < 0x80) {
    *pos = i + 1;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code = lead & 0x1F;
    minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code = lead & 0x0F;
    minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code = lead & 0x07;
    minimum = 0x10000;
  } else {
    return -1;
  }
  if (i + length > text.size()) return -1;
  for (int k = 1; k < length; ++k) {
    unsigned char next = byte(i + k);
    if ((next & 0xC0) != 0x80) return -1;
    code = (code << 6) | (next & 0x3F);
  }
  if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return -1;
  *pos = i + length;
  return code;
}

// RFC 3987 ucschar.
bool is_ucschar(std::int32_t c) {
  if (c >= 0xA0 && c <= 0xD7FF) return true;
  if (c >= 0xF900 && c <= 0xFDCF) return true;
  if (c >= 0xFDF0 && c <= 0xFFEF) return true;
  if (c >= 0x10000 && c <= 0xEFFFD) {
    // Planes 1 to 14, each without its last two code points (the noncharacters xFFFE, xFFFF).
    return (c & 0xFFFF) <= 0xFFFD;
  }
  return false;
}

// RFC 3987 iprivate, allowed only in iquery.
bool is_iprivate(std::int32_t c) {
  return (c >= 0xE000 && c <= 0xF8FF) || (c >= 0xF0000 && c <= 0xFFFFD) ||
         (c >= 0x100000 && c <= 0x10FFFD);
}

bool is_unreserved(char c) {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

bool is_sub_delim(char c) {
  switch (c) {
    case '!': case '$': case '&': case '\'': case '(': case ')':
    case '*': case '+': case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}

// Which characters a component may hold besides unreserved, pct-encoded and (for IRIs) ucschar.
enum CharSet : unsigned {
  kSubDelims = 1u << 0,
  kColon = 1u << 1,
  kAt = 1u << 2,
  kSlash = 1u << 3,
  kQuestion = 1u << 4,
  kPrivate = 1u << 5,  // iprivate, for iquery only
};

constexpr unsigned kPchar = kSubDelims | kColon | kAt;
constexpr unsigned kQueryChars = kPchar | kSlash | kQuestion | kPrivate;
constexpr unsigned kFragmentChars = kPchar | kSlash | kQuestion;

// True when every character of `text` is allowed by `allowed` (and percent escapes are
// complete); `iri` admits non-ASCII ucschar.
bool all_chars(std::string_view text, unsigned allowed, bool iri) {
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      if (!iri) return false;
      std::int32_t code = decode_utf8(text, &i);
      if (code < 0) return false;
      if (is_ucschar(code)) continue;
      if ((allowed & kPrivate) && is_iprivate(code)) continue;
      return false;
    }
    if (c == '%') {
      if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
      i += 3;
      continue;
    }
    bool ok = is_unreserved(c) || ((allowed & kSubDelims) && is_sub_delim(c)) ||
              ((allowed & kColon) && c == ':') || ((allowed & kAt) && c == '@') ||
              ((allowed & kSlash) && c == '/') || ((allowed & kQuestion) && c == '?');
    if (!ok) return false;
    ++i;
  }
  return true;
}

bool is_dec_octet(std::string_view s) {
  if (s.empty() || s.size() > 3) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  if (s.size() > 1 && s[0] == '0') return false;
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value <= 255;
}

bool is_ipvfuture(std::string_view s) {
  // "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ); ABNF literals are case-insensitive.
  if (s.size() < 4 || (s[0] != 'v' && s[0] != 'V')) return false;
  std::size_t i = 1;
  while (i < s.size() && is_hex(s[i])) ++i;
  if (i == 1 || i >= s.size() || s[i] != '.') return false;
  ++i;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (!is_unreserved(c) && !is_sub_delim(c) && c != ':') return false;
  }
  return true;
}

bool is_authority(std::string_view authority, bool iri) {
  std::size_t at = authority.find('@');
  if (at != std::string_view::npos) {
    if (!all_chars(authority.substr(0, at), kSubDelims | kColon, iri)) return false;
    authority.remove_prefix(at + 1);
  }
  std::string_view host;
  std::string_view rest;
  if (!authority.empty() && authority[0] == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view literal = authority.substr(1, close - 1);
    if (!is_ipv6_address(literal) && !is_ipvfuture(literal)) return false;
    rest = authority.substr(close + 1);
  } else {
    std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    // A reg-name also covers IPv4address; "@" in it was already taken as the userinfo end, so a
    // second "@" lands here and is rejected.
    if (!all_chars(host, kSubDelims, iri)) return false;
    rest = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
  }
  if (rest.empty()) return true;
  if (rest[0] != ':') return false;
  for (char c : rest.substr(1)) {
    if (!is_digit(c)) return false;
  }
  return true;
}

bool is_reference(std::string_view text, bool iri, bool require_scheme) {
  UriParts parts = split_uri(text);
  if (require_scheme && !parts.has_scheme) return false;
  if (parts.has_authority) {
    if (!is_authority(parts.authority, iri)) return false;
  } else if (!parts.has_scheme) {
    // path-noscheme: a colon in the first segment would have made it a scheme.
    std::size_t slash = parts.path.find('/');
    if (parts.path.substr(0, slash).find(':') != std::string_view::npos) return false;
  }
  // With an authority the path is empty or starts with '/'; without one it cannot start with
  // "//" (split_uri would have taken that as an authority), so the path grammar reduces to
  // segments of pchar separated by '/'.
  if (!all_chars(parts.path, kPchar | kSlash, iri)) return false;
  if (parts.has_query && !all_chars(parts.query, kQueryChars, iri)) return false;
  if (parts.has_fragment && !all_chars(parts.fragment, kFragmentChars, iri)) return false;
  return true;
}

}  // namespace

std::string resolve_uri(std::string_view base, std::string_view reference) {
  UriParts r = split_uri(reference);
  UriParts b = split_uri(base);
  UriParts t;
  std::string path;
  // RFC 3986 section 5.2.2, strict: a reference with a scheme is never treated as relative.
  if (r.has_scheme) {
    t = r;
    path = remove_dot_segments(r.path);
  } else {
    t.has_scheme = b.has_scheme;
    t.scheme = b.scheme;
    if (r.has_authority) {
      t.has_authority = true;
      t.authority = r.authority;
      path = remove_dot_segments(r.path);
      t.has_query = r.has_query;
      t.query = r.query;
    } else {
      t.has_authority = b.has_authority;
      t.authority = b.authority;
      if (r.path.empty()) {
        // Section 5.2.1 allows normalizing the base first (section 6.2.2.3); doing so keeps
        // resolve_uri(x, "") equal to resolve_uri("", resolve_uri(x, "")).
        path = remove_dot_segments(b.path);
        if (r.has_query) {
          t.has_query = true;
          t.query = r.query;
        } else {
          t.has_query = b.has_query;
          t.query = b.query;
        }
      } else {
        if (r.path[0] == '/') {
          path = remove_dot_segments(r.path);
        } else {
          path = remove_dot_segments(merge_paths(b, r.path));
        }
        t.has_query = r.has_query;
        t.query = r.query;
      }
    }
    t.has_fragment = r.has_fragment;
    t.fragment = r.fragment;
  }
  return recompose(t, path);
}

std::string_view uri_without_fragment(std::string_view uri) {
  return uri.substr(0, uri.find('#'));
}

std::string_view uri_fragment(std::string_view uri) {
  std::size_t hash = uri.find('#');
  return hash == std::string_view::npos ? std::string_view() : uri.substr(hash + 1);
}

bool is_uri(std::string_view text) { return is_reference(text, false, true); }
bool is_uri_reference(std::string_view text) { return is_reference(text, false, false); }
bool is_iri(std::string_view text) { return is_reference(text, true, true); }
bool is_iri_reference(std::string_view text) { return is_reference(text, true, false); }

bool is_ipv4_address(std::string_view text) {
  int parts = 0;
  while (true) {
    std::size_t dot = text.find('.');
    if (!is_dec_octet(text.substr(0, dot))) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return parts == 4;
}

bool is_ipv6_address(std::string_view text) {
  // RFC 4291 section 2.2: eight groups of 1-4 hex digits, one "::" standing for one or more
  // zero groups, and optionally an IPv4 dotted quad as the last two groups.
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (text.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
    if (text.size() == 2) return true;
  } else if (!text.empty() && text[0] == ':') {
    return false;
  }
  while (i < text.size()) {
    std::size_t end = text.find(':', i);
    std::string_view group =
        text.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    if (end == std::string_view::npos && group.find('.') != std::string_view::npos) {
      if (!is_ipv4_address(group)) return false;
      groups += 2;
      break;
    }
    if (group.empty() || group.size() > 4) return false;
    for (char c : group) {
      if (!is_hex(c)) return false;
    }
    ++groups;
    if (end == std::string_view::npos) break;
    i = end + 1;
    if (i < text.size() && text[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == text.size()) break;
    } else if (i == text.size()) {
      return false;  // a single trailing ':'
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool percent_decode(std::string_view text, std::string* out) {
  out->clear();
  out->reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out->push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return false;
    out->push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
    i += 2;
  }
  return true;
}

}  // namespace specgate::detail
