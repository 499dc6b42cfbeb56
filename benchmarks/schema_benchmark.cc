// Benchmarks of the JSON Schema engine, compile and validate timed separately.
//
//   BM_CompileGithub/<name>        compile {"$ref": "https://specgate.test/github.json#<pointer>"}
//                                  (the GitHub REST API description registered as a resource,
//                                  dialect oas3.0): request bodies and component schemas
//   BM_ValidateGithub/<name>       validate an already parsed ~500 B instance, kFast mode
//   BM_ValidateJson/<size>         validate_json (parse + validate) of 1 MiB / 10 MiB arrays of
//                                  generated patient records, bytes per second
//   BM_ValidateSharedSchema/threads:N
//                                  one Schema shared by N threads, a Validator per thread
//   BM_RapidJsonParse/<size>       RapidJSON DOM parse only of the same bytes, with the engine's
//                                  flags and document reuse (and, for scale, full precision only)
//   BM_Suite{Compile,Validate,CompileValidate}/<draft>
//                                  every required group of the JSON-Schema-Test-Suite draft,
//                                  as one aggregate
//
// Benchmarks that need ../shared (or $SPECGATE_SHARED) report an error when it is absent.
// Short mode, as CI runs it: schema_benchmark --benchmark_min_time=0.01
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <specgate/json_schema.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared_data.h"

#ifndef SPECGATE_SOURCE_DIR
#error "SPECGATE_SOURCE_DIR must be defined (the specgate source tree)"
#endif

namespace {

namespace fs = std::filesystem;
using specgate::CompileOptions;
using specgate::Dialect;
using specgate::Schema;
using specgate::Validator;

// The flags the engine parses instance text with (src/json_scratch.h), which the parse-only
// baseline uses too. Schemas and test data are parsed with kParseFlags.
constexpr unsigned kEngineParseFlags =
    rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag;
constexpr unsigned kParseFlags = rapidjson::kParseFullPrecisionFlag;

const fs::path& shared_dir() {
  static const fs::path dir = specgate::test_support::find_shared_dir(SPECGATE_SOURCE_DIR);
  return dir;
}

std::string missing_shared_message(std::string_view what) {
  return "shared data not found (" + std::string(what) + "); looked in " +
         specgate::test_support::shared_dir_hint(SPECGATE_SOURCE_DIR);
}

std::string describe_errors(const Validator& validator) {
  std::string text;
  for (const specgate::ValidationError& error : validator.errors()) {
    text += " [" + error.instance_pointer + " " + error.keyword + ": " + error.message + "]";
  }
  return text;
}

std::string describe_schema_error(const std::exception& e) {
  std::string text = e.what();
  if (const auto* schema_error = dynamic_cast<const specgate::SchemaError*>(&e)) {
    for (const specgate::Problem& problem : schema_error->problems()) {
      text += " [" + problem.pointer + ": " + problem.message + "]";
      if (text.size() > 400) break;
    }
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// (a), (b): the GitHub REST API description as a registered resource.

constexpr std::string_view kGithubUri = "https://specgate.test/github.json";

struct GithubSchema {
  const char* name;
  const char* pointer;  // URI fragment: a JSON pointer, '{' '}' percent-encoded
};

constexpr GithubSchema kGithubSchemas[] = {
    // Request bodies, inline in the operations.
    {"issues_create_body",
     "/paths/~1repos~1%7Bowner%7D~1%7Brepo%7D~1issues/post/requestBody/content/"
     "application~1json/schema"},
    {"pulls_create_body",
     "/paths/~1repos~1%7Bowner%7D~1%7Brepo%7D~1pulls/post/requestBody/content/"
     "application~1json/schema"},
    {"repos_create_body", "/paths/~1user~1repos/post/requestBody/content/application~1json/schema"},
    // Component schemas, with their $ref graphs.
    {"milestone", "/components/schemas/milestone"},
    {"issue", "/components/schemas/issue"},
    {"pull-request", "/components/schemas/pull-request"},
    {"full-repository", "/components/schemas/full-repository"},
};

struct GithubResources {
  std::string error;  // empty when ready
  specgate::ResourceRegistry registry;
};

const GithubResources& github_resources() {
  static const std::unique_ptr<GithubResources> resources = [] {
    auto r = std::make_unique<GithubResources>();
    if (shared_dir().empty()) {
      r->error = missing_shared_message("the GitHub API description");
      return r;
    }
    const fs::path file = shared_dir() / "specs" / "github-api.github.com-2022-06.json";
    std::string text;
    if (!specgate::test_support::read_file(file, &text)) {
      r->error = "cannot read " + file.string();
      return r;
    }
    try {
      r->registry.add(kGithubUri, text);
    } catch (const std::exception& e) {
      r->error = "registering " + file.string() + ": " + describe_schema_error(e);
    }
    return r;
  }();
  return *resources;
}

Schema compile_github(std::string_view pointer) {
  const std::string text =
      R"({"$ref": ")" + std::string(kGithubUri) + "#" + std::string(pointer) + R"("})";
  CompileOptions options;
  options.default_dialect = Dialect::kOas30;
  options.resources = &github_resources().registry;
  return Schema::compile(text, options);
}

// Compiles `pointer` or reports why not; nullopt means the benchmark was skipped.
std::optional<Schema> compile_github_or_skip(benchmark::State& state, std::string_view pointer) {
  if (!github_resources().error.empty()) {
    state.SkipWithError(github_resources().error.c_str());
    return std::nullopt;
  }
  try {
    return compile_github(pointer);
  } catch (const std::exception& e) {
    state.SkipWithError(("compile failed: " + describe_schema_error(e)).c_str());
    return std::nullopt;
  }
}

void BM_CompileGithub(benchmark::State& state, const char* pointer) {
  if (!compile_github_or_skip(state, pointer)) return;
  for (auto _ : state) {
    Schema schema = compile_github(pointer);
    benchmark::DoNotOptimize(schema);
  }
}

// ~500 B instances written by hand from the GitHub schemas, valid against them.
constexpr std::string_view kMilestoneInstance = R"({
  "url": "https://api.github.com/repos/octocat/Hello-World/milestones/1",
  "html_url": "https://github.com/octocat/Hello-World/milestones/v1.0",
  "labels_url": "https://api.github.com/repos/octocat/Hello-World/milestones/1/labels",
  "id": 1002604,
  "node_id": "MDk6TWlsZXN0b25lMTAwMjYwNA==",
  "number": 1,
  "state": "open",
  "title": "v1.0",
  "description": "Tracking milestone for version 1.0",
  "creator": null,
  "open_issues": 4,
  "closed_issues": 8,
  "created_at": "2011-04-10T20:09:31Z",
  "updated_at": "2014-03-03T18:58:10Z",
  "closed_at": null,
  "due_on": "2012-10-09T23:39:01Z"
})";

