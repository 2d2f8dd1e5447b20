// Moderation replies: the first line a moderator wrote decides, and only
// an exact approve, reject or discard does (listd/inbound/moderation_reply.h).
#include <catch2/catch.hpp>
#include <string>

#include "listd/inbound/moderation_reply.h"

namespace {

using listd::inbound::ModerationVerb;
using listd::inbound::ParseModerationReply;

std::string Crlf(const std::string& lf) {
  std::string out;
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

std::string Reply(const std::string& subject, const std::string& body,
                  const std::string& extra_header = "") {
  return Crlf(
      "From: Mod <mod@example.org>\nTo: demo-confirm+AbCdEfGhIjKlMnOpQrStUv@lists.example.org\n"
      "Subject: " +
      subject + "\n" + extra_header + "\n" + body);
}

const std::string kQuotedNotice =
    "On Tue, 1 Dec 2026, demo-owner@lists.example.org wrote:\n"
    "> A post to demo is held: post from non-member bob@example.net\n"
    "> To act, reply with a first line of approve, reject or discard.\n";

TEST_CASE("moderation reply: approve with the notice quoted after it (RFC 3676 section 4.5)",
          "[moderation]") {
  auto reply = ParseModerationReply(Reply("Re: held post", "approve\n\n" + kQuotedNotice));
  CHECK(reply.verb == ModerationVerb::kApprove);
  CHECK(reply.reason.empty());
  CHECK(ParseModerationReply(Reply("Re: held post", "  APPROVE  \n")).verb ==
        ModerationVerb::kApprove);
}

TEST_CASE("moderation reply: reject with a reason, reject without one, discard", "[moderation]") {
  auto reject = ParseModerationReply(Reply("Re: held", "Reject   Off topic here, sorry.\n"));
  CHECK(reject.verb == ModerationVerb::kReject);
  CHECK(reject.reason == "Off topic here, sorry.");
  auto bare = ParseModerationReply(Reply("Re: held", "reject\n"));
  CHECK(bare.verb == ModerationVerb::kReject);
  CHECK(bare.reason.empty());
  CHECK(ParseModerationReply(Reply("Re: held", "discard\n")).verb == ModerationVerb::kDiscard);
}

TEST_CASE("moderation reply: a decision below the quoted notice counts (bottom posting)",
          "[moderation]") {
  auto reply = ParseModerationReply(Reply("Re: held", kQuotedNotice + "\ndiscard\n"));
  CHECK(reply.verb == ModerationVerb::kDiscard);
}

TEST_CASE("moderation reply: anything but the exact word approves nothing", "[moderation]") {
  for (const char* body : {"approve it\n", "approved\n", "Please approve\n", "hello\napprove\n",
                           "discard this and that\n", "rejected\n", "\n\n", "-- \napprove\n"}) {
    INFO(body);
    CHECK(ParseModerationReply(Reply("Re: held", body)).verb == ModerationVerb::kNone);
  }
}

TEST_CASE("moderation reply: the Subject decides only when the body has no text line",
          "[moderation]") {
  CHECK(ParseModerationReply(Reply("Re: approve", "")).verb == ModerationVerb::kApprove);
  CHECK(ParseModerationReply(Reply("RE: Re: discard", "\n" + kQuotedNotice)).verb ==
        ModerationVerb::kDiscard);
  auto reject = ParseModerationReply(Reply("=?utf-8?q?Re:_reject_spam?=", "> quoted\n"));
  CHECK(reject.verb == ModerationVerb::kReject);
  CHECK(reject.reason == "spam");
  // A body line that is no decision is not overruled by the Subject.
  CHECK(ParseModerationReply(Reply("approve", "thanks\n")).verb == ModerationVerb::kNone);
  CHECK(ParseModerationReply(Reply("Re: held post: approve or not", "")).verb ==
        ModerationVerb::kNone);
}

TEST_CASE("moderation reply: a reason is one safe line of at most 500 bytes", "[moderation]") {
  auto reply = ParseModerationReply(
      Reply("Re: held", "reject spam\x1b[2J \xE2\x80\xAE" + std::string(800, 'x') + "\nsecond\n"));
  CHECK(reply.verb == ModerationVerb::kReject);
  CHECK(reply.reason.size() <= 500);
  CHECK(reply.reason.rfind("spam[2J xxx", 0) == 0);
  CHECK(reply.reason.substr(reply.reason.size() - 3) == "...");
  CHECK(reply.reason.find('\x1b') == std::string::npos);
}

TEST_CASE("moderation reply: bytes that are no message decide nothing", "[moderation]") {
  CHECK(ParseModerationReply("approve").verb == ModerationVerb::kNone);
  CHECK(ParseModerationReply("").verb == ModerationVerb::kNone);
}

TEST_CASE("moderation reply: an HTML reply decides by its first line", "[moderation]") {
  auto reply = ParseModerationReply(
      Reply("Re: held",
            "<div dir=\"ltr\">reject not for this list</div><blockquote>approve"
            "</blockquote>",
            "MIME-Version: 1.0\nContent-Type: text/html\n"));
  CHECK(reply.verb == ModerationVerb::kReject);
  CHECK(reply.reason == "not for this list");
}

}  // namespace
