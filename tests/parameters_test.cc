// Tests for src/parameters.h: OpenAPI parameter styles (the "Style Examples" table of OpenAPI
// 3.1, cell by cell, for path, query, header and cookie), scalar coercion, decoding errors,
// empty values, QueryString reuse and Cookie header parsing.
#include "parameters.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

// Counts heap allocations so the QueryString reuse claim is checked, not assumed. Replacing
// the global operator new is why this file must stay its own test binary.
namespace {
std::atomic<long> allocation_count{0};
}  // namespace

void* operator new(std::size_t size) {
  allocation_count.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace specgate::detail {
namespace {

constexpr TypeMask kNull = 1;
constexpr TypeMask kBoolean = 2;
constexpr TypeMask kObject = 4;
constexpr TypeMask kArray = 8;
constexpr TypeMask kNumber = 16;
constexpr TypeMask kString = 32;
constexpr TypeMask kInteger = 64;

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

ValueShape primitive_shape(TypeMask types = kString) {
  ValueShape shape;
  shape.types = types;
  return shape;
}

ValueShape array_shape(TypeMask item_types = kString) {
  ValueShape shape;
  shape.types = kArray;
  shape.item_types = item_types;
  return shape;
}

// The table's object: { "R": 100, "G": 200, "B": 150 }.
ValueShape color_shape(TypeMask additional_types = 0) {
  ValueShape shape;
  shape.types = kObject;
  shape.properties = {{"R", kInteger}, {"G", kInteger}, {"B", kInteger}};
  shape.additional_types = additional_types;
  return shape;
}

ParameterSpec make_spec(ParamIn in, ParamStyle style, bool explode, ValueShape shape,
                        std::string name = "color") {
  ParameterSpec spec;
  spec.name = std::move(name);
  spec.in = in;
  spec.style = style;
  spec.explode = explode;
  spec.shape = std::move(shape);
  return spec;
}

constexpr const char* kBlue = R"("blue")";
constexpr const char* kColors = R"(["blue","black","brown"])";
constexpr const char* kRgb = R"({"R":100,"G":200,"B":150})";

// One decode: its status, the value as JSON (when kOk) and the error (when kMalformed).
struct Decoded {
  DecodeStatus status = DecodeStatus::kAbsent;
  std::string json;
  std::string error;
};

template <typename Decode>
Decoded run(Decode&& decode) {
  rapidjson::Document document;
  rapidjson::Value value;
  Decoded result;
  result.status = decode(&value, document.GetAllocator(), &result.error);
  if (result.status == DecodeStatus::kOk) result.json = to_json(value);
  return result;
}

Decoded path(const ParameterSpec& spec, std::string_view raw) {
  return run([&](rapidjson::Value* out, auto& allocator, std::string* error) {
    return decode_path_parameter(spec, raw, out, allocator, error);
  });
}

Decoded query(const ParameterSpec& spec, std::string_view raw,
              const std::vector<std::string>& reserved = {}) {
  QueryString parsed;
  std::string parse_error;
  EXPECT_TRUE(parsed.parse(raw, &parse_error)) << parse_error;
  return run([&](rapidjson::Value* out, auto& allocator, std::string* error) {
    return decode_query_parameter(spec, parsed, out, allocator, error, reserved);
  });
}

Decoded header(const ParameterSpec& spec, std::string_view value) {
  return run([&](rapidjson::Value* out, auto& allocator, std::string* error) {
    return decode_header_parameter(spec, value, out, allocator, error);
  });
}

Decoded cookie(const ParameterSpec& spec, std::string_view cookie_header) {
  return run([&](rapidjson::Value* out, auto& allocator, std::string* error) {
    return decode_cookie_parameter(spec, cookie_header, out, allocator, error);
  });
}

void expect_ok(const Decoded& decoded, const std::string& json) {
  EXPECT_EQ(decoded.status, DecodeStatus::kOk) << decoded.error;
  EXPECT_EQ(decoded.json, json);
}

void expect_malformed(const Decoded& decoded, const std::string& message_part) {
  EXPECT_EQ(decoded.status, DecodeStatus::kMalformed) << decoded.json;
  EXPECT_NE(decoded.error.find(message_part), std::string::npos) << decoded.error;
}

std::string coerce(std::string_view text, TypeMask types) {
  rapidjson::Document document;
  rapidjson::Value value;
  coerce_scalar(text, types, &value, document.GetAllocator());
  return to_json(value);
}

// --- Defaults -------------------------------------------------------------------------------

TEST(Defaults, StylePerLocation) {
  EXPECT_EQ(default_style(ParamIn::kPath), ParamStyle::kSimple);
  EXPECT_EQ(default_style(ParamIn::kHeader), ParamStyle::kSimple);
  EXPECT_EQ(default_style(ParamIn::kQuery), ParamStyle::kForm);
  EXPECT_EQ(default_style(ParamIn::kCookie), ParamStyle::kForm);
}

TEST(Defaults, ExplodeOnlyForForm) {
  EXPECT_TRUE(default_explode(ParamStyle::kForm));
  for (ParamStyle style : {ParamStyle::kMatrix, ParamStyle::kLabel, ParamStyle::kSimple,
                           ParamStyle::kSpaceDelimited, ParamStyle::kPipeDelimited,
                           ParamStyle::kDeepObject}) {
    EXPECT_FALSE(default_explode(style));
  }
}

TEST(ValueShapeTest, PropertyTypesFallBackToAdditional) {
  ValueShape shape = color_shape(kBoolean);
  EXPECT_EQ(shape.property_types("R"), kInteger);
  EXPECT_EQ(shape.property_types("X"), kBoolean);
  EXPECT_TRUE(shape.is_object());
  EXPECT_FALSE(shape.is_array());
  EXPECT_TRUE(array_shape().is_array());
  EXPECT_FALSE(primitive_shape().is_object());
}

// --- Path: matrix ---------------------------------------------------------------------------

TEST(PathMatrix, NotExplodedPrimitive) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, false, primitive_shape()),
                 ";color=blue"),
            kBlue);
}

