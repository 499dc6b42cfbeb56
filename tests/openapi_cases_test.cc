// Data-driven request and response cases: every file in tests/data/requests/ names a spec in
// tests/data/specs/ and lists cases, each registered as its own test at run time.
//
// A case: {"name", "request" | "response", "options"?, "expect"}. The request's headers are
// [name, value] pairs (the file's "default_headers" first); "body_repeat" builds a large body.
// "expect" checks status, reason, operation_id, route, allow, www_authenticate(_contains),
// error_count, parameters (equal), errors (each listed one must match some error on the
// fields it gives), problem_excludes (strings the problem JSON must not contain).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "specgate/openapi.h"

namespace specgate {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(SPECGATE_SOURCE_DIR) / "tests" / "data";

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

std::string dump(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

std::string str(const rapidjson::Value& v) { return std::string(v.GetString(), v.GetStringLength()); }

// Specs are compiled once per file and shared by its cases.
std::shared_ptr<Spec> spec_for(const std::string& name) {
  static std::map<std::string, std::shared_ptr<Spec>> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  auto spec = std::make_shared<Spec>(Spec::load_file((kData / "specs" / name).string()));
  cache[name] = spec;
  return spec;
}

class CaseTest : public testing::Test {
 public:
  CaseTest(std::string spec, std::shared_ptr<rapidjson::Document> file, rapidjson::SizeType index)
      : spec_(std::move(spec)), file_(std::move(file)), index_(index) {}

  void TestBody() override {
    const rapidjson::Value& c = (*file_)["cases"][index_];
    std::shared_ptr<Spec> spec = spec_for(spec_);
    RequestOptions options;
    if (c.HasMember("options")) {
      const auto& o = c["options"];
      if (o.HasMember("mode")) options.mode = str(o["mode"]) == "all" ? Mode::kExhaustive : Mode::kFast;
      if (o.HasMember("max_body_bytes")) options.max_body_bytes = o["max_body_bytes"].GetUint64();
      if (o.HasMember("max_headers")) options.max_headers = o["max_headers"].GetUint64();
      if (o.HasMember("ignore_trailing_slash")) options.ignore_trailing_slash = o["ignore_trailing_slash"].GetBool();
    }
    RequestValidator validator(options);
    bool is_response = c.HasMember("response");
    const rapidjson::Value& r = is_response ? c["response"] : c["request"];
    std::vector<std::string> storage;
    storage.reserve(64);
    std::vector<Header> headers;
    auto add_headers = [&](const rapidjson::Value& list) {
      for (const auto& pair : list.GetArray()) {
        storage.push_back(str(pair[0]));
        std::string_view name = storage.back();
        storage.push_back(str(pair[1]));
        headers.push_back({name, storage.back()});
      }
    };
    if (!is_response && file_->HasMember("default_headers")) add_headers((*file_)["default_headers"]);
    if (r.HasMember("headers")) add_headers(r["headers"]);
    std::string body;
    bool has_body = false;
    if (r.HasMember("body")) {
      body = str(r["body"]);
      has_body = true;
    } else if (r.HasMember("body_repeat")) {
      const auto& repeat = r["body_repeat"];
      for (int i = 0; i < repeat["count"].GetInt(); ++i) body += str(repeat["prefix"]);
      for (int i = 0; i < repeat["count"].GetInt(); ++i) body += str(repeat["suffix"]);
      has_body = true;
    }
    std::string method = str(r["method"]);
    std::string target = str(r["target"]);
    std::string query = r.HasMember("query") ? str(r["query"]) : "";
    const RequestResult* result;
    if (is_response) {
      Response response;
      response.method = method;
      response.target = target;
      response.status = r["status"].GetInt();
      response.headers = headers.data();
      response.header_count = headers.size();
      response.body = body;
      response.has_body = has_body;
      result = &validator.validate_response(*spec, response);
    } else {
      Request request;
      request.method = method;
      request.target = target;
      request.query = query;
      request.headers = headers.data();
      request.header_count = headers.size();
      request.body = body;
      request.has_body = has_body;
      if (r.HasMember("content_length")) request.content_length = r["content_length"].GetUint64();
      result = &validator.validate(*spec, request);
    }
    std::string problem = result->problem_json();
    SCOPED_TRACE("result: " + result->json());
    const rapidjson::Value& expect = c["expect"];
    if (expect.HasMember("status")) EXPECT_EQ(result->status, expect["status"].GetInt());
    if (expect.HasMember("reason")) EXPECT_EQ(reason_name(result->reason), str(expect["reason"]));
    if (expect.HasMember("operation_id")) EXPECT_EQ(result->operation_id, str(expect["operation_id"]));
    if (expect.HasMember("route")) EXPECT_EQ(result->route, str(expect["route"]));
    if (expect.HasMember("allow")) {
      std::vector<std::string> allow(result->allow.begin(), result->allow.end());
      std::vector<std::string> wanted;
      for (const auto& m : expect["allow"].GetArray()) wanted.push_back(str(m));
      std::sort(allow.begin(), allow.end());
      std::sort(wanted.begin(), wanted.end());
      EXPECT_EQ(allow, wanted);
    }
    if (expect.HasMember("www_authenticate")) {
      EXPECT_EQ(result->www_authenticate, str(expect["www_authenticate"]));
    }
    if (expect.HasMember("www_authenticate_contains")) {
      for (const auto& part : expect["www_authenticate_contains"].GetArray()) {
        EXPECT_NE(result->www_authenticate.find(str(part)), std::string::npos) << str(part);
      }
    }
    if (expect.HasMember("error_count")) {
      EXPECT_EQ(result->errors.size(), expect["error_count"].GetUint());
    }
    if (expect.HasMember("errors")) {
      for (const auto& wanted : expect["errors"].GetArray()) {
        bool found = std::any_of(result->errors.begin(), result->errors.end(), [&](const RequestError& e) {
          auto field = [&](const char* key, const std::string& actual) {
            return !wanted.HasMember(key) || str(wanted[key]) == actual;
          };
          return field("location", std::string(location_name(e.location))) && field("name", e.name) &&
                 field("keyword", e.keyword) && field("pointer", e.pointer);
        });
        EXPECT_TRUE(found) << "no error like " << dump(wanted);
      }
    }
    if (expect.HasMember("parameters")) {
      ASSERT_NE(result->parameters, nullptr);
      for (const auto& group : expect["parameters"].GetObject()) {
        ASSERT_TRUE(result->parameters->HasMember(group.name)) << str(group.name);
        const auto& actual = (*result->parameters)[group.name];
        for (const auto& parameter : group.value.GetObject()) {
          ASSERT_TRUE(actual.HasMember(parameter.name)) << str(parameter.name);
          EXPECT_EQ(dump(actual[parameter.name]), dump(parameter.value)) << str(parameter.name);
        }
      }
    }
    if (expect.HasMember("problem_excludes")) {
      for (const auto& text : expect["problem_excludes"].GetArray()) {
        EXPECT_EQ(problem.find(str(text)), std::string::npos) << str(text);
        EXPECT_EQ(result->json().find(str(text)), std::string::npos) << str(text);
      }
    }
  }

 private:
  std::string spec_;
  std::shared_ptr<rapidjson::Document> file_;
  rapidjson::SizeType index_;
};

std::string test_name(std::string text) {
  for (char& c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return text;
}

void register_cases() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kData / "requests")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    auto document = std::make_shared<rapidjson::Document>();
    std::string text = read_file(path);
    document->Parse(text.c_str());
    if (document->HasParseError()) {
      testing::RegisterTest("RequestCases", path.filename().string().c_str(), nullptr, nullptr,
                            __FILE__, __LINE__, [path]() -> testing::Test* {
                              struct Broken : testing::Test {
                                std::string file;
                                void TestBody() override { FAIL() << file << " is not valid JSON"; }
                              };
                              auto* t = new Broken;
                              t->file = path.string();
                              return t;
                            });
      continue;
    }
    std::string spec = (*document)["spec"].GetString();
    const auto& cases = (*document)["cases"];
    for (rapidjson::SizeType i = 0; i < cases.Size(); ++i) {
      std::string suite = "RequestCases_" + test_name(path.stem().string());
      std::string name = std::to_string(i) + "_" + test_name(cases[i]["name"].GetString());
      testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [spec, document, i]() -> testing::Test* {
                              return new CaseTest(spec, document, i);
                            });
    }
  }
}

}  // namespace
}  // namespace specgate

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  specgate::register_cases();
  return RUN_ALL_TESTS();
}
