// The access-log reader: one parser per format, line splitting over plain and gzip input
// (gzip made here with zlib), malformed and overlong lines, format detection.
#include "access_log.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <zlib.h>

namespace specgate::detail {
namespace {

namespace fs = std::filesystem;

const fs::path kLogs = fs::path(SPECGATE_SOURCE_DIR) / "tests" / "data" / "logs";

const char* const kAlbLine =
    "https 2024-03-01T10:00:00.123456Z app/clinic-alb/50dc6c495c0c9188 203.0.113.10:50000 "
    "10.0.1.5:8080 0.001 0.012 0.000 200 201 312 1024 "
    "\"GET https://api.clinic.test:443/v1/patients?limit=5 HTTP/1.1\" \"clinic-app/2.3 (iOS)\" "
    "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/clinic/73e2d6bc24d8a067 "
    "\"Root=1-65e1a0e0-0123456789abcdef01230000\" \"api.clinic.test\" \"-\" 0 "
    "2024-03-01T10:00:00.110000Z \"forward\" \"-\" \"-\" \"10.0.1.5:8080\" \"201\" \"-\" \"-\" "
    "TID_0123456789abcdef";

const char* const kCommonLine =
    "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif?x=1 HTTP/1.0\" 200 2326";

const char* const kCombinedLine =
    "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"POST /v1/patients HTTP/1.1\" 201 12 "
    "\"https://clinic.test/\" \"Mozilla/5.0 (X11)\"";

std::string alb_line(const std::string& method, const std::string& url, int status) {
  return "http 2024-03-01T10:00:00Z app/lb/1 1.2.3.4:5 10.0.0.1:80 0.0 0.0 0.0 " +
         std::to_string(status) + " " + std::to_string(status) + " 1 2 \"" + method + " " + url +
         " HTTP/1.1\" \"agent\" - - arn \"Root=1\" \"-\" \"-\" 0 2024-03-01T10:00:00Z \"forward\"";
}

// gzip (not zlib) framing, as AWS writes .log.gz files.
std::string gzip(const std::string& text) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

struct ReadResult {
  std::vector<LogRecord> records;
  std::vector<MalformedLine> malformed;
  std::size_t malformed_count = 0;
  std::size_t lines = 0;
  LogFormat format = LogFormat::kAuto;
  bool compressed = false;
  std::string error;
};

ReadResult read_all(const std::string& bytes, AccessLogOptions options = {}) {
  std::istringstream input(bytes);
  AccessLogReader reader(input, options);
  ReadResult result;
  LogRecord record;
  while (reader.next(&record)) result.records.push_back(record);
  result.malformed = reader.malformed();
  result.malformed_count = reader.malformed_count();
  result.lines = reader.lines();
  result.format = reader.format();
  result.compressed = reader.compressed();
  result.error = reader.error();
  return result;
}

LogRecord parse_ok(LogFormat format, const std::string& line) {
  LogRecord record;
  std::string reason;
  EXPECT_TRUE(parse_log_line(format, line, &record, &reason)) << reason << "\n" << line;
  return record;
}

std::string parse_fails(LogFormat format, const std::string& line) {
  LogRecord record;
  std::string reason;
  EXPECT_FALSE(parse_log_line(format, line, &record, &reason)) << line;
  EXPECT_FALSE(reason.empty());
  return reason;
}

// ------------------------------------------------------------------ formats

TEST(LogFormatTest, NamesRoundTrip) {
  for (LogFormat f : {LogFormat::kAuto, LogFormat::kAlb, LogFormat::kCommon, LogFormat::kCombined,
                      LogFormat::kJsonLines}) {
    LogFormat parsed = LogFormat::kAuto;
    ASSERT_TRUE(parse_log_format(log_format_name(f), &parsed));
    EXPECT_EQ(parsed, f);
  }
  LogFormat parsed = LogFormat::kAuto;
  EXPECT_TRUE(parse_log_format("common", &parsed));
  EXPECT_EQ(parsed, LogFormat::kCommon);
  EXPECT_FALSE(parse_log_format("w3c", &parsed));
}

TEST(AlbTest, ParsesAwsFieldOrder) {
  LogRecord r = parse_ok(LogFormat::kAlb, kAlbLine);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/v1/patients?limit=5");
  EXPECT_EQ(r.status, 200);           // elb_status_code
  EXPECT_EQ(r.upstream_status, 201);  // target_status_code
  EXPECT_EQ(r.timestamp, "2024-03-01T10:00:00.123456Z");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].name, "User-Agent");
  EXPECT_EQ(r.headers[0].value, "clinic-app/2.3 (iOS)");
  EXPECT_FALSE(r.headers_complete);
}

