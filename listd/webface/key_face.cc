// KeyFace (see key_face.h).
#include "listd/webface/key_face.h"

#include "listd/service/key_service.h"
#include "listd/views/json.h"
#include "listd/views/key_view.h"

namespace listd::webface {
namespace {

using Json = nlohmann::json;
using service::KeyService;

// "" = none given; another spelling than rsa or ed25519 is kind invalid.
base::Result<std::optional<storage::KeyAlgorithm>> AlgorithmOf(const std::string& text) {
  if (text.empty()) return std::optional<storage::KeyAlgorithm>();
  auto algorithm = storage::ParseKeyAlgorithm(text);
  if (!algorithm) return base::Invalid("algorithm must be rsa or ed25519, not \"" + text + "\"");
  return std::optional<storage::KeyAlgorithm>(*algorithm);
}

Json NewKeyView(const service::NewKey& key, const std::string& domain) {
  return {{"key", views::KeyView(key.key, domain)},
          {"record_name", key.record_name},
          {"zone_record", key.zone_record},
          {"warnings", key.warnings}};
}

}  // namespace

base::Result<Json> KeyFace::Keys(const std::string& list) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    KeyService keys(store, "");
    auto domain = keys.SigningDomain(list);
    if (!domain) return domain.failure();
    auto all = keys.List(list);
    if (!all) return all.failure();
    Json out = Json::array();
    for (const storage::KeyRecord& key : *all) out.push_back(views::KeyView(key, *domain));
    return out;
  });
}

base::Result<Json> KeyFace::Generate(const std::string& actor, const std::string& list,
                                     const std::string& algorithm, std::optional<int> bits,
                                     const std::optional<std::string>& selector, int64_t now) {
  auto parsed = AlgorithmOf(algorithm);
  if (!parsed) return parsed.failure();
  if (!*parsed) return base::Invalid("algorithm is required: rsa or ed25519");
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    KeyService keys(store, actor);
    auto domain = keys.SigningDomain(list);
    if (!domain) return domain.failure();
    // As `listctl key generate`: RSA of 2048 bits unless told.
    auto key = keys.Generate(list, **parsed, bits.value_or(2048), selector, now);
    if (!key) return key.failure();
    return NewKeyView(*key, *domain);
  });
}

base::Result<Json> KeyFace::DnsRecords(const std::string& list, const std::string& selector) {
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto records = KeyService(store, "").Dns(list, selector);
    if (!records) return records.failure();
    if (records->empty()) return base::NotFound("no key with selector " + selector);
    Json out = Json::array();
    for (const service::KeyDnsRecord& record : *records) {
      out.push_back({{"selector", record.key.selector},
                     {"algorithm", std::string(storage::ToString(record.key.algorithm))},
                     {"state", std::string(storage::ToString(record.key.state))},
                     {"name", record.name},
                     {"value", record.value},
                     {"zone_file", record.zone_file}});
    }
    return out;
  });
}

base::Result<Json> KeyFace::Check(const std::string& list, const std::string& selector) {
  auto dns = resolvers_();
  if (!dns) return dns.failure();
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    auto checks = KeyService(store, "").Check(list, selector, **dns);
    if (!checks) return checks.failure();
    if (checks->empty()) return base::NotFound("no key with selector " + selector);
    Json out = Json::array();
    for (const service::KeyCheck& check : *checks) out.push_back(views::KeyCheckView(check));
    return out;
  });
}

base::Result<Json> KeyFace::Activate(const std::string& actor, const std::string& list,
                                     const std::string& selector, const std::string& algorithm,
                                     int64_t now) {
  auto parsed = AlgorithmOf(algorithm);
  if (!parsed) return parsed.failure();
  auto dns = resolvers_();
  if (!dns) return dns.failure();
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    KeyService keys(store, actor);
    auto domain = keys.SigningDomain(list);
    if (!domain) return domain.failure();
    auto report = keys.Activate(list, {selector, *parsed}, dns->get(), /*force=*/false, now);
    if (!report) return report.failure();
    if (!report->activated) {
      // As `listctl key activate` without --force: refused until DNS
      // shows the record.
      const service::KeyCheck& check = *report->check;
      return base::Conflict("refused: key '" + selector + "' stays " +
                            std::string(storage::ToString(report->key.state)) +
                            ": the check says " + std::string(service::ToString(check.outcome)) +
                            " at " + check.name + ": " + check.detail +
                            "; publish the record GET .../keys/" + selector +
                            "/dns shows, wait for it to appear, and try again");
    }
    Json still = Json::array();
    for (const storage::KeyRecord& key : report->still_active) {
      still.push_back(views::KeyView(key, *domain));
    }
    return Json{{"key", views::KeyView(report->key, *domain)},
                {"check", report->check ? views::KeyCheckView(*report->check) : Json()},
                {"still_active", std::move(still)}};
  });
}

base::Result<Json> KeyFace::Rotate(const std::string& actor, const std::string& list,
                                   const std::string& algorithm, std::optional<int> bits,
                                   int64_t now) {
  auto parsed = AlgorithmOf(algorithm);
  if (!parsed) return parsed.failure();
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    KeyService keys(store, actor);
    auto domain = keys.SigningDomain(list);
    if (!domain) return domain.failure();
    auto made = keys.Rotate(list, *parsed, bits, now);
    if (!made) return made.failure();
    Json out = Json::array();
    for (const service::NewKey& key : *made) out.push_back(NewKeyView(key, *domain));
    return out;
  });
}

base::Result<Json> KeyFace::Retire(const std::string& actor, const std::string& list,
                                   const std::string& selector, const std::string& algorithm,
                                   int64_t now) {
  auto parsed = AlgorithmOf(algorithm);
  if (!parsed) return parsed.failure();
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    KeyService keys(store, actor);
    auto domain = keys.SigningDomain(list);
    if (!domain) return domain.failure();
    auto report = keys.Retire(list, {selector, *parsed}, now);
    if (!report) return report.failure();
    return Json{{"key", views::KeyView(report->key, *domain)},
                {"record_name", report->record_name},
                {"keep_published_until", views::Time(report->keep_published_until)},
                {"lifetime", report->lifetime},
                {"no_active_key_left", report->no_active_key_left}};
  });
}

base::Result<Json> KeyFace::Remove(const std::string& actor, const std::string& list,
                                   const std::string& selector, const std::string& algorithm,
                                   int64_t now) {
  auto parsed = AlgorithmOf(algorithm);
  if (!parsed) return parsed.failure();
  return store_.With([&](storage::Store& store) -> base::Result<Json> {
    KeyService keys(store, actor);
    auto domain = keys.SigningDomain(list);
    if (!domain) return domain.failure();
    auto report = keys.Remove(list, {selector, *parsed}, /*force=*/false, now);
    if (!report) return report.failure();
    return Json{{"key", views::KeyView(report->key, *domain)},
                {"record_name", report->record_name},
                {"keep_published_until", views::Time(report->keep_published_until)}};
  });
}

}  // namespace listd::webface
