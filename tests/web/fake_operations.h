// FakeOperations: every resource family's operations (web/*_operations.h)
// over nothing: each call is written down ("AddMember demo@example.org
// a@example.org owner by api:token-2") and answers a small canned
// document, or the error set in `fail`. For testing the resource routes
// alone; listd's faces over a real store are tested in tests/webface.
#ifndef LISTD_TESTS_WEB_FAKE_OPERATIONS_H_
#define LISTD_TESTS_WEB_FAKE_OPERATIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "web/ban_operations.h"
#include "web/key_operations.h"
#include "web/list_operations.h"
#include "web/member_operations.h"
#include "web/moderation_operations.h"
#include "web/report_operations.h"

namespace web_test {

using nlohmann::json;

class FakeOperations : public web::ListOperations,
                       public web::MemberOperations,
                       public web::KeyOperations,
                       public web::ModerationOperations,
                       public web::BanOperations,
                       public web::ReportOperations {
 public:
  std::vector<std::string> calls;   // one line per call
  std::optional<base::Error> fail;  // when set, every call fails with it
  web::MemberPageQuery last_page;   // the last Members query
  web::MemberChange last_change;    // the last ChangeMember
  std::vector<std::pair<std::string, std::string>> last_assignments;
  std::vector<std::string> last_reset;
  std::string last_text;  // Import's text, a reason

  base::Result<json> Answer(std::string call, json document = json::object());
  base::Status Done(std::string call);

  // ListOperations
  base::Result<json> Lists() override;
  base::Result<json> CreateList(const std::string& actor, const std::string& address,
                                const std::string& name, const std::optional<std::string>& owner,
                                int64_t now) override;
  base::Result<json> ShowList(const std::string& list) override;
  base::Status RemoveList(const std::string& actor, const std::string& list, int64_t now) override;
  base::Result<json> Settings(const std::string& list) override;
  base::Result<json> ChangeSettings(const std::string& actor, const std::string& list,
                                    const std::vector<std::pair<std::string, std::string>>& a,
                                    const std::vector<std::string>& reset, int64_t now) override;
  base::Result<json> SettingsCatalogue(const std::string& list) override;
  base::Result<json> CheckSettings(
      const std::vector<std::pair<std::string, std::string>>& assignments) override;
  // MemberOperations
  base::Result<json> Members(const std::string& list, const web::MemberPageQuery& query) override;
  base::Result<json> Member(const std::string& list, const std::string& address) override;
  base::Result<json> AddMember(const std::string& actor, const std::string& list,
                               const std::string& address, const std::string& role,
                               int64_t now) override;
  base::Status RemoveMember(const std::string& actor, const std::string& list,
                            const std::string& address, int64_t now) override;
  base::Result<json> ChangeMember(const std::string& actor, const std::string& list,
                                  const std::string& address, const web::MemberChange& change,
                                  int64_t now) override;
  base::Result<json> Import(const std::string& actor, const std::string& list,
                            const std::string& text, int64_t now) override;
  base::Result<std::string> Export(const std::string& list) override;
  // KeyOperations
  base::Result<json> Keys(const std::string& list) override;
  base::Result<json> Generate(const std::string& actor, const std::string& list,
                              const std::string& algorithm, std::optional<int> bits,
                              const std::optional<std::string>& selector, int64_t now) override;
  base::Result<json> DnsRecords(const std::string& list, const std::string& selector) override;
  base::Result<json> Check(const std::string& list, const std::string& selector) override;
  base::Result<json> Activate(const std::string& actor, const std::string& list,
                              const std::string& selector, const std::string& algorithm,
                              int64_t now) override;
  base::Result<json> Rotate(const std::string& actor, const std::string& list,
                            const std::string& algorithm, std::optional<int> bits,
                            int64_t now) override;
  base::Result<json> Retire(const std::string& actor, const std::string& list,
                            const std::string& selector, const std::string& algorithm,
                            int64_t now) override;
  base::Result<json> Remove(const std::string& actor, const std::string& list,
                            const std::string& selector, const std::string& algorithm,
                            int64_t now) override;
  // ModerationOperations
  base::Result<json> HeldPosts(const std::string& list) override;
  base::Result<json> HeldPost(const std::string& list, int64_t id) override;
  base::Result<json> Approve(const std::string& actor, const std::string& list,
                             int64_t id) override;
  base::Result<json> Reject(const std::string& actor, const std::string& list, int64_t id,
                            const std::string& reason) override;
  base::Result<json> Discard(const std::string& actor, const std::string& list,
                             int64_t id) override;
  base::Result<json> Requests(const std::string& list) override;
  base::Result<json> ApproveRequest(const std::string& actor, const std::string& list, int64_t id,
                                    int64_t now) override;
  base::Result<json> RejectRequest(const std::string& actor, const std::string& list, int64_t id,
                                   const std::string& reason, int64_t now) override;
  // BanOperations
  base::Result<json> Bans(const std::optional<std::string>& list) override;
  base::Result<json> AddBan(const std::string& actor, const std::optional<std::string>& list,
                            const std::string& pattern, const std::string& reason,
                            int64_t now) override;
  base::Status RemoveBan(const std::string& actor, const std::optional<std::string>& list,
                         const std::string& pattern, int64_t now) override;
  // ReportOperations
  base::Result<json> Bounces(const std::string& list) override;
  base::Result<json> Doctor(const std::string& list, int64_t now) override;
  base::Result<json> Events(const std::string& list, int limit) override;
};

}  // namespace web_test

#endif  // LISTD_TESTS_WEB_FAKE_OPERATIONS_H_