TEST(AlbTest, AbsoluteUrlBecomesOriginForm) {
  EXPECT_EQ(parse_ok(LogFormat::kAlb, alb_line("GET", "https://h:443", 200)).target, "/");
  EXPECT_EQ(parse_ok(LogFormat::kAlb, alb_line("GET", "https://h:443?x=1", 200)).target, "/?x=1");
  EXPECT_EQ(parse_ok(LogFormat::kAlb, alb_line("GET", "http://h:80/a/b%20c?q=1&r", 200)).target,
            "/a/b%20c?q=1&r");
  EXPECT_EQ(parse_ok(LogFormat::kAlb, alb_line("OPTIONS", "*", 200)).target, "*");
}

TEST(AlbTest, OlderEntriesWithFewerFieldsAndNewerWithMore) {
  // Only up to the request field.
  std::string minimal =
      "h2 2016-08-10T00:00:00.000000Z app/lb/1 1.2.3.4:5 - -1 -1 -1 502 - 0 0 "
      "\"PATCH https://h:443/v1/patients/3 HTTP/2.0\"";
  LogRecord r = parse_ok(LogFormat::kAlb, minimal);
  EXPECT_EQ(r.method, "PATCH");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.upstream_status, 0);
  EXPECT_TRUE(r.headers.empty());
  // Fields AWS may add at the end are ignored.
  parse_ok(LogFormat::kAlb, std::string(kAlbLine) + " \"new-field\" 42 \"another\"");
}

TEST(AlbTest, UnparsedRequestsAndOtherShapesAreMalformed) {
  std::string unparsed =
      "http 2024-03-01T10:00:00Z app/lb/1 1.2.3.4:5 - -1 -1 -1 400 - 0 272 "
      "\"- http://h:80- -\" \"-\" - - - \"-\" \"-\" \"-\" - 2024-03-01T10:00:00Z \"-\"";
  EXPECT_EQ(parse_fails(LogFormat::kAlb, unparsed), "the request line was not logged");
  EXPECT_NE(parse_fails(LogFormat::kAlb, kCombinedLine), "");
  EXPECT_NE(parse_fails(LogFormat::kAlb, "https 2024-03-01T10:00:00Z too few"), "");
  // The time must be ISO 8601.
  std::string line = kAlbLine;
  line.replace(line.find("2024-03-01T10"), 4, "24-3");
  parse_fails(LogFormat::kAlb, line);
  // A status must be three digits or "-".
  parse_fails(LogFormat::kAlb, alb_line("GET", "https://h/x", 20));
  // A request field that is not METHOD URL VERSION.
  parse_fails(LogFormat::kAlb, alb_line("GET", "https://h/x extra", 200));
  parse_fails(LogFormat::kAlb, alb_line("G(T", "https://h/x", 200));
  parse_fails(LogFormat::kAlb, alb_line("GET", "h/x", 200));
}

TEST(ClfTest, ParsesCommonLogFormat) {
  LogRecord r = parse_ok(LogFormat::kCommon, kCommonLine);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/apache_pb.gif?x=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.timestamp, "10/Oct/2000:13:55:36 -0700");
  EXPECT_TRUE(r.headers.empty());
  // The combined format's extra fields are not common log format, and the other way round.
  parse_fails(LogFormat::kCommon, kCombinedLine);
  parse_fails(LogFormat::kCombined, kCommonLine);
}

TEST(ClfTest, ParsesCombinedLogFormat) {
  LogRecord r = parse_ok(LogFormat::kCombined, kCombinedLine);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/v1/patients");
  EXPECT_EQ(r.status, 201);
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].name, "Referer");
  EXPECT_EQ(r.headers[0].value, "https://clinic.test/");
  EXPECT_EQ(r.headers[1].name, "User-Agent");
  EXPECT_EQ(r.headers[1].value, "Mozilla/5.0 (X11)");
  // nginx-style extra fields after the user agent.
  parse_ok(LogFormat::kCombined, std::string(kCombinedLine) + " 0.004 \"upstream\"");
  // "-" referer and agent are not headers.
  LogRecord dashes =
      parse_ok(LogFormat::kCombined,
               "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.1\" 304 - \"-\" \"-\"");
  EXPECT_TRUE(dashes.headers.empty());
  EXPECT_EQ(dashes.status, 304);
}

