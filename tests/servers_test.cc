// Tests for src/servers.h: server URLs to base paths, and stripping them from request paths.
#include "servers.h"

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace specgate::detail {
namespace {

using Paths = std::vector<std::string>;

// Base paths of the `servers` array written as JSON text; problems go to *problems.
Paths base_paths(const char* servers_json, std::vector<std::string>* problems) {
  rapidjson::Document document;
  document.Parse(servers_json);
  EXPECT_FALSE(document.HasParseError()) << servers_json;
  return server_base_paths(&document, problems);
}

// Same, expecting no problems.
Paths base_paths(const char* servers_json) {
  std::vector<std::string> problems;
  Paths paths = base_paths(servers_json, &problems);
  EXPECT_TRUE(problems.empty()) << servers_json << ": " << problems.front();
  return paths;
}

// The one problem reported for `servers_json`, with the paths that were still found.
std::string problem_of(const char* servers_json, Paths* paths = nullptr) {
  std::vector<std::string> problems;
  Paths found = base_paths(servers_json, &problems);
  if (paths != nullptr) *paths = found;
  EXPECT_EQ(problems.size(), 1u) << servers_json;
  return problems.empty() ? std::string() : problems.front();
}

TEST(ServerBasePaths, AbsentOrEmptyMeansRoot) {
  std::vector<std::string> problems;
  EXPECT_EQ(server_base_paths(nullptr, &problems), Paths{""});
  EXPECT_EQ(base_paths("[]"), Paths{""});
  EXPECT_TRUE(problems.empty());
}

TEST(ServerBasePaths, AbsoluteUrls) {
  EXPECT_EQ(base_paths(R"([{"url": "https://api.example.com/v1"}])"), Paths{"/v1"});
  EXPECT_EQ(base_paths(R"([{"url": "https://api.github.com"}])"), Paths{""});
  EXPECT_EQ(base_paths(R"([{"url": "https://api.stripe.com/"}])"), Paths{""});
  EXPECT_EQ(base_paths(R"([{"url": "http://host:8080/a/b/"}])"), Paths{"/a/b"});
  EXPECT_EQ(base_paths(R"([{"url": "https://user@host/a?x=1#f"}])"), Paths{"/a"});
  EXPECT_EQ(base_paths(R"([{"url": "https://pal-test.adyen.com/pal/servlet/Payment/v68"}])"),
            Paths{"/pal/servlet/Payment/v68"});
  EXPECT_EQ(base_paths(R"([{"url": "wss://h/ws"}])"), Paths{"/ws"});
}

TEST(ServerBasePaths, RelativeUrls) {
  EXPECT_EQ(base_paths(R"([{"url": "/v1"}])"), Paths{"/v1"});
  EXPECT_EQ(base_paths(R"([{"url": "v1"}])"), Paths{"/v1"});
  EXPECT_EQ(base_paths(R"([{"url": "./v1"}])"), Paths{"/v1"});
  EXPECT_EQ(base_paths(R"([{"url": "../v1"}])"), Paths{"/v1"});
  EXPECT_EQ(base_paths(R"([{"url": "/a/./b/../c"}])"), Paths{"/a/c"});
  EXPECT_EQ(base_paths(R"([{"url": "//host/v1"}])"), Paths{"/v1"});
  EXPECT_EQ(base_paths(R"([{"url": "/"}])"), Paths{""});
  EXPECT_EQ(base_paths(R"([{"url": ""}])"), Paths{""});
  // A host and port without a scheme, common in real specs.
  EXPECT_EQ(base_paths(R"([{"url": "localhost:8080/api"}])"), Paths{"/api"});
  EXPECT_EQ(base_paths(R"([{"url": "localhost:8080"}])"), Paths{""});
}

TEST(ServerBasePaths, TrailingSlashesDropped) {
  EXPECT_EQ(base_paths(R"([{"url": "/v1/"}])"), Paths{"/v1"});
  EXPECT_EQ(base_paths(R"([{"url": "/v1//"}])"), Paths{"/v1"});
  EXPECT_EQ(base_paths(R"([{"url": "https://h/v1/"}, {"url": "/v1"}])"), Paths{"/v1"});
}

TEST(ServerBasePaths, SortedLongestFirstWithoutDuplicates) {
  EXPECT_EQ(base_paths(R"([{"url": "/v1"}, {"url": "https://x/v1/beta"}, {"url": "/"},
                           {"url": "https://y/v1"}, {"url": "/v2"}])"),
            (Paths{"/v1/beta", "/v1", "/v2", ""}));
}

TEST(ServerBasePaths, VariablesFromEnum) {
  EXPECT_EQ(base_paths(R"([{"url": "https://{env}.example.com/{version}",
                            "variables": {
                              "env": {"enum": ["prod", "staging"], "default": "prod"},
                              "version": {"enum": ["v1", "v2"], "default": "v2"}}}])"),
            (Paths{"/v1", "/v2"}));
  // The uspto example: the variable is the scheme.
  EXPECT_EQ(base_paths(R"([{"url": "{scheme}://developer.uspto.gov/ds-api",
                            "variables": {"scheme": {"enum": ["https", "http"],
                                                     "default": "https"}}}])"),
            Paths{"/ds-api"});
  // A variable used twice takes the same value in both places.
  EXPECT_EQ(base_paths(R"([{"url": "/{v}/x/{v}",
                            "variables": {"v": {"enum": ["a", "b"], "default": "a"}}}])"),
            (Paths{"/a/x/a", "/b/x/b"}));
}

TEST(ServerBasePaths, VariablesFromDefault) {
  EXPECT_EQ(base_paths(R"([{"url": "https://{host}/{base}",
                            "variables": {"host": {"default": "h"},
                                          "base": {"default": "api/v3"}}}])"),
            Paths{"/api/v3"});
  // A default outside the enum is served too.
  EXPECT_EQ(base_paths(R"([{"url": "/{v}",
                            "variables": {"v": {"enum": ["v1"], "default": "v0"}}}])"),
            (Paths{"/v0", "/v1"}));
  // An enum without a default.
  EXPECT_EQ(base_paths(R"([{"url": "/{v}", "variables": {"v": {"enum": ["v1", "v2"]}}}])"),
            (Paths{"/v1", "/v2"}));
  // Unused variables are allowed and do not multiply anything.
  EXPECT_EQ(base_paths(R"([{"url": "/x", "variables": {"v": {"enum": ["1", "2"],
                                                               "default": "1"}}}])"),
            Paths{"/x"});
}

TEST(ServerBasePaths, TooManyCombinationsUseDefaults) {
  // 5 * 5 * 5 = 125 combinations, over the cap of 64.
  EXPECT_EQ(base_paths(R"([{"url": "/{a}/{b}/{c}", "variables": {
                 "a": {"enum": ["1", "2", "3", "4", "5"], "default": "3"},
                 "b": {"enum": ["1", "2", "3", "4", "5"], "default": "4"},
                 "c": {"enum": ["1", "2", "3", "4", "5"]}}}])"),
            Paths{"/3/4/1"});
  // 8 * 8 = 64 is still expanded.
  const Paths paths = base_paths(R"([{"url": "/{a}/{b}", "variables": {
                 "a": {"enum": ["1", "2", "3", "4", "5", "6", "7", "8"], "default": "1"},
                 "b": {"enum": ["1", "2", "3", "4", "5", "6", "7", "8"], "default": "1"}}}])");
  EXPECT_EQ(paths.size(), 64u);
}