constexpr std::string_view kIssueCreateInstance = R"({
  "title": "Widget creation fails in Safari on OS X 10.8",
  "body": "It looks like the new widget form is broken on Safari. When I try and create the widget, Safari crashes. This is reproducible on 10.8, but not 10.9.",
  "assignee": null,
  "milestone": 1,
  "labels": [
    "bug",
    {"id": 208045946, "name": "safari", "description": "Only in Safari", "color": "f29513"},
    {"name": "needs-triage", "color": null}
  ],
  "assignees": ["octocat", "hubot", "monalisa"]
})";

void BM_ValidateGithub(benchmark::State& state, const char* pointer, std::string_view instance) {
  const std::optional<Schema> schema = compile_github_or_skip(state, pointer);
  if (!schema) return;
  rapidjson::Document document;
  document.Parse<kParseFlags>(instance.data(), instance.size());
  Validator validator;  // kFast
  if (document.HasParseError() || !validator.validate(*schema, document)) {
    state.SkipWithError(("the instance is not valid:" + describe_errors(validator)).c_str());
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(validator.validate(*schema, document));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(instance.size()));
}

// ---------------------------------------------------------------------------------------------
// (c): large instances, parse + validate against parse only.

// A self-contained schema (no shared data needed) with the usual mix of keywords.
constexpr std::string_view kPatientListSchema = R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "array",
  "items": {"$ref": "#/$defs/patient"},
  "$defs": {
    "patient": {
      "type": "object",
      "required": ["patient_id", "name", "species", "weight_kg", "owner"],
      "additionalProperties": false,
      "properties": {
        "patient_id": {"type": "string", "pattern": "^P-[0-9]{6}$"},
        "name": {"type": "string", "minLength": 1, "maxLength": 60},
        "species": {"enum": ["dog", "cat", "rabbit", "ferret", "bird", "reptile", "other"]},
        "weight_kg": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000},
        "neutered": {"type": "boolean"},
        "owner": {
          "type": "object",
          "required": ["name", "phone"],
          "properties": {
            "name": {"type": "string", "minLength": 1},
            "phone": {"type": "string", "pattern": "^\\+?[0-9 ()-]{6,20}$"}
          }
        },
        "allergies": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
        "visits": {
          "type": "array",
          "items": {
            "type": "object",
            "required": ["date", "reason"],
            "properties": {
              "date": {"type": "string", "format": "date"},
              "reason": {"type": "string", "minLength": 3},
              "temperature_c": {"type": "number", "minimum": 30, "maximum": 45}
            }
          }
        }
      }
    }
  }
})";

