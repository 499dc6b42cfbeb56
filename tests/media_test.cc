// Tests for src/media.h: media type parsing and selection, form-urlencoded and multipart bodies.
#include "media.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace specgate::detail {
namespace {

// TypeMask bits (parameters.h).
constexpr TypeMask kNull = 1;
constexpr TypeMask kBoolean = 2;
constexpr TypeMask kObject = 4;
constexpr TypeMask kArray = 8;
constexpr TypeMask kString = 32;
constexpr TypeMask kInteger = 64;

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

MediaType parsed(std::string_view text) {
  MediaType media;
  EXPECT_TRUE(parse_media_type(text, &media)) << text;
  return media;
}

// ---------------------------------------------------------------------------------------------
// parse_media_type

TEST(ParseMediaType, TypeAndSubtype) {
  MediaType media = parsed("application/json");
  EXPECT_EQ(media.type, "application");
  EXPECT_EQ(media.subtype, "json");
  EXPECT_EQ(media.suffix, "");
  EXPECT_TRUE(media.parameters.empty());
}

TEST(ParseMediaType, LowerCasesNamesButNotValues) {
  MediaType media = parsed("Application/VND.Api+JSON; Charset=UTF-8; Profile=\"A B\"");
  EXPECT_EQ(media.type, "application");
  EXPECT_EQ(media.subtype, "vnd.api+json");
  EXPECT_EQ(media.suffix, "json");
  ASSERT_EQ(media.parameters.size(), 2u);
  EXPECT_EQ(media.parameters[0].first, "charset");
  EXPECT_EQ(media.parameters[0].second, "UTF-8");
  EXPECT_EQ(media.parameters[1].first, "profile");
  EXPECT_EQ(media.parameters[1].second, "A B");
  EXPECT_EQ(media.parameter("CHARSET"), "UTF-8");
  EXPECT_EQ(media.parameter("boundary"), "");
}

TEST(ParseMediaType, SuffixIsAfterTheLastPlus) {
  EXPECT_EQ(parsed("application/a+b+xml").suffix, "xml");
  EXPECT_EQ(parsed("application/soap+xml").suffix, "xml");
  EXPECT_EQ(parsed("application/x-plus").suffix, "");
}

TEST(ParseMediaType, QuotedValuesWithEscapes) {
  MediaType media = parsed(R"(multipart/form-data; boundary="a \"b\" ;c=d\\e")");
  EXPECT_EQ(media.parameter("boundary"), R"(a "b" ;c=d\e)");
  EXPECT_EQ(parsed(R"(text/plain; x="")").parameter("x"), "");
  // obs-text survives, so UTF-8 in quoted values does too.
  EXPECT_EQ(parsed("text/plain; x=\"caf\xC3\xA9\"").parameter("x"), "caf\xC3\xA9");
}

TEST(ParseMediaType, Whitespace) {
  MediaType media = parsed(" \ttext/html ;  charset=utf-8\t;\tlevel=1  ");
  EXPECT_EQ(media.type, "text");
  EXPECT_EQ(media.subtype, "html");
  EXPECT_EQ(media.parameter("charset"), "utf-8");
  EXPECT_EQ(media.parameter("level"), "1");
}

TEST(ParseMediaType, EmptyParametersAreAllowed) {
  EXPECT_TRUE(parsed("text/plain;").parameters.empty());
  EXPECT_EQ(parsed("text/plain;;a=b; ;").parameter("a"), "b");
}

TEST(ParseMediaType, Wildcards) {
  MediaType any = parsed("*/*");
  EXPECT_EQ(any.type, "*");
  EXPECT_EQ(any.subtype, "*");
  EXPECT_EQ(parsed("image/*").subtype, "*");
  MediaType suffix = parsed("application/*+json");
  EXPECT_EQ(suffix.subtype, "*+json");
  EXPECT_EQ(suffix.suffix, "json");
  MediaType no_type;
  EXPECT_FALSE(parse_media_type("*/json", &no_type));
}

TEST(ParseMediaType, Malformed) {
  const char* cases[] = {
      "",
      "   ",
      "text",
      "text/",
      "/plain",
      "text /plain",
      "text/ plain",
      "text//plain",
      "text/plain/x",
      "text/pl@in",
      "te xt/plain",
      "text/plain junk",
      "text/plain, text/html",
      "text/plain; charset",
      "text/plain; charset=",
      "text/plain; charset =utf-8",
      "text/plain; charset= utf-8",
      "text/plain; =utf-8",
      "text/plain; a=b c",
      "text/plain; a=\"unterminated",
      "text/plain; a=\"ends in backslash\\",
      "text/plain; a=\"control\x01\"",
      "text/plain; a=\"newline\n\"",
      "text/plain; a=\"x\"y",
  };
  for (const char* text : cases) {
    MediaType media;
    EXPECT_FALSE(parse_media_type(text, &media)) << "'" << text << "'";
  }
  MediaType media;
  EXPECT_FALSE(parse_media_type(std::string_view("text/plain\0", 11), &media));
}

TEST(ParseMediaType, IsJson) {
  EXPECT_TRUE(parsed("application/json").is_json());
  EXPECT_TRUE(parsed("Application/JSON; charset=utf-8").is_json());
  EXPECT_TRUE(parsed("application/vnd.api+json").is_json());
  EXPECT_TRUE(parsed("application/*+json").is_json());
  EXPECT_TRUE(parsed("*/*+json").is_json());
  EXPECT_FALSE(parsed("application/jsonx").is_json());
  EXPECT_FALSE(parsed("application/json+xml").is_json());
  EXPECT_FALSE(parsed("text/plain").is_json());
  EXPECT_FALSE(parsed("*/*").is_json());
  EXPECT_FALSE(parsed("application/*").is_json());
}

// ---------------------------------------------------------------------------------------------
// select_media_type

std::vector<MediaType> declared(std::initializer_list<const char*> keys) {
  std::vector<MediaType> out;
  for (const char* key : keys) out.push_back(parsed(key));
  return out;
}

TEST(SelectMediaType, MostSpecificWins) {
  std::vector<MediaType> keys =
      declared({"*/*", "application/*", "application/*+json", "application/json"});
  EXPECT_EQ(select_media_type(parsed("application/json"), keys), 3);
  EXPECT_EQ(select_media_type(parsed("application/vnd.api+json"), keys), 2);
  EXPECT_EQ(select_media_type(parsed("application/xml"), keys), 1);
  EXPECT_EQ(select_media_type(parsed("application/soap+xml"), keys), 1);
  EXPECT_EQ(select_media_type(parsed("text/plain"), keys), 0);
}

TEST(SelectMediaType, ParametersAreIgnored) {
  std::vector<MediaType> keys = declared({"text/plain; charset=us-ascii", "application/json"});
  EXPECT_EQ(select_media_type(parsed("application/json; charset=utf-8"), keys), 1);
  EXPECT_EQ(select_media_type(parsed("text/plain; charset=utf-8"), keys), 0);
  EXPECT_EQ(select_media_type(parsed("text/plain"), keys), 0);
}

TEST(SelectMediaType, NoMatch) {
  std::vector<MediaType> keys = declared({"application/json", "text/*", "application/*+xml"});
  EXPECT_EQ(select_media_type(parsed("image/png"), keys), -1);
  // A structured-suffix wildcard needs the suffix; a plain subtype does not match it.
  EXPECT_EQ(select_media_type(parsed("application/xml"), keys), -1);
  EXPECT_EQ(select_media_type(parsed("application/vnd.x+json"), keys), -1);
  EXPECT_EQ(select_media_type(parsed("application/json"), {}), -1);
}

TEST(SelectMediaType, SuffixWildcardNeedsTheSameType) {
  std::vector<MediaType> keys = declared({"text/*+json"});
  EXPECT_EQ(select_media_type(parsed("application/vnd.x+json"), keys), -1);
  EXPECT_EQ(select_media_type(parsed("text/vnd.x+json"), keys), 0);
}

TEST(SelectMediaType, AnyTypeSuffixRanksBetweenTypedSuffixAndTypeWildcard) {
  std::vector<MediaType> keys = declared({"*/*", "application/*", "*/*+json"});
  EXPECT_EQ(select_media_type(parsed("application/problem+json"), keys), 2);
  keys = declared({"*/*+json", "application/*+json"});
  EXPECT_EQ(select_media_type(parsed("application/problem+json"), keys), 1);
  EXPECT_EQ(select_media_type(parsed("text/x+json"), keys), 0);
}

TEST(SelectMediaType, TiesGoToTheFirstDeclared) {
  std::vector<MediaType> keys =
      declared({"application/json; charset=utf-8", "application/json", "application/*"});
  EXPECT_EQ(select_media_type(parsed("application/json"), keys), 0);
  keys = declared({"image/*", "IMAGE/*"});
  EXPECT_EQ(select_media_type(parsed("image/png"), keys), 0);
}

TEST(SelectMediaType, NamesCompareCaseInsensitively) {
  // Declared keys built by hand need not be lower-cased.
  MediaType upper;
  upper.type = "Application";
  upper.subtype = "JSON";
  EXPECT_EQ(select_media_type(parsed("APPLICATION/Json"), {upper}), 0);
}

// ---------------------------------------------------------------------------------------------
// decode_form_urlencoded

class FormTest : public ::testing::Test {
 protected:
  bool decode(std::string_view body) {
    error_.clear();
    return decode_form_urlencoded(body, spec_, &value_, document_.GetAllocator(), &error_);
  }
  void declare(const std::string& name, TypeMask types) {
    spec_.shape.properties.emplace_back(name, types);
  }
  void declare_shape(const std::string& name, const ValueShape& shape) {
    spec_.shape.properties.emplace_back(name, shape.types);
    spec_.property_shapes.emplace_back(name, shape);
  }
  void encode(const std::string& name, ParamStyle style, bool explode) {
    FormFieldEncoding encoding;
    encoding.name = name;
    encoding.style = style;
    encoding.explode = explode;
    spec_.encodings.push_back(encoding);
  }
  std::string json() const { return to_json(value_); }

