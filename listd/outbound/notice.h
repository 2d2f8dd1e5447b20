// Notices listd writes itself: the word to an author whose post was
// rejected. A notice is a short text/plain message from the list's -owner
// address, marked Auto-Submitted (RFC 3834 section 5) so that well-behaved
// responders do not answer it, and sent with a null envelope sender (RFC
// 5321 section 4.5.5) so that nothing bounces back in a loop.
#ifndef LISTD_LISTD_OUTBOUND_NOTICE_H_
#define LISTD_LISTD_OUTBOUND_NOTICE_H_

#include <cstdint>
#include <string>

namespace listd::outbound {

struct NoticeRequest {
  std::string from;        // "demo-owner@lists.example.org"
  std::string to;          // the author's address
  std::string list;        // "demo@lists.example.org"
  std::string subject;     // the post's subject, for the author's reference
  std::string reason;      // a sentence
  std::string message_id;  // the notice's own id, without <>
  int64_t now = 0;
};

// The rejection notice, CRLF line ends, ready to sign and queue.
std::string RejectionNotice(const NoticeRequest& request);

// An RFC 5322 date-time of `now` in UTC: "Mon, 23 Nov 2026 22:31:00 +0000".
std::string MailDate(int64_t now);

}  // namespace listd::outbound

#endif  // LISTD_LISTD_OUTBOUND_NOTICE_H_
