// Authentication-Results writer and parser, RFC 8601 section 2.2, and the
// dkim= results of a verification (RFC 8601 section 2.7.1, RFC 6008).
#include "dkim/auth_results.h"

#include <catch2/catch.hpp>

#include <cstddef>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dkim {
namespace {

// The value of a complete field "Name: value\r\n" (the bytes after the colon).
std::string ValueOf(const std::string& field) { return field.substr(field.find(':') + 1); }

AuthenticationResults MustParse(std::string_view value) {
  Result<AuthenticationResults> r = ParseAuthenticationResults(value);
  INFO("value: " << value);
  if (!r.ok()) FAIL("parse error: " << r.error());
  return *r;
}

std::string ParseError(std::string_view value) {
  Result<AuthenticationResults> r = ParseAuthenticationResults(value);
  INFO("value: " << value);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

// The field as one line: folds removed (RFC 5322 section 2.2.3) and the TABs
// we fold with read as spaces, to look for text wherever a fold fell.
std::string Flat(const std::string& field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field.compare(i, 2, "\r\n") == 0 && i + 2 < field.size()) {
      ++i;
    } else {
      out += field[i] == '\t' ? ' ' : field[i];
    }
  }
  return out;
}

// Leading spaces of a line of the RFC text.
size_t Indent(const std::string& line) { return line.find_first_not_of(' '); }

// Every Authentication-Results field in RFC 8601 Appendix B, as the value a
// parser sees: continuation lines keep their indentation as folding (CRLF
// followed by WSP), exactly as the RFC prints them.
std::vector<std::string> AppendixBFields() {
  std::ifstream in(std::string(LISTD_SHARED_DIR) + "/rfc/rfc8601.txt");
  REQUIRE(in.good());
  std::vector<std::string> fields;
  std::string line;
  bool in_appendix = false;
  size_t field_indent = 0;
  bool in_field = false;
  while (std::getline(in, line)) {
    if (line.rfind("Appendix B.", 0) == 0) in_appendix = true;
    if (line.rfind("Appendix C.", 0) == 0) break;
    if (!in_appendix) continue;
    size_t indent = Indent(line);
    if (in_field) {
      if (indent != std::string::npos && indent > field_indent) {
        fields.back() += "\r\n" + line.substr(field_indent);
        continue;
      }
      in_field = false;
    }
    if (indent != std::string::npos && line.compare(indent, 23, "Authentication-Results:") == 0) {
      field_indent = indent;
      fields.push_back(line.substr(indent + 23));
      in_field = true;
    }
  }
  return fields;
}

SignatureResult Sig(DkimResult result, std::string domain, std::string b) {
  SignatureResult s;
  s.result = result;
  s.domain = domain;
  s.identity = "@" + domain;
  s.selector = "sel";
  s.algorithm = "rsa-sha256";
  s.b_base64 = std::move(b);
  return s;
}

// Checks the folding rules of RFC 5322 sections 2.1.1 and 2.2.3 on a field.
void CheckFolding(const std::string& field) {
  INFO("field: " << field);
  REQUIRE(field.size() >= 2);
  CHECK(field.substr(field.size() - 2) == "\r\n");
  size_t start = 0;
  while (start < field.size()) {
    size_t crlf = field.find("\r\n", start);
    REQUIRE(crlf != std::string::npos);
    CHECK(crlf - start <= 78);
    // No bare CR or LF inside a line.
    std::string_view line(field.data() + start, crlf - start);
    CHECK(line.find('\r') == std::string_view::npos);
    CHECK(line.find('\n') == std::string_view::npos);
    start = crlf + 2;
    // Every line after the first is a continuation: it starts with WSP.
    if (start < field.size()) CHECK((field[start] == ' ' || field[start] == '\t'));
  }
}