  FormSpec spec_;
  rapidjson::Document document_;
  rapidjson::Value value_;
  std::string error_;
};

TEST_F(FormTest, ScalarsAreCoercedByShape) {
  spec_.shape.types = kObject;
  declare("name", kString);
  declare("age", kInteger);
  declare("admin", kBoolean);
  declare("missing", kString);
  ASSERT_TRUE(decode("name=J%C3%B6rg+M%C3%BCller&age=42&admin=true")) << error_;
  EXPECT_EQ(json(), "{\"name\":\"J\xC3\xB6rg M\xC3\xBC" "ller\",\"age\":42,\"admin\":true}");
}

TEST_F(FormTest, PlusIsSpaceAndEscapedPlusIsPlus) {
  declare("q", kString);
  ASSERT_TRUE(decode("q=a+b%2Bc%26d%3De")) << error_;
  EXPECT_EQ(json(), R"({"q":"a b+c&d=e"})");
}

TEST_F(FormTest, EmptyValueIsAnEmptyString) {
  declare("comment", kString);
  ASSERT_TRUE(decode("comment=")) << error_;
  EXPECT_EQ(json(), R"({"comment":""})");
}

TEST_F(FormTest, EmptyBodyIsAnEmptyObject) {
  declare("a", kString);
  ASSERT_TRUE(decode("")) << error_;
  EXPECT_EQ(json(), "{}");
}

TEST_F(FormTest, RepeatedFieldsFillAnArray) {
  ValueShape ids;
  ids.types = kArray;
  ids.item_types = kInteger;
  declare_shape("ids", ids);
  ASSERT_TRUE(decode("ids=1&ids=2&ids=3")) << error_;
  EXPECT_EQ(json(), R"({"ids":[1,2,3]})");
}

TEST_F(FormTest, ArrayWithoutItemShapeKeepsStrings) {
  declare("tags", kArray);
  ASSERT_TRUE(decode("tags=1&tags=b")) << error_;
  EXPECT_EQ(json(), R"({"tags":["1","b"]})");
}

TEST_F(FormTest, EncodingStyleNotExploded) {
  ValueShape ids;
  ids.types = kArray;
  ids.item_types = kInteger;
  declare_shape("ids", ids);
  encode("ids", ParamStyle::kForm, false);
  ASSERT_TRUE(decode("ids=1,2,3")) << error_;
  EXPECT_EQ(json(), R"({"ids":[1,2,3]})");
}

TEST_F(FormTest, EncodingPipeDelimited) {
  ValueShape tags;
  tags.types = kArray;
  tags.item_types = kString;
  declare_shape("tags", tags);
  encode("tags", ParamStyle::kPipeDelimited, false);
  ASSERT_TRUE(decode("tags=a|b%7Cc")) << error_;
  // An escaped '|' may or may not split, depending on when the reader decodes; the plain one
  // always does.
  ASSERT_TRUE(value_["tags"].IsArray());
  EXPECT_EQ(std::string(value_["tags"][0].GetString()), "a");
}

TEST_F(FormTest, EncodingDeepObject) {
  ValueShape address;
  address.types = kObject;
  address.properties = {{"city", kString}, {"zip", kInteger}};
  declare_shape("address", address);
  encode("address", ParamStyle::kDeepObject, true);
  ASSERT_TRUE(decode("address%5Bcity%5D=Paris&address[zip]=75001")) << error_;
  EXPECT_EQ(json(), R"({"address":{"city":"Paris","zip":75001}})");
}

TEST_F(FormTest, ExplodedObjectMembersAreNotUndeclared) {
  ValueShape point;
  point.types = kObject;
  point.properties = {{"x", kInteger}, {"y", kInteger}};
  declare_shape("point", point);
  ASSERT_TRUE(decode("x=1&y=2")) << error_;
  EXPECT_EQ(json(), R"({"point":{"x":1,"y":2}})");
}

TEST_F(FormTest, UndeclaredFieldsAreKept) {
  declare("name", kString);
  ASSERT_TRUE(decode("name=a&extra=1&flag&extra=2&z=x")) << error_;
  EXPECT_EQ(json(), R"({"name":"a","extra":["1","2"],"flag":"","z":"x"})");
}

TEST_F(FormTest, UndeclaredFieldsAreCoercedByAdditionalTypes) {
  spec_.shape.additional_types = kInteger;
  ASSERT_TRUE(decode("a=7&b=x")) << error_;
  EXPECT_EQ(json(), R"({"a":7,"b":"x"})");
  spec_.shape.additional_types = kArray | kString;
  ASSERT_TRUE(decode("a=7")) << error_;
  EXPECT_EQ(json(), R"({"a":["7"]})");
}

TEST_F(FormTest, MalformedEscapesAreRejectedWithoutEchoingThem) {
  declare("name", kString);
  const char* cases[] = {"name=%ZZsecret", "name=abc%4", "secret%G1=1", "name=%FFsecret"};
  for (const char* body : cases) {
    EXPECT_FALSE(decode(body)) << body;
    EXPECT_FALSE(error_.empty()) << body;
    EXPECT_EQ(error_.find("secret"), std::string::npos) << error_;
  }
}

// ---------------------------------------------------------------------------------------------
// decode_multipart

constexpr std::string_view kBoundary = "XyZ-boundary_42";

// One part: its header lines (without line ends) and content.
struct Part {
  std::vector<std::string> headers;
  std::string content;
};

Part field(const std::string& name, const std::string& content) {
  return Part{{"Content-Disposition: form-data; name=\"" + name + "\""}, content};
}

std::string multipart(const std::vector<Part>& parts, std::string_view eol = "\r\n",
                      bool close = true) {
  std::string body;
  for (const Part& part : parts) {
    body += "--";
    body += kBoundary;
    body += eol;
    for (const std::string& header : part.headers) {
      body += header;
      body += eol;
    }
    body += eol;
    body += part.content;
    body += eol;
  }
  if (close) {
    body += "--";
    body += kBoundary;
    body += "--";
    body += eol;
  }
  return body;
}

class MultipartTest : public ::testing::Test {
 protected:
  bool decode(std::string_view body, std::string_view boundary = kBoundary) {
    error_.clear();
    return decode_multipart(body, boundary, spec_, &value_, document_.GetAllocator(), &error_);
  }
  void declare(const std::string& name, TypeMask types) {
    spec_.shape.properties.emplace_back(name, types);
  }
  std::string json() const { return to_json(value_); }

