// `specgate replay`: the sample logs of tests/data/logs against tests/data/specs/clinic.yaml
// (served under /v1 and /v2), the aggregation, the JSON report and the CLI's exit codes.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "access_log.h"
#include "specgate/cli.h"
#include "specgate/openapi.h"
#include <unistd.h>

namespace specgate::detail {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(SPECGATE_SOURCE_DIR) / "tests" / "data";
const std::string kClinic = (kData / "specs" / "clinic.yaml").string();

std::string log_path(const char* name) { return (kData / "logs" / name).string(); }

const Spec& clinic() {
  static const Spec spec = Spec::load_file(kClinic);
  return spec;
}

ReplayReport replay_file(const std::string& path, ReplayOptions options = {},
                         AccessLogOptions log_options = {}) {
  std::string error;
  std::unique_ptr<AccessLogReader> reader = AccessLogReader::open(path, log_options, &error);
  EXPECT_TRUE(reader) << error;
  if (!reader) return {};
  ReplayReport report = replay_log(clinic(), *reader, options);
  report.spec_path = "clinic.yaml";
  report.log_path = fs::path(path).filename().string();
  return report;
}

ReplayReport replay_text(const Spec& spec, const std::string& text, ReplayOptions options = {}) {
  std::istringstream input(text);
  AccessLogReader reader(input);
  return replay_log(spec, reader, options);
}

const ReplayGroup* find_group(const ReplayReport& report, ReplayOutcome outcome,
                              const std::string& reason, const std::string& method,
                              const std::string& route_or_pattern) {
  for (const ReplayGroup& g : report.groups) {
    if (g.outcome == outcome && g.reason == reason && g.method == method &&
        (g.route.empty() ? g.pattern : g.route) == route_or_pattern) {
      return &g;
    }
  }
  return nullptr;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("specgate_replay_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

// ------------------------------------------------------------------ aggregation

TEST(ReplayTest, AlbLogTotalsAndReasons) {
  ReplayReport r = replay_file(log_path("alb.log"));
  EXPECT_EQ(r.format, LogFormat::kAlb);
  EXPECT_FALSE(r.compressed);
  EXPECT_EQ(r.lines, 15u);
  EXPECT_EQ(r.records, 13u);
  EXPECT_EQ(r.forward, 7u);
  EXPECT_EQ(r.reject, 6u);
  EXPECT_EQ(r.unverifiable, 0u);
  EXPECT_EQ(r.rejected_by_reason.at("unknown_route"), 3u);
  EXPECT_EQ(r.rejected_by_reason.at("invalid_request"), 2u);
  EXPECT_EQ(r.rejected_by_reason.at("method_not_allowed"), 1u);
  EXPECT_EQ(r.body_unverified, 1u);  // POST /patients: its required body is not in a log
  // Every secured request that reached security, but the one with its own api_key in the query.
  EXPECT_EQ(r.auth_assumed, 7u);
  ASSERT_EQ(r.malformed_count, 2u);
  EXPECT_EQ(r.malformed[0].line, 9u);
  EXPECT_EQ(r.malformed[0].reason, "the request line was not logged");
  EXPECT_EQ(r.malformed[1].line, 11u);
  EXPECT_EQ(r.first_timestamp, "2024-03-01T10:00:00.123456Z");
  EXPECT_EQ(r.last_timestamp, "2024-03-01T10:00:14.123470Z");
  EXPECT_EQ(r.statuses.at(404), 2u);
  EXPECT_EQ(r.statuses.at(502), 1u);
}

TEST(ReplayTest, AlbLogGroups) {
  ReplayReport r = replay_file(log_path("alb.log"));
  // Unknown routes, grouped by path pattern with ids collapsed, with what the API answered.
  const ReplayGroup* owners =
      find_group(r, ReplayOutcome::kReject, "unknown_route", "GET", "/v1/owners/{id}");
  ASSERT_NE(owners, nullptr);
  EXPECT_EQ(owners->count, 2u);
  EXPECT_TRUE(owners->route.empty());
  EXPECT_EQ(owners->statuses.at(404), 1u);
  EXPECT_EQ(owners->statuses.at(502), 1u);
  EXPECT_EQ(owners->examples, (std::vector<std::string>{"/v1/owners/12", "/v1/owners/14"}));
  EXPECT_EQ(r.groups.front().count, 2u);  // largest first, rejections before forwards

  const ReplayGroup* pets =
      find_group(r, ReplayOutcome::kReject, "unknown_route", "GET", "/v1/owners/{id}/pets");
  ASSERT_NE(pets, nullptr);
  EXPECT_EQ(pets->count, 1u);

  // An invalid parameter, with the error that decided it, though the API answered 200.
  const ReplayGroup* limit =
      find_group(r, ReplayOutcome::kReject, "invalid_request", "GET", "/patients");
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->operation_id, "listPatients");
  EXPECT_EQ(limit->statuses.at(200), 1u);
  ASSERT_EQ(limit->errors.size(), 1u);
  EXPECT_EQ(limit->errors[0].location, "query");
  EXPECT_EQ(limit->errors[0].name, "limit");
  EXPECT_EQ(limit->errors[0].keyword, "maximum");
  EXPECT_EQ(limit->auth_assumed, 1u);

  // A 401 would hide this 400: credentials were assumed, so the path parameter was checked.
  const ReplayGroup* bad_id =
      find_group(r, ReplayOutcome::kReject, "invalid_request", "GET", "/patients/{patientId}");
  ASSERT_NE(bad_id, nullptr);
  EXPECT_EQ(bad_id->errors.at(0).name, "patientId");

  const ReplayGroup* put =
      find_group(r, ReplayOutcome::kReject, "method_not_allowed", "PUT", "/patients/{patientId}");
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->allow, "GET, DELETE, PATCH");

  const ReplayGroup* get_patient =
      find_group(r, ReplayOutcome::kForward, "none", "GET", "/patients/{patientId}");
  ASSERT_NE(get_patient, nullptr);
  EXPECT_EQ(get_patient->count, 2u);  // /v1 and /v2
  EXPECT_EQ(get_patient->operation_id, "getPatient");

  const ReplayGroup* create = find_group(r, ReplayOutcome::kForward, "none", "POST", "/patients");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(create->body_unverified, 1u);

  // apiKeyHeader + basic, stood in for together.
  const ReplayGroup* remove =
      find_group(r, ReplayOutcome::kForward, "none", "DELETE", "/patients/{patientId}");
  ASSERT_NE(remove, nullptr);
  EXPECT_EQ(remove->auth_assumed, 1u);

  // The API key in the query satisfied security by itself, and never shows up in a report.
  const ReplayGroup* file =
      find_group(r, ReplayOutcome::kForward, "none", "GET", "/files/{name}.json");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->auth_assumed, 0u);
  EXPECT_EQ(file->examples, (std::vector<std::string>{"/v1/files/report.json?api_key=REDACTED"}));
  EXPECT_EQ(replay_report_json(r).find("s3cr3t"), std::string::npos);
  EXPECT_EQ(replay_report_text(r, 100).find("s3cr3t"), std::string::npos);
}

