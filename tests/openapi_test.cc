// The OpenAPI layer's API: loading (every real-world spec in ../shared/specs, YAML and JSON,
// split files), spec problems, rendering, sharing across threads, and the CLI.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "shared_data.h"
#include "specgate/cli.h"
#include "specgate/openapi.h"

namespace specgate {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(SPECGATE_SOURCE_DIR) / "tests" / "data";

// ../shared or $SPECGATE_SHARED; empty when absent.
fs::path shared_dir() { return test_support::find_shared_dir(SPECGATE_SOURCE_DIR); }

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

TEST(OpenApiTest, EveryRealWorldSpecLoads) {
  fs::path shared = shared_dir();
  if (shared.empty()) {
    if (in_ci()) FAIL() << "../shared is required when CI=true";
    GTEST_SKIP() << "../shared not found (set SPECGATE_SHARED)";
  }
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(shared / "specs")) {
    std::string ext = entry.path().extension().string();
    if (ext != ".json" && ext != ".yaml") continue;
    ++count;
    try {
      Spec spec = Spec::load_file(entry.path().string());
      EXPECT_FALSE(spec.openapi_version().empty()) << entry.path();
      bool webhooks_only = entry.path().filename().string().find("webhook") != std::string::npos;
      if (!webhooks_only) EXPECT_GT(spec.operations().size(), 0u) << entry.path();
    } catch (const SpecError& error) {
      ADD_FAILURE() << entry.path() << ": " << error.what();
    }
  }
  EXPECT_GE(count, 15u);
}

TEST(OpenApiTest, GithubSpecCountsMatchTheDocument) {
  fs::path shared = shared_dir();
  if (shared.empty()) {
    if (in_ci()) FAIL() << "../shared is required when CI=true";
    GTEST_SKIP() << "../shared not found";
  }
  Spec spec = Spec::load_file((shared / "specs" / "github-api.github.com-2022-06.json").string());
  EXPECT_EQ(spec.operations().size(), 771u);  // as the shared README lists
  EXPECT_EQ(spec.dialect(), Dialect::kOas30);
}

TEST(OpenApiTest, SpecProblemsAreAllListedWithPositions) {
  try {
    Spec::load_file((kData / "specs" / "broken.yaml").string());
    FAIL() << "expected SpecError";
  } catch (const SpecError& error) {
    std::string all = error.what();
    std::vector<std::string> pointers;
    for (const Problem& p : error.problems()) pointers.push_back(p.pointer);
    auto has = [&](const std::string& fragment) {
      return std::any_of(pointers.begin(), pointers.end(),
                         [&](const std::string& p) { return p.find(fragment) != std::string::npos; });
    };
    EXPECT_TRUE(has("/paths/~1a~1{id}/get/parameters/0/schema/type")) << all;
    EXPECT_TRUE(has("/paths/~1a~1{id}/get/parameters/1")) << all;
    EXPECT_TRUE(has("/paths/~1a~1{id}/get/responses/200/content/application~1json/schema")) << all;
    EXPECT_TRUE(has("/paths/~1b/post/requestBody/content/application~1json/schema/pattern")) << all;
    EXPECT_TRUE(has("/paths/~1b/post/security/0/nobody")) << all;
    EXPECT_EQ(error.problems().size(), 5u) << all;
    // Problems in the main document carry their line in the YAML source.
    for (const Problem& p : error.problems()) {
      if (p.pointer.find("security") != std::string::npos) EXPECT_EQ(p.line, 22u) << p.pointer;
      if (p.pointer.find("parameters/1") != std::string::npos) EXPECT_EQ(p.line, 8u) << p.pointer;
    }
  }
}

TEST(OpenApiTest, MalformedYamlIsAProblemWithAPosition) {
  try {
    Spec::load("openapi: 3.0.0\npaths:\n  /a: [unclosed\n");
    FAIL() << "expected SpecError";
  } catch (const SpecError& error) {
    ASSERT_EQ(error.problems().size(), 1u);
    EXPECT_GT(error.problems()[0].line, 0u);
  }
}

TEST(OpenApiTest, NotAnOpenApiDocument) {
  EXPECT_THROW(Spec::load("{\"swagger\": \"2.0\"}"), SpecError);
  EXPECT_THROW(Spec::load("{\"openapi\": \"4.0.0\", \"paths\": {}}"), SpecError);
  EXPECT_THROW(Spec::load("[]"), SpecError);
}

TEST(OpenApiTest, RelativeReferencesToOtherFiles) {
  Spec spec = Spec::load_file((kData / "specs" / "split" / "main.yaml").string());
  RequestValidator validator;
  Header json[] = {{"Content-Type", "application/json"}};
  Request request;
  request.method = "PUT";
  request.target = "/owners/3";
  request.headers = json;
  request.header_count = 1;
  request.body = R"({"name": "Ann", "pets": [{"name": "Rex"}]})";
  request.has_body = true;
  EXPECT_EQ(validator.validate(spec, request).status, 200);
  request.body = R"({"name": "Ann", "pets": [{}]})";
  const RequestResult& bad = validator.validate(spec, request);
  EXPECT_EQ(bad.status, 400);
  ASSERT_FALSE(bad.errors.empty());
  EXPECT_EQ(bad.errors[0].pointer, "/pets/0");
  // Locations never reveal where the spec lives on the server's disk.
  EXPECT_EQ(bad.errors[0].schema_pointer.rfind("common.yaml#/components/schemas/Owner", 0), 0u)
      << bad.errors[0].schema_pointer;
  EXPECT_EQ(bad.problem_json().find("file:"), std::string::npos);
  request.target = "/owners/0";
  EXPECT_EQ(validator.validate(spec, request).errors.at(0).name, "ownerId");
}

