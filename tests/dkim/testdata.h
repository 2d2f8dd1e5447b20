// testdata: reading the public conformance vectors in LISTD_SHARED_DIR
// (/work/shared/testsuites/...) at run time, so that tests use them as data
// and never carry copies of them.
//
// Besides files and tab-separated tables this holds a small, deliberately
// independent DKIM oracle: the header-hash input of RFC 6376 section 3.7
// rebuilt from the library's canonicalization primitives, and an RSA signer
// that goes straight to OpenSSL. The vector tests use it to reproduce a
// published b= byte for byte, and to make signatures the library's Signer
// refuses to make (rsa-sha1, 512-bit keys) so that the Verifier's refusal
// can be tested.
//
// Errors (unreadable file, malformed table) throw std::runtime_error naming
// the file, which Catch2 reports with the test that hit it.
#ifndef LISTD_TESTS_UNIT_TESTDATA_H_
#define LISTD_TESTS_UNIT_TESTDATA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/canonicalization.h"
#include "dkim/crypto.h"
#include "dkim/message.h"
#include "dkim/txt_resolver.h"
#include "dkim/verifier.h"

namespace testdata {

// ---- files ----------------------------------------------------------------

// LISTD_SHARED_DIR + "/" + relative.
std::string SharedPath(std::string_view relative);
// The conformance suite folder: SharedPath("testsuites/dkim/" + suite).
std::string DkimSuitePath(std::string_view suite);
// The whole file as bytes.
std::string ReadFile(const std::string& path);
// Whether `path` names a readable regular file.
bool FileExists(const std::string& path);
// Names (not paths) of the regular files in `dir` ending in `suffix`, sorted.
std::vector<std::string> ListFiles(const std::string& dir, std::string_view suffix);

// ---- tables ---------------------------------------------------------------

struct TsvRow {
  int line = 0;                    // 1-based line in the file, for messages
  std::vector<std::string> cells;  // split on TAB, nothing trimmed
};

// The data rows of a tab-separated file: empty lines and lines starting
// with '#' are skipped; a trailing CR is dropped.
std::vector<TsvRow> ReadTsv(const std::string& path);

// A TSV whose columns are known by name. A first data row that spells the
// column names is the header and is skipped; short rows read as "" in the
// missing cells.
class TsvTable {
 public:
  TsvTable(const std::string& path, std::vector<std::string> columns);
  const std::vector<TsvRow>& rows() const { return rows_; }
  // The cell of `row` in `column`; throws if the column is not declared.
  const std::string& Get(const TsvRow& row, std::string_view column) const;

 private:
  std::string path_;
  std::vector<std::string> columns_;
  std::vector<TsvRow> rows_;
};

// Adds each "owner<TAB>TXT value[<TAB>note]" row of a dns-records.tsv.
void AddTsvRecords(const std::string& path, dkim::StaticTxtResolver& dns);

// Decodes the C escapes \r \n \t \\ \" \' \0 and \xHH.
std::string UnescapeC(std::string_view text);
// LF line endings to CRLF (bare LF only; CRLF is kept).
std::string LfToCrlf(std::string_view text);
// Every bare CR and every bare LF to CRLF, as RFC 6376 section 5.3 asks a
// signer to do (OpenDKIM's FIXCRLF).
std::string FixBareCrLf(std::string_view text);
// ASCII lower case.
std::string Lower(std::string_view text);
// Whether `haystack` contains `needle`, ignoring ASCII case.
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);

// ---- verifying ------------------------------------------------------------

// Parses `bytes`; throws with `what` in the message when Parse fails.
dkim::Message ParseMessage(std::string bytes, std::string_view what = "message");
// Verifies every signature with keys from `dns` (through a DnsKeyResolver)
// and a clock pinned at `now`.
std::vector<dkim::SignatureResult> VerifyAt(dkim::TxtResolver& dns, const dkim::Message& message,
                                            int64_t now, dkim::VerifierOptions options = {});
// "pass (reason)", "permerror (no key)" ..., for messages.
std::string Describe(const dkim::SignatureResult& result);
std::string Describe(const std::vector<dkim::SignatureResult>& results);

// ---- the independent oracle ----------------------------------------------

// The value of tag `name` in a DKIM-Signature field (raw field or value),
// FWS inside kept; nullopt when absent. A deliberately naive scan, for tests.
std::optional<std::string> TagValue(std::string_view field, std::string_view name);
// `field` with the value of its b= tag deleted, including the whitespace
// around the value (RFC 6376 section 3.7), everything else byte-identical.
std::string WithEmptySignatureValue(std::string_view field);
// The header-hash input of RFC 6376 section 3.7: the fields named in
// `signed_headers` (h=), each instance taken bottom-up (section 5.4.2) and
// canonicalized, then `signature_field` with b= emptied and without its
// final CRLF.
std::string HeaderHashInput(const dkim::Message& message,
                            const std::vector<std::string>& signed_headers,
                            std::string_view signature_field, dkim::Canon canon);
// h= split on ':' with FWS removed.
std::vector<std::string> SplitHeaderList(std::string_view h_value);
// base64 of the hash of the canonical body, cut to `limit` bytes when given.
std::string BodyHashBase64(dkim::HashAlgorithm hash, dkim::Canon canon, std::string_view body,
                           std::optional<uint64_t> limit = std::nullopt);

// RSASSA-PKCS1-v1_5 over `data` with `hash`, computed by OpenSSL directly
// from a PEM private key: no key-size or algorithm policy applies.
std::string OpenSslRsaSign(const std::string& private_key_pem, dkim::HashAlgorithm hash,
                           std::string_view data);
// The base64 SubjectPublicKeyInfo of a PEM private key (a p= value).
std::string OpenSslPublicKeyBase64(const std::string& private_key_pem);
// Size in bits of an RSA PEM private key.
int OpenSslKeyBits(const std::string& private_key_pem);

// Prepends a DKIM-Signature made by the oracle: `tags` is everything but
// bh= and b= (e.g. "v=1; a=rsa-sha1; c=relaxed/relaxed; d=example.com;
// s=test; h=From:To"); bh= is computed over the whole body.
std::string AddOracleSignature(const std::string& message_bytes, std::string_view tags,
                               dkim::Canonicalization canon, dkim::HashAlgorithm hash,
                               const std::string& private_key_pem);

}  // namespace testdata

#endif  // LISTD_TESTS_UNIT_TESTDATA_H_
