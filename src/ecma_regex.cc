// ECMA-262 patterns, as JSON Schema's `pattern` uses them, translated to RE2 syntax.
//
// The translator is a recursive-descent parser of the ECMA-262 Pattern grammar with the
// [UnicodeMode] parameter set and without Annex B leniency (so '\a', a lone '{' or ']' and '\c1'
// are syntax errors, as they are for `new RegExp(p, "u")`). It writes RE2 text as it parses: every
// atom becomes a self-contained RE2 unit, so a quantifier that follows binds to all of it.
//
// Sets of characters ('.', '\d', '\s', classes, '\p{...}') are built as explicit code point ranges
// plus RE2 Unicode property names, then emitted in one normalised form. No ECMA class syntax
// reaches RE2, so differences such as RE2's '[[:alpha:]]' or ECMA's '[^]' cannot leak through.
//
// Errors come in two kinds. A syntax error stops the parse at once. A feature that RE2 cannot run
// (backreferences, look-around, some Unicode properties) is remembered and the parse goes on, so
// "... is not supported" is only reported for a pattern that is otherwise valid ECMA-262, and
// a syntax error anywhere in the pattern always wins over it.
#include "ecma_regex.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace specgate::detail {
namespace {

constexpr char32_t kMaxCodePoint = 0x10FFFF;
// RE2 rejects counted repetitions above this bound ("invalid repetition size").
constexpr std::uint64_t kMaxRe2Repeat = 1000;
// Bounds the parser's recursion so that a hostile pattern cannot exhaust the stack.
constexpr int kMaxGroupNesting = 200;
// Emitted for a set that contains no code point at all, such as ECMA's '[]'.
constexpr std::string_view kNeverMatches = "[^\\x00-\\x{10FFFF}]";
constexpr std::string_view kAnyCodePoint = "[\\x00-\\x{10FFFF}]";

using Range = std::pair<char32_t, char32_t>;  // inclusive bounds

bool is_surrogate(char32_t c) { return c >= 0xD800 && c <= 0xDFFF; }
bool is_ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_ascii_letter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_word(char32_t c) { return is_ascii_letter(c) || is_ascii_digit(c) || c == '_'; }

int hex_value(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<int>(c - 'a' + 10);
  if (c >= 'A' && c <= 'F') return static_cast<int>(c - 'A' + 10);
  return -1;
}

// ECMA-262 SyntaxCharacter: the characters that need a backslash to be literal.
bool is_syntax_character(char32_t c) {
  return c < 0x80 && std::string_view("^$\\.*+?()[]{}|").find(static_cast<char>(c)) !=
                         std::string_view::npos;
}

// Decodes strict UTF-8 (no overlong forms, no surrogates), keeping each code point's byte offset
// so that error messages can point into the pattern the user wrote.
bool decode_utf8(std::string_view text, std::u32string* out, std::vector<std::size_t>* offsets) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    int length = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (lead < 0x80) {
      length = 1;
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      cp = lead & 0x1F;
      min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      cp = lead & 0x0F;
      min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      cp = lead & 0x07;
      min = 0x10000;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (int k = 1; k < length; ++k) {
      const unsigned char next = byte(i + k);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3F);
    }
    if (cp < min || cp > kMaxCodePoint || is_surrogate(cp)) return false;
    out->push_back(cp);
    offsets->push_back(i);
    i += length;
  }
  offsets->push_back(text.size());
  return true;
}

void append_utf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void append_hex_escape(char32_t cp, std::string* out) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string hex;
  do {
    hex.insert(hex.begin(), kDigits[cp & 0xF]);
    cp >>= 4;
  } while (cp != 0);
  *out += "\\x{";
  *out += hex;
  out->push_back('}');
}

// A code point as a literal outside a class. Surrogates cannot be UTF-8 encoded, and RE2 accepts
// them only as \x{...} escapes (which then never match valid UTF-8 input, as in ECMA u-mode where
// a lone surrogate never matches a well-formed string).
void append_literal(char32_t cp, std::string* out) {
  if (cp < 0x20 || cp == 0x7F || is_surrogate(cp)) {
    append_hex_escape(cp, out);
  } else if (cp < 0x80) {
    if (is_syntax_character(cp)) out->push_back('\\');
    out->push_back(static_cast<char>(cp));
  } else {
    append_utf8(cp, out);
  }
}

// A code point inside an RE2 class: only letters and digits stay bare, so no character can take
// on a class meaning ('-', ']', '^', '\', '[:').
void append_class_member(char32_t cp, std::string* out) {
  if (is_ascii_letter(cp) || is_ascii_digit(cp)) {
    out->push_back(static_cast<char>(cp));
  } else {
    append_hex_escape(cp, out);
  }
}

