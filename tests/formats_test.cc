// Tests for src/formats.h: the official JSON-Schema-Test-Suite format cases, registered one test
// per case at run time, plus hand-written cases (byte, and edges the suite does not cover).
#include "formats.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace specgate::detail {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDrafts[] = {"draft4", "draft6", "draft7", "draft2019-09", "draft2020-12"};

// The shared folder holds the test suite: $SPECGATE_SHARED, else <repo>/../shared, found from
// this file's path so that the test does not depend on the build folder or on CMake.
fs::path shared_folder() {
  if (const char* env = std::getenv("SPECGATE_SHARED"); env != nullptr && *env != '\0') {
    return fs::path(env);
  }
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "shared";
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

// Keeps [A-Za-z0-9], folds everything else into single underscores, so that names work with
// --gtest_filter and CTest.
std::string sanitize(std::string_view text, std::size_t max_length = 60) {
  std::string result;
  for (char c : text) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (keep) {
      result.push_back(c);
    } else if (!result.empty() && result.back() != '_') {
      result.push_back('_');
    }
    if (result.size() >= max_length) break;
  }
  while (!result.empty() && result.back() == '_') result.pop_back();
  return result;
}

struct SuiteCase {
  std::string format;
  std::string instance;
  bool valid;
  std::string where;  // file, group and test descriptions, for failure messages
};

class SuiteCaseTest : public testing::Test {
 public:
  explicit SuiteCaseTest(SuiteCase suite_case) : case_(std::move(suite_case)) {}

  void TestBody() override {
    StringFormatCheck check = find_string_format(case_.format);
    if (check == nullptr) {
      // An unknown format is ignored by the engine, so the suite can only expect "valid".
      EXPECT_TRUE(case_.valid) << "unknown format \"" << case_.format << "\" in " << case_.where;
      return;
    }
    EXPECT_EQ(check(case_.instance), case_.valid)
        << "format \"" << case_.format << "\", instance \"" << case_.instance << "\"\n"
        << case_.where;
  }

 private:
  SuiteCase case_;
};

struct Discovery {
  bool found = false;
  std::string problem;  // empty when every draft folder was read
  std::size_t registered = 0;
};

Discovery& discovery() {
  static Discovery instance;
  return instance;
}

bool read_file(const fs::path& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *text = buffer.str();
  return true;
}

// True when the schema is exactly {"format": X}, with an optional "$schema".
bool is_plain_format_schema(const rapidjson::Value& schema, std::string* format) {
  if (!schema.IsObject()) return false;
  bool has_format = false;
  for (const auto& member : schema.GetObject()) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (key == "format" && member.value.IsString()) {
      format->assign(member.value.GetString(), member.value.GetStringLength());
      has_format = true;
    } else if (key != "$schema") {
      return false;
    }
  }
  return has_format;
}

void register_file(const std::string& draft, const fs::path& path) {
  std::string text;
  rapidjson::Document document;
  if (!read_file(path, &text) || document.Parse(text.data(), text.size()).HasParseError() ||
      !document.IsArray()) {
    discovery().problem += "cannot read " + path.string() + "\n";
    return;
  }
  std::string suite_name = sanitize(draft) + "_" + sanitize(path.stem().string());
  std::size_t group_index = 0;
  for (const auto& group : document.GetArray()) {
    ++group_index;
    std::string format;
    if (!group.IsObject() || !group.HasMember("schema") || !group.HasMember("tests") ||
        !is_plain_format_schema(group["schema"], &format)) {
      continue;
    }
    std::string group_description =
        group.HasMember("description") && group["description"].IsString()
            ? group["description"].GetString()
            : "";
    if (!group["tests"].IsArray()) continue;
    std::size_t test_index = 0;
    for (const auto& test : group["tests"].GetArray()) {
      ++test_index;
      if (!test.IsObject() || !test.HasMember("data") || !test.HasMember("valid") ||
          !test["valid"].IsBool()) {
        discovery().problem += "malformed test in " + path.string() + "\n";
        continue;
      }
      // The engine only checks formats on strings; other instances are always valid.
      if (!test["data"].IsString()) continue;
      SuiteCase suite_case;
      suite_case.format = format;
      suite_case.instance.assign(test["data"].GetString(), test["data"].GetStringLength());
      suite_case.valid = test["valid"].GetBool();
      std::string description =
          test.HasMember("description") && test["description"].IsString()
              ? test["description"].GetString()
              : "";
      suite_case.where = path.string() + ": " + group_description + " / " + description;
      std::string test_name = "g" + std::to_string(group_index) + "_t" +
                              std::to_string(test_index) + "_" + sanitize(description);
      testing::RegisterTest(suite_name.c_str(), test_name.c_str(), nullptr, nullptr, __FILE__,
                            __LINE__, [suite_case]() -> testing::Test* {
                              return new SuiteCaseTest(suite_case);
                            });
      ++discovery().registered;
    }
  }
}

