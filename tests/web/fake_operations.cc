// FakeOperations (see fake_operations.h).
#include "tests/web/fake_operations.h"

namespace web_test {

base::Result<json> FakeOperations::Answer(std::string call, json document) {
  calls.push_back(std::move(call));
  if (fail) return *fail;
  return document;
}

base::Status FakeOperations::Done(std::string call) {
  calls.push_back(std::move(call));
  if (fail) return *fail;
  return base::Ok();
}

base::Result<json> FakeOperations::Lists() {
  return Answer("Lists", json::array({{{"address", "demo@example.org"}},
                                      {{"address", "other@example.org"}}}));
}
base::Result<json> FakeOperations::CreateList(const std::string& actor, const std::string& address,
                                              const std::string& name,
                                              const std::optional<std::string>& owner, int64_t) {
  return Answer(
      "CreateList " + address + " name=" + name + " owner=" + owner.value_or("-") + " by " + actor,
      {{"address", address}});
}
base::Result<json> FakeOperations::ShowList(const std::string& list) {
  return Answer("ShowList " + list, {{"address", list}});
}
base::Status FakeOperations::RemoveList(const std::string& actor, const std::string& list,
                                        int64_t) {
  return Done("RemoveList " + list + " by " + actor);
}
base::Result<json> FakeOperations::Settings(const std::string& list) {
  return Answer("Settings " + list);
}
base::Result<json> FakeOperations::ChangeSettings(
    const std::string& actor, const std::string& list,
    const std::vector<std::pair<std::string, std::string>>& a,
    const std::vector<std::string>& reset, int64_t) {
  last_assignments = a;
  last_reset = reset;
  return Answer("ChangeSettings " + list + " by " + actor);
}
base::Result<json> FakeOperations::SettingsCatalogue(const std::string& list) {
  return Answer("SettingsCatalogue " + list, json::array());
}
base::Result<json> FakeOperations::CheckSettings(
    const std::vector<std::pair<std::string, std::string>>& a) {
  last_assignments = a;
  return Answer("CheckSettings");
}
base::Result<json> FakeOperations::Members(const std::string& list,
                                           const web::MemberPageQuery& query) {
  last_page = query;
  return Answer("Members " + list,
                {{"entries", json::array()}, {"start", query.start}, {"total_size", 0}});
}
base::Result<json> FakeOperations::Member(const std::string& list, const std::string& address) {
  return Answer("Member " + list + " " + address, {{"address", address}});
}
base::Result<json> FakeOperations::AddMember(const std::string& actor, const std::string& list,
                                             const std::string& address, const std::string& role,
                                             int64_t) {
  return Answer("AddMember " + list + " " + address + " " + role + " by " + actor,
                {{"address", address}});
}
base::Status FakeOperations::RemoveMember(const std::string& actor, const std::string& list,
                                          const std::string& address, int64_t) {
  return Done("RemoveMember " + list + " " + address + " by " + actor);
}
base::Result<json> FakeOperations::ChangeMember(const std::string& actor, const std::string& list,
                                                const std::string& address,
                                                const web::MemberChange& change, int64_t) {
  last_change = change;
  return Answer("ChangeMember " + list + " " + address + " by " + actor);
}
base::Result<json> FakeOperations::Import(const std::string& actor, const std::string& list,
                                          const std::string& text, int64_t) {
  last_text = text;
  return Answer("Import " + list + " by " + actor);
}
base::Result<std::string> FakeOperations::Export(const std::string& list) {
  calls.push_back("Export " + list);
  if (fail) return *fail;
  return std::string("a@example.org\nBob <b@example.org>\n");
}
base::Result<json> FakeOperations::Keys(const std::string& list) {
  return Answer("Keys " + list, json::array());
}
base::Result<json> FakeOperations::Generate(const std::string& actor, const std::string& list,
                                            const std::string& algorithm, std::optional<int> bits,
                                            const std::optional<std::string>& selector, int64_t) {
  return Answer("Generate " + list + " " + algorithm +
                " bits=" + (bits ? std::to_string(*bits) : "-") +
                " selector=" + selector.value_or("-") + " by " + actor);
}
base::Result<json> FakeOperations::DnsRecords(const std::string& list,
                                              const std::string& selector) {
  return Answer("DnsRecords " + list + " " + selector, json::array());
}
base::Result<json> FakeOperations::Check(const std::string& list, const std::string& selector) {
  return Answer("Check " + list + " " + selector, json::array());
}
base::Result<json> FakeOperations::Activate(const std::string& actor, const std::string& list,
                                            const std::string& selector,
                                            const std::string& algorithm, int64_t) {
  return Answer("Activate " + list + " " + selector + " algorithm=" + algorithm + " by " + actor);
}
base::Result<json> FakeOperations::Rotate(const std::string& actor, const std::string& list,
                                          const std::string& algorithm, std::optional<int>,
                                          int64_t) {
  return Answer("Rotate " + list + " algorithm=" + algorithm + " by " + actor, json::array());
}
base::Result<json> FakeOperations::Retire(const std::string& actor, const std::string& list,
                                          const std::string& selector, const std::string& algorithm,
                                          int64_t) {
  return Answer("Retire " + list + " " + selector + " algorithm=" + algorithm + " by " + actor);
}
base::Result<json> FakeOperations::Remove(const std::string& actor, const std::string& list,
                                          const std::string& selector, const std::string& algorithm,
                                          int64_t) {
  return Answer("Remove " + list + " " + selector + " algorithm=" + algorithm + " by " + actor);
}
base::Result<json> FakeOperations::HeldPosts(const std::string& list) {
  return Answer("HeldPosts " + list, json::array());
}
base::Result<json> FakeOperations::HeldPost(const std::string& list, int64_t id) {
  return Answer("HeldPost " + list + " " + std::to_string(id));
}
base::Result<json> FakeOperations::Approve(const std::string& actor, const std::string& list,
                                           int64_t id) {
  return Answer("Approve " + list + " " + std::to_string(id) + " by " + actor);
}
base::Result<json> FakeOperations::Reject(const std::string& actor, const std::string& list,
                                          int64_t id, const std::string& reason) {
  last_text = reason;
  return Answer("Reject " + list + " " + std::to_string(id) + " by " + actor);
}
base::Result<json> FakeOperations::Discard(const std::string& actor, const std::string& list,
                                           int64_t id) {
  return Answer("Discard " + list + " " + std::to_string(id) + " by " + actor);
}
base::Result<json> FakeOperations::Requests(const std::string& list) {
  return Answer("Requests " + list, json::array());
}
base::Result<json> FakeOperations::ApproveRequest(const std::string& actor, const std::string& list,
                                                  int64_t id, int64_t) {
  return Answer("ApproveRequest " + list + " " + std::to_string(id) + " by " + actor);
}
base::Result<json> FakeOperations::RejectRequest(const std::string& actor, const std::string& list,
                                                 int64_t id, const std::string& reason, int64_t) {
  last_text = reason;
  return Answer("RejectRequest " + list + " " + std::to_string(id) + " by " + actor);
}
base::Result<json> FakeOperations::Bans(const std::optional<std::string>& list) {
  return Answer("Bans " + list.value_or("site"), json::array());
}
base::Result<json> FakeOperations::AddBan(const std::string& actor,
                                          const std::optional<std::string>& list,
                                          const std::string& pattern, const std::string& reason,
                                          int64_t) {
  last_text = reason;
  return Answer("AddBan " + list.value_or("site") + " " + pattern + " by " + actor);
}
base::Status FakeOperations::RemoveBan(const std::string& actor,
                                       const std::optional<std::string>& list,
                                       const std::string& pattern, int64_t) {
  return Done("RemoveBan " + list.value_or("site") + " " + pattern + " by " + actor);
}
base::Result<json> FakeOperations::Bounces(const std::string& list) {
  return Answer("Bounces " + list, json::array());
}
base::Result<json> FakeOperations::Doctor(const std::string& list, int64_t) {
  return Answer("Doctor " + list);
}
base::Result<json> FakeOperations::Events(const std::string& list, int limit) {
  return Answer("Events " + list + " " + std::to_string(limit), json::array());
}

}  // namespace web_test