TEST(ClfTest, QuotesInsideFields) {
  // Apache escapes quotes; some servers do not: both split right.
  LogRecord escaped = parse_ok(
      LogFormat::kCombined, "1.2.3.4 - - [d] \"GET /a HTTP/1.1\" 200 1 \"-\" \"app \\\"beta\\\"\"");
  ASSERT_EQ(escaped.headers.size(), 1u);
  EXPECT_EQ(escaped.headers[0].value, "app \"beta\"");
  LogRecord raw =
      parse_ok(LogFormat::kCombined,
               "1.2.3.4 - - [d] \"GET /a HTTP/1.1\" 200 1 \"-\" \"Mozilla \"compatible\"\"");
  ASSERT_EQ(raw.headers.size(), 1u);
  EXPECT_EQ(raw.headers[0].value, "Mozilla \"compatible\"");
  EXPECT_EQ(
      parse_fails(LogFormat::kCombined, "1.2.3.4 - - [d] \"GET /a HTTP/1.1\" 200 1 \"-\" \"x"),
      "a quoted field is not closed");
}

TEST(ClfTest, RequestLineShapes) {
  // HTTP/0.9: no version.
  EXPECT_EQ(parse_ok(LogFormat::kCommon, "h - - [d] \"GET /old\" 200 5").target, "/old");
  // Proxies log absolute targets.
  EXPECT_EQ(
      parse_ok(LogFormat::kCommon, "h - - [d] \"GET http://x.test/a?b HTTP/1.1\" 200 5").target,
      "/a?b");
  // A TLS handshake sent to a plain-HTTP port, as Apache logs it.
  EXPECT_EQ(parse_fails(LogFormat::kCommon, "h - - [d] \"\\x16\\x03\\x01\\x02\\x00\" 400 226"),
            "the request method is not an HTTP token");
  EXPECT_EQ(parse_fails(LogFormat::kCommon, "h - - [d] \"-\" 408 -"),
            "the request line was not logged");
  parse_fails(LogFormat::kCommon, "h - - [d] \"GET /a HTTP/1.1\" 2000 5");
  parse_fails(LogFormat::kCommon, "h - - [d] \"GET /a HTTP/1.1\" 200 5k");
  parse_fails(LogFormat::kCommon, "h - - d \"GET /a HTTP/1.1\" 200 5");
  parse_fails(LogFormat::kCommon, "h - - [d \"GET /a HTTP/1.1\" 200 5");
}

TEST(JsonLinesTest, DocumentedKeys) {
  LogRecord a =
      parse_ok(LogFormat::kJsonLines,
               R"({"method":"GET","path":"/v1/p","query":"a=1","status":200,"time":"t1"})");
  EXPECT_EQ(a.method, "GET");
  EXPECT_EQ(a.target, "/v1/p?a=1");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.timestamp, "t1");
  EXPECT_FALSE(a.headers_complete);

  LogRecord b = parse_ok(
      LogFormat::kJsonLines,
      R"({"http_method":"post","url":"https://h/x?y=2","status_code":"503","ts":1709287202.5})");
  EXPECT_EQ(b.method, "post");
  EXPECT_EQ(b.target, "/x?y=2");
  EXPECT_EQ(b.status, 503);
  EXPECT_EQ(b.timestamp, "1709287202.5");

  LogRecord c = parse_ok(LogFormat::kJsonLines,
                         R"({"request":"DELETE /v1/p/1 HTTP/1.1","response":{"status":204}})");
  EXPECT_EQ(c.method, "DELETE");
  EXPECT_EQ(c.target, "/v1/p/1");
  EXPECT_EQ(c.status, 204);

  LogRecord d =
      parse_ok(LogFormat::kJsonLines,
               R"({"@timestamp":"t","request":{"method":"GET","uri":"/q","query_string":"?z=1",)"
               R"("headers":{"Accept":"a/b","X-Multi":["1","2"],"Ignored":true}}})");
  EXPECT_EQ(d.target, "/q?z=1");
  EXPECT_EQ(d.status, 0);
  EXPECT_TRUE(d.headers_complete);
  ASSERT_EQ(d.headers.size(), 3u);
  EXPECT_EQ(d.headers[0].name, "Accept");
  EXPECT_EQ(d.headers[1].value, "1");
  EXPECT_EQ(d.headers[2].value, "2");

  // The target keeps its own query; "query" is only used when it has none.
  EXPECT_EQ(
      parse_ok(LogFormat::kJsonLines, R"({"method":"GET","target":"/a?b=1","query":"c=2"})").target,
      "/a?b=1");
}