// The structure a formatted field must give back: everything but the reason,
// which we write as a comment (a comment is not reason=, RFC 8601 B.6).
void CheckSameButReason(const AuthenticationResults& got, const AuthenticationResults& want) {
  CHECK(got.authserv_id == want.authserv_id);
  CHECK(got.version == want.version);
  REQUIRE(got.results.size() == want.results.size());
  for (size_t i = 0; i < got.results.size(); ++i) {
    CHECK(got.results[i].method == want.results[i].method);
    CHECK(got.results[i].method_version == want.results[i].method_version);
    CHECK(got.results[i].result == want.results[i].result);
    CHECK(got.results[i].reason.empty());
    CHECK(got.results[i].properties == want.results[i].properties);
  }
}

TEST_CASE("RFC 8601 Appendix B: every example field is found and parses", "[auth_results]") {
  std::vector<std::string> fields = AppendixBFields();
  // B.1 has none; B.2, B.3 and B.7 one each; B.4, B.5 and B.6 two each.
  REQUIRE(fields.size() == 9);
  for (const std::string& f : fields) MustParse(f);
}

TEST_CASE("RFC 8601 B.2: service provided, no authentication done", "[auth_results]") {
  AuthenticationResults ar = MustParse(AppendixBFields().at(0));
  CHECK(ar.authserv_id == "example.org");
  CHECK(ar.version == 1);
  CHECK(ar.results.empty());
}

TEST_CASE("RFC 8601 B.3: one SPF result", "[auth_results]") {
  AuthenticationResults ar = MustParse(AppendixBFields().at(1));
  CHECK(ar.authserv_id == "example.com");
  CHECK_FALSE(ar.version);
  REQUIRE(ar.results.size() == 1);
  CHECK(ar.results[0].method == "spf");
  CHECK(ar.results[0].result == "pass");
  CHECK(ar.results[0].Property("smtp.mailfrom") == "example.net");
}

TEST_CASE("RFC 8601 B.4: several results from one MTA", "[auth_results]") {
  std::vector<std::string> fields = AppendixBFields();
  AuthenticationResults first = MustParse(fields.at(2));
  CHECK(first.authserv_id == "example.com");
  REQUIRE(first.results.size() == 2);
  CHECK(first.results[0].method == "auth");
  CHECK(first.results[0].result == "pass");
  CHECK(first.results[0].reason.empty());  // "(cram-md5)" is a comment
  CHECK(first.results[0].Property("smtp.auth") == "sender@example.net");
  CHECK(first.results[1].method == "spf");
  CHECK(first.results[1].result == "pass");
  CHECK(first.results[1].Property("smtp.mailfrom") == "example.net");

  AuthenticationResults second = MustParse(fields.at(3));
  CHECK(second.authserv_id == "example.com");
  REQUIRE(second.results.size() == 1);
  CHECK(second.results[0].method == "iprev");
  CHECK(second.results[0].result == "pass");
  CHECK(second.results[0].Property("policy.iprev") == "192.0.2.200");
}

TEST_CASE("RFC 8601 B.5: results from different MTAs", "[auth_results]") {
  std::vector<std::string> fields = AppendixBFields();
  AuthenticationResults dkim = MustParse(fields.at(4));
  CHECK(dkim.authserv_id == "example.com");
  REQUIRE(dkim.results.size() == 1);
  CHECK(dkim.results[0].method == "dkim");
  CHECK(dkim.results[0].result == "pass");
  CHECK(dkim.results[0].reason.empty());  // "(good signature)" is a comment
  CHECK(dkim.results[0].properties ==
        std::vector<std::pair<std::string, std::string>>{{"header.d", "example.com"}});

  AuthenticationResults border = MustParse(fields.at(5));
  REQUIRE(border.results.size() == 2);
  CHECK(border.results[0].method == "auth");
  CHECK(border.results[0].Property("smtp.auth") == "sender@example.com");
  CHECK(border.results[1].method == "spf");
  CHECK(border.results[1].result == "fail");
  CHECK(border.results[1].Property("smtp.mailfrom") == "example.com");
}