TEST(ReplayTest, GzipLogGivesTheSameReport) {
  ReplayReport plain = replay_file(log_path("alb.log"));
  ReplayReport packed = replay_file(log_path("alb.log.gz"));
  EXPECT_TRUE(packed.compressed);
  packed.log_path = plain.log_path;
  packed.compressed = false;
  EXPECT_EQ(replay_report_json(packed), replay_report_json(plain));
}

TEST(ReplayTest, WithoutAssumedCredentials401sAreUnverifiableNotRejected) {
  ReplayOptions options;
  options.assume_authenticated = false;
  ReplayReport r = replay_file(log_path("alb.log"), options);
  EXPECT_EQ(r.records, 13u);
  EXPECT_EQ(r.unverifiable, 7u);
  EXPECT_EQ(r.unverifiable_by_reason.at("unauthorized"), 7u);
  EXPECT_EQ(r.rejected_by_reason.count("unauthorized"), 0u);
  // 404 and 405 come before security, so they are still known rejections.
  EXPECT_EQ(r.reject, 4u);
  EXPECT_EQ(r.forward, 2u);  // /health (no security) and the file with its query api key
  EXPECT_EQ(r.auth_assumed, 0u);
  EXPECT_FALSE(r.assume_authenticated);
  EXPECT_NE(find_group(r, ReplayOutcome::kUnverifiable, "unauthorized", "GET", "/patients"),
            nullptr);
}