TEST(PathMatrix, NotExplodedArray) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, false, array_shape()),
                 ";color=blue,black,brown"),
            kColors);
}

TEST(PathMatrix, NotExplodedObject) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, false, color_shape()),
                 ";color=R,100,G,200,B,150"),
            kRgb);
}

TEST(PathMatrix, ExplodedPrimitive) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, true, primitive_shape()),
                 ";color=blue"),
            kBlue);
}

TEST(PathMatrix, ExplodedArray) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, true, array_shape()),
                 ";color=blue;color=black;color=brown"),
            kColors);
}

TEST(PathMatrix, ExplodedObject) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, true, color_shape()),
                 ";R=100;G=200;B=150"),
            kRgb);
}

TEST(PathMatrix, EmptyColumn) {
  // ";color" is the table's "empty" (the empty string).
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, false, primitive_shape()),
                 ";color"),
            R"("")");
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, true, primitive_shape()),
                 ";color"),
            R"("")");
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, false, array_shape()),
                 ";color"),
            "[]");
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, true, array_shape()),
                 ";color"),
            "[]");
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, false, color_shape()),
                 ";color"),
            "{}");
}

TEST(PathMatrix, ExplodedItemsWithEmptyValues) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, true, array_shape()),
                 ";color;color=black"),
            R"(["","black"])");
  // Matrix writes an empty property value as a bare name.
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, true, color_shape(kString)),
                 ";R=100;X"),
            R"({"R":100,"X":""})");
}

TEST(PathMatrix, OneItemArray) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, false, array_shape()),
                 ";color=blue"),
            R"(["blue"])");
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, true, array_shape()),
                 ";color=blue"),
            R"(["blue"])");
}

TEST(PathMatrix, EmptySegmentIsAbsent) {
  EXPECT_EQ(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, false, primitive_shape()), "")
                .status,
            DecodeStatus::kAbsent);
}

TEST(PathMatrix, WrongPrefixOrName) {
  const ParameterSpec spec =
      make_spec(ParamIn::kPath, ParamStyle::kMatrix, false, primitive_shape());
  expect_malformed(path(spec, "color=blue"), "';'");
  expect_malformed(path(spec, ";size=blue"), "parameter name");
  expect_malformed(path(spec, ";colorful=blue"), "parameter name");
  expect_malformed(
      path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, true, array_shape()),
           ";color=blue;size=black"),
      "named");
}

TEST(PathMatrix, EncodedName) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, false, primitive_shape(),
                           "col or"),
                 ";col%20or=blue"),
            kBlue);
}

// --- Path: label ----------------------------------------------------------------------------

TEST(PathLabel, NotExplodedPrimitive) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kLabel, false, primitive_shape()),
                 ".blue"),
            kBlue);
}

TEST(PathLabel, NotExplodedArray) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kLabel, false, array_shape()),
                 ".blue,black,brown"),
            kColors);
}

TEST(PathLabel, NotExplodedObject) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kLabel, false, color_shape()),
                 ".R,100,G,200,B,150"),
            kRgb);
}

TEST(PathLabel, ExplodedPrimitive) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kLabel, true, primitive_shape()),
                 ".blue"),
            kBlue);
}

TEST(PathLabel, ExplodedArray) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kLabel, true, array_shape()),
                 ".blue.black.brown"),
            kColors);
}

TEST(PathLabel, ExplodedObject) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kLabel, true, color_shape()),
                 ".R=100.G=200.B=150"),
            kRgb);
}

TEST(PathLabel, EmptyColumn) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kLabel, false, primitive_shape()), "."),
            R"("")");
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kLabel, true, array_shape()), "."),
            "[]");
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kLabel, true, color_shape()), "."),
            "{}");
  EXPECT_EQ(path(make_spec(ParamIn::kPath, ParamStyle::kLabel, false, primitive_shape()), "")
                .status,
            DecodeStatus::kAbsent);
}

TEST(PathLabel, PrimitiveKeepsDots) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kLabel, true, primitive_shape(kNumber)),
                 ".1.5"),
            "1.5");
}

TEST(PathLabel, Malformed) {
  expect_malformed(
      path(make_spec(ParamIn::kPath, ParamStyle::kLabel, false, primitive_shape()), "blue"),
      "'.'");
  expect_malformed(
      path(make_spec(ParamIn::kPath, ParamStyle::kLabel, true, color_shape()), ".R=100.G"),
      "name=value");
}

// --- Path: simple ---------------------------------------------------------------------------