TEST_CASE("RFC 8601 B.6: reason= and header.i=@domain", "[auth_results]") {
  std::vector<std::string> fields = AppendixBFields();
  AuthenticationResults chicago = MustParse(fields.at(6));
  CHECK(chicago.authserv_id == "example.com");
  REQUIRE(chicago.results.size() == 2);
  CHECK(chicago.results[0].method == "dkim");
  CHECK(chicago.results[0].result == "pass");
  CHECK(chicago.results[0].reason == "good signature");
  CHECK(chicago.results[0].Property("header.i") == "@mail-router.example.net");
  CHECK(chicago.results[1].result == "fail");
  CHECK(chicago.results[1].reason == "bad signature");
  CHECK(chicago.results[1].Property("header.i") == "@newyork.example.com");

  AuthenticationResults list = MustParse(fields.at(7));
  CHECK(list.authserv_id == "example.net");
  REQUIRE(list.results.size() == 1);
  CHECK(list.results[0].result == "pass");
  CHECK(list.results[0].reason.empty());
  CHECK(list.results[0].Property("header.i") == "@newyork.example.com");
}

TEST_CASE("RFC 8601 B.7: comments wherever CFWS may stand", "[auth_results]") {
  AuthenticationResults ar = MustParse(AppendixBFields().at(8));
  CHECK(ar.authserv_id == "foo.example.net");
  CHECK(ar.version == 1);
  REQUIRE(ar.results.size() == 1);
  CHECK(ar.results[0].method == "dkim");
  CHECK(ar.results[0].method_version == 1);
  CHECK(ar.results[0].result == "fail");
  CHECK(ar.results[0].reason.empty());
  CHECK(ar.results[0].properties ==
        std::vector<std::pair<std::string, std::string>>{{"policy.expired", "1362471462"}});
}

TEST_CASE("RFC 8601 2.2: comments, nesting and quoted-pairs everywhere", "[auth_results]") {
  AuthenticationResults ar = MustParse(
      " (c0) example.com (c1 (nested (deeper)) \\) still c1) 1 (c2) ;(c3)dkim(c4)/(c5)2(c6)="
      "(c7)pass(c8)reason(c9)=(c10)\"ok (not a comment)\"(c11)header(c12).(c13)d(c14)=(c15)"
      "example.com(c16)\r\n\t(c17) ; (c18) spf = none (c19)\r\n");
  CHECK(ar.authserv_id == "example.com");
  CHECK(ar.version == 1);
  REQUIRE(ar.results.size() == 2);
  CHECK(ar.results[0].method == "dkim");
  CHECK(ar.results[0].method_version == 2);
  CHECK(ar.results[0].result == "pass");
  CHECK(ar.results[0].reason == "ok (not a comment)");
  CHECK(ar.results[0].Property("header.d") == "example.com");
  CHECK(ar.results[1].method == "spf");
  CHECK(ar.results[1].result == "none");
  CHECK(ar.results[1].properties.empty());
}

TEST_CASE("RFC 8601 2.2: quoted authserv-id with quoted-pairs and folding", "[auth_results]") {
  AuthenticationResults ar = MustParse(" \"my \\\"auth\\\"\r\n id\"; none");
  CHECK(ar.authserv_id == "my \"auth\" id");
  CHECK(ar.results.empty());
}

TEST_CASE("RFC 8601 2.2: no-result forms", "[auth_results]") {
  CHECK(MustParse("example.com;none").results.empty());
  CHECK(MustParse(" example.com ; NONE (nothing done)\r\n").results.empty());
  AuthenticationResults versioned = MustParse("example.com 1 ; none");
  CHECK(versioned.version == 1);
  CHECK(versioned.results.empty());
}

TEST_CASE("RFC 8601 2.2: method, result, ptype and property are case-insensitive",
          "[auth_results]") {
  AuthenticationResults ar = MustParse("Example.COM; DKIM=PASS Header.D=Example.COM");
  CHECK(ar.authserv_id == "Example.COM");  // values keep their case
  REQUIRE(ar.results.size() == 1);
  CHECK(ar.results[0].method == "dkim");
  CHECK(ar.results[0].result == "pass");
  CHECK(ar.results[0].properties ==
        std::vector<std::pair<std::string, std::string>>{{"header.d", "Example.COM"}});
  CHECK(ar.results[0].Property("HEADER.d") == "Example.COM");
  CHECK_FALSE(ar.results[0].Property("header.s"));
}