TEST(ReplayTest, CombinedLog) {
  ReplayReport r = replay_file(log_path("combined.log"));
  EXPECT_EQ(r.format, LogFormat::kCombined);
  EXPECT_EQ(r.records, 10u);
  EXPECT_EQ(r.forward, 4u);
  EXPECT_EQ(r.reject, 6u);
  ASSERT_EQ(r.malformed.size(), 2u);
  EXPECT_EQ(r.malformed[0].line, 6u);  // a TLS handshake on the HTTP port
  EXPECT_EQ(r.malformed[0].reason, "the request method is not an HTTP token");
  EXPECT_EQ(r.malformed[1].line, 12u);

  const ReplayGroup* appointments =
      find_group(r, ReplayOutcome::kReject, "unknown_route", "GET", "/v1/appointments/{id}");
  ASSERT_NE(appointments, nullptr);
  EXPECT_EQ(appointments->count, 3u);
  EXPECT_EQ(appointments->statuses.at(404), 3u);
  EXPECT_EQ(appointments->examples.size(), 3u);

  const ReplayGroup* species =
      find_group(r, ReplayOutcome::kReject, "invalid_request", "GET", "/patients");
  ASSERT_NE(species, nullptr);
  EXPECT_EQ(species->errors.at(0).name, "species");
  EXPECT_EQ(species->errors.at(0).keyword, "enum");

  const ReplayGroup* unknown_query =
      find_group(r, ReplayOutcome::kReject, "invalid_request", "GET", "/search");
  ASSERT_NE(unknown_query, nullptr);
  EXPECT_EQ(unknown_query->errors.at(0).name, "debug");
  EXPECT_EQ(unknown_query->errors.at(0).keyword, "unknown");

  EXPECT_NE(find_group(r, ReplayOutcome::kReject, "method_not_allowed", "POST", "/search"),
            nullptr);
  // An absolute-form request target.
  EXPECT_NE(find_group(r, ReplayOutcome::kForward, "none", "GET", "/health"), nullptr);
  EXPECT_NE(find_group(r, ReplayOutcome::kForward, "none", "GET", "/patients/me"), nullptr);
}

TEST(ReplayTest, JsonLinesLog) {
  ReplayReport r = replay_file(log_path("requests.jsonl"));
  EXPECT_EQ(r.format, LogFormat::kJsonLines);
  EXPECT_EQ(r.records, 8u);
  EXPECT_EQ(r.malformed_count, 3u);
  EXPECT_EQ(r.forward, 4u);
  EXPECT_EQ(r.reject, 4u);
  // The record with its own Authorization header needed no stand-in.
  EXPECT_EQ(r.auth_assumed, 4u);
  const ReplayGroup* invalid =
      find_group(r, ReplayOutcome::kReject, "invalid_request", "GET", "/patients");
  ASSERT_NE(invalid, nullptr);
  EXPECT_EQ(invalid->count, 2u);
  ASSERT_EQ(invalid->errors.size(), 2u);
  bool saw_header = false;
  bool saw_minimum = false;
  for (const ReplayErrorCount& e : invalid->errors) {
    saw_header |= e.location == "header" && e.name == "X-Request-Id" && e.keyword == "format";
    saw_minimum |= e.location == "query" && e.name == "limit" && e.keyword == "minimum";
    EXPECT_EQ(e.count, 1u);
  }
  EXPECT_TRUE(saw_header);
  EXPECT_TRUE(saw_minimum);
  EXPECT_NE(
      find_group(r, ReplayOutcome::kReject, "unknown_route", "GET", "/v1/billing/invoices/{id}"),
      nullptr);
  EXPECT_EQ(replay_report_json(r).find("real-token-value"), std::string::npos);
}

