// BounceFixture: the demo list (tests/support/list_fixture.h) with a
// signing key, an owner (owner@example.net) and two members (alice and bob
// at example.net), the BounceService over it, and what the bounce tests
// read back: a member's score, delivery and bounce state, the mail queued
// for an address (the delivery batches listd would send), the events.
// Bounce mails are written here in the shapes the parser reads (RFC 3464
// DSNs, RFC 5965 feedback reports, RFC 3834 auto-replies) and go through
// the real parser (listd/inbound/bounce_parser.h), as the -bounces handler
// sends them.
#ifndef LISTD_TESTS_SERVICE_BOUNCE_FIXTURE_H_
#define LISTD_TESTS_SERVICE_BOUNCE_FIXTURE_H_

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "listd/inbound/bounce_parser.h"
#include "listd/mime/footer_template.h"
#include "listd/service/bounce_chores.h"
#include "listd/service/bounce_scoring.h"
#include "listd/service/bounce_service.h"
#include "listd/service/list_address.h"
#include "listd/service/member_service.h"
#include "tests/support/list_fixture.h"
#include "tests/support/test_mail.h"

namespace bounce_test {

using namespace pipeline_test;

inline constexpr int64_t kDay = 86400;
inline constexpr int64_t kWeek = 7 * kDay;
inline constexpr const char* kOwner = "owner@example.net";
inline constexpr const char* kAlice = "alice@example.net";
inline constexpr const char* kBob = "bob@example.net";

// LF text as a CRLF message.
inline std::string Crlf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// The headers of a post of the demo list as a report returns them.
inline std::string ReturnedPost(const std::string& list_id = "Demo <demo.lists.example.org>") {
  return "From: jane@example.org\n"
         "To: demo@lists.example.org\n"
         "List-Id: " +
         list_id +
         "\n"
         "Message-ID: <post-1@example.org>\n"
         "Subject: [demo] hello\n";
}

// An RFC 6522 multipart/report of `report_type`: words, the
// machine-readable part (`type`, `fields`), the returned headers.
inline std::string Report(const std::string& report_type, const std::string& type,
                          const std::string& fields, const std::string& returned = ReturnedPost()) {
  return Crlf(
      "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\n"
      "To: demo-bounces@lists.example.org\n"
      "Subject: Undelivered Mail Returned to Sender\n"
      "MIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=" +
      report_type +
      "; boundary=\"B\"\n"
      "\n"
      "--B\n"
      "Content-Type: text/plain\n"
      "\n"
      "This is the mail system.\n"
      "--B\n"
      "Content-Type: " +
      type + "\n\n" + fields +
      "\n"
      "--B\n"
      "Content-Type: text/rfc822-headers\n"
      "\n" +
      returned +
      "\n"
      "--B--\n");
}

// An RFC 3464 DSN with one per-recipient group for `recipient`.
inline std::string Dsn(const std::string& recipient, const std::string& action = "failed",
                       const std::string& status = "5.1.1") {
  return Report("delivery-status", "message/delivery-status",
                "Reporting-MTA: dns; mx.example.net\n\n"
                "Final-Recipient: rfc822; " +
                    recipient + "\nAction: " + action + "\nStatus: " + status +
                    "\nDiagnostic-Code: smtp; " + (status[0] == '5' ? "550 " : "451 ") + status +
                    " mailbox says no\n");
}

// An RFC 5965 feedback report about the list's post to `recipient`
// (Original-Rcpt-To), whose returned message carries `list_id`.
inline std::string Arf(const std::string& recipient,
                       const std::string& list_id = "Demo <demo.lists.example.org>") {
  return Report("feedback-report", "message/feedback-report",
                "Feedback-Type: abuse\nUser-Agent: Complaints/1.0\nVersion: 1\n" +
                    (recipient.empty() ? std::string() : "Original-Rcpt-To: " + recipient + "\n"),
                ReturnedPost(list_id));
}

// An RFC 3834 vacation reply (Auto-Submitted: auto-replied).
inline std::string Vacation(const std::string& from) {
  return Crlf("From: " + from +
              "\n"
              "To: demo-bounces@lists.example.org\n"
              "Subject: Out of Office: [demo] hello\n"
              "Auto-Submitted: auto-replied\n"
              "\n"
              "I am away until Monday and read no mail.\n");
}

struct BounceFixture {
  ListFixture f;
  listd::service::BounceService service{*f.store, listd::mime::BuiltInTemplatesDir(), "test"};

  BounceFixture() {
    f.AddKey(RsaKey(), "demo-rsa");
    listd::service::MemberService members(*f.store, "test");
    REQUIRE(members.AddMembers(kListAddress, {kOwner}, storage::MemberRole::kOwner, kNow).ok());
    f.AddMembers({kAlice, kBob});
  }

  static base::EmailAddress Address(const std::string& text) {
    auto parsed = base::EmailAddress::Parse(text);
    REQUIRE(parsed.ok());
    return *parsed;
  }

