// Tests for src/uri.h: RFC 3986 reference resolution and the URI / IRI validators.
#include "uri.h"

#include <cstddef>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace specgate::detail {
namespace {

constexpr const char* kRfcBase = "http://a/b/c/d;p?q";

struct ResolveCase {
  const char* reference;
  const char* expected;
};

void expect_resolves(const char* base, const ResolveCase* cases, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    EXPECT_EQ(resolve_uri(base, cases[i].reference), cases[i].expected)
        << "base " << base << ", reference " << cases[i].reference;
  }
}

// RFC 3986 section 5.4.1.
TEST(ResolveUri, RfcNormalExamples) {
  const ResolveCase cases[] = {
      {"g:h", "g:h"},
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y#s"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
  };
  expect_resolves(kRfcBase, cases, std::size(cases));
}

// RFC 3986 section 5.4.2 (strict parser: "http:g" keeps its own scheme).
TEST(ResolveUri, RfcAbnormalExamples) {
  const ResolveCase cases[] = {
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"http:g", "http:g"},
  };
  expect_resolves(kRfcBase, cases, std::size(cases));
}

TEST(ResolveUri, NormalizesSchemeAndHostOnly) {
  EXPECT_EQ(resolve_uri("", "HTTP://User@Example.COM:80/Path?Q#F"),
            "http://User@example.com:80/Path?Q#F");
  EXPECT_EQ(resolve_uri("HTTPS://EXAMPLE.com/a/b", "c"), "https://example.com/a/c");
  EXPECT_EQ(resolve_uri("http://[2001:DB8::1]:8080/x", "y"), "http://[2001:db8::1]:8080/y");
}

TEST(ResolveUri, DropsEmptyFragment) {
  EXPECT_EQ(resolve_uri("", "http://example.com/schema#"), "http://example.com/schema");
  EXPECT_EQ(resolve_uri("http://example.com/schema", "#"), "http://example.com/schema");
  EXPECT_EQ(resolve_uri("http://example.com/a#frag", "b#"), "http://example.com/b");
  EXPECT_EQ(resolve_uri("http://example.com/a#frag", ""), "http://example.com/a");
}

TEST(ResolveUri, Urns) {
  constexpr const char* kUrn = "urn:uuid:deadbeef-1234-ffff-ffff-4321feebdaed";
  EXPECT_EQ(resolve_uri(kUrn, "#/$defs/bar"), std::string(kUrn) + "#/$defs/bar");
  EXPECT_EQ(resolve_uri(kUrn, "#foo"), std::string(kUrn) + "#foo");
  EXPECT_EQ(resolve_uri(kUrn, ""), kUrn);
  EXPECT_EQ(resolve_uri("", "URN:example:Thing#"), "urn:example:Thing");
  EXPECT_EQ(resolve_uri("urn:example:root", "urn:example:other#x"), "urn:example:other#x");
  EXPECT_EQ(resolve_uri("urn:example:root", "http://example.com/a"), "http://example.com/a");
}

TEST(ResolveUri, FileUris) {
  EXPECT_EQ(resolve_uri("file:///home/user/schemas/root.json", "defs/item.json"),
            "file:///home/user/schemas/defs/item.json");
  EXPECT_EQ(resolve_uri("file:///home/user/schemas/root.json", "../other.json#/a"),
            "file:///home/user/other.json#/a");
  EXPECT_EQ(resolve_uri("file:/etc/schemas/a.json", "b.json"), "file:/etc/schemas/b.json");
  EXPECT_EQ(resolve_uri("file:///C:/specs/api.yaml", "./common.yaml"),
            "file:///C:/specs/common.yaml");
}

TEST(ResolveUri, EmptyBase) {
  EXPECT_EQ(resolve_uri("", ""), "");
  EXPECT_EQ(resolve_uri("", "#foo"), "#foo");
  EXPECT_EQ(resolve_uri("", "#"), "");
  EXPECT_EQ(resolve_uri("", "a/b/../c"), "a/c");
  EXPECT_EQ(resolve_uri("", "/a/./b"), "/a/b");
  EXPECT_EQ(resolve_uri("", "http://example.com/a/../b"), "http://example.com/b");
  EXPECT_EQ(resolve_uri("", "//Host/p"), "//host/p");
}

TEST(ResolveUri, RelativeBase) {
  EXPECT_EQ(resolve_uri("schemas/root.json", "item.json"), "schemas/item.json");
  EXPECT_EQ(resolve_uri("schemas/root.json", "../item.json"), "item.json");
  EXPECT_EQ(resolve_uri("schemas/root.json", "#/a"), "schemas/root.json#/a");
  EXPECT_EQ(resolve_uri("root.json", "item.json"), "item.json");
  EXPECT_EQ(resolve_uri("/schemas/root.json", "item.json"), "/schemas/item.json");
  EXPECT_EQ(resolve_uri("schemas/root.json", "http://example.com/x"), "http://example.com/x");
  EXPECT_EQ(resolve_uri("//example.com/a/b", "c"), "//example.com/a/c");
}