TEST(ReplayTest, RequiredHeadersAreOnlyCheckedWhenTheLogHasThemAll) {
  Spec spec = Spec::load(R"(
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /items:
    get:
      parameters:
        - {name: X-Tenant, in: header, required: true, schema: {type: string}}
        - {name: session, in: cookie, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
)");
  ReplayReport r = replay_text(spec,
                               "{\"method\":\"GET\",\"path\":\"/items\"}\n"
                               "{\"method\":\"GET\",\"path\":\"/items\",\"headers\":{}}\n"
                               "{\"method\":\"GET\",\"path\":\"/items\",\"headers\":"
                               "{\"X-Tenant\":\"a\",\"Cookie\":\"session=x\"}}\n");
  EXPECT_EQ(r.forward, 2u);
  EXPECT_EQ(r.headers_unverified, 1u);
  EXPECT_EQ(r.reject, 1u);  // the line whose headers were all logged, and lacked them
  const ReplayGroup* missing =
      find_group(r, ReplayOutcome::kReject, "invalid_request", "GET", "/items");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->errors.size(), 2u);
}

TEST(ReplayTest, StandInsForEverySchemeKind) {
  Spec spec = Spec::load(R"(
openapi: 3.0.3
info: {title: t, version: "1"}
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
    basic: {type: http, scheme: basic}
    query_key: {type: apiKey, in: query, name: key}
    cookie_key: {type: apiKey, in: cookie, name: sid}
    oidc: {type: openIdConnect, openIdConnectUrl: "https://id.test/.well-known/openid"}
paths:
  /a:
    get:
      security: [{bearer: [], basic: []}, {query_key: []}]
      x-specgate-unknown-query: reject
      responses: {"200": {description: ok}}
  /b:
    get:
      security: [{cookie_key: []}]
      parameters: [{name: theme, in: cookie, schema: {type: string, enum: [dark]}}]
      responses: {"200": {description: ok}}
  /c:
    get:
      security: [{oidc: []}]
      responses: {"200": {description: ok}}
)");
  // /a: bearer and basic cannot share one Authorization header; the query key can stand in,
  // and the parameter it adds is not held against the request.
  ReplayReport r =
      replay_text(spec,
                  "{\"method\":\"GET\",\"path\":\"/a\"}\n"
                  "{\"method\":\"GET\",\"path\":\"/b\",\"headers\":{\"Cookie\":\"theme=light\"}}\n"
                  "{\"method\":\"GET\",\"path\":\"/c\"}\n");
  EXPECT_EQ(r.auth_assumed, 3u);
  EXPECT_EQ(r.unverifiable, 0u);
  EXPECT_NE(find_group(r, ReplayOutcome::kForward, "none", "GET", "/a"), nullptr);
  // The logged cookie is kept next to the stand-in one, and still checked.
  const ReplayGroup* b = find_group(r, ReplayOutcome::kReject, "invalid_request", "GET", "/b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->errors.at(0).name, "theme");
  EXPECT_NE(find_group(r, ReplayOutcome::kForward, "none", "GET", "/c"), nullptr);
}

TEST(ReplayTest, HostileLogTextIsMadePrintable) {
  Spec spec = Spec::load(R"({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                             "paths": {}})");
  ReplayReport r = replay_text(
      spec, "{\"method\":\"GET\",\"path\":\"/\\u001b[31mred\\u00e9\",\"time\":\"\\u0007t\"}\n");
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].examples.at(0), "/%1B[31mred%C3%A9");
  EXPECT_EQ(r.groups[0].pattern, "/%1B[31mred%C3%A9");
  std::string text = replay_report_text(r, 10);
  std::string json = replay_report_json(r);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\x07'), std::string::npos);
  EXPECT_EQ(json.find('\x1b'), std::string::npos);
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  EXPECT_FALSE(doc.HasParseError());
}

