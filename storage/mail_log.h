// The mail log: one row per mail listd wrote on its own (a confirmation,
// a command reply, a notice to moderators), by list, kind and recipient,
// so that the limits on such mail are counts over an index:
//   - one confirmation per (list, address, action) an hour (anti-bombing);
//   - confirmations_per_hour per list, and a site-wide total;
//   - confirmations asked for by one web client an hour;
//   - command replies per recipient an hour (a forged return path must
//     not turn the list into a mail bomb).
// Rows older than a day are pruned as new ones are written; the events
// log keeps the lasting record.
#ifndef LISTD_STORAGE_MAIL_LOG_H_
#define LISTD_STORAGE_MAIL_LOG_H_

#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.h"

namespace storage {

struct MailCount {
  std::string kind;                // "confirm-join", "reply", ...; "" any kind
  std::optional<int64_t> list_id;  // absent: every list
  std::string address;             // lower-cased recipient; "" any
  int64_t since = 0;               // sent at or after
  std::string client;              // the web client that asked for it; "" any
};

class MailLog {
 public:
  explicit MailLog(Database& db) : db_(db) {}
  // Records one mail of `kind` to `address` (lower-cased here) at `at`,
  // asked for by web client `client` ("" for mail and listctl).
  Status Record(std::optional<int64_t> list_id, const std::string& kind, const std::string& address,
                int64_t at, const std::string& client = "");
  // How many mails match `count`.
  Result<int64_t> Count(const MailCount& count);

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_MAIL_LOG_H_
