// The official JSON-Schema-Test-Suite (draft4 ... draft2020-12), one GoogleTest per case,
// registered at run time from <shared>/JSON-Schema-Test-Suite/tests.
//
// Suites separate what the specification requires from what it leaves optional:
//   Required.Draft2020_12/ref.json/3_escaped_pointer_ref/0     tests/draft2020-12/ref.json
//   Optional.Draft7/bignum.json/0_integer/1                    tests/draft7/optional/bignum.json
//   Format.Draft2019_09/date_time.json/0_validation_of.../2    tests/draft2019-09/optional/format/
// Names are <draft>/<file>/<group index>_<group description>/<case index>, indices 0-based as in
// the file, every character gtest filters treat specially replaced by '_'. Filter with e.g.
//   json_schema_suite_test --gtest_filter='Required.*'
//   json_schema_suite_test --gtest_filter='*.Draft2020_12/ref.json/*'
//
// Shared data: $SPECGATE_SHARED, else <source dir>/../shared. When it is absent the binary skips
// (or, with CI=true, fails). At the end of the run a per-draft table of passed/run cases is
// printed, and also written to $SPECGATE_SUITE_SUMMARY when that is set.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <specgate/json_schema.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
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
using specgate::Mode;
using specgate::ResourceRegistry;
using specgate::Schema;
using specgate::SchemaError;
using specgate::Validator;

// Printed when the shared data is missing; ctest's SKIP_REGULAR_EXPRESSION matches it.
constexpr const char* kSkipMarker = "specgate-suite: SKIPPED:";

struct Draft {
  const char* folder;  // under JSON-Schema-Test-Suite/tests
  const char* label;   // in test names
  Dialect dialect;
};
constexpr std::array<Draft, 5> kDrafts = {{
    {"draft4", "Draft4", Dialect::kDraft4},
    {"draft6", "Draft6", Dialect::kDraft6},
    {"draft7", "Draft7", Dialect::kDraft7},
    {"draft2019-09", "Draft2019_09", Dialect::kDraft2019_09},
    {"draft2020-12", "Draft2020_12", Dialect::kDraft2020_12},
}};

enum class Category { kRequired, kOptional, kFormat };
constexpr std::array<Category, 3> kCategories = {Category::kRequired, Category::kOptional,
                                                 Category::kFormat};

const char* category_suite(Category category) {
  switch (category) {
    case Category::kRequired:
      return "Required";
    case Category::kOptional:
      return "Optional";
    case Category::kFormat:
      return "Format";
  }
  return "";
}

std::optional<Category> category_from_suite(std::string_view suite) {
  for (Category category : kCategories) {
    if (suite == category_suite(category)) return category;
  }
  return std::nullopt;
}

// gtest filters give ':', '-', '*', '?' and '.' meaning, spaces make names hard to type, and '/'
// separates our name parts: keep letters and digits, turn every run of anything else into '_'.
std::string sanitize(std::string_view text, bool keep_dots, std::size_t max_length) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || (keep_dots && c == '.')) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '_') {
      out.push_back('_');
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.size() > max_length) out.resize(max_length);
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string_view string_member(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto member = object.FindMember(key);
  if (member == object.MemberEnd() || !member->value.IsString()) return {};
  return {member->value.GetString(), member->value.GetStringLength()};
}

// State shared by everything registered: the test files' DOMs (the registered tests point into
// them), the resource registry, and one schema per group, compiled on first use so a filtered
// run compiles only what it needs.
struct Group {
  std::string file;         // path relative to tests/, for messages
  std::string description;  // the group's description
  const rapidjson::Value* schema = nullptr;
  Dialect dialect = Dialect::kDraft2020_12;
  bool assert_formats = false;
  bool compile_attempted = false;
  std::optional<Schema> compiled;
  std::string compile_failure;  // every problem, one per line
};

struct SuiteData {
  ResourceRegistry registry;
  std::deque<rapidjson::Document> documents;
  std::deque<Group> groups;
};

SuiteData& suite_data() {
  static SuiteData data;
  return data;
}