TEST(JsonLinesTest, MalformedObjects) {
  EXPECT_EQ(parse_fails(LogFormat::kJsonLines, "{\"method\": "), "not valid JSON");
  EXPECT_EQ(parse_fails(LogFormat::kJsonLines, "[1]"), "the JSON value is not an object");
  parse_fails(LogFormat::kJsonLines, R"({"method":"GET"})");
  parse_fails(LogFormat::kJsonLines, R"({"path":"/x"})");
  parse_fails(LogFormat::kJsonLines, R"({"method":"G T","path":"/x"})");
  parse_fails(LogFormat::kJsonLines, R"({"method":"GET","path":"x"})");
  parse_fails(LogFormat::kJsonLines, R"({"method":"GET","path":"/x","status":"ok"})");
  parse_fails(LogFormat::kJsonLines, R"({"method":"GET","path":"/x","headers":[]})");
  // Deep nesting is parsed without recursion.
  std::string deep = "{\"method\":\"GET\",\"path\":\"/x\",\"extra\":" + std::string(20000, '[') +
                     std::string(20000, ']') + "}";
  parse_ok(LogFormat::kJsonLines, deep);
}

// ------------------------------------------------------------------ the reader

TEST(ReaderTest, DetectsEachFormat) {
  EXPECT_EQ(read_all(std::string(kAlbLine) + "\n").format, LogFormat::kAlb);
  EXPECT_EQ(read_all(std::string(kCommonLine) + "\n").format, LogFormat::kCommon);
  EXPECT_EQ(read_all(std::string(kCombinedLine) + "\n").format, LogFormat::kCombined);
  EXPECT_EQ(read_all("{\"method\":\"GET\",\"path\":\"/\"}\n").format, LogFormat::kJsonLines);
  ReadResult nothing = read_all("hello\nworld\n");
  EXPECT_EQ(nothing.format, LogFormat::kAuto);
  EXPECT_TRUE(nothing.records.empty());
  EXPECT_EQ(nothing.malformed_count, 2u);
  ReadResult empty = read_all("");
  EXPECT_EQ(empty.lines, 0u);
  EXPECT_TRUE(empty.records.empty());
  EXPECT_EQ(empty.malformed_count, 0u);
}

TEST(ReaderTest, DetectionGoesByTheMajorityOfTheFirstLines) {
  // A stray JSON line among common log lines: common wins, the JSON line is malformed.
  std::string log = std::string("{\"method\":\"GET\",\"path\":\"/\"}\n") + kCommonLine + "\n" +
                    kCommonLine + "\n";
  ReadResult r = read_all(log);
  EXPECT_EQ(r.format, LogFormat::kCommon);
  EXPECT_EQ(r.records.size(), 2u);
  ASSERT_EQ(r.malformed.size(), 1u);
  EXPECT_EQ(r.malformed[0].line, 1u);
}

TEST(ReaderTest, MalformedLinesAreCountedWithLineNumbersAndReasons) {
  std::string log = std::string(kCombinedLine) + "\n" + "garbage\n" + "\n" + kCombinedLine + "\n" +
                    "1.2.3.4 - - [d] \"-\" 400 0 \"-\" \"-\"\n" + kCombinedLine;
  ReadResult r = read_all(log);
  EXPECT_EQ(r.format, LogFormat::kCombined);
  EXPECT_EQ(r.lines, 6u);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].line, 1u);
  EXPECT_EQ(r.records[1].line, 4u);
  EXPECT_EQ(r.records[2].line, 6u);  // the last line has no newline
  ASSERT_EQ(r.malformed.size(), 2u);
  EXPECT_EQ(r.malformed[0].line, 2u);
  EXPECT_EQ(r.malformed[1].line, 5u);
  EXPECT_EQ(r.malformed[1].reason, "the request line was not logged");
  EXPECT_TRUE(r.error.empty());
}