TEST_CASE("RFC 8601 2.2: unknown methods and ptypes are kept", "[auth_results]") {
  AuthenticationResults ar =
      MustParse("example.com; x-frob=maybe x-ptype.x-prop=value smtp.rcptto=a@example.org");
  REQUIRE(ar.results.size() == 1);
  CHECK(ar.results[0].method == "x-frob");
  CHECK(ar.results[0].result == "maybe");
  CHECK(ar.results[0].Property("x-ptype.x-prop") == "value");
  CHECK(ar.results[0].Property("smtp.rcptto") == "a@example.org");
}

TEST_CASE("RFC 8601 2.2: pvalue forms", "[auth_results]") {
  AuthenticationResults ar = MustParse(
      "example.com; dkim=pass header.i=@example.com header.b=\"ab/cd+EF\" "
      "smtp.mailfrom=first.last@example.com smtp.helo=\"a b\"@example.com header.x=\"\"");
  REQUIRE(ar.results.size() == 1);
  CHECK(ar.results[0].Property("header.i") == "@example.com");
  CHECK(ar.results[0].Property("header.b") == "ab/cd+EF");
  CHECK(ar.results[0].Property("smtp.mailfrom") == "first.last@example.com");
  CHECK(ar.results[0].Property("smtp.helo") == "a b@example.com");
  CHECK(ar.results[0].Property("header.x") == "");
}

TEST_CASE("RFC 8601 2.2: unquoted base64 in header.b is accepted", "[auth_results]") {
  // Strictly a quoted-string is needed for "/" and "="; such fields exist.
  AuthenticationResults ar = MustParse("example.com; dkim=pass header.b=ab/cd+E= header.s=x");
  CHECK(ar.results[0].Property("header.b") == "ab/cd+E=");
  CHECK(ar.results[0].Property("header.s") == "x");
}

TEST_CASE("RFC 8601 2.2: an unquoted IPv6 address is accepted", "[auth_results]") {
  // Strictly ":" needs quoting; some MTAs write addresses bare.
  AuthenticationResults ar = MustParse("example.com; iprev=pass policy.iprev=2001:db8::1");
  CHECK(ar.results[0].Property("policy.iprev") == "2001:db8::1");
  // We quote it ourselves.
  CHECK(FormatAuthenticationResults(ar) ==
        "Authentication-Results: example.com; iprev=pass policy.iprev=\"2001:db8::1\"\r\n");
}

