// Tests for src/router.h: template parsing, precedence and backtracking, mixed segments,
// conflicts, trailing slashes, and every path of the real-world specs in ../shared/specs.
#include "router.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

// Counts every allocation in this binary, so the no-allocation claim of match() is tested
// rather than assumed.
namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace specgate::detail {
namespace {

namespace fs = std::filesystem;

// Adds templates with route ids 0, 1, 2, ... and fails the test on any error.
Router make_router(const std::vector<std::string>& templates) {
  Router router;
  for (std::size_t i = 0; i < templates.size(); ++i) {
    std::string error;
    EXPECT_TRUE(router.add(templates[i], static_cast<std::uint32_t>(i), &error))
        << templates[i] << ": " << error;
  }
  return router;
}

// The route a path matches, or -1.
std::int64_t route_of(const Router& router, std::string_view path, bool ignore_slash = false) {
  RouteMatch match;
  if (!router.match(path, &match, ignore_slash)) return -1;
  return match.route;
}

std::vector<std::pair<std::string, std::string>> params_of(const Router& router,
                                                           std::string_view path) {
  RouteMatch match;
  std::vector<std::pair<std::string, std::string>> params;
  if (!router.match(path, &match)) return params;
  for (std::size_t i = 0; i < match.param_count; ++i) {
    params.emplace_back(std::string(match.names[i]), std::string(match.values[i]));
  }
  return params;
}

using Params = std::vector<std::pair<std::string, std::string>>;

// The error add() gives for `path_template` on a router holding `earlier`.
std::string add_error(const std::vector<std::string>& earlier, std::string_view path_template) {
  Router router = make_router(earlier);
  std::string error;
  EXPECT_FALSE(router.add(path_template, 99, &error)) << path_template << " was accepted";
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(router.size(), earlier.size());
  return error;
}

TEST(Router, StaticBeatsParam) {
  for (const bool reversed : {false, true}) {
    Router router = reversed ? make_router({"/pets/{id}", "/pets/mine"})
                             : make_router({"/pets/mine", "/pets/{id}"});
    const std::int64_t mine = reversed ? 1 : 0;
    const std::int64_t by_id = reversed ? 0 : 1;
    EXPECT_EQ(route_of(router, "/pets/mine"), mine);
    EXPECT_EQ(route_of(router, "/pets/42"), by_id);
    EXPECT_EQ(route_of(router, "/pets/mine2"), by_id);
    EXPECT_EQ(route_of(router, "/pets"), -1);
    EXPECT_EQ(route_of(router, "/pets/42/x"), -1);
  }
}

TEST(Router, BacktracksWhenStaticBranchDeadEnds) {
  Router router = make_router({"/a/b/c", "/a/{x}/d"});
  EXPECT_EQ(route_of(router, "/a/b/c"), 0);
  EXPECT_EQ(route_of(router, "/a/b/d"), 1);
  EXPECT_EQ(params_of(router, "/a/b/d"), (Params{{"x", "b"}}));
  EXPECT_EQ(route_of(router, "/a/z/d"), 1);
  EXPECT_EQ(route_of(router, "/a/z/c"), -1);
  EXPECT_EQ(route_of(router, "/a/b"), -1);
}

TEST(Router, BacktracksFromMixedToParamAndAcrossLevels) {
  Router router = make_router({"/files/{name}.json/meta", "/files/{id}/raw",
                               "/x/{a}/y/{b}/end", "/x/k/y/{c}/other", "/x/k/{d}/{e}/end"});
  EXPECT_EQ(route_of(router, "/files/a.json/meta"), 0);
  EXPECT_EQ(params_of(router, "/files/a.json/raw"), (Params{{"id", "a.json"}}));
  // The static "k" and "y" branches both dead-end at the last segment.
  EXPECT_EQ(params_of(router, "/x/k/y/1/end"), (Params{{"d", "y"}, {"e", "1"}}));
  EXPECT_EQ(params_of(router, "/x/k/y/1/other"), (Params{{"c", "1"}}));
  EXPECT_EQ(params_of(router, "/x/j/y/1/end"), (Params{{"a", "j"}, {"b", "1"}}));
  // Values written by an abandoned branch must not leak into the result.
  RouteMatch match;
  ASSERT_TRUE(router.match("/x/k/z/2/end", &match));
  EXPECT_EQ(match.route, 4u);
  ASSERT_EQ(match.param_count, 2u);
  EXPECT_EQ(match.values[0], "z");
  EXPECT_EQ(match.values[1], "2");
}

TEST(Router, MixedSegmentWithSuffix) {
  Router router = make_router({"/files/{name}.json"});
  EXPECT_EQ(params_of(router, "/files/report.json"), (Params{{"name", "report"}}));
  // The suffix anchors at the end of the segment.
  EXPECT_EQ(params_of(router, "/files/a.json.json"), (Params{{"name", "a.json"}}));
  EXPECT_EQ(route_of(router, "/files/.json"), -1);  // a value is never empty
  EXPECT_EQ(route_of(router, "/files/report.yaml"), -1);
  EXPECT_EQ(route_of(router, "/files/report.json/"), -1);
  EXPECT_EQ(route_of(router, "/files/json"), -1);
}

TEST(Router, MixedSegmentWithPrefix) {
  Router router = make_router({"/v{version}/items", "/{x}/items"});
  EXPECT_EQ(params_of(router, "/v2/items"), (Params{{"version", "2"}}));
  EXPECT_EQ(params_of(router, "/vv/items"), (Params{{"version", "v"}}));
  EXPECT_EQ(params_of(router, "/v/items"), (Params{{"x", "v"}}));
  EXPECT_EQ(params_of(router, "/w2/items"), (Params{{"x", "w2"}}));
}

TEST(Router, MixedSegmentOfTwoParams) {
  Router router = make_router({"/{a}-{b}", "/v{major}.{minor}/x"});
  EXPECT_EQ(params_of(router, "/x-y"), (Params{{"a", "x"}, {"b", "y"}}));
  // Each parameter takes the shortest non-empty text that lets the rest match.
  EXPECT_EQ(params_of(router, "/x-y-z"), (Params{{"a", "x"}, {"b", "y-z"}}));
  EXPECT_EQ(params_of(router, "/--x"), (Params{{"a", "-"}, {"b", "x"}}));
  EXPECT_EQ(route_of(router, "/-x"), -1);
  EXPECT_EQ(route_of(router, "/x-"), -1);
  EXPECT_EQ(route_of(router, "/xy"), -1);
  EXPECT_EQ(params_of(router, "/v1.2.3/x"), (Params{{"major", "1"}, {"minor", "2.3"}}));
  EXPECT_EQ(route_of(router, "/v1./x"), -1);
}

TEST(Router, MixedSegmentsTriedMostLiteralFirst) {
  for (const bool reversed : {false, true}) {
    std::vector<std::string> templates = {"/d/{id}", "/d/{name}.gz", "/d/{name}.tar.gz",
                                          "/d/{a}.{b}"};
    if (reversed) templates = std::vector<std::string>(templates.rbegin(), templates.rend());
    Router router = make_router(templates);
    EXPECT_EQ(params_of(router, "/d/x.tar.gz"), (Params{{"name", "x"}}));
    EXPECT_EQ(params_of(router, "/d/x.gz"), (Params{{"name", "x"}}));
    EXPECT_EQ(params_of(router, "/d/x.zip"), (Params{{"a", "x"}, {"b", "zip"}}));
    EXPECT_EQ(params_of(router, "/d/x"), (Params{{"id", "x"}}));
  }
}

TEST(Router, StaticBeatsMixed) {
  Router router = make_router({"/files/{name}.json", "/files/index.json"});
  EXPECT_EQ(route_of(router, "/files/index.json"), 1);
  EXPECT_EQ(route_of(router, "/files/other.json"), 0);
}

TEST(Router, EncodedSlashStaysInsideSegment) {
  Router router = make_router({"/files/{name}", "/files/{name}/raw"});
  EXPECT_EQ(params_of(router, "/files/a%2Fb"), (Params{{"name", "a%2Fb"}}));
  EXPECT_EQ(params_of(router, "/files/a%2fb/raw"), (Params{{"name", "a%2fb"}}));
  EXPECT_EQ(route_of(router, "/files/a/b"), -1);
}

TEST(Router, EmptySegmentsMatchNoParam) {
  Router router = make_router({"/a/{x}/b", "/c//d"});
  EXPECT_EQ(route_of(router, "/a//b"), -1);
  EXPECT_EQ(route_of(router, "/a/1/b"), 0);
  EXPECT_EQ(route_of(router, "/c//d"), 1);
  EXPECT_EQ(route_of(router, "/c/d"), -1);
  EXPECT_EQ(route_of(router, "//a/1/b"), -1);
}

TEST(Router, ParamNamesAndValues) {
  Router router = make_router({"/repos/{owner}/{repo}/pulls/{pull_number}",
                               "/repos/{template_owner}/{template_repo}/generate"});
  RouteMatch match;
  ASSERT_TRUE(router.match("/repos/octo/hello%20world/pulls/7", &match));
  EXPECT_EQ(match.route, 0u);
  ASSERT_EQ(match.param_count, 3u);
  EXPECT_EQ(match.names[0], "owner");
  EXPECT_EQ(match.names[1], "repo");
  EXPECT_EQ(match.names[2], "pull_number");
  EXPECT_EQ(match.values[0], "octo");
  EXPECT_EQ(match.values[1], "hello%20world");  // raw: decoding is the caller's job
  EXPECT_EQ(match.values[2], "7");
  // Parameters at the same position under different names belong to their own template.
  EXPECT_EQ(params_of(router, "/repos/o/r/generate"),
            (Params{{"template_owner", "o"}, {"template_repo", "r"}}));
}

TEST(Router, ValuesAreViewsIntoThePath) {
  Router router = make_router({"/a/{x}"});
  const std::string path = "/a/value";
  RouteMatch match;
  ASSERT_TRUE(router.match(path, &match));
  ASSERT_EQ(match.param_count, 1u);
  EXPECT_EQ(match.values[0].data(), path.data() + 3);
}

TEST(Router, RootAndNonPaths) {
  Router router = make_router({"/", "/a"});
  EXPECT_EQ(route_of(router, "/"), 0);
  EXPECT_EQ(route_of(router, "/a"), 1);
  EXPECT_EQ(route_of(router, ""), -1);
  EXPECT_EQ(route_of(router, "a"), -1);
  EXPECT_EQ(route_of(router, "//"), -1);
  Router empty;
  EXPECT_EQ(route_of(empty, "/"), -1);
  EXPECT_EQ(empty.size(), 0u);
}

TEST(Router, TrailingSlashStrict) {
  Router router = make_router({"/pets", "/toys/"});
  EXPECT_EQ(route_of(router, "/pets"), 0);
  EXPECT_EQ(route_of(router, "/pets/"), -1);
  EXPECT_EQ(route_of(router, "/toys/"), 1);
  EXPECT_EQ(route_of(router, "/toys"), -1);
}

TEST(Router, TrailingSlashIgnored) {
  Router router = make_router({"/pets", "/toys/", "/both", "/both/", "/p/{id}"});
  EXPECT_EQ(route_of(router, "/pets/", true), 0);
  EXPECT_EQ(route_of(router, "/toys", true), 1);
  // The exact form wins when both templates exist.
  EXPECT_EQ(route_of(router, "/both", true), 2);
  EXPECT_EQ(route_of(router, "/both/", true), 3);
  EXPECT_EQ(params_of(router, "/p/7"), (Params{{"id", "7"}}));
  RouteMatch match;
  ASSERT_TRUE(router.match("/p/7/", &match, true));
  ASSERT_EQ(match.param_count, 1u);
  EXPECT_EQ(match.values[0], "7");  // without the slash
  // One slash only, and never to make "/" from "".
  EXPECT_EQ(route_of(router, "/pets//", true), -1);
  EXPECT_EQ(route_of(router, "/", true), -1);
  EXPECT_EQ(route_of(router, "/p/", true), -1);
}

TEST(Router, TrailingSlashWithoutSlashTemplates) {
  // No template has an empty segment after the first, so a path ending in '/' is matched
  // only through the retry without the slash.
  Router router = make_router({"/", "/pets", "/p/{id}"});
  EXPECT_EQ(route_of(router, "/pets/"), -1);
  EXPECT_EQ(route_of(router, "/pets/", true), 1);
  EXPECT_EQ(params_of(router, "/p/7"), (Params{{"id", "7"}}));
  EXPECT_EQ(route_of(router, "/p/7/", true), 2);
  EXPECT_EQ(route_of(router, "/p//", true), -1);
  EXPECT_EQ(route_of(router, "/", true), 0);
  EXPECT_EQ(route_of(router, "//", true), 0);
  EXPECT_EQ(route_of(router, "/nothing", true), -1);
}

TEST(Router, TrailingSlashIgnoredOnlyWhenExactFails) {
  // "/a/b" matches "/a/{x}" exactly, so the slash-added "/a/b/" is not consulted.
  Router router = make_router({"/a/b/", "/a/{x}"});
  EXPECT_EQ(route_of(router, "/a/b", true), 1);
  EXPECT_EQ(route_of(router, "/a/b/", true), 0);
  EXPECT_EQ(route_of(router, "/a/c/", true), 1);
}

TEST(Router, ConflictsNameBothTemplates) {
  std::string error = add_error({"/pets/{id}"}, "/pets/{name}");
  EXPECT_NE(error.find("\"/pets/{name}\""), std::string::npos) << error;
  EXPECT_NE(error.find("\"/pets/{id}\""), std::string::npos) << error;
  EXPECT_NE(error.find("conflicts"), std::string::npos) << error;

  error = add_error({"/a/{x}/b/{y}.json", "/a/{x}/b/{y}"}, "/a/{p}/b/{q}.json");
  EXPECT_NE(error.find("\"/a/{x}/b/{y}.json\""), std::string::npos) << error;
  EXPECT_NE(error.find("\"/a/{p}/b/{q}.json\""), std::string::npos) << error;

  error = add_error({"/{a}-{b}"}, "/{b}-{a}");
  EXPECT_NE(error.find("\"/{a}-{b}\""), std::string::npos) << error;

  error = add_error({"/pets"}, "/pets");
  EXPECT_NE(error.find("\"/pets\""), std::string::npos) << error;
  EXPECT_NE(error.find("twice"), std::string::npos) << error;
}

TEST(Router, SimilarTemplatesDoNotConflict) {
  Router router = make_router({"/pets/{id}", "/pets/{id}/", "/pets/{id}.json", "/pets/mine",
                               "/pets/{id}-{rev}", "/pets/{id}.{ext}", "/pets/v{id}"});
  EXPECT_EQ(router.size(), 7u);
}

TEST(Router, RejectedTemplateLeavesRouterUnchanged) {
  Router router = make_router({"/a/{x}"});
  std::string error;
  EXPECT_FALSE(router.add("/a/{y}", 5, &error));
  EXPECT_FALSE(router.add("/b/{", 6, &error));
  EXPECT_EQ(router.size(), 1u);
  EXPECT_EQ(params_of(router, "/a/1"), (Params{{"x", "1"}}));
  EXPECT_TRUE(router.add("/a/{x}/c", 7, &error)) << error;
  EXPECT_EQ(route_of(router, "/a/1/c"), 7);
  EXPECT_FALSE(router.add("/a/{y}", 5, nullptr));  // a null error is allowed
}

TEST(Router, MalformedTemplates) {
  struct Case {
    const char* path_template;
    const char* expected;  // a substring of the message
  };
  const Case cases[] = {
      {"", "must start with '/'"},
      {"pets", "must start with '/'"},
      {"/pets/{id", "'{' at offset 6 is not closed"},
      {"/pets/{id/x}", "'{' at offset 6 is not closed"},
      {"/pets/{}", "empty parameter name at offset 6"},
      {"/pets/id}", "'}' at offset 8 has no matching '{'"},
      {"/pets/{a{b}", "'{' inside the parameter name"},
      {"/pets/{a}}", "'}' at offset 9 has no matching '{'"},
      {"/pets/{a}{b}", "parameters \"a\" and \"b\" have nothing between them"},
      {"/x/{a}/y/{a}", "parameter name \"a\" is used twice"},
      {"/x/{a}-{a}", "parameter name \"a\" is used twice"},
  };
  for (const Case& c : cases) {
    const std::string error = add_error({}, c.path_template);
    EXPECT_NE(error.find(c.expected), std::string::npos)
        << c.path_template << " gave: " << error;
    EXPECT_NE(error.find('"' + std::string(c.path_template) + '"'), std::string::npos)
        << "the message names the template: " << error;
  }
}

TEST(Router, ParameterLimit) {
  std::string path_template;
  std::string path;
  for (std::size_t i = 0; i < kMaxPathParams; ++i) {
    path_template += "/{p" + std::to_string(i) + "}";
    path += "/" + std::to_string(i);
  }
  Router router = make_router({path_template});
  RouteMatch match;
  ASSERT_TRUE(router.match(path, &match));
  ASSERT_EQ(match.param_count, kMaxPathParams);
  EXPECT_EQ(match.names[kMaxPathParams - 1], "p31");
  EXPECT_EQ(match.values[kMaxPathParams - 1], "31");
  const std::string error = add_error({}, path_template + "/{one_more}");
  EXPECT_NE(error.find("more than 32 parameters"), std::string::npos) << error;
}

TEST(Router, SegmentLimit) {
  std::string path_template;
  for (int i = 0; i < 256; ++i) path_template += "/s";
  Router router = make_router({path_template});
  EXPECT_EQ(route_of(router, path_template), 0);
  const std::string error = add_error({}, path_template + "/s");
  EXPECT_NE(error.find("more than 256 segments"), std::string::npos) << error;
}

TEST(Router, WideStaticNode) {
  // Wide enough for the hashed lookup, with a parameter sibling to fall back to.
  std::vector<std::string> templates;
  for (int i = 0; i < 300; ++i) templates.push_back("/w/s" + std::to_string(i) + "/end");
  templates.push_back("/w/{other}/end");
  Router router = make_router(templates);
  for (int i = 0; i < 300; ++i) {
    EXPECT_EQ(route_of(router, "/w/s" + std::to_string(i) + "/end"), i);
  }
  EXPECT_EQ(route_of(router, "/w/s300/end"), 300);
  EXPECT_EQ(route_of(router, "/w/s1"), -1);
  EXPECT_EQ(route_of(router, "/w//end"), -1);
}

TEST(Router, LongRequestPaths) {
  // Matching recurses per template segment, not per request segment: a hostile path costs
  // time proportional to its length and no stack.
  Router router = make_router({"/a/{x}", "/a/{x}/{y}/c", "/{p}.{q}"});
  std::string path;
  for (int i = 0; i < 100000; ++i) path += "/a";
  EXPECT_EQ(route_of(router, path), -1);
  const std::string long_segment = "/" + std::string(100000, '.') + "x";
  // "{p}.{q}": p takes the first '.', the second '.' is the literal, q the rest.
  const Params params = params_of(router, long_segment);
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].second, ".");
  EXPECT_TRUE(params[1].second == std::string(99998, '.') + "x") << params[1].second.size();
  EXPECT_EQ(route_of(router, "/" + std::string(100000, 'a')), -1);
}

