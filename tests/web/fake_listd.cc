// FakeListd (see fake_listd.h).
#include "tests/web/fake_listd.h"

#include <sstream>

namespace web_test {
namespace {

struct CatalogueEntry {
  const char* name;
  const char* type;
  const char* default_value;
  std::vector<std::string> choices;
};

const std::vector<CatalogueEntry>& Catalogue() {
  static const std::vector<CatalogueEntry> kCatalogue = {
      {"subject_tag", "text", "", {}},
      {"posting_policy", "enum", "members-only", {"members-only", "moderated", "open"}},
      {"max_size", "bytes", "5242880", {}},
      {"signing.domain", "domain", "example.org", {}},
      {"signing.algorithms", "enum", "both", {"rsa", "ed25519", "both"}},
      {"signing.expire", "seconds", "0", {}},
      {"arc", "enum", "on", {"on", "off"}},
  };
  return kCatalogue;
}

const CatalogueEntry* FindEntry(const std::string& name) {
  for (const CatalogueEntry& entry : Catalogue()) {
    if (name == entry.name) return &entry;
  }
  return nullptr;
}

// The fake catalogue's validation: enums take their choices, numbers
// digits.
std::string Refusal(const std::string& name, const std::string& value) {
  const CatalogueEntry* entry = FindEntry(name);
  if (!entry) return "no setting " + name;
  if (!entry->choices.empty()) {
    for (const std::string& choice : entry->choices) {
      if (choice == value) return "";
    }
    return name + " must be one of its choices, not '" + value + "'";
  }
  if (std::string(entry->type) == "bytes" || std::string(entry->type) == "seconds") {
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) {
      return name + " must be a number, not '" + value + "'";
    }
  }
  return "";
}

}  // namespace

FakeListd::List& FakeListd::AddList(const std::string& address, const std::string& name) {
  List& list = lists[address];
  list.name = name;
  return list;
}

base::Result<FakeListd::List*> FakeListd::Find(const std::string& list) {
  auto found = lists.find(list);
  if (found == lists.end()) return base::NotFound("no list " + list);
  return &found->second;
}

base::Result<Json> FakeListd::Lists() {
  Json out = Json::array();
  for (auto& [address, list] : lists) {
    out.push_back({{"address", address},
                   {"name", list.name},
                   {"created_at", 1},
                   {"members", list.members.size()}});
  }
  return out;
}

base::Result<Json> FakeListd::CreateList(const std::string&, const std::string& address,
                                         const std::string& name, const std::optional<std::string>&,
                                         int64_t) {
  ++writes;
  AddList(address, name);
  return ShowList(address);
}

base::Result<Json> FakeListd::ShowList(const std::string& address) {
  auto list = Find(address);
  if (!list) return list.failure();
  auto settings = Settings(address);
  return Json{{"address", address},
              {"name", (*list)->name},
              {"settings", *settings},
              {"keys", (*list)->keys}};
}

base::Status FakeListd::RemoveList(const std::string&, const std::string& address, int64_t) {
  ++writes;
  lists.erase(address);
  return base::Ok();
}

base::Result<Json> FakeListd::Settings(const std::string& address) {
  auto list = Find(address);
  if (!list) return list.failure();
  Json out = Json::object();
  for (const CatalogueEntry& entry : Catalogue()) {
    auto set = (*list)->settings.find(entry.name);
    out[entry.name] = {
        {"value", set == (*list)->settings.end() ? entry.default_value : set->second},
        {"default", set == (*list)->settings.end()}};
  }
  return out;
}

base::Result<Json> FakeListd::ChangeSettings(
    const std::string&, const std::string& address,
    const std::vector<std::pair<std::string, std::string>>& assignments,
    const std::vector<std::string>& reset, int64_t) {
  auto list = Find(address);
  if (!list) return list.failure();
  for (const auto& [name, value] : assignments) {
    std::string refused = Refusal(name, value);
    if (!refused.empty()) return base::Invalid("nothing changed: " + refused);
  }
  ++writes;
  for (const auto& [name, value] : assignments) (*list)->settings[name] = value;
  for (const std::string& name : reset) (*list)->settings.erase(name);
  return Settings(address);
}

base::Result<Json> FakeListd::SettingsCatalogue(const std::string& address) {
  auto list = Find(address);
  if (!list) return list.failure();
  Json out = Json::array();
  for (const CatalogueEntry& entry : Catalogue()) {
    auto set = (*list)->settings.find(entry.name);
    out.push_back({{"name", entry.name},
                   {"description", std::string("what ") + entry.name + " does"},
                   {"type", entry.type},
                   {"allowed", entry.choices.empty() ? std::string("a value") : "a choice"},
                   {"choices", entry.choices},
                   {"default_value", entry.default_value},
                   {"value", set == (*list)->settings.end() ? entry.default_value : set->second},
                   {"is_default", set == (*list)->settings.end()}});
  }
  return out;
}