// A result must read back as itself: no colon in a relative first segment, no "//" path
// without an authority.
TEST(ResolveUri, KeepsResultsUnambiguous) {
  EXPECT_EQ(resolve_uri("x/y", "../a:b"), "./a:b");
  EXPECT_EQ(resolve_uri("", "./a:b"), "./a:b");
  EXPECT_EQ(resolve_uri("", "a/b:c"), "a/b:c");
  EXPECT_EQ(resolve_uri("a:/b", ".//c"), "a:/.//c");
  EXPECT_EQ(resolve_uri("", "/.//c"), "/.//c");
}

TEST(ResolveUri, AuthorityWithEmptyPath) {
  EXPECT_EQ(resolve_uri("http://example.com", "a.json"), "http://example.com/a.json");
  EXPECT_EQ(resolve_uri("http://example.com", "?q"), "http://example.com?q");
}

TEST(UriFragment, SplitsAtFirstHash) {
  EXPECT_EQ(uri_without_fragment("http://x/y#a#b"), "http://x/y");
  EXPECT_EQ(uri_fragment("http://x/y#a#b"), "a#b");
  EXPECT_EQ(uri_without_fragment("http://x/y"), "http://x/y");
  EXPECT_EQ(uri_fragment("http://x/y"), "");
  EXPECT_EQ(uri_fragment("#"), "");
}

TEST(PercentDecode, DecodesAndRejectsMalformedEscapes) {
  std::string out;
  EXPECT_TRUE(percent_decode("a%20b%2Fc%7e", &out));
  EXPECT_EQ(out, "a b/c~");
  EXPECT_TRUE(percent_decode("", &out));
  EXPECT_EQ(out, "");
  EXPECT_TRUE(percent_decode("%C3%A9", &out));
  EXPECT_EQ(out, "\xC3\xA9");
  EXPECT_FALSE(percent_decode("%", &out));
  EXPECT_FALSE(percent_decode("%4", &out));
  EXPECT_FALSE(percent_decode("%G1", &out));
  EXPECT_FALSE(percent_decode("abc%", &out));
}

TEST(IsUri, Valid) {
  for (const char* text : {
           "http://foo.bar/?baz=qux#quux",
           "http://foo.com/blah_(wikipedia)_blah#cite-1",
           "http://foo.bar/?q=Test%20URL-encoded%20stuff",
           "http://-.~_!$&'()*+,;=:%40:80%2f::::::@example.com",
           "http://223.255.255.254",
           "http://[::1]",
           "http://[::1]:8080/",
           "http://[v1.fe]",
           "http://[V1A.x:y]",
           "ldap://[2001:db8::7]/c=GB?objectClass?one",
           "mailto:John.Doe@example.com",
           "tel:+1-816-555-1212",
           "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
           "file:/etc/hosts",
           "file:///etc/hosts",
           "http://087.10.0.1/",
           "http://999.999.999.999/",
           "http://example.com:/",
           "a:",
           "http://",
       }) {
    EXPECT_TRUE(is_uri(text)) << text;
    EXPECT_TRUE(is_uri_reference(text)) << text;
    EXPECT_TRUE(is_iri(text)) << text;
  }
}

TEST(IsUri, Invalid) {
  for (const char* text : {
           "//foo.bar/?baz=qux#quux",
           "/abc",
           "abc",
           "",
           "\\\\WINDOWS\\fileshare",
           "http:// shouldfail.com",
           ":// should fail",
           "bar,baz:foo",
           "https://[@example.org/test.txt",
           "https://example.org/foobar\xC2\xAE.txt",
           "https://example.org/foo bar.txt",
           "https://example.org/foobar|.txt",
           "https://example.org/foobar{}.txt",
           "http://example.com/%6G",
           "http://example.com/%A",
           "http://example.com/%",
           "1http://example.com",
           "ht_tp://example.com",
           "http://example.com:abc/path",
           "http://[::ffff:01.2.3.4]",
           "http://[1:2:3:4:5:6:7:8:9]",
           "http://[::1",
           "http://[::1]x",
           "http://[v.fe]",
           "http://[vff.]",
           "http:/[::1]",
           "http://a@b@example.com/",
           "http://example.com/#a#b",
       }) {
    EXPECT_FALSE(is_uri(text)) << text;
  }
}