TEST(Router, MovedRouterKeepsRoutes) {
  Router router = make_router({"/a/{short}", "/b/{a_parameter_name_longer_than_sso}"});
  Router moved = std::move(router);
  EXPECT_EQ(params_of(moved, "/a/1"), (Params{{"short", "1"}}));
  EXPECT_EQ(params_of(moved, "/b/2"), (Params{{"a_parameter_name_longer_than_sso", "2"}}));
  Router assigned;
  assigned = std::move(moved);
  EXPECT_EQ(route_of(assigned, "/a/1"), 0);
  EXPECT_EQ(assigned.size(), 2u);
  // A moved-from router matches nothing and can be filled again.
  EXPECT_EQ(route_of(router, "/a/1"), -1);  // NOLINT(bugprone-use-after-move)
  std::string error;
  EXPECT_TRUE(router.add("/c", 3, &error)) << error;  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(route_of(router, "/c"), 3);
}

TEST(Router, MatchDoesNotAllocate) {
  Router router = make_router({"/a/b/c", "/a/{x}/d", "/files/{name}.json", "/{a}-{b}/x",
                               "/pets/", "/w/{id}"});
  const char* paths[] = {"/a/b/c", "/a/b/d", "/files/f.json", "/x-y-z/x", "/pets",
                         "/nothing/here", "/w/7/"};
  RouteMatch match;
  const std::size_t before = g_allocations.load();
  std::size_t matched = 0;
  for (const char* path : paths) matched += router.match(path, &match, true) ? 1 : 0;
  EXPECT_EQ(g_allocations.load(), before);
  EXPECT_EQ(matched, 6u);
}