  bool IsMember(const std::string& address) {
    auto found = f.store->members().Find(f.list.id, Address(address));
    REQUIRE(found.ok());
    return found->has_value();
  }
  storage::MemberRecord Member(const std::string& address) {
    auto found = f.store->members().Find(f.list.id, Address(address));
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    return **found;
  }
  double Score(const std::string& address) { return Member(address).bounce_score; }
  storage::Delivery Delivery(const std::string& address) { return Member(address).delivery; }
  storage::BounceInfo Info(const std::string& address) {
    auto info = f.store->bounces().Get(Member(address).id);
    REQUIRE(info.ok());
    return *info;
  }

  // ScoreFailure for `address` at `now`, with the list's settings in force.
  listd::service::FailureOutcome Fail(
      const std::string& address, int64_t now,
      listd::service::FailureClass failure_class = listd::service::FailureClass::kPermanent) {
    auto context = f.Context();
    listd::service::MemberFailure failure{Address(address), failure_class, "550 5.1.1 user unknown",
                                          "dsn"};
    auto outcome =
        listd::service::ScoreFailure(*f.store, f.list.id, context.settings, failure, "test", now);
    INFO((outcome.ok() ? std::string() : outcome.error()));
    REQUIRE(outcome.ok());
    return *outcome;
  }

  // `message` arriving at `local_part`@lists.example.org ("demo-bounces",
  // "demo-bounces+alice=example.net", "demo-bounces+probe.TOKEN") at
  // `now`, spooled, parsed and taken as the -bounces handler does; the
  // service's sentence.
  // `authenticated`: the report's From passed aligned DKIM (a feedback
  // loop's signed report); only then does a complaint act.
  std::string Take(const std::string& local_part, const std::string& message, int64_t now,
                   bool authenticated = true) {
    storage::SpooledPost post;
    post.list_id = f.list.id;
    post.envelope_from = "";
    post.recipient = local_part + "@lists.example.org";
    post.message = message;
    post.received_at = now;
    auto id = f.store->spool().Add(post);
    REQUIRE(id.ok());
    listd::service::ReturnedMail mail;
    mail.post_id = *id;
    auto readings = listd::service::ClassifyLocalPart(local_part);
    REQUIRE_FALSE(readings.empty());
    REQUIRE(readings[0].role == listd::service::AddressRole::kBounces);
    mail.address = readings[0];
    mail.report = listd::inbound::ParseBounce(message);
    mail.from = "MAILER-DAEMON@mx.example.net";
    mail.subject = "Undelivered Mail Returned to Sender";
    mail.authenticated = authenticated;
    auto context = f.Context();
    auto taken = service.Take(context, mail, now);
    INFO((taken.ok() ? std::string() : taken.error()));
    REQUIRE(taken.ok());
    return *taken;
  }

  // RunBounceChores at `now` (must succeed).
  listd::service::ChoresDone Chores(int64_t now) {
    auto done =
        listd::service::RunBounceChores(*f.store, listd::mime::BuiltInTemplatesDir(), "test", now);
    INFO((done.ok() ? std::string() : done.error()));
    REQUIRE(done.ok());
    return *done;
  }

  // Every batch queued for `to`, oldest first (nothing is delivered here).
  std::vector<storage::DeliveryBatch> MailsTo(const std::string& to) {
    auto due = f.store->spool().DueBatches(INT64_MAX / 2, 100000);
    REQUIRE(due.ok());
    std::vector<storage::DeliveryBatch> found;
    for (const storage::DeliveryBatch& batch : *due) {
      for (const std::string& r : batch.recipients) {
        if (r == to) found.push_back(batch);
      }
    }
    return found;
  }
  size_t AllMails() {
    auto due = f.store->spool().DueBatches(INT64_MAX / 2, 100000);
    REQUIRE(due.ok());
    return due->size();
  }

  // The actions of the list's events, newest first.
  std::vector<std::string> Actions(int limit = 50) {
    auto events = f.store->events().Recent(f.list.id, limit);
    REQUIRE(events.ok());
    std::vector<std::string> actions;
    for (const storage::EventRecord& event : *events) actions.push_back(event.action);
    return actions;
  }
  bool HasEvent(const std::string& action) {
    for (const std::string& a : Actions(500)) {
      if (a == action) return true;
    }
    return false;
  }

  // The token after `marker` ("demo-confirm+", "demo-bounces+probe.") in `text`.
  static std::string TokenAfter(const std::string& text, const std::string& marker) {
    const size_t at = text.find(marker);
    REQUIRE(at != std::string::npos);
    const size_t begin = at + marker.size();
    return text.substr(begin, text.find('@', begin) - begin);
  }
};

inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// `text` with every run of spaces, tabs, CR and LF made one space: a
// mail's words whatever the writer's line wrapping or header folding.
inline std::string Flat(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool blank = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (blank && !out.empty() && out.back() == ' ') continue;
    out += blank ? ' ' : c;
  }
  return out;
}

// Whether the words `part` are in `mail`, wrapped or folded anywhere.
inline bool Says(const std::string& mail, const std::string& part) {
  return Contains(Flat(mail), Flat(part));
}

}  // namespace bounce_test

#endif  // LISTD_TESTS_SERVICE_BOUNCE_FIXTURE_H_