// Deterministic pseudo-random patients, appended until the text reaches `target_bytes`.
std::string generate_patients(std::size_t target_bytes) {
  static constexpr const char* kNames[] = {"Biscuit", "Luna", "Max",   "Pepper", "Nala",
                                           "Milo",    "Coco", "Olive", "Rocky",  "Willow"};
  static constexpr const char* kSpecies[] = {"dog", "cat", "rabbit", "ferret", "bird", "reptile"};
  static constexpr const char* kOwners[] = {"Ana Ruiz", "Sam Lee", "Priya Nair", "Tom Berg",
                                            "Mei Chen"};
  static constexpr const char* kReasons[] = {"annual check-up", "vaccination", "limping",
                                             "dental cleaning", "skin rash",   "weight check"};
  static constexpr const char* kAllergies[] = {"penicillin", "chicken", "pollen", "latex"};
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  const auto next = [&state](unsigned bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<unsigned>((state >> 33) % bound);
  };
  std::string out = "[";
  out.reserve(target_bytes + 1024);
  char buffer[512];
  for (std::size_t i = 0; out.size() < target_bytes; ++i) {
    if (i > 0) out += ",\n";
    std::snprintf(buffer, sizeof buffer,
                  R"({"patient_id":"P-%06zu","name":"%s","species":"%s","weight_kg":%u.%u,)"
                  R"("neutered":%s,"owner":{"name":"%s","phone":"+1 555 %03u %04u"},)",
                  i % 1000000, kNames[next(10)], kSpecies[next(6)], 1 + next(60), next(10),
                  next(2) != 0 ? "true" : "false", kOwners[next(5)], next(1000), next(10000));
    out += buffer;
    const unsigned first_allergy = next(4);
    out += R"("allergies":[)";
    const unsigned allergies = next(3);
    for (unsigned a = 0; a < allergies; ++a) {
      if (a > 0) out += ",";
      out += '"';
      out += kAllergies[(first_allergy + a) % 4];
      out += '"';
    }
    out += R"(],"visits":[)";
    const unsigned visits = 1 + next(3);
    for (unsigned v = 0; v < visits; ++v) {
      std::snprintf(buffer, sizeof buffer,
                    R"(%s{"date":"20%02u-%02u-%02u","reason":"%s","temperature_c":%u.%u})",
                    v > 0 ? "," : "", 15 + next(10), 1 + next(12), 1 + next(28), kReasons[next(6)],
                    37 + next(3), next(10));
      out += buffer;
    }
    out += "]}";
  }
  out += "]";
  return out;
}

const std::string& patients_text(std::size_t target_bytes) {
  static std::deque<std::pair<std::size_t, std::string>> cache;
  for (const auto& [size, text] : cache) {
    if (size == target_bytes) return text;
  }
  return cache.emplace_back(target_bytes, generate_patients(target_bytes)).second;
}