// Runs before main (gtest_main parses flags and runs what is registered by then).
[[maybe_unused]] const bool kRegistered = [] {
  fs::path root = shared_folder() / "JSON-Schema-Test-Suite" / "tests";
  std::error_code error;
  if (!fs::is_directory(root, error)) return false;
  discovery().found = true;
  for (const char* draft : kDrafts) {
    fs::path folder = root / draft / "optional" / "format";
    if (!fs::is_directory(folder, error)) {
      discovery().problem += "missing " + folder.string() + "\n";
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder, error)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) register_file(draft, file);
  }
  return true;
}();

TEST(FormatSuite, Found) {
  if (!discovery().found) {
    std::string message = "JSON-Schema-Test-Suite not found under " + shared_folder().string() +
                          " (set SPECGATE_SHARED to the folder holding it)";
    if (running_in_ci()) FAIL() << message;
    GTEST_SKIP() << message;
  }
  EXPECT_TRUE(discovery().problem.empty()) << discovery().problem;
  EXPECT_GT(discovery().registered, 0u);
}

// ---------------------------------------------------------------------------------------------
// Hand-written cases.

void expect_format(std::string_view format, std::initializer_list<std::string_view> valid,
                   std::initializer_list<std::string_view> invalid) {
  StringFormatCheck check = find_string_format(format);
  ASSERT_NE(check, nullptr) << format;
  for (std::string_view value : valid) EXPECT_TRUE(check(value)) << format << ": " << value;
  for (std::string_view value : invalid) EXPECT_FALSE(check(value)) << format << ": " << value;
}

TEST(FindStringFormat, UnknownNamesHaveNoCheck) {
  EXPECT_EQ(find_string_format("unknown"), nullptr);
  EXPECT_EQ(find_string_format(""), nullptr);
  EXPECT_EQ(find_string_format("int32"), nullptr);
  EXPECT_EQ(find_string_format("Date"), nullptr);
  EXPECT_EQ(find_string_format("binary"), nullptr);
}

TEST(FindStringFormat, EveryDocumentedNameHasACheck) {
  for (const char* name :
       {"date", "time", "date-time", "duration", "email", "idn-email", "hostname", "idn-hostname",
        "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uri-template", "uuid",
        "json-pointer", "relative-json-pointer", "regex", "byte"}) {
    EXPECT_NE(find_string_format(name), nullptr) << name;
  }
}

TEST(Byte, Base64WithPadding) {
  expect_format("byte", {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "U3dhZ2dlciByb2Nrcw==", "+/+/",
                         "AAAA", "Zh=="},
                {"Zg", "Zg=", "Zm9vY", "Z===", "=Zm9", "Zg==Zg==", "Zm 9v", "Zm9v\n", "Zm-_",
                 "Zm9v====", "Z=g=", "\xC3\xA9\xC3\xA9"});
}

TEST(DateTime, Edges) {
  expect_format("date", {"2000-02-29", "9999-12-31", "0000-01-01"},
                {"1900-02-29", "2020-02-30 ", "2020-1-01"});
  expect_format("time",
                {"00:00:00Z", "23:59:59.999+23:59", "00:59:60+01:00", "23:59:60-00:00",
                 "12:00:00.0z"},
                {"23:59:60+00:01", "12:00:00.Z", "12:00:00+0100", "12:00Z", "T12:00:00Z"});
  expect_format("date-time",
                {"2016-12-31T23:59:60Z", "2017-01-01T00:59:60+01:00", "2020-02-29t00:00:00z"},
                {"2016-12-31 23:59:60Z", "2019-02-29T00:00:00Z", "2020-01-01T00:00:00",
                 "2020-01-01T"});
}

