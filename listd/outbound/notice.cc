// Writing notices (see notice.h).
#include "listd/outbound/notice.h"

#include <ctime>

namespace listd::outbound {

std::string MailDate(int64_t now) {
  const std::time_t t = static_cast<std::time_t>(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[64];
  // RFC 5322 section 3.3; %a and %b are English in the C locale listd runs in.
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return text;
}

namespace {

// Keeps header values on one line: a CR or LF from a subject cannot start
// a field of its own.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return text;
}

}  // namespace

std::string RejectionNotice(const NoticeRequest& request) {
  std::string notice;
  notice += "From: " + OneLine(request.from) + "\r\n";
  notice += "To: " + OneLine(request.to) + "\r\n";
  notice += "Subject: Your message to " + OneLine(request.list) + " was rejected\r\n";
  notice += "Date: " + MailDate(request.now) + "\r\n";
  notice += "Message-ID: <" + OneLine(request.message_id) + ">\r\n";
  notice += "Auto-Submitted: auto-replied\r\n";
  notice += "MIME-Version: 1.0\r\n";
  notice += "Content-Type: text/plain; charset=utf-8\r\n";
  notice += "Content-Transfer-Encoding: 8bit\r\n";
  notice += "\r\n";
  notice += "Your message to " + OneLine(request.list) + "\r\n";
  notice += "with the subject \"" + OneLine(request.subject) + "\"\r\n";
  notice += "was not distributed: " + OneLine(request.reason) + "\r\n";
  notice += "\r\n";
  notice += "The list's owners can be reached at " + OneLine(request.from) + ".\r\n";
  return notice;
}

}  // namespace listd::outbound