base::Result<Json> FakeListd::CheckSettings(
    const std::vector<std::pair<std::string, std::string>>& assignments) {
  Json errors = Json::object();
  for (const auto& [name, value] : assignments) {
    std::string refused = Refusal(name, value);
    if (!refused.empty()) errors[name] = refused;
  }
  return errors;
}

base::Result<Json> FakeListd::Members(const std::string& address,
                                      const web::MemberPageQuery& query) {
  auto list = Find(address);
  if (!list) return list.failure();
  if (query.role && *query.role != "member" && *query.role != "moderator" &&
      *query.role != "owner") {
    return base::Invalid("role must be member, moderator or owner");
  }
  std::vector<Json> found;
  for (const Json& member : (*list)->members) {
    if (query.role && member["role"] != *query.role) continue;
    if (query.delivery && member["delivery"] != *query.delivery) continue;
    if (member["address"].get<std::string>().find(query.contains) == std::string::npos) continue;
    found.push_back(member);
  }
  Json entries = Json::array();
  for (int64_t i = query.start;
       i < static_cast<int64_t>(found.size()) && i < query.start + query.count; ++i) {
    entries.push_back(found[static_cast<size_t>(i)]);
  }
  return Json{{"entries", entries}, {"start", query.start}, {"total_size", found.size()}};
}

base::Result<Json> FakeListd::Member(const std::string& address, const std::string& member) {
  auto list = Find(address);
  if (!list) return list.failure();
  for (const Json& m : (*list)->members) {
    if (m["address"] == member) return m;
  }
  return base::NotFound("not a member: " + member);
}

base::Result<Json> FakeListd::AddMember(const std::string&, const std::string& address,
                                        const std::string& member, const std::string& role,
                                        int64_t now) {
  auto list = Find(address);
  if (!list) return list.failure();
  if (member.find('@') == std::string::npos) return base::Invalid("not an address: " + member);
  for (const Json& m : (*list)->members) {
    if (m["address"] == member) return base::Conflict("already a member: " + member);
  }
  ++writes;
  Json view = {{"address", member},     {"name", ""},        {"role", role},
               {"delivery", "enabled"}, {"bounce_score", 0}, {"moderated", false},
               {"subscribed_at", now}};
  (*list)->members.push_back(view);
  return view;
}

base::Status FakeListd::RemoveMember(const std::string&, const std::string& address,
                                     const std::string& member, int64_t) {
  auto list = Find(address);
  if (!list) return list.failure();
  auto& members = (*list)->members;
  for (auto it = members.begin(); it != members.end(); ++it) {
    if ((*it)["address"] == member) {
      ++writes;
      members.erase(it);
      return base::Ok();
    }
  }
  return base::NotFound("not a member: " + member);
}

base::Result<Json> FakeListd::ChangeMember(const std::string&, const std::string& address,
                                           const std::string& member,
                                           const web::MemberChange& change, int64_t) {
  auto list = Find(address);
  if (!list) return list.failure();
  for (Json& m : (*list)->members) {
    if (m["address"] != member) continue;
    ++writes;
    if (change.role) m["role"] = *change.role;
    if (change.moderated) m["moderated"] = *change.moderated;
    if (change.delivery) m["delivery"] = *change.delivery;
    return m;
  }
  return base::NotFound("not a member: " + member);
}

base::Result<Json> FakeListd::Import(const std::string& actor, const std::string& address,
                                     const std::string& text, int64_t now) {
  std::istringstream lines(text);
  std::string line;
  int number = 0, added = 0, duplicates = 0;
  Json rejected = Json::array();
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty()) continue;
    auto done = AddMember(actor, address, line, "member", now);
    if (done) {
      ++added;
    } else if (done.failure().kind == base::ErrorKind::kConflict) {
      ++duplicates;
    } else {
      rejected.push_back({{"line", number}, {"text", line}, {"reason", done.failure().message}});
    }
  }
  return Json{{"added", added},
              {"duplicates", duplicates},
              {"rejected_count", rejected.size()},
              {"rejected", rejected}};
}

base::Result<std::string> FakeListd::Export(const std::string& address) {
  auto list = Find(address);
  if (!list) return list.failure();
  std::string out;
  for (const Json& m : (*list)->members) out += m["address"].get<std::string>() + "\n";
  return out;
}

base::Result<Json> FakeListd::Keys(const std::string& address) {
  auto list = Find(address);
  if (!list) return list.failure();
  return Json((*list)->keys);
}