  FormSpec spec_;
  rapidjson::Document document_;
  rapidjson::Value value_;
  std::string error_;
};

TEST_F(MultipartTest, TextFieldsCoercedByShape) {
  declare("name", kString);
  declare("age", kInteger);
  declare("ok", kBoolean | kNull);
  ASSERT_TRUE(decode(multipart({field("name", "Ada Lovelace"), field("age", "36"),
                                field("ok", "false")})))
      << error_;
  EXPECT_EQ(json(), R"({"name":"Ada Lovelace","age":36,"ok":false})");
}

TEST_F(MultipartTest, PreambleEpilogueAndTransportPadding) {
  declare("a", kString);
  std::string body = "This is the preamble.\r\n--";
  body += kBoundary;
  body += "  \t\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue\r\n--";
  body += kBoundary;
  body += "--\r\nThis is the epilogue.\r\n--";
  body += kBoundary;
  body += "\r\nContent-Disposition: form-data; name=b\r\n\r\nignored\r\n";
  ASSERT_TRUE(decode(body)) << error_;
  EXPECT_EQ(json(), R"({"a":"value"})");
}

TEST_F(MultipartTest, EmptyContentAndEmptyForm) {
  declare("a", kString);
  ASSERT_TRUE(decode(multipart({field("a", "")}))) << error_;
  EXPECT_EQ(json(), R"({"a":""})");
  ASSERT_TRUE(decode(multipart({}))) << error_;
  EXPECT_EQ(json(), "{}");
}

TEST_F(MultipartTest, LfOnlyLineEnds) {
  declare("a", kString);
  declare("b", kInteger);
  ASSERT_TRUE(decode(multipart({field("a", "x\r\ny"), field("b", "5")}, "\n"))) << error_;
  EXPECT_EQ(json(), R"({"a":"x\r\ny","b":5})");
}

TEST_F(MultipartTest, BoundaryTextNotAtALineStartIsContent) {
  declare("a", kString);
  std::string content = "x--";
  content += kBoundary;
  content += "\r\n--";
  content += kBoundary;
  content += "X trailing text makes this line no delimiter";
  ASSERT_TRUE(decode(multipart({field("a", content)}))) << error_;
  EXPECT_EQ(std::string(value_["a"].GetString(), value_["a"].GetStringLength()), content);
}

TEST_F(MultipartTest, JsonPartByItsOwnContentType) {
  declare("meta", kObject | kString);
  Part part = field("meta", R"({"a": [1, 2.5, "x"], "b": null})");
  part.headers.push_back("Content-Type: application/json; charset=utf-8");
  ASSERT_TRUE(decode(multipart({part}))) << error_;
  EXPECT_EQ(json(), R"({"meta":{"a":[1,2.5,"x"],"b":null}})");
}

TEST_F(MultipartTest, JsonPartByDeclaredEncoding) {
  declare("meta", 0);
  FormFieldEncoding encoding;
  encoding.name = "meta";
  encoding.content_type = "application/vnd.meta+json";
  spec_.encodings.push_back(encoding);
  ASSERT_TRUE(decode(multipart({field("meta", "[true, 3]")}))) << error_;
  EXPECT_EQ(json(), R"({"meta":[true,3]})");
}

TEST_F(MultipartTest, DeclaredEncodingListWithOtherTypesFollowsThePart) {
  declare("doc", 0);
  FormFieldEncoding encoding;
  encoding.name = "doc";
  encoding.content_type = "application/json, text/plain";
  spec_.encodings.push_back(encoding);
  ASSERT_TRUE(decode(multipart({field("doc", "not json")}))) << error_;
  EXPECT_EQ(json(), R"({"doc":"not json"})");
}

TEST_F(MultipartTest, ObjectPropertyDefaultsToJson) {
  declare("settings", kObject);
  ASSERT_TRUE(decode(multipart({field("settings", R"({"dark": true})")}))) << error_;
  EXPECT_EQ(json(), R"({"settings":{"dark":true}})");
}

TEST_F(MultipartTest, InvalidJsonIsAnError) {
  declare("meta", kObject);
  ASSERT_FALSE(decode(multipart({field("meta", R"({"secret": )")})));
  EXPECT_NE(error_.find("meta"), std::string::npos) << error_;
  EXPECT_EQ(error_.find("secret"), std::string::npos) << error_;

  // An undeclared part's name was submitted: it is not echoed either.
  Part part = field("hidden-name", "{oops");
  part.headers.push_back("Content-Type: application/json");
  ASSERT_FALSE(decode(multipart({part})));
  EXPECT_EQ(error_.find("hidden-name"), std::string::npos) << error_;
  EXPECT_EQ(error_.find("oops"), std::string::npos) << error_;
}

TEST_F(MultipartTest, JsonWithNulOrTooDeepIsAnError) {
  declare("meta", kObject);
  ASSERT_FALSE(decode(multipart({field("meta", std::string("{}\0{}", 5))})));
  std::string deep(kMaxPartJsonDepth + 1, '[');
  deep += std::string(kMaxPartJsonDepth + 1, ']');
  declare("deep", kArray);
  Part part = field("deep", deep);
  part.headers.push_back("Content-Type: application/json");
  ASSERT_FALSE(decode(multipart({part})));
  EXPECT_NE(error_.find("deeper"), std::string::npos) << error_;
  // Very deep input must not overflow the stack either.
  part.content = std::string(200000, '[');
  ASSERT_FALSE(decode(multipart({part})));
}

TEST_F(MultipartTest, FileWithBinaryBytes) {
  declare("upload", kString);
  declare("note", kString);
  static const char kBytes[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\r\n--not-the-boundary\r\n\xff\xfe\r";
  std::string bytes(kBytes, sizeof kBytes - 1);
  Part file{{"Content-Disposition: form-data; name=\"upload\"; filename=\"a b.png\"",
             "Content-Type: image/png"},
            bytes};
  ASSERT_TRUE(decode(multipart({file, field("note", "hi")}))) << error_;
  ASSERT_TRUE(value_["upload"].IsString());
  EXPECT_EQ(std::string(value_["upload"].GetString(), value_["upload"].GetStringLength()), bytes);
  EXPECT_EQ(std::string(value_["note"].GetString()), "hi");
}

TEST_F(MultipartTest, RepeatedNamesGather) {
  declare("one", kString);
  ValueShape tags;
  tags.types = kArray;
  tags.item_types = kInteger;
  spec_.shape.properties.emplace_back("tags", kArray);
  spec_.property_shapes.emplace_back("tags", tags);
  declare("single", kArray);
  ASSERT_TRUE(decode(multipart({field("tags", "1"), field("one", "a"), field("tags", "2"),
                                field("one", "b"), field("single", "only"),
                                field("extra", "x"), field("extra", "y")})))
      << error_;
  EXPECT_EQ(json(),
            R"({"tags":[1,2],"one":["a","b"],"single":["only"],"extra":["x","y"]})");
}

TEST_F(MultipartTest, JsonArrayPartFillsAnArrayProperty) {
  declare("ids", kArray);
  Part part = field("ids", "[1, 2]");
  part.headers.push_back("Content-Type: application/json");
  ASSERT_TRUE(decode(multipart({part, field("ids", "3")}))) << error_;
  EXPECT_EQ(json(), R"({"ids":[1,2,"3"]})");
}

TEST_F(MultipartTest, UndeclaredPartsCoercedByAdditionalTypes) {
  spec_.shape.additional_types = kInteger;
  ASSERT_TRUE(decode(multipart({field("n", "12"), field("s", "x")}))) << error_;
  EXPECT_EQ(json(), R"({"n":12,"s":"x"})");
}

TEST_F(MultipartTest, NameForms) {
  Part quoted{{R"(content-disposition: FORM-DATA; name="a\"b"; filename="c:\\x.txt")"}, "1"};
  Part token{{"Content-Disposition: form-data;name=plain"}, "2"};
  Part ext{{"Content-Disposition: form-data; name*=UTF-8''caf%C3%A9"}, "3"};
  Part latin1{{"Content-Disposition: form-data; name*=iso-8859-1'fr'caf%E9"}, "4"};
  Part with_filename_star{
      {"Content-Disposition: form-data; name=\"f\"; filename*=UTF-8''na%C3%AFve.txt"}, "5"};
  Part both{{"Content-Disposition: form-data; name=\"g\"; name*=utf-8''%67"}, "6"};
  ASSERT_TRUE(decode(multipart({quoted, token, ext, latin1, with_filename_star, both})))
      << error_;
  EXPECT_EQ(json(),
            "{\"a\\\"b\":\"1\",\"plain\":\"2\",\"caf\xC3\xA9\":[\"3\",\"4\"],\"f\":\"5\","
            "\"g\":\"6\"}");
}

TEST_F(MultipartTest, UnknownHeadersAreIgnoredAndNamesAreCaseInsensitive) {
  Part part{{"X-Whatever: 1", "CONTENT-DISPOSITION: form-data; NAME=\"a\"",
             "content-transfer-encoding: binary"},
            "v"};
  ASSERT_TRUE(decode(multipart({part}))) << error_;
  EXPECT_EQ(json(), R"({"a":"v"})");
}

TEST_F(MultipartTest, PartsWithoutAName) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"Content-Type: text/plain"},
      {"Content-Disposition: form-data"},
      {"Content-Disposition: form-data; filename=\"x.txt\""},
  };
  for (const auto& headers : cases) {
    EXPECT_FALSE(decode(multipart({Part{headers, "x"}})));
    EXPECT_NE(error_.find("name"), std::string::npos) << error_;
  }
}