TEST_CASE("RFC 8601 2.2: bad syntax gives an error with its offset", "[auth_results]") {
  CHECK(ParseError("example.com; dkim pass") ==
        "expected '=' after method 'dkim', found 'p' at offset 18");
  CHECK(ParseError("") == "expected an authserv-id, found end of field at offset 0");
  CHECK(ParseError("example.com") ==
        "expected ';' after the authserv-id, found end of field at offset 11");
  CHECK(ParseError("example.com dkim=pass") ==
        "expected ';' after the authserv-id, found 'd' at offset 12");
  CHECK(ParseError("example.com (unclosed; dkim=pass") == "unterminated comment at offset 12");
  CHECK(ParseError("\"abc; none") == "unterminated quoted-string at offset 0");

  struct Case {
    const char* input;
    const char* error_part;
  };
  const Case cases[] = {
      {"example.com; dkim=", "expected a result after 'dkim='"},
      {"example.com; =pass", "expected a method after ';'"},
      {"example.com; dkim=pass;", "expected a method after ';'"},
      {"example.com; dkim=pass spf=pass", "expected '.' after property type 'spf'"},
      {"example.com; dkim=pass header=x", "expected '.' after property type 'header'"},
      {"example.com; dkim=pass header.", "expected a property name after 'header.'"},
      {"example.com; dkim=pass header.d", "expected '=' after property 'header.d'"},
      {"example.com; dkim=pass header.d=", "expected the value of header.d="},
      {"example.com; dkim=pass header.d= ;", "expected the value of header.d="},
      {"example.com; dkim=pass header.d=exa<mple", "unexpected '<' after the value of header.d="},
      {"example.com; dkim=pass header.i=user@", "invalid address 'user@'"},
      {"example.com; dkim=pass header.i=a@b@c", "invalid address 'a@b@c'"},
      {"example.com; dkim=pass header.i=\"a\"@", "expected a domain after '@'"},
      {"example.com; dkim=pass reason=a reason=b", "second reason="},
      {"example.com; dkim=pass header.d=x reason=y", "reason= after properties"},
      {"example.com; dkim=pass reason=", "expected a value after 'reason='"},
      {"example.com; dkim=pass reason=\"unterminated", "unterminated quoted-string"},
      {"example.com; dkim/=pass", "expected the version of method 'dkim' (digits)"},
      {"example.com 1234567890; none", "authres-version has too many digits"},
      {"example.com; dkim-=pass", "'dkim-' is not a valid keyword"},
      {"example.com; dkim=pass.", "unexpected '.' after result 'pass'"},
      {"example.com; none; dkim=pass", "'none' (it must stand alone)"},
      {"example.com; dkim=pass; none", "'none' cannot follow other results"},
      {"example.com; dkim=pass (open", "unterminated comment"},
      {"example.com; dkim=pass (\\", "unterminated comment"},
      {"example.com/x; none", "unexpected '/' after the authserv-id"},
      {"example.com 1x; none", "unexpected 'x' after the authres-version"},
  };
  for (const Case& c : cases) {
    INFO("input: " << c.input);
    CHECK_THAT(ParseError(c.input),
               Catch::Matchers::Contains(c.error_part) && Catch::Matchers::Contains(" at offset "));
  }
}

TEST_CASE("RFC 8601 2.2: the formatted field", "[auth_results]") {
  AuthenticationResults ar;
  ar.authserv_id = "mx.example.org";
  AuthResult r;
  r.method = "dkim";
  r.result = "pass";
  r.properties = {{"header.d", "example.com"},
                  {"header.i", "@example.com"},
                  {"header.s", "sel"},
                  {"header.a", "rsa-sha256"},
                  {"header.b", "abcdEFGH"}};
  ar.results.push_back(r);
  // Too long for one line: the resinfo starts a line, properties fill them.
  CHECK(FormatAuthenticationResults(ar) ==
        "Authentication-Results: mx.example.org;\r\n"
        "\tdkim=pass header.d=example.com header.i=@example.com header.s=sel\r\n"
        "\theader.a=rsa-sha256 header.b=abcdEFGH\r\n");

  ar.results[0].properties.resize(1);
  CHECK(FormatAuthenticationResults(ar) ==
        "Authentication-Results: mx.example.org; dkim=pass header.d=example.com\r\n");

  ar.version = 1;
  ar.results.clear();
  CHECK(FormatAuthenticationResults(ar) == "Authentication-Results: mx.example.org 1; none\r\n");
}

TEST_CASE("RFC 8601 2.2: values that are not tokens are quoted", "[auth_results]") {
  AuthenticationResults ar;
  ar.authserv_id = "auth id";
  AuthResult r;
  r.method = "x-test";
  r.result = "pass";
  r.properties = {{"header.i", "user@example.com"},  // addr-spec: bare
                  {"header.b", "ab/cd=EF"},          // "/" and "=" are tspecials
                  {"header.q", "say \"hi\" \\o/"},
                  {"header.e", ""},
                  {"header.u",
                   "b\xc3\xbc"
                   "cher.example"}};
  ar.results.push_back(r);
  std::string field = FormatAuthenticationResults(ar);
  CHECK(field.rfind("Authentication-Results: \"auth id\";", 0) == 0);
  CHECK(Flat(field).find(" header.i=user@example.com") != std::string::npos);
  CHECK(Flat(field).find(" header.b=\"ab/cd=EF\"") != std::string::npos);
  CHECK(Flat(field).find(" header.q=\"say \\\"hi\\\" \\\\o/\"") != std::string::npos);
  CHECK(Flat(field).find(" header.e=\"\"") != std::string::npos);
  CHECK(Flat(field).find(" header.u=\"b\xc3\xbc"
                         "cher.example\"") != std::string::npos);
  CheckSameButReason(MustParse(ValueOf(field)), ar);
}