TEST(IsUriReference, ValidAndInvalid) {
  for (const char* text : {"//foo.bar/?baz=qux#quux", "/abc", "abc", "#fragment", "", "?query=1",
                           "//", "./this:that", "a/b:c", "../x"}) {
    EXPECT_TRUE(is_uri_reference(text)) << text;
  }
  for (const char* text :
       {"\\\\WINDOWS\\fileshare", "#frag\\ment", "/foobar\xC2\xAE.txt", "/%zz", "/a\"b",
        "/[::1]", "//example.com:abc/p", "//a@b@example.com/", "//[::ffff:192.168.0.01]/p", "1:b",
        "this:that:x y"}) {
    EXPECT_FALSE(is_uri_reference(text)) << text;
  }
}

TEST(IsIri, AllowsUcscharAndIprivateOnlyInQuery) {
  EXPECT_TRUE(is_iri("http://\xC6\x92\xC3\xB8\xC3\xB8.\xC3\x9F\xC3\xA5r/?\xE2\x88\x82=x#\xCF\x80"));
  EXPECT_TRUE(is_iri("http://x/\xF0\x90\x8C\x80"));          // U+10300
  EXPECT_TRUE(is_iri("http://x/?q=\xF3\xB0\x80\x80"));       // U+F0000 (iprivate) in query
  EXPECT_FALSE(is_iri("http://x/\xF3\xB0\x80\x80"));         // iprivate in path
  EXPECT_FALSE(is_iri("http://x/#\xEE\x80\x80"));            // U+E000 (iprivate) in fragment
  EXPECT_FALSE(is_iri("http://x/\xEF\xBF\xBE"));             // U+FFFE noncharacter
  EXPECT_FALSE(is_iri("http://x/\xC2\x85"));                 // U+0085 is not ucschar
  EXPECT_FALSE(is_iri("http://x/\xC3"));                     // truncated UTF-8
  EXPECT_FALSE(is_iri("http://x/\xED\xA0\x80"));             // surrogate
  EXPECT_FALSE(is_iri("http://\xC6\x92\xC3\xB8\xC3\xB8.\xC3\x9F\xC3\xA5r/\n"));
  EXPECT_FALSE(is_iri("http://2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
  EXPECT_TRUE(is_iri("http://[2001:0db8:85a3:0000:0000:8a2e:0370:7334]"));
  EXPECT_FALSE(is_iri("\xC3\xA2\xCF\x80\xCF\x80"));
  EXPECT_FALSE(is_uri("http://x/\xF0\x90\x8C\x80"));
}

TEST(IsIriReference, ValidAndInvalid) {
  EXPECT_TRUE(is_iri_reference("//\xC6\x92\xC3\xB8\xC3\xB8.\xC3\x9F\xC3\xA5r/?a=b#c"));
  EXPECT_TRUE(is_iri_reference("/\xC3\xA2\xCF\x80\xCF\x80"));
  EXPECT_TRUE(is_iri_reference("\xC3\xA2\xCF\x80\xCF\x80"));
  EXPECT_TRUE(is_iri_reference("#\xC6\x92r\xC3\xA4gm\xC3\xAAnt"));
  EXPECT_FALSE(is_iri_reference("#\xC6\x92r\xC3\xA4g\\m\xC3\xAAnt"));
  EXPECT_FALSE(is_iri_reference("\\\\WINDOWS\\fil\xC3\xAB"));
}

TEST(IpAddress, Ipv4) {
  EXPECT_TRUE(is_ipv4_address("192.168.0.1"));
  EXPECT_TRUE(is_ipv4_address("0.0.0.0"));
  EXPECT_TRUE(is_ipv4_address("255.255.255.255"));
  EXPECT_FALSE(is_ipv4_address("256.0.0.1"));
  EXPECT_FALSE(is_ipv4_address("01.2.3.4"));
  EXPECT_FALSE(is_ipv4_address("1.2.3"));
  EXPECT_FALSE(is_ipv4_address("1.2.3.4.5"));
  EXPECT_FALSE(is_ipv4_address("1.2.3.4."));
  EXPECT_FALSE(is_ipv4_address(""));
}

TEST(IpAddress, Ipv6) {
  for (const char* text : {"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1::8", "1:2:3:4:5:6:7::",
                           "::2:3:4:5:6:7:8", "::ffff:192.168.0.1", "1:2:3:4:5:6:1.2.3.4",
                           "1::1.2.3.4", "ABCD:ef01::"}) {
    EXPECT_TRUE(is_ipv6_address(text)) << text;
  }
  for (const char* text :
       {"", ":", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":1::", "1:", "1::8:",
        "12345::", "g::", "::ffff:01.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::", "fe80::1%eth0",
        "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8"}) {
    EXPECT_FALSE(is_ipv6_address(text)) << text;
  }
}

}  // namespace
}  // namespace specgate::detail