// --- Real-world specs -------------------------------------------------------------------

// $SPECGATE_SHARED, else <repo>/../shared, found from this file's path. Empty if absent.
fs::path shared_dir() {
  std::error_code ec;
  fs::path dir;
  if (const char* env = std::getenv("SPECGATE_SHARED"); env != nullptr && *env != '\0') {
    dir = env;
  } else {
    dir = fs::absolute(fs::path(__FILE__), ec).parent_path().parent_path() / ".." / "shared";
  }
  if (!fs::is_directory(dir, ec)) return {};
  return fs::weakly_canonical(dir, ec);
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

// Reads the `paths` keys of a JSON spec; an empty result with *error set on failure.
std::vector<std::string> read_path_templates(const fs::path& file, std::string* error) {
  std::vector<std::string> templates;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    *error = "cannot read " + file.string();
    return templates;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string json = std::move(text).str();
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError()) {
    *error = file.string() + ": " + rapidjson::GetParseError_En(document.GetParseError());
    return templates;
  }
  if (!document.IsObject()) {
    *error = file.string() + ": not an object";
    return templates;
  }
  // `paths` is optional in 3.1 (a webhooks-only document has none).
  if (!document.HasMember("paths")) return templates;
  if (!document["paths"].IsObject()) {
    *error = file.string() + ": \"paths\" is not an object";
    return templates;
  }
  for (const auto& member : document["paths"].GetObject()) {
    templates.emplace_back(member.name.GetString(), member.name.GetStringLength());
  }
  return templates;
}