TEST_CASE("RFC 8601 2.2: format then parse gives the same structure", "[auth_results]") {
  AuthenticationResults ar;
  ar.authserv_id = "mx.example.org";
  ar.version = 1;
  AuthResult dkim;
  dkim.method = "dkim";
  dkim.method_version = 1;
  dkim.result = "fail";
  dkim.reason = "body hash mismatch";
  dkim.properties = {{"header.d", "example.com"}, {"header.b", "x/y+z=01"}};
  AuthResult spf;
  spf.method = "spf";
  spf.result = "pass";
  spf.properties = {{"smtp.mailfrom", "bounce+list=example.org@example.org"}};
  AuthResult policy;
  policy.method = "dmarc";
  policy.result = "none";
  ar.results = {dkim, spf, policy};

  std::string field = FormatAuthenticationResults(ar);
  CheckFolding(field);
  CHECK(Flat(field).find("dkim/1=fail (body hash mismatch) header.d=example.com") !=
        std::string::npos);
  CheckSameButReason(MustParse(ValueOf(field)), ar);

  // And a second round gives the same bytes.
  CHECK(FormatAuthenticationResults(MustParse(ValueOf(field))) == FormatAuthenticationResults([&] {
          AuthenticationResults copy = ar;
          for (AuthResult& r : copy.results) r.reason.clear();
          return copy;
        }()));
}

TEST_CASE("RFC 5322 2.1.1: long fields fold at 78 with CRLF WSP", "[auth_results]") {
  std::vector<SignatureResult> sigs;
  for (int i = 0; i < 6; ++i) {
    SignatureResult s = Sig(DkimResult::kFail, "sub" + std::to_string(i) + ".example.com",
                            "Q" + std::to_string(i) + "abcdefghijklmnop");
    s.reason = "signature did not verify with the key published at this selector in the DNS";
    sigs.push_back(s);
  }
  AuthenticationResults ar = DkimAuthenticationResults("mx.example.org", sigs);
  std::string field = FormatAuthenticationResults(ar);
  CheckFolding(field);
  CHECK(field.find("\r\n\tdkim=fail") != std::string::npos);  // a fold before a resinfo
  // A fold inside the comment keeps its space, so unfolding restores the text.
  std::string unfolded = field;
  for (size_t p; (p = unfolded.find("\r\n")) != std::string::npos && p + 2 < unfolded.size();) {
    unfolded.erase(p, 2);
  }
  CHECK(field.find("\r\n (") == std::string::npos);  // "(" opens after a TAB fold only
  CHECK(field.find("selector\r\n in the DNS)") != std::string::npos);  // a fold in the comment
  CHECK(unfolded.find(
            "(signature did not verify with the key published at this selector in the DNS)") !=
        std::string::npos);
  CheckSameButReason(MustParse(ValueOf(field)), ar);
}

TEST_CASE("RFC 5322 2.1.1: a token longer than a line is never split", "[auth_results]") {
  AuthenticationResults ar;
  ar.authserv_id = "mx.example.org";
  AuthResult r;
  r.method = "dkim";
  r.result = "pass";
  std::string domain = std::string(90, 'a') + ".example";
  r.properties = {{"header.d", domain}, {"header.s", "sel"}};
  ar.results.push_back(r);
  std::string field = FormatAuthenticationResults(ar);
  CHECK(field.find("\r\n\theader.d=" + domain + "\r\n\theader.s=sel\r\n") != std::string::npos);
  CheckSameButReason(MustParse(ValueOf(field)), ar);
}