TEST_F(MultipartTest, MalformedPartHeaders) {
  const std::vector<std::vector<std::string>> cases = {
      {"Content-Disposition: attachment; name=\"a\""},
      {"Content-Disposition: form-data; name=\"a"},
      {"Content-Disposition: form-data; name=a b"},
      {"Content-Disposition: form-data; name*=KOI8-R''x"},
      {"Content-Disposition: form-data; name*=UTF-8''%FF"},
      {"Content-Disposition: form-data; name*=UTF-8''%4"},
      {"Content-Disposition: form-data; name=a", "Content-Disposition: form-data; name=b"},
      {"Content-Disposition: form-data; name=a", "Content-Type: text"},
      {"Content-Disposition: form-data; name=a", "no colon here"},
      {"Content-Disposition: form-data; name=a", " folded: line"},
      {"Content-Disposition: form-data; name=a", "Bad Name: x"},
      {"Content-Disposition: form-data; name=a", ": empty name"},
      {"Content-Disposition: form-data; name=\"\xff\""},
      {"Content-Disposition: form-data; name=a; name=b"},
      {"Content-Disposition: form-data; name=a; NAME=a"},
      {"Content-Disposition: form-data; name=a; filename=x; filename=y"},
      {"Content-Disposition: form-data; name=a; name*=UTF-8''b"},
  };
  for (const auto& headers : cases) {
    EXPECT_FALSE(decode(multipart({Part{headers, "x"}}))) << headers.back();
    EXPECT_FALSE(error_.empty());
  }
}