TEST(PathSimple, NotExplodedPrimitive) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, false, primitive_shape()),
                 "blue"),
            kBlue);
}

TEST(PathSimple, NotExplodedArray) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, false, array_shape()),
                 "blue,black,brown"),
            kColors);
}

TEST(PathSimple, NotExplodedObject) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, false, color_shape()),
                 "R,100,G,200,B,150"),
            kRgb);
}

TEST(PathSimple, ExplodedPrimitive) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, true, primitive_shape()),
                 "blue"),
            kBlue);
}

TEST(PathSimple, ExplodedArray) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, true, array_shape()),
                 "blue,black,brown"),
            kColors);
}

TEST(PathSimple, ExplodedObject) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, true, color_shape()),
                 "R=100,G=200,B=150"),
            kRgb);
}

TEST(PathSimple, EmptyColumn) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, false, primitive_shape()), ""),
            R"("")");
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, false, array_shape()), ""),
            "[]");
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, false, color_shape()), ""),
            "{}");
}

TEST(PathSimple, DecodesAfterSplitting) {
  // "%2C" is a comma inside an item, not a delimiter; '+' in a path is a plus.
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, false, array_shape()),
                 "a%2Cb,c+d,%C3%A9"),
            R"(["a,b","c+d","é"])");
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, false, color_shape(kString)),
                 "R,1%2C2,name%3D,x"),
            R"({"R":"1,2","name=":"x"})");
}

TEST(PathSimple, IntegerItems) {
  expect_ok(path(make_spec(ParamIn::kPath, ParamStyle::kSimple, false, array_shape(kInteger)),
                 "1,-2,x"),
            R"([1,-2,"x"])");
}

TEST(PathSimple, ExplodedObjectNeedsEquals) {
  expect_malformed(
      path(make_spec(ParamIn::kPath, ParamStyle::kSimple, true, color_shape()), "R=100,G"),
      "name=value");
}

// --- Query: form ----------------------------------------------------------------------------

TEST(QueryForm, NotExplodedPrimitive) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, primitive_shape()),
                  "color=blue"),
            kBlue);
}

TEST(QueryForm, NotExplodedArray) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, array_shape()),
                  "color=blue,black,brown"),
            kColors);
}

TEST(QueryForm, NotExplodedObject) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, color_shape()),
                  "color=R,100,G,200,B,150"),
            kRgb);
}

TEST(QueryForm, ExplodedPrimitive) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, primitive_shape()),
                  "color=blue"),
            kBlue);
}

TEST(QueryForm, ExplodedArray) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, array_shape()),
                  "color=blue&color=black&color=brown"),
            kColors);
}

TEST(QueryForm, ExplodedObject) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, color_shape()),
                  "R=100&G=200&B=150"),
            kRgb);
}

TEST(QueryForm, EmptyColumn) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, primitive_shape()),
                  "color="),
            R"("")");
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, array_shape()),
                  "color="),
            "[]");
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, array_shape()),
                  "color="),
            "[]");
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, color_shape()),
                  "color="),
            "{}");
}

TEST(QueryForm, EmptyValueWithAndWithoutAllowEmptyValue) {
  // Decoding is the same either way; the schema (or the caller, for allowEmptyValue) decides.
  ParameterSpec spec = make_spec(ParamIn::kQuery, ParamStyle::kForm, true, primitive_shape());
  expect_ok(query(spec, "color="), R"("")");
  expect_ok(query(spec, "color"), R"("")");
  spec.allow_empty_value = true;
  expect_ok(query(spec, "color="), R"("")");
  // An integer parameter keeps "" as a string, so the schema reports the type.
  spec.shape = primitive_shape(kInteger);
  expect_ok(query(spec, "color="), R"("")");
}

TEST(QueryForm, ExplodedArrayWithEmptyItems) {
  const ParameterSpec spec = make_spec(ParamIn::kQuery, ParamStyle::kForm, true, array_shape());
  expect_ok(query(spec, "color=blue&color="), R"(["blue",""])");
  expect_ok(query(spec, "color=&color="), R"(["",""])");
}

TEST(QueryForm, OneItemArrays) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, array_shape()),
                  "color=blue"),
            R"(["blue"])");
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, array_shape()),
                  "color=blue"),
            R"(["blue"])");
}

TEST(QueryForm, Absent) {
  for (bool explode : {false, true}) {
    EXPECT_EQ(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, explode, primitive_shape()),
                    "size=1&colour=2")
                  .status,
              DecodeStatus::kAbsent);
    EXPECT_EQ(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, explode, array_shape()), "")
                  .status,
              DecodeStatus::kAbsent);
  }
  EXPECT_EQ(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, color_shape()), "X=1")
                .status,
            DecodeStatus::kAbsent);
}

TEST(QueryForm, RepeatedNameIsMalformedUnlessExplodedArray) {
  expect_malformed(
      query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, primitive_shape()),
            "color=blue&color=red"),
      "more than once");
  expect_malformed(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, array_shape()),
                         "color=blue&color=red"),
                   "more than once");
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, array_shape(kInteger)),
                  "color=1&size=9&color=2"),
            "[1,2]");
}

TEST(QueryForm, PlusIsSpace) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, primitive_shape()),
                  "color=light+blue%2B"),
            R"("light blue+")");
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, array_shape()),
                  "color=light+blue,a%2Bb"),
            R"(["light blue","a+b"])");
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, primitive_shape(),
                            "my color"),
                  "my+color=blue"),
            kBlue);
}

