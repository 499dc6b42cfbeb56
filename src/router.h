// Internal: a radix-style trie over OpenAPI path templates.
#ifndef SPECGATE_SRC_ROUTER_H_
#define SPECGATE_SRC_ROUTER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace specgate::detail {

inline constexpr std::size_t kMaxPathParams = 32;

// A matched route: which template, and each template parameter's raw (still
// percent-encoded) value as a view into the matched path. No allocation.
struct RouteMatch {
  std::uint32_t route = 0;
  std::size_t param_count = 0;
  std::string_view names[kMaxPathParams];   // parameter names, views into the Router
  std::string_view values[kMaxPathParams];  // raw values, views into the request path
};

// Built once, then immutable and safe to share between threads.
//
// Templates are split on '/'. A segment is static text, or a mix of static text and
// `{name}` parameters ("{id}", "{name}.json", "v{major}.{minor}", "{a}-{b}"). Matching works
// segment by segment on the raw path: static segments win over templated ones; mixed
// segments (more literal text first) over a lone "{param}"; and when a more specific branch
// dead-ends the matcher backtracks to the next candidate. A parameter never spans a '/'
// (an encoded %2F stays inside one segment). Within a mixed segment, a parameter matches the
// shortest text that lets the rest of the segment match (non-empty).
class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Adds a template (must start with '/'). Returns false with a message for a malformed
  // template ("{" unclosed, empty name, two parameters with nothing between them, a name
  // used twice) or one that conflicts with an earlier template: the same shape with only
  // parameter names differing ("/pets/{id}" vs "/pets/{name}"), message naming both.
  bool add(std::string_view path_template, std::uint32_t route, std::string* error);

  // Matches `path` (starts with '/', no query string). When `ignore_trailing_slash` is
  // true, "/pets/" also matches "/pets" and vice versa (only when the exact form does not
  // match). Returns false when no template matches. Does not allocate.
  bool match(std::string_view path, RouteMatch* match, bool ignore_trailing_slash = false) const;

  std::size_t size() const;

 private:
  struct Node;
  // Per added template, same index as templates_: the caller's route id and its parameter
  // names, name_spans_[first_name, first_name + name_count).
  struct Route {
    std::uint32_t id = 0;
    std::uint32_t first_name = 0;
    std::uint32_t name_count = 0;
  };

  std::unique_ptr<Node> root_;
  std::size_t size_ = 0;
  std::vector<std::string> templates_;
  std::vector<Route> routes_;
  // Every parameter name back to back, and each one's (offset, length) in it: one small
  // block that stays in cache, and offsets rather than views so growth never leaves a
  // dangling name.
  std::string name_text_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> name_spans_;
  // Whether a template has an empty segment after its first ("/a/", "/a//b"). Without one,
  // a path ending in '/' (other than "/") cannot match exactly, and the exact search is
  // skipped.
  bool has_inner_empty_segment_ = false;
};

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_ROUTER_H_
