// The events log: who changed what, when. Every administrative write in
// the service layer records one event in the same transaction as the change.
#ifndef LISTD_STORAGE_EVENT_LOG_H_
#define LISTD_STORAGE_EVENT_LOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace storage {

struct EventRecord {
  int64_t id = 0;
  int64_t at = 0;
  std::string actor;               // "listctl:root", "web:owner@example.org", "listd"
  std::optional<int64_t> list_id;  // null for site-wide events
  std::string action;              // "list.create", "key.activate", ...
  std::string detail;              // human-readable
};

class EventLog {
 public:
  explicit EventLog(Database& db) : db_(db) {}
  Status Record(int64_t at, const std::string& actor, std::optional<int64_t> list_id,
                const std::string& action, const std::string& detail);
  // The newest `limit` events, newest first; optionally for one list.
  Result<std::vector<EventRecord>> Recent(std::optional<int64_t> list_id, int limit);

 private:
  Database& db_;
};

}  // namespace storage

#endif  // LISTD_STORAGE_EVENT_LOG_H_