TEST(QueryForm, EncodedCommaStaysInItem) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, array_shape()),
                  "color=a%2Cb,c"),
            R"(["a,b","c"])");
  // A primitive takes the whole decoded value.
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, primitive_shape()),
                  "color=a%2Cb,c"),
            R"("a,b,c")");
}

TEST(QueryForm, OddObjectList) {
  const Decoded decoded =
      query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, color_shape()),
            "color=R,100,G");
  expect_malformed(decoded, "expected name,value pairs");
  EXPECT_EQ(decoded.error.find("100"), std::string::npos);
}

TEST(QueryForm, DuplicateObjectProperty) {
  expect_malformed(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, false, color_shape()),
                         "color=R,1,R,2"),
                   "more than once");
  expect_malformed(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, color_shape()),
                         "R=1&G=2&R=3"),
                   "more than once");
}

TEST(QueryForm, ManyDuplicatePropertiesAreFound) {
  // Past the linear search: the sorted search must find the one repeated name.
  std::string text;
  for (int i = 0; i < 200; ++i) text += "k" + std::to_string(i) + "=" + std::to_string(i) + "&";
  const ParameterSpec spec =
      make_spec(ParamIn::kQuery, ParamStyle::kForm, true, color_shape(kInteger));
  EXPECT_EQ(query(spec, text).status, DecodeStatus::kOk);
  expect_malformed(query(spec, text + "k117=0"), "more than once");
}

TEST(QueryForm, ExplodedObjectDeclaredPropertiesOnly) {
  // additional_types == 0: undeclared pairs belong to other parameters.
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, color_shape()),
                  "page=2&R=100&sort=asc&G=200"),
            R"({"R":100,"G":200})");
}

TEST(QueryForm, ExplodedObjectWithAdditionalProperties) {
  const ParameterSpec spec =
      make_spec(ParamIn::kQuery, ParamStyle::kForm, true, color_shape(kInteger | kString));
  expect_ok(query(spec, "page=2&R=100&sort=asc"), R"({"page":"2","R":100,"sort":"asc"})");
  // Names of the operation's other query parameters are left to them.
  expect_ok(query(spec, "page=2&R=100&sort=asc", {"page", "sort"}), R"({"R":100})");
  EXPECT_EQ(query(spec, "page=2", {"page"}).status, DecodeStatus::kAbsent);
}

TEST(QueryForm, FreeFormIntegerObject) {
  ValueShape shape;
  shape.types = kObject;
  shape.additional_types = kInteger;
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, shape, "freeForm"),
                  "a=1&b=x&limit=5",
                  {"limit"}),
            R"({"a":1,"b":"x"})");
}

// --- Query: spaceDelimited and pipeDelimited ------------------------------------------------

TEST(QuerySpaceDelimited, NotExplodedArray) {
  const ParameterSpec spec =
      make_spec(ParamIn::kQuery, ParamStyle::kSpaceDelimited, false, array_shape());
  expect_ok(query(spec, "color=blue%20black%20brown"), kColors);
  expect_ok(query(spec, "color=blue+black+brown"), kColors);
  expect_ok(query(spec, "color=blue black brown"), kColors);
  expect_ok(query(spec, "color="), "[]");
}

TEST(QuerySpaceDelimited, NotExplodedObject) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kSpaceDelimited, false, color_shape()),
                  "color=R%20100%20G%20200%20B%20150"),
            kRgb);
}

TEST(QuerySpaceDelimited, ExplodedReadsAsForm) {
  // The table leaves explode true undefined for these styles; they read as form.
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kSpaceDelimited, true, array_shape()),
                  "color=blue&color=black&color=brown"),
            kColors);
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kSpaceDelimited, true, color_shape()),
                  "R=100&G=200&B=150"),
            kRgb);
}

TEST(QuerySpaceDelimited, OddObjectList) {
  expect_malformed(
      query(make_spec(ParamIn::kQuery, ParamStyle::kSpaceDelimited, false, color_shape()),
            "color=R+100+G"),
      "expected name,value pairs");
}

TEST(QueryPipeDelimited, NotExplodedArray) {
  const ParameterSpec spec =
      make_spec(ParamIn::kQuery, ParamStyle::kPipeDelimited, false, array_shape());
  expect_ok(query(spec, "color=blue|black|brown"), kColors);
  expect_ok(query(spec, "color=blue%7Cblack%7cbrown"), kColors);
  expect_ok(query(spec, "color=blue"), R"(["blue"])");
  // Commas are data for this style.
  expect_ok(query(spec, "color=a,b|c"), R"(["a,b","c"])");
}

TEST(QueryPipeDelimited, NotExplodedObject) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kPipeDelimited, false, color_shape()),
                  "color=R|100|G|200|B|150"),
            kRgb);
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kPipeDelimited, false, color_shape()),
                  "color=R%7C100%7CG%7C200%7CB%7C150"),
            kRgb);
}

TEST(QueryPipeDelimited, ExplodedReadsAsForm) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kPipeDelimited, true,
                            array_shape(kInteger)),
                  "color=1&color=2"),
            "[1,2]");
}

// --- Query: deepObject ----------------------------------------------------------------------