std::vector<Range> normalize(std::vector<Range> ranges) {
  std::sort(ranges.begin(), ranges.end());
  std::vector<Range> merged;
  for (const Range& r : ranges) {
    if (!merged.empty() && r.first <= merged.back().second + 1) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

std::vector<Range> complement(const std::vector<Range>& ranges) {
  std::vector<Range> out;
  char32_t next = 0;
  for (const Range& r : normalize(ranges)) {
    if (r.first > next) out.push_back({next, r.first - 1});
    next = r.second + 1;
  }
  if (next <= kMaxCodePoint) out.push_back({next, kMaxCodePoint});
  return out;
}

// One term of an RE2 class that names a Unicode property: \p{name} or \P{name}.
struct PropertyTerm {
  std::string name;
  bool negated = false;
  bool operator==(const PropertyTerm& o) const { return name == o.name && negated == o.negated; }
  bool operator<(const PropertyTerm& o) const {
    return name != o.name ? name < o.name : negated < o.negated;
  }
};

// A set of code points in the shape one RE2 class can express: the union of explicit ranges and
// property terms, or (complemented) everything outside that union.
struct CharSet {
  std::vector<Range> ranges;
  std::vector<PropertyTerm> terms;
  bool complemented = false;

  void canonicalize() {
    ranges = normalize(std::move(ranges));
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  }
  bool operator==(const CharSet& o) const {
    return ranges == o.ranges && terms == o.terms && complemented == o.complemented;
  }
};

CharSet ranges_set(std::vector<Range> ranges) {
  CharSet set;
  set.ranges = std::move(ranges);
  set.canonicalize();
  return set;
}

CharSet terms_set(std::initializer_list<const char*> names, bool complemented = false) {
  CharSet set;
  for (const char* name : names) set.terms.push_back({name, false});
  set.complemented = complemented;
  set.canonicalize();
  return set;
}

CharSet complement_set(CharSet set) {
  if (set.complemented) {
    set.complemented = false;
  } else if (set.terms.empty()) {
    set.ranges = complement(set.ranges);
  } else if (set.ranges.empty() && set.terms.size() == 1) {
    set.terms[0].negated = !set.terms[0].negated;
  } else {
    set.complemented = true;
  }
  return set;
}

// ECMA-262 \d, \w, \s and '.', all fixed by the spec (ASCII for \d and \w even in u-mode).
const std::vector<Range>& digit_ranges() {
  static const std::vector<Range> kRanges = {{'0', '9'}};
  return kRanges;
}
const std::vector<Range>& word_ranges() {
  static const std::vector<Range> kRanges = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
  return kRanges;
}
// WhiteSpace (TAB, VT, FF, ZWNBSP, every Zs) plus LineTerminator (LF, CR, LS, PS).
const std::vector<Range>& space_ranges() {
  static const std::vector<Range> kRanges = {
      {0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680},
      {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F},
      {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
  return kRanges;
}
const std::vector<Range>& line_terminator_ranges() {
  static const std::vector<Range> kRanges = {{0x0A, 0x0A}, {0x0D, 0x0D}, {0x2028, 0x2029}};
  return kRanges;
}

// --- Unicode properties -------------------------------------------------------------------------

// General_Category values as ECMA-262 accepts them (long name, short name, extra alias), mapped
// by short name. RE2 knows every short name except LC and Cn; C differs (RE2's C omits Cn).
struct CategoryName {
  const char* long_name;
  const char* short_name;
  const char* alias;
};
constexpr CategoryName kCategories[] = {
    {"Cased_Letter", "LC", nullptr},
    {"Close_Punctuation", "Pe", nullptr},
    {"Connector_Punctuation", "Pc", nullptr},
    {"Control", "Cc", "cntrl"},
    {"Currency_Symbol", "Sc", nullptr},
    {"Dash_Punctuation", "Pd", nullptr},
    {"Decimal_Number", "Nd", "digit"},
    {"Enclosing_Mark", "Me", nullptr},
    {"Final_Punctuation", "Pf", nullptr},
    {"Format", "Cf", nullptr},
    {"Initial_Punctuation", "Pi", nullptr},
    {"Letter", "L", nullptr},
    {"Letter_Number", "Nl", nullptr},
    {"Line_Separator", "Zl", nullptr},
    {"Lowercase_Letter", "Ll", nullptr},
    {"Mark", "M", "Combining_Mark"},
    {"Math_Symbol", "Sm", nullptr},
    {"Modifier_Letter", "Lm", nullptr},
    {"Modifier_Symbol", "Sk", nullptr},
    {"Nonspacing_Mark", "Mn", nullptr},
    {"Number", "N", nullptr},
    {"Open_Punctuation", "Ps", nullptr},
    {"Other", "C", nullptr},
    {"Other_Letter", "Lo", nullptr},
    {"Other_Number", "No", nullptr},
    {"Other_Punctuation", "Po", nullptr},
    {"Other_Symbol", "So", nullptr},
    {"Paragraph_Separator", "Zp", nullptr},
    {"Private_Use", "Co", nullptr},
    {"Punctuation", "P", "punct"},
    {"Separator", "Z", nullptr},
    {"Space_Separator", "Zs", nullptr},
    {"Spacing_Mark", "Mc", nullptr},
    {"Surrogate", "Cs", nullptr},
    {"Symbol", "S", nullptr},
    {"Titlecase_Letter", "Lt", nullptr},
    {"Unassigned", "Cn", nullptr},
    {"Uppercase_Letter", "Lu", nullptr},
};

const CategoryName* find_category(std::string_view name) {
  for (const CategoryName& c : kCategories) {
    if (name == c.long_name || name == c.short_name || (c.alias != nullptr && name == c.alias)) {
      return &c;
    }
  }
  return nullptr;
}

CharSet category_set(std::string_view short_name) {
  // Every code point has exactly one general category, so the categories RE2 lacks are the
  // complement of the ones it has.
  if (short_name == "LC") return terms_set({"Lu", "Ll", "Lt"});
  if (short_name == "C") return terms_set({"L", "M", "N", "P", "S", "Z"}, true);
  if (short_name == "Cn") {
    return terms_set({"L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co", "Cs"}, true);
  }
  CharSet set;
  set.terms.push_back({std::string(short_name), false});
  return set;
}

// Script values (long name, short name) from Unicode's PropertyValueAliases.txt. Which of them
// RE2 can match depends on the Unicode version it was built with; see re2_knows_script().
struct ScriptName {
  const char* long_name;
  const char* short_name;
};
constexpr ScriptName kScripts[] = {
    {"Adlam", "Adlm"}, {"Ahom", "Ahom"}, {"Anatolian_Hieroglyphs", "Hluw"},
    {"Arabic", "Arab"}, {"Armenian", "Armn"}, {"Avestan", "Avst"}, {"Balinese", "Bali"},
    {"Bamum", "Bamu"}, {"Bassa_Vah", "Bass"}, {"Batak", "Batk"}, {"Bengali", "Beng"},
    {"Bhaiksuki", "Bhks"}, {"Bopomofo", "Bopo"}, {"Brahmi", "Brah"}, {"Braille", "Brai"},
    {"Buginese", "Bugi"}, {"Buhid", "Buhd"}, {"Canadian_Aboriginal", "Cans"},
    {"Carian", "Cari"}, {"Caucasian_Albanian", "Aghb"}, {"Chakma", "Cakm"}, {"Cham", "Cham"},
    {"Cherokee", "Cher"}, {"Chorasmian", "Chrs"}, {"Common", "Zyyy"}, {"Coptic", "Copt"},
    {"Coptic", "Qaac"}, {"Cuneiform", "Xsux"}, {"Cypriot", "Cprt"}, {"Cypro_Minoan", "Cpmn"},
    {"Cyrillic", "Cyrl"}, {"Deseret", "Dsrt"}, {"Devanagari", "Deva"}, {"Dives_Akuru", "Diak"},
    {"Dogra", "Dogr"}, {"Duployan", "Dupl"}, {"Egyptian_Hieroglyphs", "Egyp"},
    {"Elbasan", "Elba"}, {"Elymaic", "Elym"}, {"Ethiopic", "Ethi"}, {"Garay", "Gara"},
    {"Georgian", "Geor"}, {"Glagolitic", "Glag"}, {"Gothic", "Goth"}, {"Grantha", "Gran"},
    {"Greek", "Grek"}, {"Gujarati", "Gujr"}, {"Gunjala_Gondi", "Gong"}, {"Gurmukhi", "Guru"},
    {"Gurung_Khema", "Gukh"}, {"Han", "Hani"}, {"Hangul", "Hang"}, {"Hanifi_Rohingya", "Rohg"},
    {"Hanunoo", "Hano"}, {"Hatran", "Hatr"}, {"Hebrew", "Hebr"}, {"Hiragana", "Hira"},
    {"Imperial_Aramaic", "Armi"}, {"Inherited", "Zinh"}, {"Inherited", "Qaai"},
    {"Inscriptional_Pahlavi", "Phli"}, {"Inscriptional_Parthian", "Prti"},
    {"Javanese", "Java"}, {"Kaithi", "Kthi"}, {"Kannada", "Knda"}, {"Katakana", "Kana"},
    {"Katakana_Or_Hiragana", "Hrkt"}, {"Kawi", "Kawi"}, {"Kayah_Li", "Kali"},
    {"Kharoshthi", "Khar"}, {"Khitan_Small_Script", "Kits"}, {"Khmer", "Khmr"},
    {"Khojki", "Khoj"}, {"Khudawadi", "Sind"}, {"Kirat_Rai", "Krai"}, {"Lao", "Laoo"},
    {"Latin", "Latn"}, {"Lepcha", "Lepc"}, {"Limbu", "Limb"}, {"Linear_A", "Lina"},
    {"Linear_B", "Linb"}, {"Lisu", "Lisu"}, {"Lycian", "Lyci"}, {"Lydian", "Lydi"},
    {"Mahajani", "Mahj"}, {"Makasar", "Maka"}, {"Malayalam", "Mlym"}, {"Mandaic", "Mand"},
    {"Manichaean", "Mani"}, {"Marchen", "Marc"}, {"Masaram_Gondi", "Gonm"},
    {"Medefaidrin", "Medf"}, {"Meetei_Mayek", "Mtei"}, {"Mende_Kikakui", "Mend"},
    {"Meroitic_Cursive", "Merc"}, {"Meroitic_Hieroglyphs", "Mero"}, {"Miao", "Plrd"},
    {"Modi", "Modi"}, {"Mongolian", "Mong"}, {"Mro", "Mroo"}, {"Multani", "Mult"},
    {"Myanmar", "Mymr"}, {"Nabataean", "Nbat"}, {"Nag_Mundari", "Nagm"},
    {"Nandinagari", "Nand"}, {"New_Tai_Lue", "Talu"}, {"Newa", "Newa"}, {"Nko", "Nkoo"},
    {"Nushu", "Nshu"}, {"Nyiakeng_Puachue_Hmong", "Hmnp"}, {"Ogham", "Ogam"},
    {"Ol_Chiki", "Olck"}, {"Ol_Onal", "Onao"}, {"Old_Hungarian", "Hung"},
    {"Old_Italic", "Ital"}, {"Old_North_Arabian", "Narb"}, {"Old_Permic", "Perm"},
    {"Old_Persian", "Xpeo"}, {"Old_Sogdian", "Sogo"}, {"Old_South_Arabian", "Sarb"},
    {"Old_Turkic", "Orkh"}, {"Old_Uyghur", "Ougr"}, {"Oriya", "Orya"}, {"Osage", "Osge"},
    {"Osmanya", "Osma"}, {"Pahawh_Hmong", "Hmng"}, {"Palmyrene", "Palm"},
    {"Pau_Cin_Hau", "Pauc"}, {"Phags_Pa", "Phag"}, {"Phoenician", "Phnx"},
    {"Psalter_Pahlavi", "Phlp"}, {"Rejang", "Rjng"}, {"Runic", "Runr"}, {"Samaritan", "Samr"},
    {"Saurashtra", "Saur"}, {"Sharada", "Shrd"}, {"Shavian", "Shaw"}, {"Siddham", "Sidd"},
    {"SignWriting", "Sgnw"}, {"Sinhala", "Sinh"}, {"Sogdian", "Sogd"},
    {"Sora_Sompeng", "Sora"}, {"Soyombo", "Soyo"}, {"Sundanese", "Sund"}, {"Sunuwar", "Sunu"},
    {"Syloti_Nagri", "Sylo"}, {"Syriac", "Syrc"}, {"Tagalog", "Tglg"}, {"Tagbanwa", "Tagb"},
    {"Tai_Le", "Tale"}, {"Tai_Tham", "Lana"}, {"Tai_Viet", "Tavt"}, {"Takri", "Takr"},
    {"Tamil", "Taml"}, {"Tangsa", "Tnsa"}, {"Tangut", "Tang"}, {"Telugu", "Telu"},
    {"Thaana", "Thaa"}, {"Thai", "Thai"}, {"Tibetan", "Tibt"}, {"Tifinagh", "Tfng"},
    {"Tirhuta", "Tirh"}, {"Todhri", "Todr"}, {"Toto", "Toto"}, {"Tulu_Tigalari", "Tutg"},
    {"Ugaritic", "Ugar"}, {"Unknown", "Zzzz"}, {"Vai", "Vaii"}, {"Vithkuqi", "Vith"},
    {"Wancho", "Wcho"}, {"Warang_Citi", "Wara"}, {"Yezidi", "Yezi"}, {"Yi", "Yiii"},
    {"Zanabazar_Square", "Zanb"},
};

const ScriptName* find_script(std::string_view name) {
  for (const ScriptName& s : kScripts) {
    if (name == s.long_name || name == s.short_name) return &s;
  }
  return nullptr;
}

// Asks the linked RE2 once which scripts it has, so an RE2 built for a newer Unicode version
// gains scripts without a change here. Computed behind a function-local static (thread-safe).
bool re2_knows_script(const char* long_name) {
  static const std::set<std::string>* const kKnown = [] {
    auto* known = new std::set<std::string>();
    RE2::Options options;
    options.set_log_errors(false);
    for (const ScriptName& s : kScripts) {
      if (RE2(std::string("\\p{") + s.long_name + "}", options).ok()) known->insert(s.long_name);
    }
    return known;
  }();
  return kKnown->count(long_name) != 0;
}

// Binary properties ECMA-262 accepts in \p{...} (long name, short name). Those whose extent is
// fixed by the standard (or derived from the general category) are supported; for the rest RE2
// has no table, and approximating them would change what the pattern matches.
struct BinaryProperty {
  const char* long_name;
  const char* short_name;
};
constexpr BinaryProperty kBinaryProperties[] = {
    {"ASCII", "ASCII"}, {"ASCII_Hex_Digit", "AHex"}, {"Alphabetic", "Alpha"}, {"Any", "Any"},
    {"Assigned", "Assigned"}, {"Bidi_Control", "Bidi_C"}, {"Bidi_Mirrored", "Bidi_M"},
    {"Case_Ignorable", "CI"}, {"Cased", "Cased"}, {"Changes_When_Casefolded", "CWCF"},
    {"Changes_When_Casemapped", "CWCM"}, {"Changes_When_Lowercased", "CWL"},
    {"Changes_When_NFKC_Casefolded", "CWKCF"}, {"Changes_When_Titlecased", "CWT"},
    {"Changes_When_Uppercased", "CWU"}, {"Dash", "Dash"},
    {"Default_Ignorable_Code_Point", "DI"}, {"Deprecated", "Dep"}, {"Diacritic", "Dia"},
    {"Emoji", "Emoji"}, {"Emoji_Component", "EComp"}, {"Emoji_Modifier", "EMod"},
    {"Emoji_Modifier_Base", "EBase"}, {"Emoji_Presentation", "EPres"},
    {"Extended_Pictographic", "ExtPict"}, {"Extender", "Ext"}, {"Grapheme_Base", "Gr_Base"},
    {"Grapheme_Extend", "Gr_Ext"}, {"Hex_Digit", "Hex"}, {"IDS_Binary_Operator", "IDSB"},
    {"IDS_Trinary_Operator", "IDST"}, {"ID_Continue", "IDC"}, {"ID_Start", "IDS"},
    {"Ideographic", "Ideo"}, {"Join_Control", "Join_C"}, {"Logical_Order_Exception", "LOE"},
    {"Lowercase", "Lower"}, {"Math", "Math"}, {"Noncharacter_Code_Point", "NChar"},
    {"Pattern_Syntax", "Pat_Syn"}, {"Pattern_White_Space", "Pat_WS"},
    {"Quotation_Mark", "QMark"}, {"Radical", "Radical"}, {"Regional_Indicator", "RI"},
    {"Sentence_Terminal", "STerm"}, {"Soft_Dotted", "SD"}, {"Terminal_Punctuation", "Term"},
    {"Unified_Ideograph", "UIdeo"}, {"Uppercase", "Upper"}, {"Variation_Selector", "VS"},
    {"White_Space", "space"}, {"XID_Continue", "XIDC"}, {"XID_Start", "XIDS"},
};

// Returns false when RE2 cannot express the property.
bool binary_property_set(std::string_view long_name, CharSet* out) {
  if (long_name == "Any") {
    *out = ranges_set({{0, kMaxCodePoint}});
  } else if (long_name == "ASCII") {
    *out = ranges_set({{0, 0x7F}});
  } else if (long_name == "ASCII_Hex_Digit") {
    *out = ranges_set({{'0', '9'}, {'A', 'F'}, {'a', 'f'}});
  } else if (long_name == "Hex_Digit") {
    *out = ranges_set({{'0', '9'}, {'A', 'F'}, {'a', 'f'}, {0xFF10, 0xFF19}, {0xFF21, 0xFF26},
                       {0xFF41, 0xFF46}});
  } else if (long_name == "Assigned") {
    *out = terms_set({"L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Co", "Cs"});
  } else if (long_name == "White_Space") {
    *out = ranges_set({{0x09, 0x0D}, {0x20, 0x20}, {0x85, 0x85}, {0xA0, 0xA0},
                       {0x1680, 0x1680}, {0x2000, 0x200A}, {0x2028, 0x2029},
                       {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}});
  } else if (long_name == "Pattern_White_Space") {
    // Immutable by Unicode's stability policy.
    *out = ranges_set({{0x09, 0x0D}, {0x20, 0x20}, {0x85, 0x85}, {0x200E, 0x200F},
                       {0x2028, 0x2029}});
  } else if (long_name == "Join_Control") {
    *out = ranges_set({{0x200C, 0x200D}});
  } else if (long_name == "Bidi_Control") {
    *out = ranges_set({{0x061C, 0x061C}, {0x200E, 0x200F}, {0x202A, 0x202E}, {0x2066, 0x2069}});
  } else if (long_name == "Regional_Indicator") {
    *out = ranges_set({{0x1F1E6, 0x1F1FF}});
  } else if (long_name == "Noncharacter_Code_Point") {
    // Fixed forever: U+FDD0..U+FDEF and the last two code points of every plane.
    std::vector<Range> ranges = {{0xFDD0, 0xFDEF}};
    for (char32_t plane = 0; plane <= 0x10; ++plane) {
      ranges.push_back({plane * 0x10000 + 0xFFFE, plane * 0x10000 + 0xFFFF});
    }
    *out = ranges_set(std::move(ranges));
  } else {
    return false;
  }
  return true;
}

const BinaryProperty* find_binary_property(std::string_view name) {
  for (const BinaryProperty& p : kBinaryProperties) {
    if (name == p.long_name || name == p.short_name) return &p;
  }
  return nullptr;
}

// Code point classes for capture group names (ECMA RegExpIdentifierName). RE2 supplies the
// general categories; the Other_ID_Start / Other_ID_Continue code points are listed explicitly.
bool is_identifier_char(char32_t cp, bool start) {
  if (cp < 0x80) {
    return cp == '$' || cp == '_' || is_ascii_letter(cp) || (!start && is_ascii_digit(cp));
  }
  if (!start && (cp == 0x200C || cp == 0x200D)) return true;
  if (is_surrogate(cp)) return false;
  static const RE2* const kStart =
      new RE2("[\\p{L}\\p{Nl}\\x{1885}\\x{1886}\\x{2118}\\x{212E}\\x{309B}\\x{309C}]");
  static const RE2* const kContinue = new RE2(
      "[\\p{L}\\p{Nl}\\p{Mn}\\p{Mc}\\p{Nd}\\p{Pc}\\x{1885}\\x{1886}\\x{2118}\\x{212E}"
      "\\x{309B}\\x{309C}\\x{B7}\\x{387}\\x{1369}-\\x{1371}\\x{19DA}\\x{30FB}\\x{FF65}]");
  std::string text;
  append_utf8(cp, &text);
  return RE2::FullMatch(text, start ? *kStart : *kContinue);
}

// --- The parser ---------------------------------------------------------------------------------

// A capturing group, with the alternatives that enclose it: (disjunction id, alternative index)
// from the outermost disjunction inwards. Used to allow a duplicate name only in different
// alternatives of one disjunction (ES2025).
struct Group {
  std::string name;
  std::vector<std::pair<int, int>> path;
};

struct Backreference {
  std::size_t position;
  int number = 0;    // \N, or 0 for a named reference
  std::string name;  // \k<name>
};

class Translator {
 public:
  Translator(const std::u32string& pattern, const std::vector<std::size_t>& offsets)
      : p_(pattern), offsets_(offsets) {}

  bool run(std::string* out, std::string* error) {
    bool ok = parse_disjunction(out);
    if (ok && uses_not_word_boundary_) {
      // RE2 tests \B at byte positions and starts an unanchored search at any byte, so \B can
      // hold between the bytes of one UTF-8 character (RE2 finds /\B/ in "_\u2C80" + "2", ECMA
      // does not). Stepping over whole code points to the start of the match rules that out.
      *out = "^(?s:.)*?(?:" + *out + ")";
    }
    if (ok && pos_ < p_.size()) ok = fail("unmatched ')'");
    if (ok) ok = check_backreferences();
    if (ok && !unsupported_.empty()) {
      *error = unsupported_;
      return false;
    }
    if (!ok) *error = syntax_error_;
    return ok;
  }

  // After run(): true when the pattern is valid ECMA-262, whether or not RE2 can run it.
  bool syntax_ok() const { return syntax_error_.empty(); }

 private:
  bool at_end() const { return pos_ >= p_.size(); }
  char32_t cur() const { return p_[pos_]; }
  bool peek(char32_t c, std::size_t ahead = 0) const {
    return pos_ + ahead < p_.size() && p_[pos_ + ahead] == c;
  }

  std::string where(std::size_t position) const {
    return " (at offset " + std::to_string(offsets_[std::min(position, p_.size())]) + ")";
  }
  bool fail(const std::string& message) { return fail_at(message, pos_); }
  bool fail_at(const std::string& message, std::size_t position) {
    if (syntax_error_.empty()) syntax_error_ = message + where(position);
    return false;
  }
  void unsupported_at(const std::string& message, std::size_t position) {
    if (unsupported_.empty()) unsupported_ = message + where(position);
  }

  // Disjunction :: Alternative ( '|' Alternative )*
  bool parse_disjunction(std::string* out) {
    path_.push_back({next_disjunction_id_++, 0});
    while (true) {
      while (!at_end() && cur() != '|' && cur() != ')') {
        if (!parse_term(out)) return false;
      }
      if (!peek('|')) break;
      ++pos_;
      out->push_back('|');
      ++path_.back().second;
    }
    path_.pop_back();
    return true;
  }

  // Term :: Assertion | Atom Quantifier?
  bool parse_term(std::string* out) {
    std::string atom;
    bool quantifiable = true;
    switch (cur()) {
      case '^':
      case '$':
        // Without the m flag ECMA's ^ and $ anchor at the ends of the input only, which is what
        // RE2's ^ and $ mean without (?m): RE2's $ does not match before a final "\n".
        atom.push_back(static_cast<char>(cur()));
        quantifiable = false;
        ++pos_;
        break;
      case '\\':
        if (peek('b', 1) || peek('B', 1)) {
          // Both dialects define \b on the ASCII word characters [0-9A-Za-z_].
          atom = peek('b', 1) ? "\\b" : "\\B";
          uses_not_word_boundary_ = uses_not_word_boundary_ || peek('B', 1);
          quantifiable = false;
          pos_ += 2;
        } else if (!parse_atom_escape(&atom)) {
          return false;
        }
        break;
      case '(':
        if (!parse_group(&atom, &quantifiable)) return false;
        break;
      case '.':
        ++pos_;
        append_set(complement_set(ranges_set(line_terminator_ranges())), &atom);
        break;
      case '[':
        if (!parse_class(&atom)) return false;
        break;
      case '*':
      case '+':
      case '?':
        return fail("nothing to repeat");
      case '{':
        return fail(quantifier_follows() ? "nothing to repeat"
                                         : "lone '{' (write \\{ for a literal brace)");
      case '}':
        return fail("lone '}' (write \\} for a literal brace)");
      case ']':
        return fail("lone ']' (write \\] for a literal bracket)");
      default:
        append_literal(cur(), &atom);
        ++pos_;
        break;
    }
    if (!at_end() && (cur() == '*' || cur() == '+' || cur() == '?' || cur() == '{')) {
      if (cur() == '{' && !quantifier_follows()) {
        return fail("incomplete quantifier '{' (write \\{ for a literal brace)");
      }
      if (!quantifiable) return fail("nothing to repeat: an assertion cannot be quantified");
      if (!parse_quantifier(&atom)) return false;
    }
    *out += atom;
    return true;
  }

  // Whether the text at pos_ is a complete '{n}', '{n,}' or '{n,m}'.
  bool quantifier_follows() const {
    std::size_t i = pos_ + 1;
    const auto digits = [&] {
      const std::size_t from = i;
      while (i < p_.size() && is_ascii_digit(p_[i])) ++i;
      return i > from;
    };
    if (!digits()) return false;
    if (i < p_.size() && p_[i] == ',') {
      ++i;
      digits();
    }
    return i < p_.size() && p_[i] == '}';
  }

  std::uint64_t parse_number() {
    std::uint64_t value = 0;
    while (!at_end() && is_ascii_digit(cur())) {
      // Saturates: any count this large is beyond RE2's limit anyway.
      value = std::min<std::uint64_t>(value * 10 + (cur() - '0'), 1'000'000'000);
      ++pos_;
    }
    return value;
  }

  // Appends the RE2 form of the quantifier at pos_ to *atom.
  bool parse_quantifier(std::string* atom) {
    const std::size_t start = pos_;
    if (cur() != '{') {
      atom->push_back(static_cast<char>(cur()));
      ++pos_;
    } else {
      ++pos_;
      const std::uint64_t min = parse_number();
      std::uint64_t max = min;
      bool bounded = true;
      if (peek(',')) {
        ++pos_;
        bounded = !at_end() && is_ascii_digit(cur());
        if (bounded) max = parse_number();
      }
      ++pos_;  // '}', checked by quantifier_follows()
      if (bounded && max < min) return fail_at("numbers out of order in {} quantifier", start);
      if (min > kMaxRe2Repeat || (bounded && max > kMaxRe2Repeat)) {
        unsupported_at("repetition counts above 1000 are not supported by RE2", start);
      }
      *atom += "{" + std::to_string(min);
      if (!bounded) {
        *atom += ",";
      } else if (max != min) {
        *atom += "," + std::to_string(max);
      }
      *atom += "}";
    }
    if (peek('?')) {  // lazy
      atom->push_back('?');
      ++pos_;
    }
    return true;
  }

  bool parse_group(std::string* atom, bool* quantifiable) {
    const std::size_t open = pos_;
    if (depth_ >= kMaxGroupNesting) {
      return fail("groups nested more than " + std::to_string(kMaxGroupNesting) +
                  " deep are not supported");
    }
    ++pos_;
    std::string prefix = "(";
    bool look_around = false;
    if (peek('?')) {
      ++pos_;
      if (peek(':')) {
        ++pos_;
        prefix = "(?:";
      } else if (peek('=') || peek('!')) {
        ++pos_;
        look_around = true;
        unsupported_at(
            "look-ahead assertions (?= and (?! are not supported (RE2 runs in linear time)", open);
      } else if (peek('<') && (peek('=', 1) || peek('!', 1))) {
        pos_ += 2;
        look_around = true;
        unsupported_at(
            "look-behind assertions (?<= and (?<! are not supported (RE2 runs in linear time)",
            open);
      } else if (peek('<')) {
        ++pos_;
        std::string name;
        if (!parse_group_name(&name)) return false;
        if (!declare_group(name, open, &prefix)) return false;
      } else {
        if (!parse_modifiers(open)) return false;
        prefix = "(?:";
      }
    } else if (!declare_group("", open, &prefix)) {
      return false;
    }

    std::string inner;
    ++depth_;
    if (!parse_disjunction(&inner)) return false;
    --depth_;
    if (!peek(')')) return fail_at("unterminated group: missing ')'", open);
    ++pos_;
    // In u-mode look-arounds are assertions and cannot take a quantifier.
    *quantifiable = !look_around;
    *atom = prefix + inner + ")";
    return true;
  }

  // ES2025 modifier groups '(?ims-ims:...)': valid ECMA-262 but not translated, because RE2's
  // case folding and multiline anchors differ from ECMA's. Anything else after '(?' is invalid,
  // including the global-flag form '(?i)', Python's '(?P<...>' and comments '(?#...)'.
  bool parse_modifiers(std::size_t open) {
    static constexpr char kInvalidGroup[] =
        "invalid group: '(?' must be followed by ':', '=', '!', '<=', '<!' or '<name>'";
    std::string seen;
    bool dash = false;
    std::size_t count = 0;
    while (!at_end() && cur() != ':' && cur() != ')') {
      const char32_t c = cur();
      if (c == '-' && !dash) {
        dash = true;
      } else if ((c == 'i' || c == 'm' || c == 's') &&
                 seen.find(static_cast<char>(c)) == std::string::npos) {
        seen.push_back(static_cast<char>(c));
        ++count;
      } else {
        return fail_at(kInvalidGroup, open);
      }
      ++pos_;
    }
    if (peek(')') && count > 0) {
      return fail_at("invalid group: inline flags such as (?i) are not ECMA-262 syntax", open);
    }
    if (at_end() || count == 0) {
      return fail_at(kInvalidGroup, open);
    }
    ++pos_;  // ':'
    unsupported_at("modifier groups such as (?i:...) are not supported", open);
    return true;
  }

  // GroupName :: '<' RegExpIdentifierName '>'; pos_ is just after '<'.
  bool parse_group_name(std::string* name) {
    const std::size_t start = pos_;
    bool first = true;
    while (!peek('>')) {
      if (at_end()) return fail_at("invalid group name: missing '>'", start);
      char32_t cp = cur();
      if (cp == '\\') {
        ++pos_;
        if (!peek('u')) return fail("invalid escape in group name (only \\u is allowed)");
        if (!parse_unicode_escape(&cp)) return false;
      } else {
        ++pos_;
      }
      if (!is_identifier_char(cp, first)) {
        return fail_at("invalid group name: not an identifier", start);
      }
      append_utf8(cp, name);
      first = false;
    }
    if (first) return fail_at("invalid group name: empty", start);
    ++pos_;  // '>'
    return true;
  }

  // Records a capturing group (numbered by its '(' as in ECMA) and chooses its RE2 prefix.
  bool declare_group(const std::string& name, std::size_t open, std::string* prefix) {
    *prefix = "(";
    if (!name.empty()) {
      bool emitted_before = false;
      for (const Group& g : groups_) {
        if (g.name != name) continue;
        if (!in_different_alternatives(g.path, path_)) {
          return fail_at("duplicate capture group name", open);
        }
        emitted_before = true;
      }
      // Names only label captures, they do not change what matches. Keep the ones RE2 accepts
      // in every version (ASCII word characters, once each); others become plain captures so
      // the group numbering still agrees with ECMA's.
      const bool re2_name =
          !emitted_before && std::all_of(name.begin(), name.end(), [](char c) {
            return is_ascii_word(static_cast<unsigned char>(c));
          });
      if (re2_name) *prefix = "(?P<" + name + ">";
    }
    groups_.push_back({name, path_});
    return true;
  }

  static bool in_different_alternatives(const std::vector<std::pair<int, int>>& a,
                                        const std::vector<std::pair<int, int>>& b) {
    for (std::size_t i = 0; i < a.size() && i < b.size() && a[i].first == b[i].first; ++i) {
      if (a[i].second != b[i].second) return true;
    }
    return false;
  }

  // AtomEscape (outside a class); pos_ is at the backslash.
  bool parse_atom_escape(std::string* atom) {
    const std::size_t start = pos_;
    ++pos_;
    if (at_end()) return fail_at("\\ at end of pattern", start);
    const char32_t c = cur();
    if (c >= '1' && c <= '9') {
      Backreference ref{start};
      ref.number = static_cast<int>(std::min<std::uint64_t>(parse_number(), 1'000'000));
      refs_.push_back(ref);
      unsupported_at("backreferences are not supported (RE2 runs in linear time)", start);
      return true;
    }
    if (c == 'k') {
      ++pos_;
      if (!peek('<')) return fail_at("invalid escape \\k: expected \\k<name>", start);
      ++pos_;
      Backreference ref{start};
      if (!parse_group_name(&ref.name)) return false;
      refs_.push_back(ref);
      unsupported_at("backreferences are not supported (RE2 runs in linear time)", start);
      return true;
    }
    CharSet set;
    bool is_set = false;
    if (!parse_class_escape(&set, &is_set)) return false;
    if (is_set) {
      append_set(set, atom);
      return true;
    }
    char32_t cp = 0;
    if (!parse_character_escape(&cp, /*in_class=*/false)) return false;
    append_literal(cp, atom);
    return true;
  }

  bool check_backreferences() {
    for (const Backreference& ref : refs_) {
      if (ref.number > 0 && static_cast<std::size_t>(ref.number) > groups_.size()) {
        return fail_at("invalid escape: backreference to a group that does not exist",
                       ref.position);
      }
      if (ref.number == 0 &&
          std::none_of(groups_.begin(), groups_.end(),
                       [&](const Group& g) { return g.name == ref.name; })) {
        return fail_at("invalid escape: \\k<name> refers to a group name that does not exist",
                       ref.position);
      }
    }
    return true;
  }

  // CharacterClassEscape: \d \D \s \S \w \W \p{...} \P{...}; pos_ is after the backslash. Sets
  // *is_set and consumes input only when one is there.
  bool parse_class_escape(CharSet* set, bool* is_set) {
    const char32_t c = cur();
    *is_set = true;
    switch (c) {
      case 'd':
      case 'D':
        *set = ranges_set(digit_ranges());
        break;
      case 'w':
      case 'W':
        *set = ranges_set(word_ranges());
        break;
      case 's':
      case 'S':
        *set = ranges_set(space_ranges());
        break;
      case 'p':
      case 'P':
        if (!parse_property(set)) return false;
        break;
      default:
        *is_set = false;
        return true;
    }
    if (c == 'D' || c == 'W' || c == 'S' || c == 'P') *set = complement_set(std::move(*set));
    if (c != 'p' && c != 'P') ++pos_;
    return true;
  }

  // \p{Name}, \p{Name=Value}; pos_ is at the 'p' or 'P'.
  bool parse_property(CharSet* set) {
    const std::size_t start = pos_ - 1;
    ++pos_;
    if (!peek('{')) return fail_at("invalid property escape: expected \\p{...}", start);
    ++pos_;
    std::string name;
    std::string value;
    bool has_value = false;
    while (!peek('}')) {
      if (at_end()) return fail_at("invalid property escape: missing '}'", start);
      const char32_t c = cur();
      if (c == '=' && !has_value) {
        has_value = true;
      } else if (is_ascii_word(c)) {
        (has_value ? value : name).push_back(static_cast<char>(c));
      } else {
        return fail_at("invalid property escape: unexpected character in \\p{...}", start);
      }
      ++pos_;
    }
    ++pos_;  // '}'
    if (!has_value) return lone_property(name, start, set);
    if (name == "General_Category" || name == "gc") {
      const CategoryName* category = find_category(value);
      if (category == nullptr) {
        return fail_at("invalid property escape: unknown General_Category value", start);
      }
      *set = category_set(category->short_name);
      return true;
    }
    if (name == "Script" || name == "sc" || name == "Script_Extensions" || name == "scx") {
      const ScriptName* script = find_script(value);
      if (script == nullptr) return fail_at("invalid property escape: unknown script", start);
      if (name == "Script_Extensions" || name == "scx") {
        unsupported_at("the Unicode property Script_Extensions is not supported by RE2", start);
      } else if (!re2_knows_script(script->long_name)) {
        unsupported_at(std::string("the script ") + script->long_name +
                           " is not supported by this RE2 build",
                       start);
      } else {
        set->terms.push_back({script->long_name, false});
      }
      return true;
    }
    return fail_at("invalid property escape: unknown Unicode property name", start);
  }

  bool lone_property(const std::string& name, std::size_t start, CharSet* set) {
    if (const CategoryName* category = find_category(name)) {
      *set = category_set(category->short_name);
      return true;
    }
    if (const BinaryProperty* property = find_binary_property(name)) {
      if (!binary_property_set(property->long_name, set)) {
        unsupported_at(std::string("the Unicode property ") + property->long_name +
                           " is not supported by RE2",
                       start);
      }
      return true;
    }
    if (find_script(name) != nullptr) {
      return fail_at("invalid property escape: a script must be written \\p{Script=Name}", start);
    }
    return fail_at("invalid property escape: unknown Unicode property", start);
  }

  // CharacterEscape (u-mode); pos_ is after the backslash.
  bool parse_character_escape(char32_t* cp, bool in_class) {
    const std::size_t start = pos_ - 1;
    const char32_t c = cur();
    switch (c) {
      case 'f': *cp = 0x0C; break;
      case 'n': *cp = 0x0A; break;
      case 'r': *cp = 0x0D; break;
      case 't': *cp = 0x09; break;
      case 'v': *cp = 0x0B; break;
      case 'c':
        if (pos_ + 1 >= p_.size() || !is_ascii_letter(p_[pos_ + 1])) {
          return fail_at("invalid escape: \\c must be followed by an ASCII letter", start);
        }
        ++pos_;
        *cp = cur() % 32;
        break;
      case '0':
        if (pos_ + 1 < p_.size() && is_ascii_digit(p_[pos_ + 1])) {
          return fail_at("invalid escape: \\0 must not be followed by a digit", start);
        }
        *cp = 0;
        break;
      case 'x': {
        if (pos_ + 2 >= p_.size() || hex_value(p_[pos_ + 1]) < 0 || hex_value(p_[pos_ + 2]) < 0) {
          return fail_at("invalid escape: \\x must be followed by two hex digits", start);
        }
        *cp = static_cast<char32_t>(hex_value(p_[pos_ + 1]) * 16 + hex_value(p_[pos_ + 2]));
        pos_ += 2;
        break;
      }
      case 'u':
        return parse_unicode_escape(cp);
      default:
        if (is_syntax_character(c) || c == '/' || (in_class && c == '-')) {
          *cp = c;
          break;
        }
        return fail_at("invalid escape in Unicode mode (only syntax characters and '/' may be "
                       "escaped)",
                       start);
    }
    ++pos_;
    return true;
  }

  // \uXXXX, \uLead\uTrail (joined into one code point), \u{X...}; pos_ is at the 'u'.
  bool parse_unicode_escape(char32_t* cp) {
    const std::size_t start = pos_ - 1;
    ++pos_;
    if (peek('{')) {
      ++pos_;
      std::uint32_t value = 0;
      std::size_t digits = 0;
      while (!at_end() && hex_value(cur()) >= 0) {
        value = std::min<std::uint32_t>(value * 16 + static_cast<std::uint32_t>(hex_value(cur())),
                                        kMaxCodePoint + 1);
        ++digits;
        ++pos_;
      }
      if (digits == 0 || !peek('}') || value > kMaxCodePoint) {
        return fail_at("invalid escape: \\u{...} must hold a code point up to 10FFFF", start);
      }
      ++pos_;
      *cp = value;
      return true;
    }
    const auto hex4 = [&](std::size_t at, char32_t* out) {
      if (at + 4 > p_.size()) return false;
      char32_t value = 0;
      for (std::size_t k = at; k < at + 4; ++k) {
        const int digit = hex_value(p_[k]);
        if (digit < 0) return false;
        value = value * 16 + static_cast<char32_t>(digit);
      }
      *out = value;
      return true;
    };
    char32_t unit = 0;
    if (!hex4(pos_, &unit)) {
      return fail_at("invalid escape: \\u must be followed by four hex digits or {...}", start);
    }
    pos_ += 4;
    char32_t trail = 0;
    if (unit >= 0xD800 && unit <= 0xDBFF && peek('\\') && peek('u', 1) && hex4(pos_ + 2, &trail) &&
        trail >= 0xDC00 && trail <= 0xDFFF) {
      pos_ += 6;
      unit = 0x10000 + ((unit - 0xD800) << 10) + (trail - 0xDC00);
    }
    *cp = unit;
    return true;
  }

  // ClassAtom: a single code point, or a class escape standing for a set.
  struct ClassAtom {
    char32_t cp = 0;
    bool is_set = false;
    CharSet set;
  };

  bool parse_class_atom(ClassAtom* atom) {
    if (cur() != '\\') {
      atom->cp = cur();
      ++pos_;
      return true;
    }
    const std::size_t start = pos_;
    ++pos_;
    if (at_end()) return fail_at("\\ at end of pattern", start);
    const char32_t c = cur();
    if (c == 'b') {  // backspace inside a class
      atom->cp = 0x08;
      ++pos_;
      return true;
    }
    if (c == 'B' || c == 'k' || (c >= '1' && c <= '9')) {
      return fail_at("invalid escape inside a character class", start);
    }
    if (!parse_class_escape(&atom->set, &atom->is_set)) return false;
    if (atom->is_set) return true;
    return parse_character_escape(&atom->cp, /*in_class=*/true);
  }

  // CharacterClass :: '[' '^'? ClassContents ']'
  bool parse_class(std::string* atom) {
    const std::size_t open = pos_;
    ++pos_;
    const bool negated = peek('^');
    if (negated) ++pos_;
    CharSet positive;                 // union of the explicit members and non-negated sets
    std::vector<CharSet> complements;  // members that are complemented sets (\p{Cn}, ...)
    const auto add = [&](CharSet set) {
      if (set.complemented) {
        set.canonicalize();
        if (std::find(complements.begin(), complements.end(), set) == complements.end()) {
          complements.push_back(std::move(set));
        }
        return;
      }
      positive.ranges.insert(positive.ranges.end(), set.ranges.begin(), set.ranges.end());
      positive.terms.insert(positive.terms.end(), set.terms.begin(), set.terms.end());
    };
    while (true) {
      if (at_end()) return fail_at("unterminated character class: missing ']'", open);
      if (cur() == ']') {
        ++pos_;
        break;
      }
      const std::size_t atom_start = pos_;
      ClassAtom first;
      if (!parse_class_atom(&first)) return false;
      if (peek('-') && pos_ + 1 < p_.size() && p_[pos_ + 1] != ']') {
        ++pos_;
        ClassAtom last;
        if (!parse_class_atom(&last)) return false;
        if (first.is_set || last.is_set) {
          return fail_at("invalid character class range: a class escape cannot be an endpoint",
                         atom_start);
        }
        if (first.cp > last.cp) {
          return fail_at("invalid character class range: out of order", atom_start);
        }
        positive.ranges.push_back({first.cp, last.cp});
      } else if (first.is_set) {
        add(std::move(first.set));
      } else {
        positive.ranges.push_back({first.cp, first.cp});
      }
    }
    positive.canonicalize();

    // The class is the union of `positive` and every member of `complements`. One RE2 class can
    // hold a union of terms or its complement, so a complemented member needs an alternation
    // (or, in a negated class, an intersection, which RE2 cannot express).
    std::vector<CharSet> alternatives;
    if (complements.empty() || !positive.ranges.empty() || !positive.terms.empty()) {
      alternatives.push_back(std::move(positive));
    }
    alternatives.insert(alternatives.end(), complements.begin(), complements.end());
    if (negated) {
      if (alternatives.size() > 1) {
        unsupported_at(
            "a negated character class mixing \\p{Cn}, \\p{C} or \\P{Assigned} with other "
            "members is not supported by RE2",
            open);
        return true;
      }
      alternatives[0] = complement_set(std::move(alternatives[0]));
    }
    if (alternatives.size() == 1) {
      append_set(alternatives[0], atom);
      return true;
    }
    *atom += "(?:";
    for (std::size_t i = 0; i < alternatives.size(); ++i) {
      if (i > 0) atom->push_back('|');
      append_set(alternatives[i], atom);
    }
    *atom += ")";
    return true;
  }

  static void append_members(const std::vector<Range>& ranges,
                             const std::vector<PropertyTerm>& terms, std::string* out) {
    for (const Range& r : ranges) {
      append_class_member(r.first, out);
      if (r.second != r.first) {
        out->push_back('-');
        append_class_member(r.second, out);
      }
    }
    for (const PropertyTerm& t : terms) {
      *out += t.negated ? "\\P{" : "\\p{";
      *out += t.name;
      out->push_back('}');
    }
  }

  // Emits a set as one RE2 class, choosing the shorter of the positive and negated forms when
  // the set is plain ranges.
  static void append_set(CharSet set, std::string* out) {
    set.canonicalize();
    const bool empty_union = set.ranges.empty() && set.terms.empty();
    if (empty_union) {
      *out += set.complemented ? kAnyCodePoint : kNeverMatches;
      return;
    }
    bool negate = set.complemented;
    if (!negate && set.terms.empty()) {
      std::vector<Range> rest = complement(set.ranges);
      if (rest.empty()) {
        *out += kAnyCodePoint;
        return;
      }
      if (rest.size() < set.ranges.size()) {
        set.ranges = std::move(rest);
        negate = true;
      }
    }
    *out += negate ? "[^" : "[";
    append_members(set.ranges, set.terms, out);
    out->push_back(']');
  }

  const std::u32string& p_;
  const std::vector<std::size_t>& offsets_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  bool uses_not_word_boundary_ = false;
  int next_disjunction_id_ = 0;
  std::vector<std::pair<int, int>> path_;
  std::vector<Group> groups_;
  std::vector<Backreference> refs_;
  std::string syntax_error_;
  std::string unsupported_;
};

}  // namespace

bool translate_ecma_regex(std::string_view pattern, std::string* re2_pattern, std::string* error) {
  std::string ignored;
  std::string* message = error != nullptr ? error : &ignored;
  std::u32string code_points;
  std::vector<std::size_t> offsets;
  if (!decode_utf8(pattern, &code_points, &offsets)) {
    *message = "pattern is not valid UTF-8";
    return false;
  }
  std::string out;
  Translator translator(code_points, offsets);
  if (!translator.run(&out, message)) return false;
  if (re2_pattern != nullptr) *re2_pattern = std::move(out);
  return true;
}

bool is_valid_ecma_regex(std::string_view pattern) {
  std::u32string code_points;
  std::vector<std::size_t> offsets;
  if (!decode_utf8(pattern, &code_points, &offsets)) return false;
  std::string out;
  std::string error;
  Translator translator(code_points, offsets);
  translator.run(&out, &error);
  return translator.syntax_ok();
}

}  // namespace specgate::detail
