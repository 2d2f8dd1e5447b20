// Bounce parser (bounce_parser.h says what and in which order).
#include "listd/inbound/bounce_parser.h"

#include <string>
#include <vector>

#include "base/ascii.h"
#include "listd/inbound/arf_parser.h"
#include "listd/inbound/auto_reply.h"
#include "listd/inbound/dsn_parser.h"
#include "listd/inbound/mail_text.h"
#include "listd/inbound/mta_formats.h"
#include "listd/inbound/text_lines.h"
#include "listd/mime/gmime_support.h"

namespace listd::inbound {
namespace {

constexpr int kMaxDepth = 64;
constexpr size_t kMaxHeaderBytes = 256 * 1024;

// The parts of a bounce the recognisers read.
struct BounceParts {
  std::string report_type;                // of the first multipart/report, lower-cased
  GMimePart* status = nullptr;            // message/(global-)delivery-status
  GMimePart* feedback = nullptr;          // message/feedback-report
  bool disposition = false;               // message/disposition-notification seen
  GMimeMessage* returned = nullptr;       // message/rfc822 inside the report
  GMimePart* returned_headers = nullptr;  // text/rfc822-headers
  std::vector<GMimePart*> texts;          // text/plain parts outside returned mail
  GMimePart* html = nullptr;              // the first text/html, when no text/plain
};

bool IsType(GMimeObject* object, const char* type, const char* subtype) {
  GMimeContentType* content_type = g_mime_object_get_content_type(object);
  return content_type != nullptr && g_mime_content_type_is_type(content_type, type, subtype);
}

void Walk(GMimeObject* object, BounceParts& parts, int depth) {
  if (object == nullptr || depth > kMaxDepth) return;
  if (GMIME_IS_MULTIPART(object)) {
    if (parts.report_type.empty() && IsType(object, "multipart", "report")) {
      const char* type = g_mime_object_get_content_type_parameter(object, "report-type");
      parts.report_type = base::LowerAscii(type != nullptr ? type : "(none)");
    }
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    const int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count; ++i) Walk(g_mime_multipart_get_part(multipart, i), parts, depth + 1);
    return;
  }
  if (GMIME_IS_MESSAGE_PART(object)) {
    // A returned message: its header names the member; its text is the
    // list's post, never read as the bounce's words.
    if (parts.returned == nullptr) {
      parts.returned = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    }
    return;
  }
  if (!GMIME_IS_PART(object)) return;
  GMimePart* part = GMIME_PART(object);
  if (IsType(object, "message", "delivery-status") ||
      IsType(object, "message", "global-delivery-status")) {
    if (parts.status == nullptr) parts.status = part;
  } else if (IsType(object, "message", "feedback-report")) {
    if (parts.feedback == nullptr) parts.feedback = part;
  } else if (IsType(object, "message", "disposition-notification") ||
             IsType(object, "message", "global-disposition-notification")) {
    parts.disposition = true;
  } else if (IsType(object, "text", "rfc822-headers") || IsType(object, "text", "global-headers")) {
    if (parts.returned_headers == nullptr) parts.returned_headers = part;
  } else if (IsType(object, "text", "plain")) {
    if (parts.texts.size() < kMaxBounceTextParts) parts.texts.push_back(part);
  } else if (IsType(object, "text", "html")) {
    if (parts.html == nullptr) parts.html = part;
  }
}

// The header fields of a GMime message, names lower-cased.
FieldGroup HeaderFields(GMimeMessage* message) {
  FieldGroup fields;
  if (message == nullptr) return fields;
  GMimeHeaderList* headers = g_mime_object_get_header_list(GMIME_OBJECT(message));
  const int count = headers != nullptr ? g_mime_header_list_get_count(headers) : 0;
  for (int i = 0; i < count && i < 500; ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(headers, i);
    const char* name = g_mime_header_get_name(header);
    const char* raw = g_mime_header_get_raw_value(header);
    if (name == nullptr) continue;
    std::string value;
    for (const char* c = raw != nullptr ? raw : ""; *c != '\0'; ++c) {
      if (*c == '\r' || *c == '\n') continue;
      value += *c == '\t' ? ' ' : *c;
    }
    fields.push_back({base::LowerAscii(name), std::string(TrimBlanks(value))});
  }
  return fields;
}

// The returned message's header, from message/rfc822 or text/rfc822-headers.
FieldGroup ReturnedHeader(const BounceParts& parts) {
  if (parts.returned != nullptr) return HeaderFields(parts.returned);
  if (parts.returned_headers != nullptr) {
    std::vector<FieldGroup> groups =
        ReadFieldGroups(DecodedTextOf(parts.returned_headers, kMaxHeaderBytes), 1);
    if (!groups.empty()) return std::move(groups.front());
  }
  return {};
}

// The kind the recipients make (see the header: permanent wins).
BounceKind KindOf(const BounceReport& report) {
  bool temporary = false;
  for (const BounceRecipient& recipient : report.recipients) {
    if (recipient.failure_class == FailureClass::kPermanent) return BounceKind::kBounce;
    temporary = true;
  }
  return temporary ? BounceKind::kDelay : BounceKind::kNotABounce;
}

// Runs the text recognisers over the text parts; the recogniser's name or "".
std::string ReadTexts(const BounceParts& parts, const MtaContext& context, BounceReport& report) {
  for (GMimePart* part : parts.texts) {
    std::string found = ParseMtaText(DecodedTextOf(part, kMaxBouncePartBytes), context, report);
    if (!found.empty()) return found;
  }
  if (parts.texts.empty() && parts.html != nullptr) {
    const std::string html = DecodedTextOf(parts.html, kMaxBouncePartBytes);
    return ParseMtaText(HtmlToText(html, kMaxBouncePartBytes), context, report);
  }
  return {};
}

// The bounce's own words (BounceWords) in its first text part, or in its
// HTML when it has none: where a notice that names no failure says so.
std::string FirstWords(const BounceParts& parts) {
  if (!parts.texts.empty())
    return BounceWords(DecodedTextOf(parts.texts.front(), kMaxBouncePartBytes));
  if (parts.html == nullptr) return {};
  return BounceWords(
      HtmlToText(DecodedTextOf(parts.html, kMaxBouncePartBytes), kMaxBouncePartBytes));
}

// The domain of the From, lower-cased, or "".
std::string SenderDomain(const FieldGroup& header) {
  const std::string* from = FindField(header, "from");
  if (from == nullptr) return {};
  const std::string lower = base::LowerAscii(*from);
  const size_t at = lower.rfind('@');
  if (at == std::string::npos) return {};
  const size_t end = lower.find_first_of(">) \t,;\"", at + 1);
  return lower.substr(at + 1, end == std::string::npos ? std::string::npos : end - at - 1);
}

// The addresses of X-Failed-Recipients (Exim, Gmail), comma-separated.
std::vector<std::string> FailedRecipients(const FieldGroup& header) {
  std::vector<std::string> addresses;
  const std::string* value = FindField(header, "x-failed-recipients");
  if (value == nullptr) return addresses;
  std::string_view rest = *value;
  while (!rest.empty() && addresses.size() < 100) {
    const size_t comma = rest.find(',');
    const std::string_view one = TrimBlanks(rest.substr(0, comma));
    if (!one.empty()) addresses.emplace_back(one);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return addresses;
}

// The domain of a From of MAILER-DAEMON or postmaster, lower-cased, or "".
std::string ReportingDomain(const FieldGroup& header) {
  const std::string* from = FindField(header, "from");
  if (from == nullptr) return {};
  const std::string lower = base::LowerAscii(*from);
  for (std::string_view who : {"mailer-daemon@", "postmaster@"}) {
    const size_t at = lower.find(who);
    if (at == std::string::npos) continue;
    const size_t start = at + who.size();
    const size_t end = lower.find_first_of(">) \t,;", start);
    return lower.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }
  return {};
}

}  // namespace

BounceReport ParseBounce(std::string_view message) {
  BounceReport report;
  // An mbox "From " separator line is no header field (GMime would stop there).
  if (message.substr(0, 5) == "From ") {
    const size_t eol = message.find('\n');
    message.remove_prefix(eol == std::string_view::npos ? message.size() : eol + 1);
  }
  mime::GPtr<GMimeMessage> parsed = mime::ParseMessage(message);
  if (parsed == nullptr) {
    report.reason = "not a message GMime can parse";
    return report;
  }
  const FieldGroup header = HeaderFields(parsed.get());
  const std::string* raw_subject = FindField(header, "subject");
  const std::string subject =
      raw_subject != nullptr ? SafeLine(mime::DecodeHeaderText(*raw_subject), 400) : "";
  BounceParts parts;
  Walk(g_mime_message_get_mime_part(parsed.get()), parts, 0);
  if (parts.report_type.empty() && parts.returned != nullptr) {
    // A report forwarded as an attachment (a gateway that wraps the DSN
    // it received): the attached message is the bounce.
    GMimeObject* inner = g_mime_message_get_mime_part(parts.returned);
    if (inner != nullptr && IsType(inner, "multipart", "report")) {
      parts = BounceParts{};
      Walk(inner, parts, 1);
    }
  }

  // 1. RFC 6522 reports, by report-type.
  if (parts.report_type == "feedback-report" || parts.feedback != nullptr) {
    const std::string feedback =
        parts.feedback != nullptr ? DecodedTextOf(parts.feedback, kMaxHeaderBytes) : "";
    ParseFeedbackReport(feedback, ReturnedHeader(parts), report);
    return report;
  }
  if (parts.report_type == "disposition-notification" || parts.disposition) {
    report.kind = BounceKind::kAutoReply;
    report.recogniser = "mdn";
    report.reason = "RFC 8098 disposition notification (a read receipt)";
    return report;
  }
  if (parts.status != nullptr) {
    const size_t groups =
        ParseDeliveryStatus(DecodedTextOf(parts.status, kMaxBouncePartBytes), report);
    report.kind = KindOf(report);
    if (!report.recipients.empty()) {
      report.recogniser = "dsn";
      report.reason = "RFC 3464 delivery status notification";
      return report;
    }
    report.reason = groups == 0 ? "delivery-status report without per-recipient fields"
                                : "delivery-status report names no failed recipient";
    if (groups > 0) {
      // Every recipient group read as a success or an unusable address:
      // the words of the text part do not overrule the machine's fields.
      return report;
    }
  }

  // 2. Notices that name no failure: a challenge, a moderation hold, a
  //    delivery receipt (auto_reply.h), then a sign only auto-replies carry.
  const std::string words = FirstWords(parts);
  if (const std::string sign = ChallengeSign(words, subject); !sign.empty()) {
    report.kind = BounceKind::kAutoReply;
    report.recogniser = "challenge-response";
    report.reason = sign + " (a challenge to the list's sender, no failure)";
    return report;
  }
  if (const std::string sign = HoldNoticeSign(words, subject); !sign.empty()) {
    report.kind = BounceKind::kAutoReply;
    report.recogniser = "moderation-hold";
    report.reason = sign;
    return report;
  }
  if (const std::string sign = ReceiptSign(words, subject); !sign.empty()) {
    report.kind = BounceKind::kAutoReply;
    report.recogniser = "receipt";
    report.reason = sign;
    return report;
  }
  if (const std::string sign = StrongAutoReplySign(header, subject); !sign.empty()) {
    report.kind = BounceKind::kAutoReply;
    report.recogniser = "auto-reply";
    report.reason = "RFC 3834 auto-reply: " + sign;
    return report;
  }

  // 3. The words of MTAs that do not send RFC 3464 reports.
  const std::string reporting_domain = ReportingDomain(header);
  const std::string sender_domain = SenderDomain(header);
  MtaContext context;
  context.subject = subject;
  context.reporting_domain = reporting_domain;
  context.sender_domain = sender_domain;
  context.failed_recipients = FailedRecipients(header);
  if (const std::string found = ReadTexts(parts, context, report); !found.empty()) {
    report.kind = KindOf(report);
    report.recogniser = found;
    if (report.reason.empty()) report.reason = "non-standard bounce (" + found + ")";
    return report;
  }

  // 4. An automatic mail that names no failure.
  if (const std::string sign = WeakAutoReplySign(header); !sign.empty()) {
    report.kind = BounceKind::kAutoReply;
    report.recogniser = "auto-reply";
    report.reason = "RFC 3834 auto-submitted mail naming no failure: " + sign;
    return report;
  }
  report.kind = KindOf(report);
  if (report.reason.empty()) report.reason = "no recogniser found a failed recipient";
  return report;
}

}  // namespace listd::inbound
