// FakeListd: the operations the admin pages use (web/*_operations.h), as
// small tables in memory, for testing the pages alone: a list or two with
// a few catalogue settings, keys whose DNS state the test sets, members,
// held posts, requests, bans and events. Every write counts in `writes`,
// so a test can tell that a GET changed nothing. listd's own
// implementations over a real store are tested in tests/webface.
#ifndef LISTD_TESTS_WEB_FAKE_LISTD_H_
#define LISTD_TESTS_WEB_FAKE_LISTD_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "web/ban_operations.h"
#include "web/key_operations.h"
#include "web/list_operations.h"
#include "web/member_operations.h"
#include "web/moderation_operations.h"
#include "web/report_operations.h"

namespace web_test {

using Json = nlohmann::json;

class FakeListd : public web::ListOperations,
                  public web::MemberOperations,
                  public web::KeyOperations,
                  public web::ModerationOperations,
                  public web::BanOperations,
                  public web::ReportOperations {
 public:
  struct List {
    std::string name;
    std::map<std::string, std::string> settings;  // explicitly set
    std::vector<Json> keys;                       // key views
    std::vector<Json> members;                    // member views
    std::vector<Json> held;                       // held post views, with "headers", "parts"
    std::vector<Json> requests;
    std::vector<Json> bans;
  };
  std::map<std::string, List> lists;
  // record name -> "match" | "mismatch" | "missing": what DNS shows.
  std::map<std::string, std::string> dns;
  int writes = 0;
  int dns_lookups = 0;

  // Adds a list with the given display name.
  List& AddList(const std::string& address, const std::string& name);

  // ListOperations
  base::Result<Json> Lists() override;
  base::Result<Json> CreateList(const std::string&, const std::string&, const std::string&,
                                const std::optional<std::string>&, int64_t) override;
  base::Result<Json> ShowList(const std::string& list) override;
  base::Status RemoveList(const std::string&, const std::string&, int64_t) override;
  base::Result<Json> Settings(const std::string& list) override;
  base::Result<Json> ChangeSettings(
      const std::string& actor, const std::string& list,
      const std::vector<std::pair<std::string, std::string>>& assignments,
      const std::vector<std::string>& reset, int64_t now) override;
  base::Result<Json> SettingsCatalogue(const std::string& list) override;
  base::Result<Json> CheckSettings(
      const std::vector<std::pair<std::string, std::string>>& assignments) override;

  // MemberOperations
  base::Result<Json> Members(const std::string& list, const web::MemberPageQuery& query) override;
  base::Result<Json> Member(const std::string& list, const std::string& address) override;
  base::Result<Json> AddMember(const std::string& actor, const std::string& list,
                               const std::string& address, const std::string& role,
                               int64_t now) override;
  base::Status RemoveMember(const std::string& actor, const std::string& list,
                            const std::string& address, int64_t now) override;
  base::Result<Json> ChangeMember(const std::string& actor, const std::string& list,
                                  const std::string& address, const web::MemberChange& change,
                                  int64_t now) override;
  base::Result<Json> Import(const std::string& actor, const std::string& list,
                            const std::string& text, int64_t now) override;
  base::Result<std::string> Export(const std::string& list) override;

  // KeyOperations
  base::Result<Json> Keys(const std::string& list) override;
  base::Result<Json> Generate(const std::string& actor, const std::string& list,
                              const std::string& algorithm, std::optional<int> bits,
                              const std::optional<std::string>& selector, int64_t now) override;
  base::Result<Json> DnsRecords(const std::string& list, const std::string& selector) override;
  base::Result<Json> Check(const std::string& list, const std::string& selector) override;
  base::Result<Json> Activate(const std::string& actor, const std::string& list,
                              const std::string& selector, const std::string& algorithm,
                              int64_t now) override;
  base::Result<Json> Rotate(const std::string& actor, const std::string& list,
                            const std::string& algorithm, std::optional<int> bits,
                            int64_t now) override;
  base::Result<Json> Retire(const std::string& actor, const std::string& list,
                            const std::string& selector, const std::string& algorithm,
                            int64_t now) override;
  base::Result<Json> Remove(const std::string& actor, const std::string& list,
                            const std::string& selector, const std::string& algorithm,
                            int64_t now) override;

  // ModerationOperations
  base::Result<Json> HeldPosts(const std::string& list) override;
  base::Result<Json> HeldPost(const std::string& list, int64_t id) override;
  base::Result<Json> Approve(const std::string& actor, const std::string& list,
                             int64_t id) override;
  base::Result<Json> Reject(const std::string& actor, const std::string& list, int64_t id,
                            const std::string& reason) override;
  base::Result<Json> Discard(const std::string& actor, const std::string& list,
                             int64_t id) override;
  base::Result<Json> Requests(const std::string& list) override;
  base::Result<Json> ApproveRequest(const std::string& actor, const std::string& list, int64_t id,
                                    int64_t now) override;
  base::Result<Json> RejectRequest(const std::string& actor, const std::string& list, int64_t id,
                                   const std::string& reason, int64_t now) override;

  // BanOperations
  base::Result<Json> Bans(const std::optional<std::string>& list) override;
  base::Result<Json> AddBan(const std::string& actor, const std::optional<std::string>& list,
                            const std::string& pattern, const std::string& reason,
                            int64_t now) override;
  base::Status RemoveBan(const std::string& actor, const std::optional<std::string>& list,
                         const std::string& pattern, int64_t now) override;

  // ReportOperations
  base::Result<Json> Bounces(const std::string& list) override;
  base::Result<Json> Doctor(const std::string& list, int64_t now) override;
  base::Result<Json> Events(const std::string& list, int limit) override;

 private:
  base::Result<List*> Find(const std::string& list);
  base::Result<Json*> FindKey(List& list, const std::string& selector,
                              const std::string& algorithm);
  base::Result<Json> Decide(const std::string& list, int64_t id, const std::string& action);
  std::string DnsState(const Json& key);
};

}  // namespace web_test

#endif  // LISTD_TESTS_WEB_FAKE_LISTD_H_