TEST_CASE("RFC 8601 2.2: a reason cannot break the comment or the field", "[auth_results]") {
  AuthenticationResults ar;
  ar.authserv_id = "mx.example.org";
  AuthResult r;
  r.method = "dkim";
  r.result = "fail";
  r.reason = "bad (very) \\ bad)\r\nX-Injected: yes\x01 caf\xc3\xa9 (";
  r.properties = {{"header.d", "example.com"}};
  ar.results.push_back(r);
  std::string field = FormatAuthenticationResults(ar);
  CheckFolding(field);
  CHECK(field.find("\r\nX-Injected") == std::string::npos);
  // Matched parentheses nest; unmatched ones become brackets.
  CHECK(Flat(field).find("(bad (very) \\\\ bad] X-Injected: yes caf [)") != std::string::npos);
  // The comment closes where we meant: the property after it is still read.
  AuthenticationResults back = MustParse(ValueOf(field));
  REQUIRE(back.results.size() == 1);
  CHECK(back.results[0].Property("header.d") == "example.com");
}

TEST_CASE("Format drops characters that would break names or quoted-strings", "[auth_results]") {
  AuthenticationResults ar;
  ar.authserv_id = "mx\r\n.example.org";
  AuthResult r;
  r.method = "dk\r\nim";
  r.result = "pass;";
  r.properties = {{"header.d\r\n", "a\r\nb c"}};
  ar.results.push_back(r);
  std::string field = FormatAuthenticationResults(ar);
  CheckFolding(field);
  CHECK(field == "Authentication-Results: \"mx.example.org\"; dkim=pass header.d=\"ab c\"\r\n");
}

TEST_CASE("RFC 8601 2.7.1: an unsigned message gives dkim=none", "[auth_results]") {
  AuthenticationResults ar = DkimAuthenticationResults("mx.example.org", {});
  REQUIRE(ar.results.size() == 1);
  CHECK(ar.results[0].method == "dkim");
  CHECK(ar.results[0].result == "none");
  CHECK(ar.results[0].properties.empty());
  CHECK(FormatAuthenticationResults(ar) == "Authentication-Results: mx.example.org; dkim=none\r\n");
}

TEST_CASE("RFC 8601 2.7.1: dkim results carry d, i, s, a and b", "[auth_results]") {
  SignatureResult pass = Sig(DkimResult::kPass, "example.com", "abcdEFGHijklMNOP");
  SignatureResult fail = Sig(DkimResult::kFail, "example.net", "zyxwVUTSrqpo");
  fail.reason = "body hash mismatch";
  fail.identity = "list@example.net";
  fail.algorithm = "ed25519-sha256";
  AuthenticationResults ar = DkimAuthenticationResults("mx.example.org", {pass, fail});
  CHECK(ar.authserv_id == "mx.example.org");
  REQUIRE(ar.results.size() == 2);
  CHECK(ar.results[0].result == "pass");
  CHECK(ar.results[0].reason.empty());
  CHECK(ar.results[0].properties ==
        std::vector<std::pair<std::string, std::string>>{{"header.d", "example.com"},
                                                         {"header.i", "@example.com"},
                                                         {"header.s", "sel"},
                                                         {"header.a", "rsa-sha256"},
                                                         {"header.b", "abcdEFGH"}});
  CHECK(ar.results[1].result == "fail");
  CHECK(ar.results[1].reason == "body hash mismatch");
  CHECK(ar.results[1].Property("header.i") == "list@example.net");
  CHECK(ar.results[1].Property("header.a") == "ed25519-sha256");
  CHECK(ar.results[1].Property("header.b") == "zyxwVUTS");

  std::string field = FormatAuthenticationResults(ar);
  CheckFolding(field);
  CHECK(field ==
        "Authentication-Results: mx.example.org;\r\n"
        "\tdkim=pass header.d=example.com header.i=@example.com header.s=sel\r\n"
        "\theader.a=rsa-sha256 header.b=abcdEFGH;\r\n"
        "\tdkim=fail (body hash mismatch) header.d=example.net header.i=list@example.net\r\n"
        "\theader.s=sel header.a=ed25519-sha256 header.b=zyxwVUTS\r\n");
  CheckSameButReason(MustParse(ValueOf(field)), ar);
}

