// Fuzz target: dkim::Message::Parse on any bytes, then everything the
// intake does with a parsed post before any size check: DKIM verification
// (canonicalization, header selection, body hash, signature check) and ARC
// validation, with the published keys of RFC 8463 appendix A.2 and RFC 6376
// appendix C answering from a static table (no DNS). The seeds hold those
// RFCs' signed examples, so mutations start from signatures that verify.
#include <cstdint>
#include <string>
#include <string_view>

#include "dkim/arc_validator.h"
#include "dkim/key_resolver.h"
#include "dkim/message.h"
#include "dkim/txt_resolver.h"
#include "dkim/verifier.h"
#include "fuzz_input.h"

namespace {

constexpr int64_t kNow = 1528637909 + 3600;  // an hour after RFC 8463's t=

dkim::StaticTxtResolver& Dns() {
  static dkim::StaticTxtResolver* dns = [] {
    auto* table = new dkim::StaticTxtResolver;
    table->Add("brisbane._domainkey.football.example.com",
               "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    table->Add("test._domainkey.football.example.com",
               "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6W"
               "k08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6"
               "lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB");
    table->Add("brisbane._domainkey.example.com",
               "v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg"
               "1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto"
               "/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB");
    return table;
  }();
  return *dns;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  auto message = dkim::Message::Parse(std::string(listd_fuzz::Text(data, size)));
  if (!message.ok()) {
    Check(!message.error().empty(), "a refused message says why");
    return 0;
  }
  const std::string_view bytes = message->bytes();
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\n') Check(i > 0 && bytes[i - 1] == '\r', "a bare LF is made CRLF");
  }
  for (const dkim::HeaderField& field : message->headers()) {
    Check(field.raw.data() >= bytes.data() &&
              field.raw.data() + field.raw.size() <= bytes.data() + bytes.size(),
          "a field lies inside the message");
    Check(!field.name.empty(), "a field has a name");
    Check(message->FieldsNamed(field.name).size() >= 1, "FieldsNamed finds every field");
  }
  (void)dkim::FromFieldProblem(*message);

  // A resolver per input: its cache must not carry one input's keys to the next.
  dkim::DnsKeyResolver keys(Dns(), [] { return kNow; });
  dkim::Verifier verifier(keys);
  for (const dkim::SignatureResult& r : verifier.Verify(*message, kNow)) {
    if (r.result == dkim::DkimResult::kPass) {
      Check(!dkim::FromFieldProblem(*message).has_value(),
            "a message without exactly one From never passes (RFC 6376 section 8.15)");
    }
  }
  dkim::ArcValidator arc(keys);
  (void)arc.Validate(*message, kNow);
  return 0;
}