TEST_F(MultipartTest, MissingClosingDelimiter) {
  declare("a", kString);
  std::string body = multipart({field("a", "x")}, "\r\n", false);
  EXPECT_FALSE(decode(body));
  EXPECT_NE(error_.find("closing"), std::string::npos) << error_;
  // Ends inside a part's headers.
  body = "--";
  body += kBoundary;
  body += "\r\nContent-Disposition: form-data; name=a\r\n";
  EXPECT_FALSE(decode(body));
  // A closing delimiter that is not at a line start does not count.
  body = multipart({field("a", "x")}, "\r\n", false);
  body += "x--";
  body += kBoundary;
  body += "--";
  EXPECT_FALSE(decode(body));
}

TEST_F(MultipartTest, ClosingDelimiterWithoutFinalLineEnd) {
  declare("a", kString);
  std::string body = multipart({field("a", "x")}, "\r\n", false);
  body += "--";
  body += kBoundary;
  body += "--";
  ASSERT_TRUE(decode(body)) << error_;
  EXPECT_EQ(json(), R"({"a":"x"})");
}

TEST_F(MultipartTest, NoDelimiterOrBadBoundary) {
  EXPECT_FALSE(decode("just some text"));
  EXPECT_FALSE(decode(""));
  EXPECT_FALSE(decode(multipart({field("a", "x")}), ""));
  EXPECT_FALSE(decode(multipart({field("a", "x")}), std::string(71, 'b')));
  EXPECT_FALSE(decode(multipart({field("a", "x")}), "a\r\nb"));
  EXPECT_FALSE(decode(multipart({field("a", "x")}), "trailing "));
  // A 70-character boundary is the longest allowed.
  std::string longest(70, 'q');
  std::string body = "--" + longest + "\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--" +
                     longest + "--\r\n";
  ASSERT_TRUE(decode(body, longest)) << error_;
}