TEST(QueryDeepObject, ExplodedObject) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kDeepObject, true, color_shape()),
                  "color[R]=100&color[G]=200&color[B]=150"),
            kRgb);
}

TEST(QueryDeepObject, EncodedBrackets) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kDeepObject, true, color_shape()),
                  "color%5BR%5D=100&color%5BG%5D=200&color%5bB%5d=150"),
            kRgb);
}

TEST(QueryDeepObject, SeveralParametersInOneQuery) {
  const std::string text = "color[R]=100&size[w]=3&color[G]=200&size[h]=4&colors[R]=1&page=2";
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kDeepObject, true, color_shape()),
                  text),
            R"({"R":100,"G":200})");
  ValueShape size;
  size.types = kObject;
  size.properties = {{"w", kInteger}, {"h", kInteger}};
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kDeepObject, true, size, "size"), text),
            R"({"w":3,"h":4})");
  EXPECT_EQ(query(make_spec(ParamIn::kQuery, ParamStyle::kDeepObject, true, size, "shape"), text)
                .status,
            DecodeStatus::kAbsent);
}

TEST(QueryDeepObject, UndeclaredPropertiesKeepAdditionalTypes) {
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kDeepObject, true,
                            color_shape(kBoolean)),
                  "color[R]=1&color[alpha]=true&color[beta]=x"),
            R"({"R":1,"alpha":true,"beta":"x"})");
}

TEST(QueryDeepObject, Malformed) {
  const ParameterSpec spec =
      make_spec(ParamIn::kQuery, ParamStyle::kDeepObject, true, color_shape());
  expect_malformed(query(spec, "color[R][x]=1"), "one level");
  expect_malformed(query(spec, "color[R]=1&color[R]=2"), "more than once");
  // Names that only look alike belong to other parameters.
  EXPECT_EQ(query(spec, "color=1&color[=2&colorR]=3&color]=4").status, DecodeStatus::kAbsent);
}

// --- Header ---------------------------------------------------------------------------------

TEST(HeaderSimple, NotExplodedPrimitive) {
  expect_ok(header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, false, primitive_shape()),
                   "blue"),
            kBlue);
}

TEST(HeaderSimple, NotExplodedArray) {
  expect_ok(header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, false, array_shape()),
                   "blue,black,brown"),
            kColors);
}

TEST(HeaderSimple, NotExplodedObject) {
  expect_ok(header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, false, color_shape()),
                   "R,100,G,200,B,150"),
            kRgb);
}

TEST(HeaderSimple, ExplodedPrimitive) {
  expect_ok(header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, true, primitive_shape()),
                   "blue"),
            kBlue);
}

TEST(HeaderSimple, ExplodedArray) {
  expect_ok(header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, true, array_shape()),
                   "blue,black,brown"),
            kColors);
}

TEST(HeaderSimple, ExplodedObject) {
  expect_ok(header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, true, color_shape()),
                   "R=100,G=200,B=150"),
            kRgb);
}

TEST(HeaderSimple, JoinedOccurrencesAndWhitespace) {
  expect_ok(header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, false,
                             array_shape(kInteger)),
                   " 1, 2,\t3 "),
            "[1,2,3]");
  expect_ok(header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, true, color_shape()),
                   "R=100, G=200"),
            R"({"R":100,"G":200})");
  expect_ok(header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, false, array_shape()), "  "),
            "[]");
}

TEST(HeaderSimple, NotPercentDecoded) {
  // HTTP field values are not URI components: '%' and '+' are themselves.
  expect_ok(header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, false, primitive_shape()),
                   "50% a+b %2C"),
            R"("50% a+b %2C")");
}

TEST(HeaderSimple, InvalidUtf8) {
  expect_malformed(
      header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, false, primitive_shape()),
             "caf\xe9"),
      "UTF-8");
}

TEST(HeaderSimple, OddObjectList) {
  expect_malformed(
      header(make_spec(ParamIn::kHeader, ParamStyle::kSimple, false, color_shape()),
             "R,100,G,200,B"),
      "expected name,value pairs");
}

// --- Cookie ---------------------------------------------------------------------------------

TEST(CookieForm, NotExplodedPrimitive) {
  expect_ok(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, false, primitive_shape()),
                   "color=blue"),
            kBlue);
}

TEST(CookieForm, NotExplodedArray) {
  expect_ok(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, false, array_shape()),
                   "session=abc; color=blue,black,brown"),
            kColors);
}

TEST(CookieForm, NotExplodedObject) {
  expect_ok(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, false, color_shape()),
                   "color=R,100,G,200,B,150; other=1"),
            kRgb);
}

TEST(CookieForm, ExplodedPrimitive) {
  expect_ok(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, true, primitive_shape()),
                   "a=1; color=blue"),
            kBlue);
}

TEST(CookieForm, ExplodedArray) {
  expect_ok(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, true, array_shape()),
                   "color=blue; other=x; color=black; color=brown"),
            kColors);
}

TEST(CookieForm, ExplodedObject) {
  // Undeclared cookies are the client's other cookies, never properties.
  expect_ok(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, true, color_shape(kString)),
                   "R=100; session=abc; G=200; B=150"),
            kRgb);
}

