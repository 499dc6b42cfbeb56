// Server URLs -> base paths. Cold path: runs once per spec, so clarity wins over speed here;
// strip_base_path is the only function on the request path.
#include "servers.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <utility>

namespace specgate::detail {
namespace {

// The spec allows any number of enum values per variable; expanding every combination of a
// few wide enums would multiply base paths (and stripping cost) without bound.
constexpr std::size_t kMaxCombinations = 64;

struct UrlPiece {
  bool is_variable;
  std::string_view text;  // literal text, or the variable name
};

struct Variable {
  std::string_view name;
  std::vector<std::string_view> values;  // enum values, then default when not among them
  std::string_view fallback;             // default, else the first enum value
};

std::string where(std::size_t index) { return "servers[" + std::to_string(index) + "]"; }

std::string quoted(std::string_view text) {
  std::string out = "\"";
  out.append(text.data(), text.size());
  out += '"';
  return out;
}

std::string_view view_of(const rapidjson::Value& value) {
  return std::string_view(value.GetString(), value.GetStringLength());
}

bool split_url_template(std::string_view url, std::vector<UrlPiece>* pieces, std::string* what) {
  std::size_t pos = 0;
  while (pos < url.size()) {
    const std::size_t open = url.find_first_of("{}", pos);
    if (open == std::string_view::npos) {
      pieces->push_back({false, url.substr(pos)});
      break;
    }
    if (url[open] == '}') {
      *what = "'}' at offset " + std::to_string(open) + " has no matching '{'";
      return false;
    }
    if (open > pos) pieces->push_back({false, url.substr(pos, open - pos)});
    const std::size_t close = url.find_first_of("{}", open + 1);
    if (close == std::string_view::npos || url[close] != '}') {
      *what = "'{' at offset " + std::to_string(open) + " is not closed";
      return false;
    }
    if (close == open + 1) {
      *what = "empty variable name at offset " + std::to_string(open);
      return false;
    }
    pieces->push_back({true, url.substr(open + 1, close - open - 1)});
    pos = close + 1;
  }
  return true;
}

// Reads the definition of `name` from the server's `variables` object.
bool read_variable(const rapidjson::Value* variables, std::string_view name, Variable* variable,
                   std::string* what) {
  variable->name = name;
  const rapidjson::Value* definition = nullptr;
  if (variables != nullptr) {
    const auto member = variables->FindMember(
        rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
    if (member != variables->MemberEnd()) definition = &member->value;
  }
  if (definition == nullptr) {
    *what = "the URL uses variable " + quoted(name) + ", which \"variables\" does not define";
    return false;
  }
  if (!definition->IsObject()) {
    *what = "variable " + quoted(name) + " must be an object";
    return false;
  }
  std::string_view default_value;
  bool has_default = false;
  if (const auto member = definition->FindMember("default"); member != definition->MemberEnd()) {
    if (!member->value.IsString()) {
      *what = "variable " + quoted(name) + ": \"default\" must be a string";
      return false;
    }
    default_value = view_of(member->value);
    has_default = true;
  }
  if (const auto member = definition->FindMember("enum"); member != definition->MemberEnd()) {
    if (!member->value.IsArray() || member->value.Empty()) {
      *what = "variable " + quoted(name) + ": \"enum\" must be a non-empty array of strings";
      return false;
    }
    for (const rapidjson::Value& value : member->value.GetArray()) {
      if (!value.IsString()) {
        *what = "variable " + quoted(name) + ": \"enum\" must be a non-empty array of strings";
        return false;
      }
      const std::string_view text = view_of(value);
      if (std::find(variable->values.begin(), variable->values.end(), text) ==
          variable->values.end()) {
        variable->values.push_back(text);
      }
    }
  }
  if (!has_default && variable->values.empty()) {
    *what = "variable " + quoted(name) + " has neither \"default\" nor \"enum\"";
    return false;
  }
  // A default outside the enum breaks a 3.1 MUST (and a 3.0 SHOULD), but requests to the
  // default server are still the likeliest, so it is served too rather than dropped.
  if (has_default && std::find(variable->values.begin(), variable->values.end(),
                               default_value) == variable->values.end()) {
    variable->values.push_back(default_value);
  }
  variable->fallback = has_default ? default_value : variable->values.front();
  return true;
}

// RFC 3986 remove_dot_segments on an absolute path, with trailing slashes then dropped and
// the root path returned as "".
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t pos = 1;  // path[0] == '/'
  while (true) {
    const std::size_t slash = path.find('/', pos);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view segment = path.substr(pos, end - pos);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  while (!segments.empty() && segments.back().empty()) segments.pop_back();
  std::string out;
  for (std::string_view segment : segments) {
    out += '/';
    out.append(segment.data(), segment.size());
  }
  return out;
}

bool is_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '+' || c == '-' || c == '.';
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The base path of one server URL with its variables already substituted.
bool url_base_path(std::string_view url, std::string* path, std::string* what) {
  for (std::size_t i = 0; i < url.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(url[i]);
    if (c <= 0x20 || c == 0x7F || std::strchr("\"<>\\^`{|}", c) != nullptr) {
      *what = "the URL has a character not allowed in a URL at offset " + std::to_string(i);
      return false;
    }
  }
  url = url.substr(0, url.find_first_of("?#"));

  std::string_view rest = url;
  std::size_t colon = 0;
  const bool maybe_scheme =
      !url.empty() && ((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z'));
  if (maybe_scheme) {
    while (colon < url.size() && is_scheme_char(url[colon])) ++colon;
  }
  if (maybe_scheme && colon < url.size() && url[colon] == ':') {
    const std::string_view after = url.substr(colon + 1);
    if (after.substr(0, 2) == "//") {
      rest = after;  // the authority is skipped below
    } else if (all_digits(after.substr(0, after.find('/')))) {
      // "localhost:8080/v1": a host and port without a scheme. RFC 3986 would read
      // "localhost" as the scheme and "8080/v1" as the path, which no server means.
      const std::size_t slash = after.find('/');
      rest = slash == std::string_view::npos ? std::string_view() : after.substr(slash);
    } else {
      *what = "an absolute URL needs \"//\" and a host after the scheme";
      return false;
    }
  }
  if (rest.substr(0, 2) == "//") {
    // An absolute URL's authority, or a network-path reference ("//host/v1"): the path is
    // what follows the host either way.
    const std::size_t slash = rest.find('/', 2);
    if (rest.substr(2, slash == std::string_view::npos ? slash : slash - 2).empty()) {
      *what = "the URL has an empty host";
      return false;
    }
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  // A relative path ("v1", "./v1") is relative to the document, whose location is unknown
  // here; resolving it against the root keeps it a usable prefix.
  std::string absolute = "/";
  if (!rest.empty() && rest[0] == '/') rest.remove_prefix(1);
  absolute.append(rest.data(), rest.size());
  *path = normalize_path(absolute);
  return true;
}

// Appends the base paths of one server entry; false (with *what) when it is malformed.
bool add_server(const rapidjson::Value& server, std::vector<std::string>* out,
                std::string* what) {
  if (!server.IsObject()) {
    *what = "must be an object";
    return false;
  }
  const auto url_member = server.FindMember("url");
  if (url_member == server.MemberEnd() || !url_member->value.IsString()) {
    *what = "\"url\" must be a string";
    return false;
  }
  const std::string_view url = view_of(url_member->value);

  const rapidjson::Value* variables = nullptr;
  if (const auto member = server.FindMember("variables"); member != server.MemberEnd()) {
    if (!member->value.IsObject()) {
      *what = "\"variables\" must be an object";
      return false;
    }
    variables = &member->value;
  }

  std::vector<UrlPiece> pieces;
  if (!split_url_template(url, &pieces, what)) return false;
  std::vector<Variable> used;  // each referenced variable once, in order of first use
  for (const UrlPiece& piece : pieces) {
    if (!piece.is_variable) continue;
    const bool seen = std::any_of(used.begin(), used.end(),
                                  [&](const Variable& v) { return v.name == piece.text; });
    if (seen) continue;
    Variable variable;
    if (!read_variable(variables, piece.text, &variable, what)) return false;
    used.push_back(std::move(variable));
  }

  std::size_t combinations = 1;
  for (const Variable& variable : used) {
    combinations *= variable.values.size();
    if (combinations > kMaxCombinations) break;
  }
  if (combinations > kMaxCombinations) {
    for (Variable& variable : used) variable.values.assign(1, variable.fallback);
    combinations = 1;
  }

  // Odometer over the variables' values.
  std::vector<std::size_t> choice(used.size(), 0);
  for (std::size_t n = 0; n < combinations; ++n) {
    std::string expanded;
    for (const UrlPiece& piece : pieces) {
      if (!piece.is_variable) {
        expanded.append(piece.text.data(), piece.text.size());
        continue;
      }
      for (std::size_t v = 0; v < used.size(); ++v) {
        if (used[v].name == piece.text) {
          const std::string_view value = used[v].values[choice[v]];
          expanded.append(value.data(), value.size());
          break;
        }
      }
    }
    std::string path;
    if (!url_base_path(expanded, &path, what)) return false;
    out->push_back(std::move(path));
    for (std::size_t v = 0; v < used.size(); ++v) {
      if (++choice[v] < used[v].values.size()) break;
      choice[v] = 0;
    }
  }
  return true;
}

}  // namespace

std::vector<std::string> server_base_paths(const rapidjson::Value* servers,
                                           std::vector<std::string>* problems) {
  std::vector<std::string> paths;
  if (servers == nullptr || (servers->IsArray() && servers->Empty())) {
    paths.emplace_back();
    return paths;
  }
  if (!servers->IsArray()) {
    if (problems != nullptr) problems->push_back("servers: must be an array");
    paths.emplace_back();
    return paths;
  }
  std::size_t index = 0;
  for (const rapidjson::Value& server : servers->GetArray()) {
    std::vector<std::string> found;
    std::string what;
    if (add_server(server, &found, &what)) {
      for (std::string& path : found) paths.push_back(std::move(path));
    } else if (problems != nullptr) {
      problems->push_back(where(index) + ": " + what);
    }
    ++index;
  }
  std::sort(paths.begin(), paths.end(), [](const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return a.size() > b.size();
    return a < b;
  });
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

bool strip_base_path(const std::vector<std::string>& base_paths, std::string_view path,
                     std::string_view* rest) {
  for (const std::string& base : base_paths) {
    if (path.size() < base.size() || path.substr(0, base.size()) != base) continue;
    // Only at a segment boundary: "/v1" must not take the front off "/v10/pets".
    if (path.size() > base.size() && path[base.size()] != '/') continue;
    *rest = path.size() == base.size() ? std::string_view("/") : path.substr(base.size());
    return true;
  }
  return false;
}

}  // namespace specgate::detail