TEST_F(MultipartTest, HugeHeaderSectionIsRejected) {
  Part part = field("a", "x");
  part.headers.push_back("X-Padding: " + std::string(kMaxPartHeaderBytes, 'p'));
  EXPECT_FALSE(decode(multipart({part})));
  EXPECT_NE(error_.find("larger"), std::string::npos) << error_;
  // Many small header lines add up the same way.
  part = field("a", "x");
  for (std::size_t i = 0; i < kMaxPartHeaderBytes / 8; ++i) part.headers.push_back("X-A: 1");
  EXPECT_FALSE(decode(multipart({part})));
  // Just under the limit is fine.
  part = field("a", "x");
  part.headers.push_back("X-Padding: " + std::string(kMaxPartHeaderBytes - 200, 'p'));
  EXPECT_TRUE(decode(multipart({part}))) << error_;
}

TEST_F(MultipartTest, PartCountIsBounded) {
  std::vector<Part> parts(kMaxMultipartParts, field("a", ""));
  ASSERT_TRUE(decode(multipart(parts))) << error_;
  EXPECT_EQ(value_["a"].Size(), kMaxMultipartParts);
  parts.push_back(field("a", ""));
  EXPECT_FALSE(decode(multipart(parts)));
  EXPECT_NE(error_.find("parts"), std::string::npos) << error_;
}