TEST(ReplayTest, IdsCollapseInUnknownPaths) {
  Spec spec = Spec::load(R"({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                             "paths": {}})");
  ReplayReport r = replay_text(
      spec,
      "{\"method\":\"GET\",\"path\":\"/u/123/f/0b5e2c4e-6a0c-4a57-9d1e-2b8e4a6f9c10.json\"}\n"
      "{\"method\":\"GET\",\"path\":\"/u/9/f/deadbeef42.json?x=1\"}\n"
      "{\"method\":\"get\",\"path\":\"/v2/u/abcdefghijklmnop1/sha256\"}\n");
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(r.groups[0].pattern, "/u/{id}/f/{id}.json");
  EXPECT_EQ(r.groups[0].count, 2u);
  EXPECT_EQ(r.groups[1].pattern, "/v2/u/{id}/sha256");
  EXPECT_EQ(r.groups[1].method, "GET");
}

TEST(ReplayTest, GroupsFoldPastTheLimit) {
  Spec spec = Spec::load(R"({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                             "paths": {}})");
  std::string log;
  for (const char* p : {"a", "b", "c", "d", "e"}) {
    log += std::string("{\"method\":\"GET\",\"path\":\"/") + p + "\"}\n";
  }
  ReplayOptions options;
  options.max_groups = 2;
  ReplayReport r = replay_text(spec, log, options);
  EXPECT_TRUE(r.groups_folded);
  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].pattern, "(other)");
  EXPECT_EQ(r.groups[0].count, 3u);
}

// ------------------------------------------------------------------ JSON report