TEST(ReaderTest, CrLfLineEndings) {
  std::string log = std::string(kCommonLine) + "\r\n" + kCommonLine + "\r\n";
  ReadResult r = read_all(log);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1].status, 200);
}

TEST(ReaderTest, LongLinesAreSkippedAsMalformed) {
  AccessLogOptions options;
  options.max_line_bytes = 1000;
  options.read_bytes = 64;  // lines span many reads
  std::string huge = "{\"method\":\"GET\",\"path\":\"/" + std::string(5000, 'a') + "\"}";
  std::string just_over = "{\"method\":\"GET\",\"path\":\"/" + std::string(1000, 'b') + "\"}";
  std::string ok = "{\"method\":\"GET\",\"path\":\"/ok\"}";
  std::string log = ok + "\n" + huge + "\n" + ok + "\n" + just_over + "\n" + ok + "\n" + huge;
  ReadResult r = read_all(log, options);
  EXPECT_EQ(r.format, LogFormat::kJsonLines);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0].line, 1u);
  EXPECT_EQ(r.records[1].line, 3u);
  EXPECT_EQ(r.records[2].line, 5u);
  EXPECT_EQ(r.lines, 6u);
  ASSERT_EQ(r.malformed.size(), 3u);
  EXPECT_EQ(r.malformed[0].line, 2u);
  EXPECT_EQ(r.malformed[1].line, 4u);
  EXPECT_EQ(r.malformed[2].line, 6u);
  EXPECT_EQ(r.malformed[0].reason, "the line is longer than 1000 bytes");
}

TEST(ReaderTest, ChunkBoundariesDoNotMatter) {
  std::string log;
  for (int i = 0; i < 50; ++i)
    log += alb_line("GET", "https://h/v1/p/" + std::to_string(i), 200) + "\n";
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 100u, 65536u}) {
    AccessLogOptions options;
    options.read_bytes = chunk;
    ReadResult r = read_all(log, options);
    ASSERT_EQ(r.records.size(), 50u) << chunk;
    EXPECT_EQ(r.records[49].target, "/v1/p/49");
    EXPECT_EQ(r.records[49].line, 50u);
    ReadResult z = read_all(gzip(log), options);
    ASSERT_EQ(z.records.size(), 50u) << chunk;
    EXPECT_TRUE(z.compressed);
    EXPECT_EQ(z.records[49].target, "/v1/p/49");
  }
}

TEST(ReaderTest, ExplicitFormatSkipsDetection) {
  AccessLogOptions options;
  options.format = LogFormat::kJsonLines;
  ReadResult r = read_all(std::string(kCommonLine) + "\n", options);
  EXPECT_TRUE(r.records.empty());
  ASSERT_EQ(r.malformed.size(), 1u);
  EXPECT_EQ(r.malformed[0].reason, "not valid JSON");
  EXPECT_EQ(r.format, LogFormat::kJsonLines);
}

TEST(ReaderTest, KeepsTheFirstMalformedLinesButCountsAll) {
  AccessLogOptions options;
  options.max_malformed_kept = 3;
  std::string log = std::string(kCommonLine) + "\n";
  for (int i = 0; i < 10; ++i) log += "junk\n";
  ReadResult r = read_all(log, options);
  EXPECT_EQ(r.malformed_count, 10u);
  ASSERT_EQ(r.malformed.size(), 3u);
  EXPECT_EQ(r.malformed[0].line, 2u);
  EXPECT_EQ(r.malformed[2].line, 4u);
}

// ------------------------------------------------------------------ gzip

TEST(GzipTest, DetectedByMagicBytesAndStreamed) {
  std::string log = std::string(kAlbLine) + "\n" + kAlbLine + "\n";
  ReadResult r = read_all(gzip(log));
  EXPECT_TRUE(r.compressed);
  EXPECT_EQ(r.format, LogFormat::kAlb);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1].line, 2u);
  EXPECT_TRUE(r.error.empty());
  EXPECT_FALSE(read_all(log).compressed);
}