base::Result<Json> FakeListd::Generate(const std::string&, const std::string& address,
                                       const std::string& algorithm, std::optional<int> bits,
                                       const std::optional<std::string>& selector, int64_t now) {
  auto list = Find(address);
  if (!list) return list.failure();
  if (algorithm != "rsa" && algorithm != "ed25519") return base::Invalid("bad algorithm");
  std::string name = selector.value_or("s" + std::to_string((*list)->keys.size() + 1));
  ++writes;
  Json key = {{"selector", name},
              {"algorithm", algorithm},
              {"bits", algorithm == "rsa" ? bits.value_or(2048) : 256},
              {"state", "generated"},
              {"record_name", name + "._domainkey.example.org"},
              {"public_key", "PUBLICKEY"},
              {"created_at", now}};
  (*list)->keys.insert((*list)->keys.begin(), key);
  return Json{{"key", key}, {"record_name", key["record_name"]}, {"zone_record", "zone"}};
}

base::Result<Json> FakeListd::DnsRecords(const std::string& address, const std::string& selector) {
  auto list = Find(address);
  if (!list) return list.failure();
  Json out = Json::array();
  for (const Json& key : (*list)->keys) {
    if (key["selector"] != selector) continue;
    const std::string name = key["record_name"];
    out.push_back({{"selector", selector},
                   {"algorithm", key["algorithm"]},
                   {"name", name},
                   {"value", "v=DKIM1; p=PUBLICKEY"},
                   {"zone_file", name + ". IN TXT \"v=DKIM1; k=" +
                                     key["algorithm"].get<std::string>() + "; p=PUBLICKEY\"\n"}});
  }
  if (out.empty()) return base::NotFound("no key with selector " + selector);
  return out;
}

std::string FakeListd::DnsState(const Json& key) {
  ++dns_lookups;
  auto found = dns.find(key["record_name"].get<std::string>());
  return found == dns.end() ? "missing" : found->second;
}

base::Result<Json> FakeListd::Check(const std::string& address, const std::string& selector) {
  auto list = Find(address);
  if (!list) return list.failure();
  Json out = Json::array();
  for (const Json& key : (*list)->keys) {
    if (key["selector"] != selector) continue;
    out.push_back({{"selector", selector},
                   {"algorithm", key["algorithm"]},
                   {"state", key["state"]},
                   {"name", key["record_name"]},
                   {"result", DnsState(key)},
                   {"detail", "as the test set it"}});
  }
  if (out.empty()) return base::NotFound("no key with selector " + selector);
  return out;
}

base::Result<Json*> FakeListd::FindKey(List& list, const std::string& selector,
                                       const std::string& algorithm) {
  for (Json& key : list.keys) {
    if (key["selector"] == selector && (algorithm.empty() || key["algorithm"] == algorithm)) {
      return &key;
    }
  }
  return base::NotFound("no key with selector " + selector);
}

base::Result<Json> FakeListd::Activate(const std::string&, const std::string& address,
                                       const std::string& selector, const std::string& algorithm,
                                       int64_t) {
  auto list = Find(address);
  if (!list) return list.failure();
  auto key = FindKey(**list, selector, algorithm);
  if (!key) return key.failure();
  const std::string state = DnsState(**key);
  if (state != "match") {
    return base::Conflict("refused: key '" + selector + "' stays generated: the check says " +
                          state);
  }
  ++writes;
  (**key)["state"] = "active";
  return Json{{"key", **key}};
}

base::Result<Json> FakeListd::Rotate(const std::string& actor, const std::string& address,
                                     const std::string&, std::optional<int> bits, int64_t now) {
  auto made = Generate(actor, address, "rsa", bits, std::nullopt, now);
  if (!made) return made.failure();
  return Json::array({*made});
}

base::Result<Json> FakeListd::Retire(const std::string&, const std::string& address,
                                     const std::string& selector, const std::string& algorithm,
                                     int64_t) {
  auto list = Find(address);
  if (!list) return list.failure();
  auto key = FindKey(**list, selector, algorithm);
  if (!key) return key.failure();
  if ((**key)["state"] != "active") return base::Conflict("the key does not sign");
  ++writes;
  (**key)["state"] = "retired";
  return Json{{"key", **key}};
}

base::Result<Json> FakeListd::Remove(const std::string&, const std::string& address,
                                     const std::string& selector, const std::string& algorithm,
                                     int64_t) {
  auto list = Find(address);
  if (!list) return list.failure();
  auto key = FindKey(**list, selector, algorithm);
  if (!key) return key.failure();
  if ((**key)["state"] == "active") return base::Conflict("the key signs; retire it first");
  ++writes;
  auto& keys = (*list)->keys;
  for (auto it = keys.begin(); it != keys.end(); ++it) {
    if (&*it == *key) {
      keys.erase(it);
      break;
    }
  }
  return Json{{"record_name", selector}};
}