TEST_F(MultipartTest, AdversarialNearMissesComplete) {
  declare("a", kString);
  std::string near_miss = "\r\n--";
  near_miss += kBoundary.substr(0, kBoundary.size() - 1);
  std::string content;
  while (content.size() < (1u << 20)) content += near_miss;

  // Near-misses inside a part, then a proper end.
  std::string body = multipart({field("a", content)});
  ASSERT_TRUE(decode(body)) << error_;
  EXPECT_EQ(value_["a"].GetStringLength(), content.size());

  // Only near-misses: no delimiter at all.
  EXPECT_FALSE(decode(content));

  // Full boundaries followed by junk: each is a hit that is not a delimiter.
  std::string full_miss = "\r\n--";
  full_miss += kBoundary;
  full_miss += "!";
  content.clear();
  while (content.size() < (1u << 20)) content += full_miss;
  body = multipart({field("a", content)});
  ASSERT_TRUE(decode(body)) << error_;
  EXPECT_EQ(value_["a"].GetStringLength(), content.size());
  EXPECT_FALSE(decode(multipart({field("a", content)}, "\r\n", false)));

  // Delimiters with endless transport padding.
  std::string padded = "\r\n--";
  padded += kBoundary;
  padded += std::string(4096, ' ');
  padded += "x";
  content.clear();
  while (content.size() < (1u << 20)) content += padded;
  EXPECT_TRUE(decode(multipart({field("a", content)}))) << error_;
}

TEST_F(MultipartTest, ManyNamesStayFast) {
  std::vector<Part> parts;
  for (std::size_t i = 0; i < kMaxMultipartParts; ++i) {
    parts.push_back(field("n" + std::to_string(i), std::to_string(i)));
  }
  spec_.shape.additional_types = kInteger;
  ASSERT_TRUE(decode(multipart(parts))) << error_;
  EXPECT_EQ(value_.MemberCount(), kMaxMultipartParts);
  EXPECT_EQ(value_["n999"].GetInt(), 999);
}

}  // namespace
}  // namespace specgate::detail
