// Fuzz target: the route trie (src/router.h), both building it and matching against it.
//
// Input: path templates, a blank line, then request paths, one per line:
//
//   /pets/{petId}
//   /pets/mine
//   /files/{name}.{ext}
//
//   /pets/42
//   /files/a.b.c
//
// Every template is offered to Router::add (malformed or conflicting ones must be refused
// with a message, never crash); every path is matched exactly and with
// ignore_trailing_slash. Any byte may appear in a path, including NUL, '%' and invalid UTF-8.
//
// The oracle is a slow, obviously correct matcher written here: a template matches a path
// when both have the same number of '/'-separated segments, each static piece is equal and
// each parameter takes non-empty text without '/'. Checked beyond "no crash, no sanitizer
// report":
//  - the router finds a route exactly when the slow matcher says at least one accepted
//    template matches (no false 404s, no false matches);
//  - the route it finds is one that matches, its parameter names are the template's in
//    order, and its values are non-empty views into the path that, put back into the
//    template, give the path again;
//  - a template with no parameters that equals the path always wins (static beats templated).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "router.h"

namespace {

using specgate::detail::RouteMatch;
using specgate::detail::Router;

// A template segment as the oracle sees it: literal text and parameter names, alternating.
struct Piece {
  bool parameter = false;
  std::string_view text;  // the literal, or the parameter's name
};

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return segments;
    start = slash + 1;
  }
}

// The pieces of one template segment. Only called for templates the router accepted, so
// braces are balanced and names non-empty.
std::vector<Piece> parse_segment(std::string_view segment) {
  std::vector<Piece> pieces;
  while (!segment.empty()) {
    std::size_t open = segment.find('{');
    if (open != 0) {
      pieces.push_back({false, segment.substr(0, open)});
      segment.remove_prefix(open == std::string_view::npos ? segment.size() : open);
      continue;
    }
    std::size_t close = segment.find('}');
    SPECGATE_FUZZ_CHECK(close != std::string_view::npos, "router accepted an unclosed '{'");
    pieces.push_back({true, segment.substr(1, close - 1)});
    segment.remove_prefix(close + 1);
  }
  return pieces;
}

// Whether the pieces can match `text` exactly: literals equal, parameters non-empty. Walks the
// pieces keeping every end position reachable so far, so a failing segment with many
// parameters costs pieces x length x literal, never the backtracking it is checking.
bool segment_matches(const std::vector<Piece>& pieces, std::string_view text) {
  std::vector<bool> reachable(text.size() + 1, false);
  reachable[0] = true;
  for (const Piece& piece : pieces) {
    std::vector<bool> next(text.size() + 1, false);
    bool any = false;
    if (piece.parameter) {
      // Any non-empty extension of the earliest reachable position.
      std::size_t first = 0;
      while (first <= text.size() && !reachable[first]) ++first;
      for (std::size_t end = first + 1; end <= text.size(); ++end) next[end] = any = true;
    } else {
      for (std::size_t start = 0; start + piece.text.size() <= text.size(); ++start) {
        if (reachable[start] && text.substr(start, piece.text.size()) == piece.text) {
          next[start + piece.text.size()] = any = true;
        }
      }
    }
    if (!any) return false;
    reachable.swap(next);
  }
  return reachable[text.size()];
}

// An accepted template, split into segments of pieces once per input.
struct Template {
  std::string_view text;
  std::vector<std::vector<Piece>> segments;
};

Template parse_template(std::string_view text) {
  Template parsed{text, {}};
  for (std::string_view segment : split_segments(text)) {
    parsed.segments.push_back(parse_segment(segment));
  }
  return parsed;
}

bool oracle_matches(const Template& path_template, const std::vector<std::string_view>& path) {
  if (path_template.segments.size() != path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (!segment_matches(path_template.segments[i], path[i])) return false;
  }
  return true;
}

bool any_matches(const std::vector<Template>& accepted, std::string_view path) {
  const std::vector<std::string_view> segments = split_segments(path);
  for (const Template& path_template : accepted) {
    if (oracle_matches(path_template, segments)) return true;
  }
  return false;
}

// The template with each parameter replaced by the matched value, in order.
std::string substitute(std::string_view path_template, const RouteMatch& match) {
  std::string out;
  std::size_t next = 0;
  while (!path_template.empty()) {
    std::size_t open = path_template.find('{');
    if (open == std::string_view::npos) {
      out.append(path_template);
      break;
    }
    out.append(path_template.substr(0, open));
    std::size_t close = path_template.find('}', open);
    std::string_view name = path_template.substr(open + 1, close - open - 1);
    SPECGATE_FUZZ_CHECK(next < match.param_count, "fewer values than the template's parameters");
    SPECGATE_FUZZ_CHECK(match.names[next] == name, "parameter names out of template order");
    out.append(match.values[next]);
    ++next;
    path_template.remove_prefix(close + 1);
  }
  SPECGATE_FUZZ_CHECK(next == match.param_count, "more values than the template's parameters");
  return out;
}