TEST(GzipTest, SeveralMembersAreOneLog) {
  // `cat a.gz b.gz`, and what log shippers produce.
  std::string log =
      gzip(std::string(kCommonLine) + "\n") + gzip(std::string(kCommonLine) + "\n") + gzip("");
  ReadResult r = read_all(log);
  EXPECT_EQ(r.records.size(), 2u);
  EXPECT_TRUE(r.error.empty()) << r.error;
}

TEST(GzipTest, PaddingAfterTheLastMemberIsIgnored) {
  ReadResult r = read_all(gzip(std::string(kCommonLine) + "\n") + std::string(64, '\0'));
  EXPECT_EQ(r.records.size(), 1u);
  EXPECT_TRUE(r.error.empty()) << r.error;
}

TEST(GzipTest, TruncatedAndCorruptDataAreErrors) {
  std::string log;
  for (int i = 0; i < 200; ++i)
    log += alb_line("GET", "https://h/v1/p/" + std::to_string(i), 200) + "\n";
  std::string z = gzip(log);
  ReadResult truncated = read_all(z.substr(0, z.size() / 2));
  EXPECT_EQ(truncated.error, "the gzip data is truncated");
  EXPECT_LT(truncated.records.size(), 200u);
  EXPECT_GT(truncated.records.size(), 0u);
  EXPECT_EQ(truncated.malformed_count, 0u);  // the cut-off fragment is not a line

  std::string corrupt = z;
  for (std::size_t i = 20; i < 60; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  ReadResult bad = read_all(corrupt);
  EXPECT_EQ(bad.error, "the gzip data is corrupt");

  ReadResult magic_only = read_all("\x1f\x8b");
  EXPECT_FALSE(magic_only.error.empty());
}

TEST(GzipTest, SampleFileMatchesThePlainOne) {
  std::string error;
  auto plain = AccessLogReader::open((kLogs / "alb.log").string(), {}, &error);
  auto packed = AccessLogReader::open((kLogs / "alb.log.gz").string(), {}, &error);
  ASSERT_TRUE(plain && packed) << error;
  LogRecord a, b;
  std::size_t count = 0;
  while (plain->next(&a)) {
    ASSERT_TRUE(packed->next(&b));
    EXPECT_EQ(a.line, b.line);
    EXPECT_EQ(a.method, b.method);
    EXPECT_EQ(a.target, b.target);
    EXPECT_EQ(a.status, b.status);
    ++count;
  }
  EXPECT_FALSE(packed->next(&b));
  EXPECT_EQ(count, 13u);
  EXPECT_FALSE(plain->compressed());
  EXPECT_TRUE(packed->compressed());
  EXPECT_EQ(plain->malformed_count(), 2u);
  EXPECT_EQ(packed->malformed_count(), 2u);
}

TEST(OpenTest, MissingFilesAndDirectories) {
  std::string error;
  EXPECT_EQ(AccessLogReader::open((kLogs / "no-such.log").string(), {}, &error), nullptr);
  EXPECT_NE(error.find("cannot open"), std::string::npos);
  error.clear();
  EXPECT_EQ(AccessLogReader::open(kLogs.string(), {}, &error), nullptr);
  EXPECT_NE(error.find("directory"), std::string::npos);
}

TEST(OpenTest, SampleLogsDetect) {
  struct Case {
    const char* file;
    LogFormat format;
    std::size_t records;
    std::size_t malformed;
  };
  for (const Case& c :
       {Case{"alb.log", LogFormat::kAlb, 13, 2}, Case{"combined.log", LogFormat::kCombined, 10, 2},
        Case{"requests.jsonl", LogFormat::kJsonLines, 8, 3}}) {
    std::string error;
    auto reader = AccessLogReader::open((kLogs / c.file).string(), {}, &error);
    ASSERT_TRUE(reader) << error;
    LogRecord record;
    std::size_t n = 0;
    while (reader->next(&record)) ++n;
    EXPECT_EQ(reader->format(), c.format) << c.file;
    EXPECT_EQ(n, c.records) << c.file;
    EXPECT_EQ(reader->malformed_count(), c.malformed) << c.file;
    EXPECT_TRUE(reader->error().empty()) << c.file;
  }
}

}  // namespace
}  // namespace specgate::detail
