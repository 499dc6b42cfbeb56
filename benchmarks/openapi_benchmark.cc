// Benchmarks of the OpenAPI layer: loading specs and validating whole requests.
//
//   BM_LoadSpec/<file>         read + parse + compile a real-world spec (GitHub JSON, Stripe
//                              YAML, ...); counters: heap bytes the compiled Spec keeps (glibc
//                              mallinfo2 delta after the source is freed) and that as a multiple
//                              of the file size
//   BM_SmallPost               a small POST with a JSON body and a bearer token, against the
//                              test clinic spec (tests/data/specs/clinic.yaml): route, security,
//                              content type, JSON parse and schema validation
//   BM_SmallGet                a GET with path, query and header parameters, same spec
//   BM_GithubGet               a GET with path and query parameters against the GitHub spec
//
// Short mode, as CI runs it: openapi_benchmark --benchmark_min_time=0.01
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <specgate/openapi.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "shared_data.h"

namespace {

namespace fs = std::filesystem;
using specgate::Header;
using specgate::Request;
using specgate::RequestValidator;
using specgate::Spec;

const fs::path& shared_dir() {
  static const fs::path dir = specgate::test_support::find_shared_dir(SPECGATE_SOURCE_DIR);
  return dir;
}

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

void BM_LoadSpec(benchmark::State& state, const char* file) {
  if (shared_dir().empty()) {
    state.SkipWithError("shared data not found (set SPECGATE_SHARED)");
    return;
  }
  fs::path path = shared_dir() / "specs" / file;
  std::string text = read_file(path);
  specgate::SpecOptions options;
  options.base_uri = path.string();
  for (auto _ : state) {
    Spec spec = Spec::load(text, options);
    benchmark::DoNotOptimize(spec);
  }
  // What a loaded spec keeps once the source text and parsed document are gone.
  std::size_t before = mallinfo2().uordblks;
  std::optional<Spec> kept;
  {
    std::string copy = text;
    kept = Spec::load(copy, options);
  }
  std::size_t after = mallinfo2().uordblks;
  double held = after > before ? static_cast<double>(after - before) : 0;
  state.counters["spec_bytes"] = static_cast<double>(text.size());
  state.counters["held_bytes"] = held;
  state.counters["held_ratio"] = held / static_cast<double>(text.size());
  state.counters["operations"] = static_cast<double>(kept->operations().size());
}
BENCHMARK_CAPTURE(BM_LoadSpec, github_json, "github-api.github.com-2022-06.json")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadSpec, stripe_yaml, "stripe-spec3-2023-09.yaml")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadSpec, k8s_json, "k8s-api__v1_openapi.json")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LoadSpec, petstore_yaml, "oai-petstore-3.0.yaml")
    ->Unit(benchmark::kMicrosecond);

const Spec& clinic() {
  static const Spec spec = Spec::load_file(
      (fs::path(SPECGATE_SOURCE_DIR) / "tests" / "data" / "specs" / "clinic.yaml").string());
  return spec;
}

void BM_SmallPost(benchmark::State& state) {
  const Spec& spec = clinic();
  RequestValidator validator;
  Header headers[] = {{"Host", "api.clinic.test"},
                      {"Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"},
                      {"Content-Type", "application/json"},
                      {"Accept", "application/json"}};
  Request request;
  request.method = "POST";
  request.target = "/v1/patients";
  request.headers = headers;
  request.header_count = 4;
  request.body = R"({"name": "Rex", "species": "dog", "weight_kg": 31.5, "chip": "985112345678901"})";
  request.has_body = true;
  if (validator.validate(spec, request).status != 200) {
    state.SkipWithError("the benchmark request is not valid");
    return;
  }
  for (auto _ : state) {
    const auto& result = validator.validate(spec, request);
    benchmark::DoNotOptimize(result.status);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SmallPost);

void BM_SmallGet(benchmark::State& state) {
  const Spec& spec = clinic();
  RequestValidator validator;
  Header headers[] = {{"Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"},
                      {"X-Request-Id", "6f1c1d2e-8b0a-4c3e-9f5d-2a7b8c9d0e1f"}};
  Request request;
  request.method = "GET";
  request.target = "/v1/patients?limit=20&species=dog&species=cat";
  request.headers = headers;
  request.header_count = 2;
  if (validator.validate(spec, request).status != 200) {
    state.SkipWithError("the benchmark request is not valid");
    return;
  }
  for (auto _ : state) {
    const auto& result = validator.validate(spec, request);
    benchmark::DoNotOptimize(result.status);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SmallGet);

void BM_GithubGet(benchmark::State& state) {
  if (shared_dir().empty()) {
    state.SkipWithError("shared data not found (set SPECGATE_SHARED)");
    return;
  }
  static const Spec spec =
      Spec::load_file((shared_dir() / "specs" / "github-api.github.com-2022-06.json").string());
  RequestValidator validator;
  Request request;
  request.method = "GET";
  request.target = "/repos/octocat/hello-world/issues?state=open&per_page=50&page=2";
  if (validator.validate(spec, request).status != 200) {
    state.SkipWithError("the benchmark request is not valid");
    return;
  }
  for (auto _ : state) {
    const auto& result = validator.validate(spec, request);
    benchmark::DoNotOptimize(result.status);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_GithubGet);

}  // namespace

BENCHMARK_MAIN();