TEST(CookieForm, EmptyAndAbsent) {
  expect_ok(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, true, primitive_shape()),
                   "color="),
            R"("")");
  expect_ok(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, false, array_shape()),
                   "color="),
            "[]");
  expect_ok(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, true, array_shape()),
                   "color="),
            "[]");
  for (bool explode : {false, true}) {
    EXPECT_EQ(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, explode, array_shape()),
                     "colour=blue")
                  .status,
              DecodeStatus::kAbsent);
    EXPECT_EQ(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, explode, color_shape()), "")
                  .status,
              DecodeStatus::kAbsent);
  }
}

TEST(CookieForm, DecodingAndFirstOccurrence) {
  const ParameterSpec spec =
      make_spec(ParamIn::kCookie, ParamStyle::kForm, true, primitive_shape());
  expect_ok(cookie(spec, "color=light%20blue+x"), R"("light blue+x")");
  expect_ok(cookie(spec, "color=blue; color=red"), kBlue);
  expect_ok(cookie(spec, "color=\"blue\""), kBlue);
  expect_malformed(cookie(spec, "color=50%"), "percent escape");
  expect_ok(cookie(make_spec(ParamIn::kCookie, ParamStyle::kForm, false, array_shape(kInteger)),
                   "color=1,2%2C3"),
            R"([1,"2,3"])");
}

TEST(FindCookie, Basics) {
  std::string_view value;
  ASSERT_TRUE(find_cookie("a=1; b=2", "b", &value));
  EXPECT_EQ(value, "2");
  ASSERT_TRUE(find_cookie("a=1;b=2", "b", &value));
  EXPECT_EQ(value, "2");
  ASSERT_TRUE(find_cookie("a=1; b=2", "a", &value));
  EXPECT_EQ(value, "1");
  EXPECT_FALSE(find_cookie("a=1; b=2", "c", &value));
  EXPECT_FALSE(find_cookie("", "a", &value));
}

TEST(FindCookie, EdgeCases) {
  std::string_view value;
  ASSERT_TRUE(find_cookie("x=\"quoted\"; y=2", "x", &value));
  EXPECT_EQ(value, "quoted");
  ASSERT_TRUE(find_cookie("x=\"\"", "x", &value));
  EXPECT_EQ(value, "");
  ASSERT_TRUE(find_cookie("x=\"", "x", &value));
  EXPECT_EQ(value, "\"");
  ASSERT_TRUE(find_cookie("  a = 1 ;\tb=2  ", "a", &value));
  EXPECT_EQ(value, "1");
  ASSERT_TRUE(find_cookie("a=1;;  ; b=2;", "b", &value));
  EXPECT_EQ(value, "2");
  // A value may itself hold '=' (base64 padding).
  ASSERT_TRUE(find_cookie("token=YWJj==; a=1", "token", &value));
  EXPECT_EQ(value, "YWJj==");
  ASSERT_TRUE(find_cookie("a=", "a", &value));
  EXPECT_EQ(value, "");
  // Pieces without '=' are skipped, names compare exactly.
  EXPECT_FALSE(find_cookie("flag; b=2", "flag", &value));
  EXPECT_FALSE(find_cookie("A=1", "a", &value));
  EXPECT_FALSE(find_cookie("ab=1", "a", &value));
  ASSERT_TRUE(find_cookie("a=first; a=second", "a", &value));
  EXPECT_EQ(value, "first");
}

// --- Coercion -------------------------------------------------------------------------------

TEST(Coerce, Integer) {
  EXPECT_EQ(coerce("42", kInteger), "42");
  EXPECT_EQ(coerce("-7", kInteger), "-7");
  EXPECT_EQ(coerce("007", kInteger), "7");
  EXPECT_EQ(coerce("9223372036854775807", kInteger), "9223372036854775807");
  EXPECT_EQ(coerce("-9223372036854775808", kInteger), "-9223372036854775808");
  EXPECT_EQ(coerce("18446744073709551615", kInteger), "18446744073709551615");
  EXPECT_EQ(coerce("+5", kInteger), R"("+5")");
  EXPECT_EQ(coerce("", kInteger), R"("")");
  EXPECT_EQ(coerce("-", kInteger), R"("-")");
  EXPECT_EQ(coerce("12abc", kInteger), R"("12abc")");
  EXPECT_EQ(coerce(" 1", kInteger), R"(" 1")");
}

TEST(Coerce, IntegerTypeAcceptsNumberText) {
  rapidjson::Document document;
  rapidjson::Value value;
  coerce_scalar("1.0", kInteger, &value, document.GetAllocator());
  ASSERT_TRUE(value.IsDouble());
  EXPECT_EQ(value.GetDouble(), 1.0);
  EXPECT_EQ(coerce("1.5", kInteger), "1.5");
}

TEST(Coerce, BigIntegerBecomesDouble) {
  rapidjson::Document document;
  rapidjson::Value value;
  coerce_scalar("123456789012345678901234567890", kInteger, &value, document.GetAllocator());
  ASSERT_TRUE(value.IsDouble());
  EXPECT_DOUBLE_EQ(value.GetDouble(), 1.2345678901234568e29);
  coerce_scalar("-18446744073709551616", kInteger, &value, document.GetAllocator());
  ASSERT_TRUE(value.IsDouble());
  EXPECT_DOUBLE_EQ(value.GetDouble(), -18446744073709551616.0);
  // Beyond a double's range nothing fits: the string stays for the schema to reject.
  const std::string huge(400, '9');
  EXPECT_EQ(coerce(huge, kInteger), "\"" + huge + "\"");
  EXPECT_EQ(coerce("1e400", kNumber), R"("1e400")");
}

