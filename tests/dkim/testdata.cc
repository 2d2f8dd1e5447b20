// Reading the shared conformance vectors, and the independent DKIM oracle
// the vector tests compare the library against (see testdata.h).
#include "testdata.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "dkim/key_resolver.h"

#ifndef LISTD_SHARED_DIR
#error "dkim_tests is built with LISTD_SHARED_DIR pointing at the shared data folder"
#endif

namespace testdata {
namespace {

bool IsFws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view TrimFws(std::string_view s) {
  while (!s.empty() && IsFws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsFws(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string> SplitTabs(std::string_view line) {
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      cells.emplace_back(line.substr(start));
      return cells;
    }
    cells.emplace_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

// Where the value of a DKIM-Signature starts: after "Name:" when `field` is a
// whole field, else 0 (a bare tag list has '=' before any ':').
size_t ValueStart(std::string_view field) {
  size_t colon = field.find(':');
  size_t equals = field.find('=');
  if (colon != std::string_view::npos && (equals == std::string_view::npos || colon < equals)) {
    return colon + 1;
  }
  return 0;
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using OwnedPkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

OwnedPkey ReadPem(const std::string& pem) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw std::runtime_error("BIO_new_mem_buf failed");
  OwnedPkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw std::runtime_error("oracle: OpenSSL cannot read the PEM private key");
  return key;
}

}  // namespace

// ---- files ----------------------------------------------------------------

std::string SharedPath(std::string_view relative) {
  return std::string(LISTD_SHARED_DIR) + "/" + std::string(relative);
}

std::string DkimSuitePath(std::string_view suite) {
  return SharedPath("testsuites/dkim/" + std::string(suite));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

bool FileExists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

std::vector<std::string> ListFiles(const std::string& dir, std::string_view suffix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (name.size() >= suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      names.push_back(std::move(name));
    }
  }
  if (ec) throw std::runtime_error("cannot list " + dir + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

// ---- tables ---------------------------------------------------------------

std::vector<TsvRow> ReadTsv(const std::string& path) {
  std::istringstream in(ReadFile(path));
  std::vector<TsvRow> rows;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    rows.push_back(TsvRow{number, SplitTabs(line)});
  }
  return rows;
}

TsvTable::TsvTable(const std::string& path, std::vector<std::string> columns)
    : path_(path), columns_(std::move(columns)), rows_(ReadTsv(path)) {
  if (!rows_.empty() && rows_.front().cells == columns_) rows_.erase(rows_.begin());
  for (TsvRow& row : rows_) {
    if (row.cells.size() > columns_.size()) {
      throw std::runtime_error(path_ + ":" + std::to_string(row.line) +
                               ": more cells than columns");
    }
    row.cells.resize(columns_.size());
  }
}

const std::string& TsvTable::Get(const TsvRow& row, std::string_view column) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == column) return row.cells.at(i);
  }
  throw std::runtime_error(path_ + ": no column named " + std::string(column));
}

void AddTsvRecords(const std::string& path, dkim::StaticTxtResolver& dns) {
  for (const TsvRow& row : ReadTsv(path)) {
    if (row.cells.size() < 2) {
      throw std::runtime_error(path + ":" + std::to_string(row.line) +
                               ": expected owner<TAB>value");
    }
    dns.Add(row.cells[0], row.cells[1]);
  }
}

std::string UnescapeC(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\' || i + 1 == text.size()) {
      out += c;
      continue;
    }
    char e = text[++i];
    switch (e) {
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case '0':
        out += '\0';
        break;
      case 'x': {
        std::string hex(text.substr(i + 1, 2));
        out += static_cast<char>(std::stoi(hex, nullptr, 16));
        i += 2;
        break;
      }
      default:
        out += e;
        break;  // \\ \" \'
    }
  }
  return out;
}

std::string LfToCrlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

std::string FixBareCrLf(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  return Lower(haystack).find(Lower(needle)) != std::string::npos;
}

// ---- verifying ------------------------------------------------------------

dkim::Message ParseMessage(std::string bytes, std::string_view what) {
  auto parsed = dkim::Message::Parse(std::move(bytes));
  if (!parsed.ok()) {
    throw std::runtime_error("cannot parse " + std::string(what) + ": " + parsed.error());
  }
  return std::move(parsed).value();
}

std::vector<dkim::SignatureResult> VerifyAt(dkim::TxtResolver& dns, const dkim::Message& message,
                                            int64_t now, dkim::VerifierOptions options) {
  dkim::DnsKeyResolver keys(dns, [now] { return now; });
  dkim::Verifier verifier(keys, options);
  return verifier.Verify(message, now);
}

std::string Describe(const dkim::SignatureResult& result) {
  std::string text(dkim::ToString(result.result));
  if (!result.reason.empty()) text += " (" + result.reason + ")";
  return text;
}

std::string Describe(const std::vector<dkim::SignatureResult>& results) {
  if (results.empty()) return "[no signatures]";
  std::string text = "[";
  for (size_t i = 0; i < results.size(); ++i) {
    if (i > 0) text += ", ";
    text += Describe(results[i]);
  }
  return text + "]";
}