void compile_group(Group* group) {
  if (group->compile_attempted) return;
  group->compile_attempted = true;
  CompileOptions options;
  options.default_dialect = group->dialect;
  options.resources = &suite_data().registry;
  if (group->assert_formats) options.format_assertion = true;
  try {
    group->compiled = Schema::compile(*group->schema, options);
  } catch (const SchemaError& e) {
    std::ostringstream out;
    out << "Schema::compile threw SchemaError (" << e.problems().size() << " problems):";
    for (const specgate::Problem& problem : e.problems()) {
      out << "\n  at '" << problem.pointer << "': " << problem.message;
    }
    group->compile_failure = out.str();
  } catch (const std::exception& e) {
    group->compile_failure = std::string("Schema::compile threw: ") + e.what();
  }
}

class SuiteCase : public ::testing::Test {
 public:
  SuiteCase(Group* group, const rapidjson::Value* test_case)
      : group_(group), test_case_(test_case) {}

  void TestBody() override {
    const std::string_view case_description = string_member(*test_case_, "description");
    const rapidjson::Value& data = (*test_case_)["data"];
    const bool expected = (*test_case_)["valid"].GetBool();

    compile_group(group_);
    if (!group_->compiled) {
      FAIL() << group_->compile_failure << "\n" << context(data);
    }

    // Validators are per thread and reused across cases, as an application would.
    static Validator fast(specgate::ValidateOptions{Mode::kFast});
    static Validator exhaustive(specgate::ValidateOptions{Mode::kExhaustive});

    const bool actual = fast.validate(*group_->compiled, data);
    const bool fast_has_error = !fast.errors().empty();
    const bool exhaustive_result = exhaustive.validate(*group_->compiled, data);

    if (actual != expected) {
      ADD_FAILURE() << "case \"" << case_description << "\": expected "
                    << (expected ? "valid" : "invalid") << ", got "
                    << (actual ? "valid" : "invalid") << "\n"
                    << context(data) << exhaustive_errors(exhaustive);
      return;
    }
    // The API's own promises, checked on every case.
    EXPECT_EQ(exhaustive_result, actual)
        << "kFast and kExhaustive disagree on case \"" << case_description << "\"\n"
        << context(data) << exhaustive_errors(exhaustive);
    EXPECT_EQ(fast_has_error, !actual)
        << "kFast errors() must hold exactly the first failure of an invalid instance\n"
        << context(data);
    EXPECT_EQ(exhaustive.errors().empty(), exhaustive_result)
        << "kExhaustive errors() must be empty exactly when the instance is valid\n"
        << context(data) << exhaustive_errors(exhaustive);
  }

 private:
  std::string context(const rapidjson::Value& data) const {
    std::ostringstream out;
    out << "file:   " << group_->file << "\n"
        << "group:  " << group_->description << "\n"
        << "schema: " << to_json(*group_->schema) << "\n"
        << "data:   " << to_json(data) << "\n";
    return out.str();
  }

  static std::string exhaustive_errors(const Validator& exhaustive) {
    std::ostringstream out;
    out << "errors (kExhaustive, " << exhaustive.errors().size() << "):";
    if (exhaustive.errors().empty()) out << " none";
    for (const specgate::ValidationError& error : exhaustive.errors()) {
      out << "\n  instance '" << error.instance_pointer << "' schema '" << error.schema_pointer
          << "' [" << error.keyword << "] " << error.message;
    }
    return out.str();
  }

  Group* group_;
  const rapidjson::Value* test_case_;
};

// A test that fails with a fixed message (a file that does not parse, a setup problem).
class FailingCase : public ::testing::Test {
 public:
  explicit FailingCase(std::string message) : message_(std::move(message)) {}
  void TestBody() override { FAIL() << message_; }

 private:
  std::string message_;
};

class SkippedCase : public ::testing::Test {
 public:
  explicit SkippedCase(std::string message) : message_(std::move(message)) {}
  void TestBody() override { GTEST_SKIP() << message_; }

 private:
  std::string message_;
};