TEST(ReplayJsonTest, DocumentedStructure) {
  ReplayReport r = replay_file(log_path("alb.log.gz"));
  std::string json = replay_report_json(r);
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(doc["version"].GetInt(), 1);
  EXPECT_STREQ(doc["spec"].GetString(), "clinic.yaml");
  EXPECT_STREQ(doc["log"].GetString(), "alb.log.gz");
  EXPECT_STREQ(doc["format"].GetString(), "alb");
  EXPECT_TRUE(doc["compressed"].GetBool());
  EXPECT_TRUE(doc["assume_authenticated"].GetBool());
  EXPECT_EQ(doc["lines"].GetUint64(), 15u);
  EXPECT_EQ(doc["records"].GetUint64(), 13u);
  EXPECT_EQ(doc["malformed"]["count"].GetUint64(), 2u);
  EXPECT_EQ(doc["malformed"]["lines"][0]["line"].GetUint64(), 9u);
  EXPECT_TRUE(doc["malformed"]["lines"][0]["reason"].IsString());
  EXPECT_TRUE(doc["read_error"].IsNull());
  EXPECT_STREQ(doc["time_range"]["first"].GetString(), "2024-03-01T10:00:00.123456Z");
  const auto& totals = doc["totals"];
  EXPECT_EQ(totals["forward"].GetUint64(), 7u);
  EXPECT_EQ(totals["reject"].GetUint64(), 6u);
  EXPECT_EQ(totals["unverifiable"].GetUint64(), 0u);
  EXPECT_EQ(totals["auth_assumed"].GetUint64(), 7u);
  EXPECT_EQ(totals["body_unverified"].GetUint64(), 1u);
  EXPECT_EQ(totals["headers_unverified"].GetUint64(), 0u);
  EXPECT_EQ(doc["rejected_by_reason"]["unknown_route"].GetUint64(), 3u);
  EXPECT_TRUE(doc["unverifiable_by_reason"].IsObject());
  EXPECT_EQ(doc["statuses"]["404"].GetUint64(), 2u);
  EXPECT_FALSE(doc["groups_folded"].GetBool());

  const auto& groups = doc["groups"];
  ASSERT_TRUE(groups.IsArray());
  ASSERT_EQ(groups.Size(), r.groups.size());
  std::uint64_t sum = 0;
  std::uint64_t previous = UINT64_MAX;
  for (const auto& g : groups.GetArray()) {
    for (const char* key : {"outcome", "reason", "method", "route", "pattern", "operation_id",
                            "allow", "count", "statuses", "auth_assumed", "body_unverified",
                            "headers_unverified", "examples", "errors"}) {
      EXPECT_TRUE(g.HasMember(key)) << key;
    }
    EXPECT_LE(g["count"].GetUint64(), previous);
    previous = g["count"].GetUint64();
    sum += g["count"].GetUint64();
    // Exactly one of route and pattern.
    EXPECT_NE(g["route"].IsNull(), g["pattern"].IsNull());
  }
  EXPECT_EQ(sum, 13u);
  const auto& first = groups[0];
  EXPECT_STREQ(first["outcome"].GetString(), "reject");
  EXPECT_STREQ(first["reason"].GetString(), "unknown_route");
  EXPECT_STREQ(first["pattern"].GetString(), "/v1/owners/{id}");
  EXPECT_EQ(first["statuses"]["502"].GetUint64(), 1u);
  EXPECT_STREQ(first["errors"][0]["location"].GetString(), "route");
  EXPECT_EQ(first["errors"][0]["count"].GetUint64(), 2u);
}

// ------------------------------------------------------------------ the CLI

struct CliRun {
  int status;
  std::string out;
  std::string err;
};

CliRun cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  int status = run_cli(args, out, err);
  return {status, out.str(), err.str()};
}

TEST(ReplayCliTest, ReadsTheLogAndExitsZeroEvenWithRejections) {
  TempDir dir;
  std::string json = (dir / "report.json").string();
  CliRun run = cli({"replay", kClinic, log_path("alb.log.gz"), "--json", json});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_TRUE(run.err.empty()) << run.err;
  EXPECT_NE(run.out.find("(alb, gzip)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("would reject"), std::string::npos);
  EXPECT_NE(run.out.find("(no route) /v1/owners/{id}"), std::string::npos);
  EXPECT_NE(run.out.find("line 9: the request line was not logged"), std::string::npos);
  EXPECT_EQ(run.out.find("s3cr3t"), std::string::npos);
  rapidjson::Document doc;
  std::string text = read_file(json);
  doc.Parse(text.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(doc["records"].GetUint64(), 13u);
  EXPECT_STREQ(doc["log"].GetString(), log_path("alb.log.gz").c_str());
}

TEST(ReplayCliTest, Options) {
  CliRun top = cli({"replay", kClinic, log_path("combined.log"), "--top", "2"});
  EXPECT_EQ(top.status, 0);
  EXPECT_NE(top.out.find("Top 2 of 8 groups"), std::string::npos) << top.out;

  CliRun strict = cli({"replay", kClinic, log_path("alb.log"), "--no-assume-authenticated"});
  EXPECT_EQ(strict.status, 0);
  EXPECT_NE(strict.out.find("unauthorized 7 (credentials are not in a log)"), std::string::npos)
      << strict.out;

  CliRun format = cli({"replay", kClinic, log_path("requests.jsonl"), "--format", "jsonl",
                       "--assume-authenticated"});
  EXPECT_EQ(format.status, 0) << format.err;

  CliRun help = cli({"replay", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("usage: specgate replay"), std::string::npos);
  CliRun general = cli({"help"});
  EXPECT_NE(general.out.find("specgate replay SPEC LOG"), std::string::npos);
}

TEST(ReplayCliTest, BadUsageIsTwo) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"replay"},
           {"replay", kClinic},
           {"replay", kClinic, log_path("alb.log"), "extra"},
           {"replay", kClinic, log_path("alb.log"), "--format"},
           {"replay", kClinic, log_path("alb.log"), "--format", "w3c"},
           {"replay", kClinic, log_path("alb.log"), "--top", "many"},
           {"replay", kClinic, log_path("alb.log"), "--top"},
           {"replay", kClinic, log_path("alb.log"), "--json"},
           {"replay", kClinic, log_path("alb.log"), "--verbose"}}) {
    CliRun run = cli(args);
    EXPECT_EQ(run.status, 2) << args.size();
    EXPECT_NE(run.err.find("usage: specgate replay"), std::string::npos) << run.err;
  }
}