bool has_parameter(std::string_view path_template) {
  return path_template.find('{') != std::string_view::npos;
}

// The trailing-slash twin the router falls back to: "/a/" <-> "/a" (never for "/").
std::string_view without_trailing_slash(std::string_view path) {
  return path.size() > 1 && path.back() == '/' ? path.substr(0, path.size() - 1) : path;
}

void check_path(const Router& router, const std::vector<Template>& accepted,
                std::string_view path) {
  RouteMatch match;
  bool found = router.match(path, &match);
  SPECGATE_FUZZ_CHECK(found == any_matches(accepted, path),
                      "router and slow matcher disagree on whether a route matches");
  if (found) {
    SPECGATE_FUZZ_CHECK(match.route < accepted.size(), "route id out of range");
    const Template& path_template = accepted[match.route];
    SPECGATE_FUZZ_CHECK(oracle_matches(path_template, split_segments(path)),
                        "matched a template that does not fit");
    for (std::size_t i = 0; i < match.param_count; ++i) {
      const std::string_view& value = match.values[i];
      SPECGATE_FUZZ_CHECK(!value.empty(), "empty parameter value");
      SPECGATE_FUZZ_CHECK(value.data() >= path.data() &&
                              value.data() + value.size() <= path.data() + path.size(),
                          "parameter value is not a view into the path");
      SPECGATE_FUZZ_CHECK(value.find('/') == std::string_view::npos, "a value spans a '/'");
    }
    SPECGATE_FUZZ_CHECK(substitute(path_template.text, match) == path,
                        "values put back into the template do not give the path");
    // Static beats templated: an accepted parameter-free template equal to the path wins.
    for (std::size_t i = 0; i < accepted.size(); ++i) {
      if (!has_parameter(accepted[i].text) && accepted[i].text == path) {
        SPECGATE_FUZZ_CHECK(match.route == i, "a templated route won over an equal static one");
      }
    }
  }

  // With ignore_trailing_slash an exact match stands; without one, the other form's answer.
  RouteMatch relaxed;
  bool found_relaxed = router.match(path, &relaxed, true);
  if (found) {
    SPECGATE_FUZZ_CHECK(found_relaxed && relaxed.route == match.route,
                        "ignore_trailing_slash changed an exact match");
    return;
  }
  std::string twin(without_trailing_slash(path));
  if (twin == path) twin.push_back('/');
  bool twin_expected = path.size() > 1 && any_matches(accepted, twin);
  SPECGATE_FUZZ_CHECK(found_relaxed == twin_expected,
                      "ignore_trailing_slash disagrees with the slow matcher on the other form");
  if (found_relaxed) {
    SPECGATE_FUZZ_CHECK(relaxed.route < accepted.size() &&
                            oracle_matches(accepted[relaxed.route], split_segments(twin)),
                        "ignore_trailing_slash matched a template that does not fit");
  }
}

// Bounds that keep one input fast.
constexpr std::size_t kMaxTemplates = 64;
constexpr std::size_t kMaxPaths = 32;
constexpr std::size_t kMaxLineBytes = 512;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = specgate::fuzz::as_text(data, size);
  Router router;
  std::vector<Template> accepted;
  while (!rest.empty()) {
    std::string_view line = specgate::fuzz::take_until(&rest, '\n');
    if (line.empty()) break;
    if (accepted.size() >= kMaxTemplates || line.size() > kMaxLineBytes) continue;
    std::string error;
    bool added = router.add(line, static_cast<std::uint32_t>(accepted.size()), &error);
    SPECGATE_FUZZ_CHECK(added == error.empty(), "add() returned false without a message (or both)");
    if (added) accepted.push_back(parse_template(line));
  }
  SPECGATE_FUZZ_CHECK(router.size() == accepted.size(), "size() differs from accepted templates");

  std::size_t paths = 0;
  while (!rest.empty() && paths < kMaxPaths) {
    std::string_view path = specgate::fuzz::take_until(&rest, '\n');
    if (path.empty() || path.front() != '/' || path.size() > kMaxLineBytes) continue;
    check_path(router, accepted, path);
    ++paths;
  }
  return 0;
}