// Registered test counts per (draft label, category), for the summary.
using CountKey = std::pair<std::string, Category>;
std::map<CountKey, int>& registered_counts() {
  static std::map<CountKey, int> counts;
  return counts;
}

void register_failing(const std::string& suite, const std::string& name, const std::string& file,
                      std::string message) {
  ::testing::RegisterTest(
      suite.c_str(), name.c_str(), nullptr, nullptr, file.c_str(), 1,
      [message = std::move(message)]() -> ::testing::Test* { return new FailingCase(message); });
}

// Registers every case of one test file.
void register_file(const fs::path& tests_root, const fs::path& file, const Draft& draft,
                   Category category) {
  const std::string relative = file.lexically_relative(tests_root).generic_string();
  const std::string suite = category_suite(category);
  const std::string file_part =
      std::string(draft.label) + "/" + sanitize(file.filename().string(), true, 80);

  std::string text;
  if (!specgate::test_support::read_file(file, &text)) {
    register_failing(suite, file_part + "/unreadable", file.string(), "cannot read " + relative);
    return;
  }
  SuiteData& data = suite_data();
  rapidjson::Document& document = data.documents.emplace_back();
  document.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
  if (document.HasParseError() || !document.IsArray()) {
    std::string why = document.HasParseError()
                          ? std::string(rapidjson::GetParseError_En(document.GetParseError())) +
                                " at offset " + std::to_string(document.GetErrorOffset())
                          : "not an array of groups";
    register_failing(suite, file_part + "/parse_error", file.string(),
                     relative + " cannot be used: " + why);
    return;
  }

  for (rapidjson::SizeType g = 0; g < document.Size(); ++g) {
    const rapidjson::Value& group_json = document[g];
    const std::string group_description(string_member(group_json, "description"));
    const std::string group_part =
        file_part + "/" + std::to_string(g) + "_" + sanitize(group_description, false, 60);
    if (!group_json.IsObject() || !group_json.HasMember("schema") ||
        !group_json.HasMember("tests") || !group_json["tests"].IsArray()) {
      register_failing(suite, group_part + "/malformed", file.string(),
                       relative + ": group " + std::to_string(g) + " lacks schema or tests");
      continue;
    }
    Group& group = data.groups.emplace_back();
    group.file = relative;
    group.description = group_description;
    group.schema = &group_json["schema"];
    group.dialect = draft.dialect;
    group.assert_formats = category == Category::kFormat;

    const rapidjson::Value& cases = group_json["tests"];
    for (rapidjson::SizeType c = 0; c < cases.Size(); ++c) {
      const rapidjson::Value& test_case = cases[c];
      const std::string name = group_part + "/" + std::to_string(c);
      if (!test_case.IsObject() || !test_case.HasMember("data") || !test_case.HasMember("valid") ||
          !test_case["valid"].IsBool()) {
        register_failing(suite, name, file.string(),
                         relative + ": case lacks \"data\" or a boolean \"valid\"");
        continue;
      }
      Group* group_ptr = &group;
      const rapidjson::Value* case_ptr = &test_case;
      ::testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, nullptr, file.c_str(),
                              static_cast<int>(g) + 1, [group_ptr, case_ptr]() -> ::testing::Test* {
                                return new SuiteCase(group_ptr, case_ptr);
                              });
      ++registered_counts()[{draft.label, category}];
    }
  }
}

std::vector<fs::path> json_files_in(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".json") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void register_suite(const fs::path& shared) {
  const std::vector<std::string> problems =
      specgate::test_support::register_suite_resources(shared, &suite_data().registry);
  if (!problems.empty()) {
    std::string message = "registering remotes and metaschemas failed:";
    for (const std::string& problem : problems) message += "\n  " + problem;
    for (Category category : kCategories) {
      register_failing(category_suite(category), "Setup/resources", shared.string(), message);
    }
  }

  const fs::path tests_root = shared / "JSON-Schema-Test-Suite" / "tests";
  for (const Draft& draft : kDrafts) {
    const fs::path folder = tests_root / draft.folder;
    if (!fs::is_directory(folder)) {
      for (Category category : kCategories) {
        register_failing(category_suite(category), std::string(draft.label) + "/missing",
                         folder.string(), "missing folder " + folder.string());
      }
      continue;
    }
    for (const fs::path& file : json_files_in(folder)) {
      register_file(tests_root, file, draft, Category::kRequired);
    }
    for (const fs::path& file : json_files_in(folder / "optional")) {
      register_file(tests_root, file, draft, Category::kOptional);
    }
    for (const fs::path& file : json_files_in(folder / "optional" / "format")) {
      register_file(tests_root, file, draft, Category::kFormat);
    }
  }
}

