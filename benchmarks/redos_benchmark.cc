// ReDoS: validation time against patterns that make backtracking engines exponential, as a
// function of the input size. specgate runs `pattern` through RE2 (linear time), so the time
// per byte stays flat; std::regex (backtracking) is timed for contrast on small sizes only.
//
//   build/benchmarks/redos_benchmark                              # all sizes, complexity fits
//   build/benchmarks/redos_benchmark --benchmark_min_time=0.01    # quick (CI)
//
// Input: "aaa...a!" (n a's then one character that makes the match fail at the very end).
#include <benchmark/benchmark.h>
#include <specgate/json_schema.h>

#include <regex>
#include <string>

namespace {

std::string attack_json(std::size_t n) { return "\"" + std::string(n, 'a') + "!\""; }

void run_pattern(benchmark::State& state, const char* pattern) {
  const specgate::Schema schema =
      specgate::Schema::compile(std::string(R"({"pattern": ")") + pattern + "\"}");
  specgate::Validator validator;
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const std::string text = attack_json(n);
  for (auto _ : state) {
    bool valid = validator.validate_json(schema, text);
    benchmark::DoNotOptimize(valid);
    if (valid) state.SkipWithError("the attack string matched");
  }
  state.SetComplexityN(state.range(0));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void BM_NestedPlus(benchmark::State& state) { run_pattern(state, "(a+)+$"); }
void BM_AlternationStar(benchmark::State& state) { run_pattern(state, "^(a|a)*$"); }
void BM_OverlappingAlternation(benchmark::State& state) { run_pattern(state, "^(a|aa)+$"); }
void BM_NestedStarClass(benchmark::State& state) { run_pattern(state, "^([a-z]*)*[0-9]$"); }

BENCHMARK(BM_NestedPlus)->RangeMultiplier(4)->Range(16, 1 << 20)->Complexity(benchmark::oN);
BENCHMARK(BM_AlternationStar)->RangeMultiplier(4)->Range(16, 1 << 20)->Complexity(benchmark::oN);
BENCHMARK(BM_OverlappingAlternation)
    ->RangeMultiplier(4)
    ->Range(16, 1 << 20)
    ->Complexity(benchmark::oN);
BENCHMARK(BM_NestedStarClass)->RangeMultiplier(4)->Range(16, 1 << 20)->Complexity(benchmark::oN);

// The same pattern in a backtracking engine: every extra 'a' doubles the time.
void BM_StdRegexNestedPlus(benchmark::State& state) {
  const std::regex regex("(a+)+$", std::regex::ECMAScript);
  const std::string text(static_cast<std::size_t>(state.range(0)), 'a');
  const std::string attack = text + "!";
  for (auto _ : state) {
    bool found = std::regex_search(attack, regex);
    benchmark::DoNotOptimize(found);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_StdRegexNestedPlus)->DenseRange(10, 22, 4)->Complexity(benchmark::oAuto);

}  // namespace

BENCHMARK_MAIN();