TEST(OpenApiTest, ProblemJsonIsRfc9457) {
  Spec spec = Spec::load_file((kData / "specs" / "clinic.yaml").string());
  RequestValidator validator;
  Request request;
  request.method = "PUT";
  request.target = "/v1/health";
  const RequestResult& result = validator.validate(spec, request);
  rapidjson::Document problem;
  problem.Parse(result.problem_json().c_str());
  ASSERT_FALSE(problem.HasParseError());
  EXPECT_STREQ(problem["type"].GetString(), "about:blank");
  EXPECT_STREQ(problem["title"].GetString(), "Method Not Allowed");
  EXPECT_EQ(problem["status"].GetInt(), 405);
  EXPECT_STREQ(problem["reason"].GetString(), "method_not_allowed");
  EXPECT_TRUE(problem["detail"].IsString());
  EXPECT_EQ(problem["allow"].Size(), 1u);
  EXPECT_STREQ(problem["errors"][0]["location"].GetString(), "route");
}

TEST(OpenApiTest, CredentialCheckCallback) {
  Spec spec = Spec::load_file((kData / "specs" / "clinic.yaml").string());
  RequestOptions options;
  std::vector<std::string> seen;
  options.credential_check = [&](const Credential& c) {
    seen.push_back(std::string(c.scheme) + ":" + std::string(c.value));
    return c.value == "good-token";
  };
  RequestValidator validator(options);
  Header good[] = {{"Authorization", "Bearer good-token"}};
  Header bad[] = {{"Authorization", "Bearer stolen"}};
  Request request;
  request.method = "GET";
  request.target = "/v1/patients";
  request.headers = good;
  request.header_count = 1;
  EXPECT_EQ(validator.validate(spec, request).status, 200);
  request.headers = bad;
  const RequestResult& rejected = validator.validate(spec, request);
  EXPECT_EQ(rejected.status, 401);
  EXPECT_EQ(rejected.problem_json().find("stolen"), std::string::npos);
  EXPECT_EQ(seen, (std::vector<std::string>{"bearer:good-token", "bearer:stolen"}));
}

TEST(OpenApiTest, OneSpecManyThreads) {
  Spec spec = Spec::load_file((kData / "specs" / "clinic.yaml").string());
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      RequestValidator validator;
      Header headers[] = {{"Authorization", "Bearer t"}};
      for (int i = 0; i < 3000; ++i) {
        std::string target = "/v1/patients?limit=" + std::to_string((i + t) % 150);
        Request request;
        request.method = "GET";
        request.target = target;
        request.headers = headers;
        request.header_count = 1;
        int limit = (i + t) % 150;
        int expected = limit >= 1 && limit <= 100 ? 200 : 400;
        if (validator.validate(spec, request).status != expected) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(OpenApiTest, OperationsAreListed) {
  Spec spec = Spec::load_file((kData / "specs" / "clinic.yaml").string());
  const auto& ops = spec.operations();
  auto it = std::find_if(ops.begin(), ops.end(),
                         [](const OperationInfo& op) { return op.operation_id == "deletePatient"; });
  ASSERT_NE(it, ops.end());
  EXPECT_EQ(it->method, "delete");
  EXPECT_EQ(it->path, "/patients/{patientId}");
  EXPECT_TRUE(it->secured);
  EXPECT_GT(spec.memory_bytes(), 0u);
}

int cli(std::vector<std::string> args, std::string* out, std::string* err) {
  std::ostringstream o;
  std::ostringstream e;
  int status = run_cli(args, o, e);
  *out = o.str();
  *err = e.str();
  return status;
}

TEST(CliTest, LintRoutesValidate) {
  std::string clinic = (kData / "specs" / "clinic.yaml").string();
  std::string broken = (kData / "specs" / "broken.yaml").string();
  std::string out;
  std::string err;
  EXPECT_EQ(cli({"lint", clinic}, &out, &err), 0);
  EXPECT_NE(out.find("OK"), std::string::npos);
  EXPECT_EQ(cli({"lint", broken}, &out, &err), 1);
  EXPECT_NE(out.find("broken.yaml:22:"), std::string::npos) << out;
  EXPECT_EQ(cli({"routes", clinic}, &out, &err), 0);
  EXPECT_NE(out.find("DELETE   /patients/{patientId}  deletePatient  [secured]"), std::string::npos) << out;
  EXPECT_EQ(cli({"validate", clinic, "--method", "GET", "--path", "/v1/patients?limit=5", "-H",
                 "Authorization: Bearer t"},
                &out, &err),
            0);
  rapidjson::Document result;
  result.Parse(out.c_str());
  ASSERT_FALSE(result.HasParseError()) << out;
  EXPECT_EQ(result["status"].GetInt(), 200);
  EXPECT_EQ(result["parameters"]["query"]["limit"].GetInt(), 5);
  EXPECT_EQ(cli({"validate", clinic, "--method", "POST", "--path", "/v1/patients", "-H",
                 "Authorization: Bearer t", "-H", "Content-Type: application/json", "--data",
                 "{\"name\": 1}", "--all"},
                &out, &err),
            1);
  EXPECT_NE(out.find("\"status\":400"), std::string::npos);
  EXPECT_EQ(cli({"validate", clinic, "--path", "/x"}, &out, &err), 2);
  EXPECT_NE(err.find("--method"), std::string::npos);
  EXPECT_EQ(cli({"validate", broken, "--method", "GET", "--path", "/a/1"}, &out, &err), 2);
  EXPECT_EQ(cli({"frobnicate"}, &out, &err), 2);
  EXPECT_EQ(cli({}, &out, &err), 2);
  EXPECT_EQ(cli({"lint", "/nonexistent.yaml"}, &out, &err), 1);
}

}  // namespace
}  // namespace specgate