TEST(ReplayCliTest, UnreadableSpecOrLogIsTwo) {
  TempDir dir;
  CliRun no_spec =
      cli({"replay", (kData / "specs" / "missing.yaml").string(), log_path("alb.log")});
  EXPECT_EQ(no_spec.status, 2);
  EXPECT_NE(no_spec.err.find("cannot open"), std::string::npos);

  CliRun broken = cli({"replay", (kData / "specs" / "broken.yaml").string(), log_path("alb.log")});
  EXPECT_EQ(broken.status, 2);
  EXPECT_NE(broken.err.find("problem"), std::string::npos) << broken.err;

  CliRun no_log = cli({"replay", kClinic, log_path("missing.log")});
  EXPECT_EQ(no_log.status, 2);
  EXPECT_NE(no_log.err.find("cannot open"), std::string::npos);

  CliRun directory = cli({"replay", kClinic, (kData / "logs").string()});
  EXPECT_EQ(directory.status, 2);

  // Nothing in the file is a log entry.
  std::ofstream(dir / "notes.txt") << "dear diary\nnothing to see\n";
  CliRun garbage = cli({"replay", kClinic, (dir / "notes.txt").string()});
  EXPECT_EQ(garbage.status, 2);
  EXPECT_NE(garbage.err.find("no line is in a known log format"), std::string::npos);

  // The wrong format for this log.
  CliRun wrong = cli({"replay", kClinic, log_path("alb.log"), "--format", "clf"});
  EXPECT_EQ(wrong.status, 2);
  EXPECT_NE(wrong.err.find("no line is a clf log entry"), std::string::npos) << wrong.err;

  // A .gz cut short, as when it is still being written: what was read is reported, exit 2.
  std::string gz = read_file(kData / "logs" / "alb.log.gz");
  std::ofstream(dir / "cut.log.gz", std::ios::binary) << gz.substr(0, gz.size() - 12);
  CliRun cut = cli({"replay", kClinic, (dir / "cut.log.gz").string()});
  EXPECT_EQ(cut.status, 2);
  EXPECT_NE(cut.err.find("the gzip data is truncated"), std::string::npos) << cut.err;
  EXPECT_NE(cut.out.find("read error"), std::string::npos);

  // An empty log was read: nothing to say, but not an error.
  std::ofstream(dir / "empty.log").flush();
  CliRun empty = cli({"replay", kClinic, (dir / "empty.log").string()});
  EXPECT_EQ(empty.status, 0) << empty.err;

  // The JSON report cannot be written.
  CliRun unwritable = cli({"replay", kClinic, log_path("alb.log"), "--json",
                           (dir / "no-such-dir" / "r.json").string()});
  EXPECT_EQ(unwritable.status, 2);
  EXPECT_NE(unwritable.err.find("cannot write"), std::string::npos);
}

}  // namespace
}  // namespace specgate::detail
