// Internal: URI references (RFC 3986 / RFC 3987) for $id/$ref resolution and the uri/iri formats.
#ifndef SPECGATE_SRC_URI_H_
#define SPECGATE_SRC_URI_H_

#include <string>
#include <string_view>

namespace specgate::detail {

// Resolves `reference` against `base` (RFC 3986 section 5.2, with remove_dot_segments) and
// normalizes the result: scheme and host lower-cased, an empty fragment ("x#") dropped.
// An empty or relative `base` is allowed: the result is then the reference merged as far as
// possible (a relative reference against a relative base stays relative, dot segments removed).
std::string resolve_uri(std::string_view base, std::string_view reference);

// The part of `uri` before '#', and the fragment after it (without '#'; empty when none).
std::string_view uri_without_fragment(std::string_view uri);
std::string_view uri_fragment(std::string_view uri);

// True when `text` is a URI (RFC 3986 "URI": has a scheme), a URI reference, an IRI or an
// IRI reference (RFC 3987: non-ASCII allowed where RFC 3987 allows ucschar/iprivate).
bool is_uri(std::string_view text);
bool is_uri_reference(std::string_view text);
bool is_iri(std::string_view text);
bool is_iri_reference(std::string_view text);

// True when `text` is an RFC 3986 IPv4address (four dec-octets, no leading zeros) or an
// RFC 4291 IPv6 address in text form (compressed "::" and an embedded IPv4 tail allowed; no
// brackets, no zone id). Shared by the IP-literal check above and the ipv4/ipv6 formats.
bool is_ipv4_address(std::string_view text);
bool is_ipv6_address(std::string_view text);

// Percent-decodes `text` into `out`. Returns false on a malformed escape ("%", "%G1").
// Decoded bytes are not checked for UTF-8 validity here.
bool percent_decode(std::string_view text, std::string* out);

}  // namespace specgate::detail

#endif  // SPECGATE_SRC_URI_H_
