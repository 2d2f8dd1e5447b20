// List header fields: the RFC 2369 List-* URLs and the RFC 2919 List-Id a
// list adds to each post, so mail clients can offer "unsubscribe" and filter
// by list. Addresses follow listd's command addresses: name-request,
// name-join, name-leave, name-owner at the list's domain.
//
// Contract: values are returned without the leading space; the decorator
// inserts them (header_edit.h). Thread-safety: plain functions.
#ifndef LISTD_LISTD_MIME_LIST_HEADERS_H_
#define LISTD_LISTD_MIME_LIST_HEADERS_H_

#include <string>
#include <utility>
#include <vector>

namespace listd::mime {

// Who the list is: "Demo list" <demo@lists.example.org>.
struct ListIdentity {
  std::string name;         // display name, "" none
  std::string local_part;   // "demo"
  std::string domain;       // "lists.example.org"
  std::string archive_url;  // List-Archive target, "" none
};

// The names of every field ListHeaderFields may produce (to remove first).
std::vector<std::string> ListHeaderFieldNames();

// List-Id, List-Post, List-Help, List-Subscribe, List-Unsubscribe,
// List-Owner, List-Archive (if set) and Precedence, in that order.
std::vector<std::pair<std::string, std::string>> ListHeaderFields(const ListIdentity& list);

// The RFC 2919 List-Id value: phrase (quoted or encoded if needed) <label>.
std::string ListIdValue(const ListIdentity& list);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_LIST_HEADERS_H_