// Replaces the i-th parameter (0-based) of a template by "v<i+1>x", and records the names.
std::string instantiate(std::string_view path_template, std::vector<std::string>* names) {
  std::string path;
  std::size_t pos = 0;
  while (pos < path_template.size()) {
    const std::size_t open = path_template.find('{', pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = path_template.find('}', open);
    if (close == std::string_view::npos) break;
    path.append(path_template.substr(pos, open - pos));
    names->emplace_back(path_template.substr(open + 1, close - open - 1));
    path += "v" + std::to_string(names->size()) + "x";
    pos = close + 1;
  }
  path.append(path_template.substr(pos));
  return path;
}

// Adds every template of `file`, reports each that is rejected (conflicts included), then
// checks that each accepted template, instantiated, matches back to itself with its own
// names and values.
void check_spec_routes(const fs::path& file, std::size_t* template_count) {
  std::string error;
  const std::vector<std::string> templates = read_path_templates(file, &error);
  ASSERT_TRUE(error.empty()) << error;
  *template_count = templates.size();

  Router router;
  std::vector<bool> accepted(templates.size(), false);
  for (std::size_t i = 0; i < templates.size(); ++i) {
    accepted[i] = router.add(templates[i], static_cast<std::uint32_t>(i), &error);
    EXPECT_TRUE(accepted[i]) << file.filename().string() << ": " << error;
  }

  for (std::size_t i = 0; i < templates.size(); ++i) {
    if (!accepted[i]) continue;
    std::vector<std::string> names;
    const std::string path = instantiate(templates[i], &names);
    RouteMatch match;
    if (!router.match(path, &match)) {
      ADD_FAILURE() << templates[i] << ": " << path << " matches no template";
      continue;
    }
    if (match.route != i) {
      ADD_FAILURE() << templates[i] << ": " << path << " matches "
                    << templates[match.route] << " instead";
      continue;
    }
    ASSERT_EQ(match.param_count, names.size()) << templates[i];
    for (std::size_t k = 0; k < names.size(); ++k) {
      EXPECT_EQ(match.names[k], names[k]) << templates[i];
      EXPECT_EQ(match.values[k], "v" + std::to_string(k + 1) + "x") << templates[i];
    }
  }
}

TEST(RouterRealWorld, EveryGithubPathMatchesItself) {
  const fs::path shared = shared_dir();
  const fs::path file = shared / "specs" / "github-api.github.com-2022-06.json";
  if (shared.empty() || !fs::exists(file)) {
    const std::string message =
        "shared specs not found (github-api.github.com-2022-06.json); set SPECGATE_SHARED or "
        "place the shared folder next to the repository";
    if (running_in_ci()) FAIL() << message;
    GTEST_SKIP() << message;
  }
  std::size_t count = 0;
  check_spec_routes(file, &count);
  EXPECT_EQ(count, 498u);  // the README's count for this revision of the spec
}

// The other JSON specs: Twilio brings real mixed segments ("{Sid}.json"), Kubernetes deep
// static trees.
TEST(RouterRealWorld, EveryJsonSpecPathMatchesItself) {
  const fs::path shared = shared_dir();
  if (shared.empty() || !fs::is_directory(shared / "specs")) {
    const std::string message = "shared specs not found; set SPECGATE_SHARED";
    if (running_in_ci()) FAIL() << message;
    GTEST_SKIP() << message;
  }
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(shared / "specs")) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().filename().string());
    std::size_t count = 0;
    check_spec_routes(entry.path(), &count);
    ++files;
  }
  EXPECT_GT(files, 0u);
}

}  // namespace
}  // namespace specgate::detail