TEST_CASE("RFC 8601 2.7.1: missing fields of an unparseable signature are left out",
          "[auth_results]") {
  SignatureResult s;
  s.result = DkimResult::kPermError;
  s.reason = "missing required tag bh=";
  s.domain = "example.com";
  AuthenticationResults ar = DkimAuthenticationResults("mx.example.org", {s});
  REQUIRE(ar.results.size() == 1);
  CHECK(ar.results[0].result == "permerror");
  CHECK(ar.results[0].properties ==
        std::vector<std::pair<std::string, std::string>>{{"header.d", "example.com"}});
}

TEST_CASE("RFC 6008 4: header.b is the shortest unique prefix of 8 or more", "[auth_results]") {
  std::vector<SignatureResult> sigs = {
      Sig(DkimResult::kPass, "a.example", "abcdefghijXYZ123"),
      Sig(DkimResult::kFail, "b.example", "abcdefghijQRS456"),
      Sig(DkimResult::kPass, "c.example", "zzzzzzzzzzzzzzzz"),
      Sig(DkimResult::kPass, "d.example", "short"),
      Sig(DkimResult::kPass, "e.example", "same/same/same+="),
      Sig(DkimResult::kPass, "f.example", "same/same/same+="),
      Sig(DkimResult::kPass, "g.example", "prefix12"),
      Sig(DkimResult::kPass, "h.example", "prefix123"),
  };
  AuthenticationResults ar = DkimAuthenticationResults("mx.example.org", sigs);
  REQUIRE(ar.results.size() == sigs.size());
  CHECK(ar.results[0].Property("header.b") == "abcdefghijX");  // shares "abcdefghij"
  CHECK(ar.results[1].Property("header.b") == "abcdefghijQ");
  CHECK(ar.results[2].Property("header.b") == "zzzzzzzz");
  CHECK(ar.results[3].Property("header.b") == "short");  // all of a short b=
  // Identical signatures cannot be told apart: the whole b= is given.
  CHECK(ar.results[4].Property("header.b") == "same/same/same+=");
  CHECK(ar.results[5].Property("header.b") == "same/same/same+=");
  // "prefix12" is all of g's b= though h's b= starts with it too.
  CHECK(ar.results[6].Property("header.b") == "prefix12");
  CHECK(ar.results[7].Property("header.b") == "prefix123");

  std::string field = FormatAuthenticationResults(ar);
  CheckFolding(field);
  CHECK(Flat(field).find("header.b=\"same/same/same+=\"") != std::string::npos);
  CheckSameButReason(MustParse(ValueOf(field)), ar);
}

TEST_CASE("RFC 6376 3.6.1: a key in testing mode is noted in the comment", "[auth_results]") {
  SignatureResult pass = Sig(DkimResult::kPass, "example.com", "abcdEFGHijkl");
  pass.key_testing = true;
  SignatureResult fail = Sig(DkimResult::kFail, "example.net", "zyxwVUTSrqpo");
  fail.reason = "body hash mismatch";
  fail.key_testing = true;
  AuthenticationResults ar = DkimAuthenticationResults("mx.example.org", {pass, fail});
  std::string field = FormatAuthenticationResults(ar);
  CHECK(Flat(field).find("dkim=pass (key in testing mode) header.d=example.com") !=
        std::string::npos);
  CHECK(Flat(field).find("dkim=fail (body hash mismatch; key in testing mode)") !=
        std::string::npos);
  CheckFolding(field);
}

}  // namespace
}  // namespace dkim