// ---- the independent oracle ----------------------------------------------

std::optional<std::string> TagValue(std::string_view field, std::string_view name) {
  std::string_view value = field.substr(ValueStart(field));
  while (!value.empty()) {
    size_t semi = value.find(';');
    std::string_view spec = value.substr(0, semi);
    size_t equals = spec.find('=');
    if (equals != std::string_view::npos && TrimFws(spec.substr(0, equals)) == name) {
      return std::string(TrimFws(spec.substr(equals + 1)));
    }
    if (semi == std::string_view::npos) break;
    value.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

std::string WithEmptySignatureValue(std::string_view field) {
  std::string out(field);
  size_t pos = ValueStart(field);
  // The value ends before the field's final CRLF, if any.
  size_t end = out.size();
  if (end >= 2 && out.compare(end - 2, 2, "\r\n") == 0) end -= 2;
  while (pos < end) {
    size_t semi = out.find(';', pos);
    size_t spec_end = (semi == std::string::npos || semi > end) ? end : semi;
    size_t equals = out.find('=', pos);
    if (equals != std::string::npos && equals < spec_end &&
        TrimFws(std::string_view(out).substr(pos, equals - pos)) == "b") {
      out.erase(equals + 1, spec_end - equals - 1);
      return out;
    }
    if (spec_end == end) break;
    pos = spec_end + 1;
  }
  return out;
}

std::string HeaderHashInput(const dkim::Message& message,
                            const std::vector<std::string>& signed_headers,
                            std::string_view signature_field, dkim::Canon canon) {
  std::string out;
  std::map<std::string, size_t> used;  // lower-case name -> instances taken
  for (const std::string& name : signed_headers) {
    std::vector<const dkim::HeaderField*> fields = message.FieldsNamed(name);
    size_t& taken = used[Lower(name)];
    if (taken < fields.size()) {
      dkim::AppendCanonicalHeader(canon, fields[fields.size() - 1 - taken]->raw, out);
      ++taken;
    }
  }
  dkim::AppendCanonicalHeaderNoCrlf(canon, WithEmptySignatureValue(signature_field), out);
  return out;
}

std::vector<std::string> SplitHeaderList(std::string_view h_value) {
  std::vector<std::string> names;
  std::string current;
  for (char c : h_value) {
    if (c == ':') {
      names.push_back(current);
      current.clear();
    } else if (!IsFws(c)) {
      current += c;
    }
  }
  names.push_back(current);
  return names;
}

std::string BodyHashBase64(dkim::HashAlgorithm hash, dkim::Canon canon, std::string_view body,
                           std::optional<uint64_t> limit) {
  std::string canonical = dkim::CanonicalBody(canon, body);
  if (limit && *limit < canonical.size()) canonical.resize(*limit);
  return dkim::Base64Encode(dkim::HashBytes(hash, canonical));
}

std::string OpenSslRsaSign(const std::string& private_key_pem, dkim::HashAlgorithm hash,
                           std::string_view data) {
  OwnedPkey key = ReadPem(private_key_pem);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  const EVP_MD* md = hash == dkim::HashAlgorithm::kSha1 ? EVP_sha1() : EVP_sha256();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key.get()) != 1) {
    throw std::runtime_error("oracle: EVP_DigestSignInit failed");
  }
  size_t length = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &length, bytes, data.size()) != 1) {
    throw std::runtime_error("oracle: EVP_DigestSign (size) failed");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytes,
                     data.size()) != 1) {
    throw std::runtime_error("oracle: EVP_DigestSign failed");
  }
  signature.resize(length);
  return signature;
}

std::string OpenSslPublicKeyBase64(const std::string& private_key_pem) {
  OwnedPkey key = ReadPem(private_key_pem);
  unsigned char* der = nullptr;
  int length = i2d_PUBKEY(key.get(), &der);
  if (length <= 0) throw std::runtime_error("oracle: i2d_PUBKEY failed");
  std::string bytes(reinterpret_cast<const char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return dkim::Base64Encode(bytes);
}

int OpenSslKeyBits(const std::string& private_key_pem) {
  return EVP_PKEY_get_bits(ReadPem(private_key_pem).get());
}

std::string AddOracleSignature(const std::string& message_bytes, std::string_view tags,
                               dkim::Canonicalization canon, dkim::HashAlgorithm hash,
                               const std::string& private_key_pem) {
  dkim::Message message = ParseMessage(message_bytes, "message to sign");
  std::optional<std::string> h = TagValue(tags, "h");
  if (!h) throw std::runtime_error("oracle: tags need h=");
  std::string head = "DKIM-Signature: " + std::string(tags) +
                     "; bh=" + BodyHashBase64(hash, canon.body, message.body()) + "; b=";
  std::string input = HeaderHashInput(message, SplitHeaderList(*h), head + "\r\n", canon.header);
  std::string b = dkim::Base64Encode(OpenSslRsaSign(private_key_pem, hash, input));
  return head + b + "\r\n" + std::string(message.bytes());
}

}  // namespace testdata