TEST(Coerce, Number) {
  EXPECT_EQ(coerce("1.5", kNumber), "1.5");
  EXPECT_EQ(coerce("-0.25e2", kNumber), "-25.0");
  EXPECT_EQ(coerce("3", kNumber), "3");
  EXPECT_EQ(coerce("1E3", kNumber), "1000.0");
  // Not the JSON number grammar.
  for (const char* text : {".5", "5.", "01.5", "1e", "0x10", "NaN", "Infinity", "-inf", "1,5",
                           "1.5 "}) {
    EXPECT_EQ(coerce(text, kNumber), "\"" + std::string(text) + "\"") << text;
  }
}

TEST(Coerce, Boolean) {
  EXPECT_EQ(coerce("true", kBoolean), "true");
  EXPECT_EQ(coerce("false", kBoolean), "false");
  for (const char* text : {"True", "FALSE", "1", "0", "yes", ""}) {
    EXPECT_EQ(coerce(text, kBoolean), "\"" + std::string(text) + "\"") << text;
  }
  EXPECT_EQ(coerce("true", kInteger), R"("true")");
}

TEST(Coerce, Null) {
  EXPECT_EQ(coerce("null", kNull), "null");
  EXPECT_EQ(coerce("null", kNull | kString), R"("null")");
  EXPECT_EQ(coerce("null", kNull | kInteger), R"("null")");
  EXPECT_EQ(coerce("5", kNull | kInteger), "5");
}

TEST(Coerce, MixedTypes) {
  EXPECT_EQ(coerce("42", kInteger | kString), R"("42")");
  EXPECT_EQ(coerce("true", kBoolean | kString), R"("true")");
  EXPECT_EQ(coerce("42", kInteger | kBoolean), "42");
  EXPECT_EQ(coerce("true", kInteger | kBoolean), "true");
  EXPECT_EQ(coerce("2.5", kNumber | kBoolean | kNull), "2.5");
  EXPECT_EQ(coerce("42", 0), R"("42")");
  EXPECT_EQ(coerce("42", kArray | kObject), R"("42")");
}

TEST(Coerce, EmbeddedNulKept) {
  rapidjson::Document document;
  rapidjson::Value value;
  coerce_scalar(std::string_view("a\0b", 3), kString, &value, document.GetAllocator());
  ASSERT_TRUE(value.IsString());
  EXPECT_EQ(value.GetStringLength(), 3u);
}

TEST(Coerce, ThroughStyles) {
  ValueShape shape;
  shape.types = kObject;
  shape.properties = {{"n", kInteger}, {"f", kNumber}, {"b", kBoolean}, {"s", kString},
                      {"m", kInteger | kString}};
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true, shape),
                  "n=1&f=2.5&b=false&s=3&m=4"),
            R"({"n":1,"f":2.5,"b":false,"s":"3","m":"4"})");
  expect_ok(query(make_spec(ParamIn::kQuery, ParamStyle::kForm, true,
                            primitive_shape(kBoolean)),
                  "color=true"),
            "true");
}

// --- Decoding errors ------------------------------------------------------------------------

TEST(Malformed, PercentEscapesInPath) {
  for (const char* raw : {"a%", "a%2", "%G1", "%%", "b,%zz"}) {
    const Decoded decoded =
        path(make_spec(ParamIn::kPath, ParamStyle::kSimple, false, array_shape()), raw);
    expect_malformed(decoded, "malformed percent escape");
    EXPECT_EQ(decoded.error.find(raw), std::string::npos);
  }
  expect_malformed(path(make_spec(ParamIn::kPath, ParamStyle::kMatrix, false, primitive_shape()),
                        ";col%or=blue"),
                   "malformed percent escape");
  expect_malformed(
      path(make_spec(ParamIn::kPath, ParamStyle::kSimple, true, color_shape()), "R%=1"),
      "malformed percent escape");
}

TEST(Malformed, InvalidUtf8InPath) {
  const ParameterSpec spec =
      make_spec(ParamIn::kPath, ParamStyle::kSimple, false, primitive_shape());
  expect_malformed(path(spec, "%FF"), "UTF-8");
  expect_malformed(path(spec, "%C0%AF"), "UTF-8");          // overlong '/'
  expect_malformed(path(spec, "%ED%A0%80"), "UTF-8");       // a surrogate
  expect_malformed(path(spec, "caf%C3"), "UTF-8");          // truncated
  expect_malformed(path(spec, "raw\xff"), "UTF-8");         // raw byte, no escape
  expect_ok(path(spec, "%F0%9F%8E%A8"), "\"\xF0\x9F\x8E\xA8\"");
}

TEST(Malformed, QueryString) {
  QueryString parsed;
  std::string error;
  EXPECT_FALSE(parsed.parse("a=1&b=%zz&c=3", &error));
  EXPECT_NE(error.find("malformed percent escape"), std::string::npos);
  // The pairs before the bad one are kept.
  ASSERT_EQ(parsed.pairs().size(), 1u);
  EXPECT_EQ(parsed.pairs()[0].name, "a");

  EXPECT_FALSE(parsed.parse("a=%C3%28", &error));
  EXPECT_NE(error.find("UTF-8"), std::string::npos);
  EXPECT_TRUE(parsed.pairs().empty());
  EXPECT_FALSE(parsed.parse("%E9=1", &error));
  EXPECT_FALSE(parsed.parse("a=%", &error));
}