base::Result<Json> FakeListd::HeldPosts(const std::string& address) {
  auto list = Find(address);
  if (!list) return list.failure();
  Json out = Json::array();
  for (Json post : (*list)->held) {
    post.erase("headers");
    post.erase("parts");
    out.push_back(post);
  }
  return out;
}

base::Result<Json> FakeListd::HeldPost(const std::string& address, int64_t id) {
  auto list = Find(address);
  if (!list) return list.failure();
  for (const Json& post : (*list)->held) {
    if (post["id"] == id) return post;
  }
  return base::NotFound("no held post " + std::to_string(id));
}

base::Result<Json> FakeListd::Decide(const std::string& address, int64_t id,
                                     const std::string& action) {
  auto list = Find(address);
  if (!list) return list.failure();
  auto& held = (*list)->held;
  for (auto it = held.begin(); it != held.end(); ++it) {
    if ((*it)["id"] == id) {
      ++writes;
      held.erase(it);
      return Json{{"action", action}};
    }
  }
  return base::NotFound("no held post " + std::to_string(id));
}

base::Result<Json> FakeListd::Approve(const std::string&, const std::string& list, int64_t id) {
  return Decide(list, id, "approved");
}
base::Result<Json> FakeListd::Reject(const std::string&, const std::string& list, int64_t id,
                                     const std::string&) {
  return Decide(list, id, "rejected");
}
base::Result<Json> FakeListd::Discard(const std::string&, const std::string& list, int64_t id) {
  return Decide(list, id, "discarded");
}

base::Result<Json> FakeListd::Requests(const std::string& address) {
  auto list = Find(address);
  if (!list) return list.failure();
  return Json((*list)->requests);
}

base::Result<Json> FakeListd::ApproveRequest(const std::string&, const std::string& address,
                                             int64_t id, int64_t) {
  auto list = Find(address);
  if (!list) return list.failure();
  auto& requests = (*list)->requests;
  for (auto it = requests.begin(); it != requests.end(); ++it) {
    if ((*it)["id"] == id) {
      ++writes;
      requests.erase(it);
      return Json{{"answer", "approved"}};
    }
  }
  return base::NotFound("no request");
}

base::Result<Json> FakeListd::RejectRequest(const std::string& actor, const std::string& address,
                                            int64_t id, const std::string&, int64_t now) {
  return ApproveRequest(actor, address, id, now);
}

base::Result<Json> FakeListd::Bans(const std::optional<std::string>& address) {
  if (!address) return Json::array();
  auto list = Find(*address);
  if (!list) return list.failure();
  return Json((*list)->bans);
}

base::Result<Json> FakeListd::AddBan(const std::string&, const std::optional<std::string>& address,
                                     const std::string& pattern, const std::string& reason,
                                     int64_t) {
  if (!address) return base::Invalid("site bans are not faked");
  auto list = Find(*address);
  if (!list) return list.failure();
  if (pattern.find('@') == std::string::npos) return base::Invalid("not a pattern: " + pattern);
  ++writes;
  Json ban = {{"pattern", pattern}, {"reason", reason}, {"created_at", "2026-12-02T00:00:00Z"}};
  (*list)->bans.push_back(ban);
  return ban;
}

base::Status FakeListd::RemoveBan(const std::string&, const std::optional<std::string>& address,
                                  const std::string& pattern, int64_t) {
  if (!address) return base::Invalid("site bans are not faked");
  auto list = Find(*address);
  if (!list) return list.failure();
  auto& bans = (*list)->bans;
  for (auto it = bans.begin(); it != bans.end(); ++it) {
    if ((*it)["pattern"] == pattern) {
      ++writes;
      bans.erase(it);
      return base::Ok();
    }
  }
  return base::NotFound("no such ban");
}

base::Result<Json> FakeListd::Bounces(const std::string&) { return Json::array(); }

base::Result<Json> FakeListd::Doctor(const std::string& address, int64_t) {
  auto list = Find(address);
  if (!list) return list.failure();
  bool active = false;
  for (const Json& key : (*list)->keys) active = active || key["state"] == "active";
  Json findings = Json::array();
  if (!active) {
    findings.push_back({{"severity", "error"},
                        {"code", "no-active-key"},
                        {"message", "no key signs"},
                        {"fix", "generate and activate a key"}});
  }
  return Json{{"list", address},
              {"signing_domain", "example.org"},
              {"errors", findings.size()},
              {"warnings", 0},
              {"notes", 0},
              {"findings", findings}};
}

base::Result<Json> FakeListd::Events(const std::string& address, int) {
  auto list = Find(address);
  if (!list) return list.failure();
  return Json::array({{{"id", 1},
                       {"at", "2026-12-02T00:00:00Z"},
                       {"actor", "listctl:root"},
                       {"action", "list.create"},
                       {"detail", (*list)->name}}});
}

}  // namespace web_test