void BM_ValidateJson(benchmark::State& state, std::size_t target_bytes) {
  const std::string& text = patients_text(target_bytes);
  std::optional<Schema> schema;
  try {
    schema = Schema::compile(kPatientListSchema);
  } catch (const std::exception& e) {
    state.SkipWithError(("compile failed: " + describe_schema_error(e)).c_str());
    return;
  }
  Validator validator;  // kFast; reused, as a server thread would
  if (!validator.validate_json(*schema, text)) {
    state.SkipWithError(
        ("the generated instance is not valid:" + describe_errors(validator)).c_str());
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(validator.validate_json(*schema, text));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}

// One Schema shared by every benchmark thread, one Validator per thread: the intended way to
// use specgate from a server. Also a cheap target for the ThreadSanitizer build.
void BM_ValidateSharedSchema(benchmark::State& state) {
  static const std::optional<Schema> schema = []() -> std::optional<Schema> {
    try {
      return Schema::compile(kPatientListSchema);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }();
  if (!schema) {
    state.SkipWithError("compile failed");
    return;
  }
  const std::string text = generate_patients(500);  // two or three records, per thread
  rapidjson::Document document;
  document.Parse<kParseFlags>(text.data(), text.size());
  Validator validator;
  if (document.HasParseError() || !validator.validate(*schema, document)) {
    state.SkipWithError(("the instance is not valid:" + describe_errors(validator)).c_str());
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(validator.validate(*schema, document));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}

// A DOM reused the way the Validator reuses its scratch document: the pool's first chunk is a
// caller-owned buffer grown to the largest document seen, so warmed-up parses allocate no
// value memory (RapidJSON's parse stack is still allocated and freed per parse here).
class ReusedDocument {
 public:
  ReusedDocument() { reset(4096); }

  template <unsigned kFlags>
  const rapidjson::Document& parse(std::string_view text) {
    if (pool_->Capacity() > buffer_.size() * sizeof(std::uint64_t)) {
      reset(pool_->Capacity() + 512);
    } else {
      document_->SetNull();
      pool_->Clear();
    }
    document_->Parse<kFlags>(text.data(), text.size());
    return *document_;
  }

 private:
  // The pool must be gone before its first chunk (buffer_) is freed: its destructor writes to it.
  void reset(std::size_t bytes) {
    document_.reset();
    pool_.reset();
    buffer_.assign(bytes / sizeof(std::uint64_t) + 1, 0);
    pool_ = std::make_unique<rapidjson::MemoryPoolAllocator<>>(
        buffer_.data(), buffer_.size() * sizeof(std::uint64_t));
    document_ = std::make_unique<rapidjson::Document>(pool_.get());
  }

  std::vector<std::uint64_t> buffer_;
  // unique_ptr rather than optional: GCC 12 warns (falsely) about optional<MemoryPoolAllocator>.
  std::unique_ptr<rapidjson::MemoryPoolAllocator<>> pool_;
  std::unique_ptr<rapidjson::Document> document_;
};

template <unsigned kFlags>
void BM_RapidJsonParse(benchmark::State& state, std::size_t target_bytes) {
  const std::string& text = patients_text(target_bytes);
  ReusedDocument document;
  for (auto _ : state) {
    const rapidjson::Document& parsed = document.parse<kFlags>(text);
    if (parsed.HasParseError()) {
      state.SkipWithError("RapidJSON rejected the generated text");
      break;
    }
    benchmark::DoNotOptimize(parsed.IsArray());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(text.size()));
}

// ---------------------------------------------------------------------------------------------
// (d): the JSON-Schema-Test-Suite's required groups of one draft, as one aggregate.

struct SuiteGroup {
  const rapidjson::Value* schema = nullptr;
  std::vector<const rapidjson::Value*> instances;
  std::optional<Schema> compiled;  // nullopt when compile fails
};

struct SuiteDraft {
  std::string error;  // empty when ready
  specgate::ResourceRegistry registry;
  std::deque<rapidjson::Document> documents;
  std::vector<SuiteGroup> groups;
  Dialect dialect = Dialect::kDraft2020_12;
  std::size_t instances = 0;
  std::size_t compile_failures = 0;
};

CompileOptions suite_options(const SuiteDraft& draft) {
  CompileOptions options;
  options.default_dialect = draft.dialect;
  options.resources = &draft.registry;
  return options;
}

const SuiteDraft& suite_draft(const std::string& folder, Dialect dialect) {
  static std::deque<std::pair<std::string, std::unique_ptr<SuiteDraft>>> cache;
  for (const auto& [name, draft] : cache) {
    if (name == folder) return *draft;
  }
  auto draft = std::make_unique<SuiteDraft>();
  draft->dialect = dialect;
  const fs::path tests = shared_dir() / "JSON-Schema-Test-Suite" / "tests" / folder;
  if (shared_dir().empty() || !fs::is_directory(tests)) {
    draft->error = missing_shared_message("JSON-Schema-Test-Suite/tests/" + folder);
  } else {
    const std::vector<std::string> problems =
        specgate::test_support::register_suite_resources(shared_dir(), &draft->registry);
    if (!problems.empty()) draft->error = "registering the suite's resources: " + problems.front();
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(tests)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json") {
        files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::string text;
      if (!specgate::test_support::read_file(file, &text)) continue;
      rapidjson::Document& document = draft->documents.emplace_back();
      document.Parse<kParseFlags>(text.data(), text.size());
      if (document.HasParseError() || !document.IsArray()) continue;
      for (const rapidjson::Value& group : document.GetArray()) {
        SuiteGroup& entry = draft->groups.emplace_back();
        entry.schema = &group["schema"];
        for (const rapidjson::Value& test_case : group["tests"].GetArray()) {
          entry.instances.push_back(&test_case["data"]);
        }
      }
    }
    const CompileOptions options = suite_options(*draft);
    for (SuiteGroup& group : draft->groups) {
      try {
        group.compiled = Schema::compile(*group.schema, options);
        draft->instances += group.instances.size();
      } catch (const std::exception&) {
        ++draft->compile_failures;
      }
    }
  }
  return *cache.emplace_back(folder, std::move(draft)).second;
}

void suite_counters(benchmark::State& state, const SuiteDraft& draft) {
  state.counters["groups"] = static_cast<double>(draft.groups.size() - draft.compile_failures);
  state.counters["instances"] = static_cast<double>(draft.instances);
  state.counters["compile_failures"] = static_cast<double>(draft.compile_failures);
}

void BM_SuiteCompile(benchmark::State& state, const std::string& folder, Dialect dialect) {
  const SuiteDraft& draft = suite_draft(folder, dialect);
  if (!draft.error.empty()) {
    state.SkipWithError(draft.error.c_str());
    return;
  }
  const CompileOptions options = suite_options(draft);
  for (auto _ : state) {
    for (const SuiteGroup& group : draft.groups) {
      if (!group.compiled) continue;  // only the groups that compile, so failures cost nothing
      Schema schema = Schema::compile(*group.schema, options);
      benchmark::DoNotOptimize(schema);
    }
  }
  suite_counters(state, draft);
}

void BM_SuiteValidate(benchmark::State& state, const std::string& folder, Dialect dialect) {
  const SuiteDraft& draft = suite_draft(folder, dialect);
  if (!draft.error.empty()) {
    state.SkipWithError(draft.error.c_str());
    return;
  }
  Validator validator;
  for (auto _ : state) {
    for (const SuiteGroup& group : draft.groups) {
      if (!group.compiled) continue;
      for (const rapidjson::Value* instance : group.instances) {
        benchmark::DoNotOptimize(validator.validate(*group.compiled, *instance));
      }
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(draft.instances));
  suite_counters(state, draft);
}

void BM_SuiteCompileValidate(benchmark::State& state, const std::string& folder, Dialect dialect) {
  const SuiteDraft& draft = suite_draft(folder, dialect);
  if (!draft.error.empty()) {
    state.SkipWithError(draft.error.c_str());
    return;
  }
  const CompileOptions options = suite_options(draft);
  Validator validator;
  for (auto _ : state) {
    for (const SuiteGroup& group : draft.groups) {
      if (!group.compiled) continue;
      const Schema schema = Schema::compile(*group.schema, options);
      for (const rapidjson::Value* instance : group.instances) {
        benchmark::DoNotOptimize(validator.validate(schema, *instance));
      }
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(draft.instances));
  suite_counters(state, draft);
}

void register_benchmarks() {
  for (const GithubSchema& schema : kGithubSchemas) {
    benchmark::RegisterBenchmark((std::string("BM_CompileGithub/") + schema.name).c_str(),
                                 BM_CompileGithub, schema.pointer)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("BM_ValidateGithub/milestone", BM_ValidateGithub,
                               "/components/schemas/milestone", kMilestoneInstance);
  benchmark::RegisterBenchmark("BM_ValidateGithub/issues_create_body", BM_ValidateGithub,
                               kGithubSchemas[0].pointer, kIssueCreateInstance);

  benchmark::RegisterBenchmark("BM_ValidateSharedSchema", BM_ValidateSharedSchema)
      ->Threads(1)
      ->Threads(2)
      ->UseRealTime();

  constexpr std::size_t kMiB = std::size_t{1} << 20;
  for (const std::size_t size : {kMiB, 10 * kMiB}) {
    const std::string suffix = std::to_string(size / kMiB) + "MiB";
    benchmark::RegisterBenchmark(("BM_ValidateJson/" + suffix).c_str(), BM_ValidateJson, size)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_RapidJsonParse/" + suffix).c_str(),
                                 BM_RapidJsonParse<kEngineParseFlags>, size)
        ->Unit(benchmark::kMillisecond);
    // For scale: the same parse without UTF-8 validation and with the recursive parser.
    benchmark::RegisterBenchmark(("BM_RapidJsonParse/" + suffix + "/full_precision_only").c_str(),
                                 BM_RapidJsonParse<rapidjson::kParseFullPrecisionFlag>, size)
        ->Unit(benchmark::kMillisecond);
  }

  const std::pair<std::string, Dialect> drafts[] = {{"draft7", Dialect::kDraft7},
                                                    {"draft2020-12", Dialect::kDraft2020_12}};
  for (const auto& [folder, dialect] : drafts) {
    benchmark::RegisterBenchmark(("BM_SuiteCompile/" + folder).c_str(), BM_SuiteCompile, folder,
                                 dialect)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_SuiteValidate/" + folder).c_str(), BM_SuiteValidate, folder,
                                 dialect)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_SuiteCompileValidate/" + folder).c_str(),
                                 BM_SuiteCompileValidate, folder, dialect)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