TEST(Duration, Edges) {
  expect_format("duration", {"P1W", "PT1S", "P0M", "P1MT1M", "P1YT1H1M1S"},
                {"p1D", "P1w", "PT1H1M1S1S", "P1M1Y", "P1DT", "PT1S1M", "P1DT1HT1M", "P1Y1M1W"});
}

TEST(Email, Edges) {
  std::string local_64(64, 'a');
  std::string local_65(65, 'a');
  std::string long_domain = "a@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
                            std::string(63, 'd') + "." + std::string(60, 'e');  // 254 octets
  expect_format("email",
                {"a@b", "\"\"@example.com", "\"a\\\"b\"@example.com", "!#$%&'*+-/=?^_`{|}~@x.org",
                 local_64 + "@example.com", "x@[IPv6:2001:db8::1]", "x@xn--bcher-kva.example"},
                {local_65 + "@example.com", "a@b@c", "\"a@example.com", "a\"b\"@example.com",
                 "x@[IPv6:::g]", "x@[foo:bar]", "x@-example.com", "x@example.com.",
                 "x@xn--X.example", "\xC3\xA9@example.com", "a@b\xC3\xA9.com",
                 long_domain + "x"});
  expect_format("email", {long_domain}, {});
  expect_format("idn-email",
                {"\xC3\xA9@example.com", "a@b\xC3\xA9.com", "\"\xC3\xA9 x\"@example.com",
                 "x@[127.0.0.1]"},
                {"a@b\xC3\xA9.com.", "a@\xE3\x80\x82", "x..y@example.com", "@"});
}

TEST(Hostname, Edges) {
  std::string label_63(63, 'a');
  std::string name_253 = label_63 + "." + label_63 + "." + label_63 + "." + std::string(61, 'a');
  expect_format("hostname", {"EXAMPLE.com", "xn--bcher-kva.example", "XN--BCHER-KVA.example",
                             "1.2.3.4", name_253, "a"},
                {name_253 + "a", "xn--", "xn--bcher-kva-", "exa mple.com", "a..b",
                 "b\xC3\xBC" "cher.example"});
  expect_format("idn-hostname",
                {"b\xC3\xBC" "cher.example", "B\xC3\xBC" "cher.example", "xn--bcher-kva.example",
                 "\xD7\x90\xD7\x91.example"},
                {"\xE2\x84\xAA" "elvin.example", "a\xE3\x80\x82\xE3\x80\x82" "b", "b\xC3\xBC" "cher.",
                 "\xD7\x90\xD7\x91.1example"});
}

TEST(Ip, Edges) {
  expect_format("ipv4", {"1.2.3.4"}, {"1.2.3.4 ", "01.2.3.4", "1.2.3"});
  expect_format("ipv6", {"::", "0:0:0:0:0:0:0:0", "::1.2.3.4", "ffff::ffff"},
                {"::1.2.3.04", "[::]", ":::", "1:2:3:4:5:6:7:8:", "g::"});
}

TEST(UriTemplate, Edges) {
  expect_format("uri-template",
                {"{var}", "/x{?a,b*,c:3}{#frag}", "{a_b.c}", "{%C3%A9}", "\xC3\xA9{x}",
                 "{x:9999}", "a!$&()*+,;=:@/?[]~b"},
                {"{", "}", "{x", "{x}}", "{{x}}", "{=x}", "{!x}", "{@x}", "{|x}", "{x:}",
                 "{.x}{.}", "{x.}", "{.x*:1}", "{x**}", "%zz", "a\"b", "a^b", "a<b", "a|b",
                 "\xC2\x85"});
}

TEST(Uuid, Edges) {
  expect_format("uuid", {"ffffffff-ffff-ffff-ffff-ffffffffffff"},
                {"{2eb8aa08-aa98-11ea-b4aa-73b441d16380}", "2eb8aa08-aa98-11ea-b4aa-73b441d163800"});
}

TEST(JsonPointer, Edges) {
  expect_format("json-pointer", {"/~0~1", "/%25", "//"}, {"~0", "/~", "/a~b"});
  expect_format("relative-json-pointer", {"0", "0#", "10/a~1b", "0/"},
                {"#", "0#/", "00", "-0", "1 ", "0~0"});
}

}  // namespace
}  // namespace specgate::detail