// Counts results per draft and category and prints the table when the program ends.
class SummaryListener : public ::testing::EmptyTestEventListener {
 public:
  void OnTestEnd(const ::testing::TestInfo& info) override {
    const std::optional<Category> category = category_from_suite(info.test_suite_name());
    if (!category) return;
    const std::string_view name = info.name();
    const std::string draft(name.substr(0, name.find('/')));
    if (registered_counts().count({draft, *category}) == 0) return;  // setup pseudo-tests
    Tally& tally = tallies_[{draft, *category}];
    ++tally.run;
    if (info.result()->Passed() && !info.result()->Skipped()) ++tally.passed;
  }

  void OnTestProgramEnd(const ::testing::UnitTest& /*unit_test*/) override {
    if (tallies_.empty()) return;
    std::ostringstream out;
    out << "\nJSON-Schema-Test-Suite summary (passed/run; \"of N\" when a filter left cases out)\n"
        << "| draft | required | optional | format |\n"
        << "|---|---|---|---|\n";
    for (const Draft& draft : kDrafts) {
      out << "| " << draft.folder;
      for (Category category : kCategories) {
        out << " | " << cell(draft.label, category);
      }
      out << " |\n";
    }
    const std::string table = out.str();
    std::fputs(table.c_str(), stdout);
    std::fflush(stdout);
    if (const char* path = std::getenv("SPECGATE_SUITE_SUMMARY"); path != nullptr && *path) {
      std::ofstream file(path);
      file << table;
      if (!file) std::fprintf(stderr, "specgate-suite: cannot write summary to %s\n", path);
    }
  }

 private:
  struct Tally {
    int passed = 0;
    int run = 0;
  };

  std::string cell(const std::string& draft, Category category) const {
    const auto registered = registered_counts().find({draft, category});
    const int total = registered == registered_counts().end() ? 0 : registered->second;
    const auto tally = tallies_.find({draft, category});
    if (tally == tallies_.end()) return total == 0 ? "-" : "not run";
    std::string text =
        std::to_string(tally->second.passed) + "/" + std::to_string(tally->second.run);
    if (tally->second.run != total) text += " of " + std::to_string(total);
    return text;
  }

  std::map<CountKey, Tally> tallies_;
};

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  if (ci == nullptr) return false;
  std::string value(ci);
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value == "true" || value == "1";
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);

  const fs::path shared = specgate::test_support::find_shared_dir(SPECGATE_SOURCE_DIR);
  const bool have_suite =
      !shared.empty() && fs::is_directory(shared / "JSON-Schema-Test-Suite" / "tests");
  if (!have_suite) {
    const std::string message =
        "the JSON-Schema-Test-Suite was not found: looked for JSON-Schema-Test-Suite/tests in " +
        specgate::test_support::shared_dir_hint(SPECGATE_SOURCE_DIR);
    if (running_in_ci()) {
      std::fprintf(stderr, "specgate-suite: FATAL: %s (CI=true, so this is an error)\n",
                   message.c_str());
      return 1;
    }
    std::printf("%s %s\n", kSkipMarker, message.c_str());
    for (Category category : kCategories) {
      ::testing::RegisterTest(category_suite(category), "SharedDataMissing", nullptr, nullptr,
                              __FILE__, __LINE__,
                              [message]() -> ::testing::Test* { return new SkippedCase(message); });
    }
  } else {
    register_suite(shared);
    ::testing::UnitTest::GetInstance()->listeners().Append(new SummaryListener);
  }
  return RUN_ALL_TESTS();
}