TEST(ServerBasePaths, MalformedEntriesAreSkippedWithTheirIndex) {
  Paths paths;
  std::string problem =
      problem_of(R"([{"url": "/ok"}, {"url": "/{version"}, {"url": "/fine"}])", &paths);
  EXPECT_EQ(paths, (Paths{"/fine", "/ok"}));
  EXPECT_NE(problem.find("servers[1]"), std::string::npos) << problem;
  EXPECT_NE(problem.find("is not closed"), std::string::npos) << problem;

  struct Case {
    const char* servers;
    const char* expected;
  };
  const Case cases[] = {
      {R"(["https://x"])", "must be an object"},
      {R"([{}])", "\"url\" must be a string"},
      {R"([{"url": 7}])", "\"url\" must be a string"},
      {R"([{"url": "/v}"}])", "'}' at offset 2 has no matching '{'"},
      {R"([{"url": "/{}"}])", "empty variable name"},
      {R"([{"url": "/{a{b}}"}])", "is not closed"},
      {R"([{"url": "/{v}"}])", "variable \"v\", which \"variables\" does not define"},
      {R"([{"url": "/{v}", "variables": []}])", "\"variables\" must be an object"},
      {R"([{"url": "/{v}", "variables": {"v": "x"}}])", "variable \"v\" must be an object"},
      {R"([{"url": "/{v}", "variables": {"v": {}}}])", "neither \"default\" nor \"enum\""},
      {R"([{"url": "/{v}", "variables": {"v": {"default": 1}}}])", "\"default\" must be a string"},
      {R"([{"url": "/{v}", "variables": {"v": {"enum": []}}}])", "non-empty array of strings"},
      {R"([{"url": "/{v}", "variables": {"v": {"enum": [1]}}}])", "non-empty array of strings"},
      {R"([{"url": "https:///v1"}])", "empty host"},
      {R"([{"url": "https://"}])", "empty host"},
      {R"([{"url": "mailto:someone"}])", "needs \"//\" and a host"},
      {R"([{"url": "/a b"}])", "not allowed in a URL at offset 2"},
      {R"([{"url": "/{v}", "variables": {"v": {"default": "a b"}}}])", "not allowed in a URL"},
  };
  for (const Case& c : cases) {
    Paths found;
    problem = problem_of(c.servers, &found);
    EXPECT_NE(problem.find("servers[0]: "), std::string::npos) << problem;
    EXPECT_NE(problem.find(c.expected), std::string::npos) << c.servers << " gave: " << problem;
    EXPECT_TRUE(found.empty()) << c.servers;
  }
}

TEST(ServerBasePaths, NotAnArray) {
  std::vector<std::string> problems;
  EXPECT_EQ(base_paths(R"({"url": "/v1"})", &problems), Paths{""});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("must be an array"), std::string::npos) << problems[0];
}

TEST(ServerBasePaths, NullProblemsIsAllowed) {
  rapidjson::Document document;
  document.Parse(R"([{"url": "/{x"}, {"url": "/v1"}])");
  EXPECT_EQ(server_base_paths(&document, nullptr), Paths{"/v1"});
}

std::string stripped(const Paths& bases, std::string_view path) {
  std::string_view rest;
  if (!strip_base_path(bases, path, &rest)) return "<none>";
  return std::string(rest);
}

TEST(StripBasePath, AtSegmentBoundaries) {
  const Paths bases = {"/v1"};
  EXPECT_EQ(stripped(bases, "/v1/pets"), "/pets");
  EXPECT_EQ(stripped(bases, "/v1"), "/");
  EXPECT_EQ(stripped(bases, "/v1/"), "/");
  EXPECT_EQ(stripped(bases, "/v1//x"), "//x");
  EXPECT_EQ(stripped(bases, "/v10/pets"), "<none>");
  EXPECT_EQ(stripped(bases, "/v"), "<none>");
  EXPECT_EQ(stripped(bases, "/V1/pets"), "<none>");
  EXPECT_EQ(stripped(bases, "/pets"), "<none>");
  EXPECT_EQ(stripped(bases, ""), "<none>");
}

TEST(StripBasePath, LongestFirst) {
  const Paths bases = {"/v1/beta", "/v1", ""};
  EXPECT_EQ(stripped(bases, "/v1/beta/x"), "/x");
  EXPECT_EQ(stripped(bases, "/v1/betax"), "/betax");
  EXPECT_EQ(stripped(bases, "/v1/x"), "/x");
  EXPECT_EQ(stripped(bases, "/other"), "/other");
}

TEST(StripBasePath, RootBase) {
  const Paths bases = {""};
  EXPECT_EQ(stripped(bases, "/pets"), "/pets");
  EXPECT_EQ(stripped(bases, "/"), "/");
  EXPECT_EQ(stripped(bases, ""), "/");
  EXPECT_EQ(stripped({}, "/pets"), "<none>");
}

TEST(StripBasePath, RestIsAViewIntoThePath) {
  const std::string path = "/v1/pets";
  std::string_view rest;
  ASSERT_TRUE(strip_base_path({"/v1"}, path, &rest));
  EXPECT_EQ(rest.data(), path.data() + 3);
}

}  // namespace
}  // namespace specgate::detail