// --- QueryString ----------------------------------------------------------------------------

TEST(QueryStringTest, SplitsAndDecodes) {
  QueryString parsed;
  std::string error;
  const std::string text = "a=1&&b=x+y%26z&flag&=v&c=&d=e=f&";
  ASSERT_TRUE(parsed.parse(text, &error)) << error;
  EXPECT_EQ(parsed.raw(), text);
  const auto& pairs = parsed.pairs();
  ASSERT_EQ(pairs.size(), 6u);
  EXPECT_EQ(pairs[0].name, "a");
  EXPECT_EQ(pairs[0].value, "1");
  EXPECT_TRUE(pairs[0].has_value);
  EXPECT_EQ(pairs[1].name, "b");
  EXPECT_EQ(pairs[1].value, "x y&z");
  EXPECT_EQ(pairs[1].raw_value, "x+y%26z");
  EXPECT_EQ(pairs[2].name, "flag");
  EXPECT_EQ(pairs[2].value, "");
  EXPECT_FALSE(pairs[2].has_value);
  EXPECT_EQ(pairs[3].name, "");
  EXPECT_EQ(pairs[3].value, "v");
  EXPECT_EQ(pairs[4].name, "c");
  EXPECT_TRUE(pairs[4].has_value);
  EXPECT_EQ(pairs[5].name, "d");
  EXPECT_EQ(pairs[5].value, "e=f");
}

TEST(QueryStringTest, EmptyInput) {
  QueryString parsed;
  std::string error;
  EXPECT_TRUE(parsed.parse("", &error));
  EXPECT_TRUE(parsed.pairs().empty());
  EXPECT_TRUE(parsed.parse("&&&", &error));
  EXPECT_TRUE(parsed.pairs().empty());
}

TEST(QueryStringTest, ReuseKeepsStorage) {
  QueryString parsed;
  std::string error;
  ASSERT_TRUE(parsed.parse("alpha=a+long+enough+value+to+leave+small+strings&b=2&c=3", &error));
  const QueryString::Pair* storage = parsed.pairs().data();
  const char* first_value = parsed.pairs()[0].value.data();
  ASSERT_TRUE(parsed.parse("x=1", &error));
  ASSERT_EQ(parsed.pairs().size(), 1u);
  EXPECT_EQ(parsed.pairs()[0].name, "x");
  // No longer than the first value, so its buffer holds it.
  ASSERT_TRUE(parsed.parse("beta=b+long+value+that+fits+the+same+buffer&y=7&z=8", &error));
  ASSERT_EQ(parsed.pairs().size(), 3u);
  EXPECT_EQ(parsed.pairs().data(), storage);
  EXPECT_EQ(parsed.pairs()[0].value.data(), first_value);
  EXPECT_EQ(parsed.pairs()[0].value, "b long value that fits the same buffer");
  EXPECT_EQ(parsed.pairs()[2].value, "8");
}

TEST(QueryStringTest, SteadyStateParsingAllocatesNothing) {
  QueryString parsed;
  std::string error;
  const std::string first = "color=light+blue%2Cgreen&size=10&tags=a,b,c&q=%E2%9C%93+done";
  const std::string second = "color=dark+red%2Cgold&size=12&tags=d,e,f&q=%E2%9C%97+todo";
  const std::string shorter = "size=1";
  const long at_start = allocation_count.load();
  ASSERT_TRUE(parsed.parse(first, &error));
  // The counter sees the first parse's allocations, so a zero below means something.
  EXPECT_GT(allocation_count.load() - at_start, 0);
  ASSERT_TRUE(parsed.parse(shorter, &error));
  const long before = allocation_count.load();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(parsed.parse(i % 2 ? first : second, &error));
    ASSERT_TRUE(parsed.parse(shorter, &error));
  }
  EXPECT_EQ(allocation_count.load() - before, 0);
  ASSERT_TRUE(parsed.parse(second, &error));
  EXPECT_EQ(parsed.pairs()[3].value, "\xE2\x9C\x97 todo");
}

TEST(QueryStringTest, DecodeOfShortItemsNeedsNoHeapScratch) {
  // Values go to the given allocator (here a fixed buffer); the decoder's own scratch is not
  // touched by items that need no percent-decoding.
  QueryString parsed;
  std::string error;
  ASSERT_TRUE(parsed.parse("color=R,1,G,2", &error));
  const ParameterSpec spec = make_spec(ParamIn::kQuery, ParamStyle::kForm, false, color_shape());
  char buffer[4096];
  rapidjson::MemoryPoolAllocator<> allocator(buffer, sizeof(buffer));
  rapidjson::Value value;
  const long before = allocation_count.load();
  EXPECT_EQ(decode_query_parameter(spec, parsed, &value, allocator, &error), DecodeStatus::kOk);
  EXPECT_EQ(allocation_count.load() - before, 0);
  EXPECT_EQ(to_json(value), R"({"R":1,"G":2})");
}

}  // namespace
}  // namespace specgate::detail
