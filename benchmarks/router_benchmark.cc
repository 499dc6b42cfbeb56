// Benchmarks of the route trie (src/router.h) and base-path stripping (src/servers.h), on the
// 498 path templates of the GitHub REST API description.
//
//   BM_RouterBuildGithub           add() every GitHub template into a fresh Router
//   BM_RouterMatchGithub           match() one concrete path per template, round-robin (each
//                                  "{x}" replaced by "v<i>x"); time per iteration = ns/match
//   BM_RouterMatchGithubSlash      the same paths with a trailing '/', ignore_trailing_slash:
//                                  a failed exact match, then the retry without the slash
//   BM_RouterMissGithub            paths that match nothing (two extra last segments)
//   BM_StripBasePath               strip_base_path over four base paths, longest first
//
// Needs ../shared (or $SPECGATE_SHARED); reports an error when it is absent.
// Short mode, as CI runs it: router_benchmark --benchmark_min_time=0.01
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "router.h"
#include "servers.h"
#include "shared_data.h"

#ifndef SPECGATE_SOURCE_DIR
#error "SPECGATE_SOURCE_DIR must be defined (the specgate source tree)"
#endif

namespace {

namespace fs = std::filesystem;
using specgate::detail::RouteMatch;
using specgate::detail::Router;

struct GithubRoutes {
  std::string error;                   // non-empty when the data could not be loaded
  std::vector<std::string> templates;  // in document order; route id = index
  std::vector<std::string> paths;      // templates[i] instantiated
  Router router;
};

std::string instantiate(std::string_view path_template) {
  std::string path;
  std::size_t pos = 0;
  std::size_t count = 0;
  while (true) {
    const std::size_t open = path_template.find('{', pos);
    const std::size_t close =
        open == std::string_view::npos ? open : path_template.find('}', open);
    if (close == std::string_view::npos) break;
    path.append(path_template.substr(pos, open - pos));
    path += "v" + std::to_string(++count) + "x";
    pos = close + 1;
  }
  path.append(path_template.substr(pos));
  return path;
}

const GithubRoutes& github_routes() {
  static const std::unique_ptr<GithubRoutes> routes = [] {
    auto out = std::make_unique<GithubRoutes>();
    const fs::path shared = specgate::test_support::find_shared_dir(SPECGATE_SOURCE_DIR);
    const fs::path file = shared / "specs" / "github-api.github.com-2022-06.json";
    std::string text;
    if (shared.empty() || !specgate::test_support::read_file(file, &text)) {
      out->error = "shared data not found (specs/github-api.github.com-2022-06.json); looked in " +
                   specgate::test_support::shared_dir_hint(SPECGATE_SOURCE_DIR);
      return out;
    }
    rapidjson::Document document;
    document.Parse(text.data(), text.size());
    if (document.HasParseError() || !document.IsObject() || !document.HasMember("paths") ||
        !document["paths"].IsObject()) {
      out->error = file.string() + ": not a spec with a \"paths\" object";
      return out;
    }
    for (const auto& member : document["paths"].GetObject()) {
      out->templates.emplace_back(member.name.GetString(), member.name.GetStringLength());
    }
    for (std::size_t i = 0; i < out->templates.size(); ++i) {
      std::string error;
      if (!out->router.add(out->templates[i], static_cast<std::uint32_t>(i), &error)) {
        out->error = error;
        return out;
      }
      out->paths.push_back(instantiate(out->templates[i]));
    }
    return out;
  }();
  return *routes;
}

void BM_RouterBuildGithub(benchmark::State& state) {
  const GithubRoutes& routes = github_routes();
  if (!routes.error.empty()) {
    state.SkipWithError(routes.error.c_str());
    return;
  }
  for (auto _ : state) {
    Router router;
    for (std::size_t i = 0; i < routes.templates.size(); ++i) {
      router.add(routes.templates[i], static_cast<std::uint32_t>(i), nullptr);
    }
    benchmark::DoNotOptimize(router.size());
  }
  state.counters["templates"] = static_cast<double>(routes.templates.size());
}
BENCHMARK(BM_RouterBuildGithub)->Unit(benchmark::kMicrosecond);

// The paths copied back to back into one buffer, as views. A gateway matches a path it has
// just read, which is in cache; 498 separately allocated strings would instead time a cache
// miss on the first byte of each.
struct PackedPaths {
  std::unique_ptr<char[]> buffer;
  std::vector<std::string_view> views;
};

PackedPaths pack(const std::vector<std::string>& paths) {
  std::size_t total = 0;
  for (const std::string& path : paths) total += path.size();
  PackedPaths packed;
  packed.buffer = std::make_unique<char[]>(total + 1);
  char* out = packed.buffer.get();
  for (const std::string& path : paths) {
    std::memcpy(out, path.data(), path.size());
    packed.views.emplace_back(out, path.size());
    out += path.size();
  }
  return packed;
}

// Times match() over `paths` round-robin; checks each result once first so a broken router
// cannot pass as a fast one.
void run_match(benchmark::State& state, const GithubRoutes& routes,
               const std::vector<std::string>& paths, bool ignore_trailing_slash,
               bool expect_match) {
  RouteMatch match;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const bool matched = routes.router.match(paths[i], &match, ignore_trailing_slash);
    if (matched != expect_match || (expect_match && match.route != i)) {
      state.SkipWithError(("unexpected result for " + paths[i]).c_str());
      return;
    }
  }
  const PackedPaths packed = pack(paths);
  const std::vector<std::string_view>& views = packed.views;
  std::size_t next = 0;
  for (auto _ : state) {
    const bool matched = routes.router.match(views[next], &match, ignore_trailing_slash);
    benchmark::DoNotOptimize(matched);
    benchmark::DoNotOptimize(match.route);
    if (++next == views.size()) next = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_RouterMatchGithub(benchmark::State& state) {
  const GithubRoutes& routes = github_routes();
  if (!routes.error.empty()) {
    state.SkipWithError(routes.error.c_str());
    return;
  }
  run_match(state, routes, routes.paths, false, true);
}
BENCHMARK(BM_RouterMatchGithub);

void BM_RouterMatchGithubSlash(benchmark::State& state) {
  const GithubRoutes& routes = github_routes();
  if (!routes.error.empty()) {
    state.SkipWithError(routes.error.c_str());
    return;
  }
  std::vector<std::string> paths;
  for (const std::string& path : routes.paths) {
    // "/" + "/" would be "//", which is not "/" with a trailing slash; keep the root as is.
    paths.push_back(path == "/" ? path : path + "/");
  }
  run_match(state, routes, paths, true, true);
}
BENCHMARK(BM_RouterMatchGithubSlash);

void BM_RouterMissGithub(benchmark::State& state) {
  const GithubRoutes& routes = github_routes();
  if (!routes.error.empty()) {
    state.SkipWithError(routes.error.c_str());
    return;
  }
  // Two unknown segments after each path; the few that a deeper template still matches
  // ("/gists/{gist_id}/{sha}") are left out.
  std::vector<std::string> paths;
  RouteMatch match;
  for (const std::string& path : routes.paths) {
    std::string miss = path + "/zz-none/zz";
    if (!routes.router.match(miss, &match)) paths.push_back(std::move(miss));
  }
  state.counters["paths"] = static_cast<double>(paths.size());
  run_match(state, routes, paths, false, false);
}
BENCHMARK(BM_RouterMissGithub);

void BM_StripBasePath(benchmark::State& state) {
  const GithubRoutes& routes = github_routes();
  if (!routes.error.empty()) {
    state.SkipWithError(routes.error.c_str());
    return;
  }
  // Sorted longest first, as server_base_paths returns them; requests go to each in turn.
  const std::vector<std::string> bases = {"/pal/servlet/Payment/v68", "/api/v3", "/v1", ""};
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < routes.paths.size(); ++i) {
    paths.push_back(bases[i % bases.size()] + routes.paths[i]);
  }
  const PackedPaths packed = pack(paths);
  const std::vector<std::string_view>& views = packed.views;
  std::size_t next = 0;
  std::string_view rest;
  for (auto _ : state) {
    const bool stripped = specgate::detail::strip_base_path(bases, views[next], &rest);
    benchmark::DoNotOptimize(stripped);
    benchmark::DoNotOptimize(rest);
    if (++next == views.size()) next = 0;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_StripBasePath);

}  // namespace

BENCHMARK_MAIN();
