// Auto-reply detection (auto_reply.h says what and why).
#include "listd/inbound/auto_reply.h"

#include "base/ascii.h"
#include "listd/inbound/mta_formats.h"
#include "listd/inbound/text_lines.h"

namespace listd::inbound {
namespace {

std::string Sign(std::string_view name, std::string_view value) {
  return std::string(name) + ": " + SafeLine(value, 60);
}

// The first of `phrases` in `text`, or "".
template <size_t N>
std::string_view FirstOf(std::string_view text, const std::string_view (&phrases)[N]) {
  for (std::string_view phrase : phrases) {
    if (text.find(phrase) != std::string_view::npos) return phrase;
  }
  return {};
}

// Words that say a delivery failed: a notice that holds one is a bounce.
constexpr std::string_view kFailureWords[] = {
    "could not be delivered", "couldn't be delivered",
    "cannot be delivered",    "can't be delivered",
    "wasn't delivered",       "was not delivered",
    "were not delivered",     "undeliverable",
    "delivery failed",        "delivery has failed",
    "failed permanently",     "permanent error",
    "permanent failure",      "permanent fatal",
    "unable to deliver",      "could not deliver",
    "user unknown",           "unknown user",
    "no such user",           "does not exist",
    "couldn't be found",      "could not be found",
    "mailbox unavailable",    "address rejected",
    "recipient rejected",     "not yet been delivered",
    "delivery incomplete",    "has been delayed",
    "message delayed",        "over quota",
    "mailbox is full",        "failed:",
    "failed recipient",       "was rejected",
    "has been rejected",      "was blocked",
    "has been blocked",       "was refused",
    "has been refused",
};

// Whether `words` report a failure (see the header).
bool NamesFailure(std::string_view words) {
  return HasFailureCode(words) || !FirstOf(words, kFailureWords).empty();
}

// Challenge-response products and the name of the method itself.
constexpr std::string_view kChallengeProducts[] = {
    "tmda",
    "spam arrest",
    "spamarrest",
    "boxbe",
    "choicemail",
    "mailinblack",
    "sendio",
    "bluebottle",
    "challenge-response",
    "challenge/response",
    "challenge response",
};

// What a challenge asks the sender to do.
constexpr std::string_view kChallengeAsks[] = {
    "click the link",        "click on the link",    "click the following link",
    "click the button",      "click here",           "click below",
    "clicking the link",     "clicking on the link", "clicking here",
    "follow the link",       "visit the link",       "visit the following",
    "reply to this",         "simply reply",         "just reply",
    "send an empty message", "send a blank message", "\"reply\" feature",
    "fill in the",           "type the characters",  "enter the code",
    "enter the characters",
};

// Why a challenge asks it: what no bounce is for.
constexpr std::string_view kChallengePurposes[] = {
    "approved senders",
    "approved sender",
    "list of approved",
    "allowed senders",
    "whitelist",
    "white list",
    "white-list",
    "guest list",
    "trusted senders",
    "safe senders",
    "a real person",
    "you are a human",
    "you are human",
    "you're a human",
    "you're human",
    "not a robot",
    "spam robot",
    "not a computer",
    "not an automated",
    "protect myself",
    "protecting myself",
    "protect my inbox",
    "protects my inbox",
    "protect my mailbox",
    "verify that you",
    "confirm that you",
    "verify you are",
    "confirm you are",
    "prove that you",
    "prove you are",
    "release your message",
    "held pending",
    "pending verification",
    "awaiting verification",
    "has not been verified",
    "not yet verified",
    "verify your email address",
    "confirm your message",
    "verify your message",
    "confirm your email message",
    "confirm your e-mail",
};

// Subjects that only challenges carry.
constexpr std::string_view kChallengeSubjects[] = {
    "please confirm your message",
    "confirm your message",
    "please verify your message",
    "verify your message",
    "please verify your email",
    "sender verification request",
    "verification required",
    "approval required for your message",
    "[spamarrest",
    "[spam arrest",
};

constexpr std::string_view kHoldWords[] = {
    "pending approval",      "awaiting approval",         "awaiting moderation",
    "awaiting moderator",    "awaits moderator approval", "pending moderation",
    "held for moderation",   "held for approval",         "until the list moderator",
    "queued for moderation", "requires approval from",    "pending review by",
};

constexpr std::string_view kReceiptSubjects[] = {
    "delivered:",
    "relayed:",
    "return receipt",
    "delivery receipt",
    "successful mail delivery",
    "delivery status notification (success)",
    "delivery status notification (relay)",
};

}  // namespace

std::string ChallengeSign(std::string_view words, std::string_view subject) {
  if (NamesFailure(words)) return {};
  const std::string lower_subject = base::LowerAscii(subject);
  const std::string_view product = FirstOf(words, kChallengeProducts);
  const std::string_view ask = FirstOf(words, kChallengeAsks);
  std::string_view purpose = FirstOf(words, kChallengePurposes);
  if (purpose.empty()) purpose = FirstOf(lower_subject, kChallengeSubjects);
  const size_t signs =
      (product.empty() ? 0 : 1) + (ask.empty() ? 0 : 1) + (purpose.empty() ? 0 : 1);
  if (signs < 2) return {};
  std::string sign = "challenge-response";
  for (std::string_view said : {product, purpose, ask}) {
    if (!said.empty()) {
      sign += ": \"";
      sign += said;
      sign += '"';
      break;
    }
  }
  return sign;
}

std::string HoldNoticeSign(std::string_view words, std::string_view subject) {
  const std::string lower_subject = base::LowerAscii(subject);
  std::string_view said = FirstOf(words, kHoldWords);
  if (said.empty()) said = FirstOf(lower_subject, kHoldWords);
  if (said.empty() || NamesFailure(words)) return {};
  return "held for the moderator: \"" + std::string(said) + "\"";
}

std::string ReceiptSign(std::string_view words, std::string_view subject) {
  const std::string lower_subject = base::LowerAscii(subject);
  std::string_view said = FirstOf(words, kDeliveredPhrases);
  if (said.empty()) said = FirstOf(lower_subject.substr(0, 60), kReceiptSubjects);
  if (said.empty() || NamesFailure(words)) return {};
  // "Delivered:" is a Subject prefix, never one inside a Subject.
  if ((said == "delivered:" || said == "relayed:") && lower_subject.rfind(said, 0) != 0) return {};
  return "delivery receipt: \"" + std::string(said) + "\"";
}

bool IsAutoReplySubject(std::string_view subject) {
  const std::string lower = base::LowerAscii(subject);
  for (std::string_view phrase :
       {"out of office", "out of the office", "automatic reply", "auto-reply", "auto reply",
        "autoreply", "auto-response", "autoresponse", "vacation", "abwesenheit", "away from",
        "absence", "automatische antwort", "réponse automatique", "respuesta automática"}) {
    if (lower.find(phrase) != std::string::npos) return true;
  }
  return false;
}

std::string StrongAutoReplySign(const FieldGroup& header, std::string_view subject) {
  for (const ReportField& field : header) {
    if (field.name == "x-autoreply" || field.name == "x-autorespond" ||
        field.name == "x-autoresponder") {
      return Sign(field.name, field.value);
    }
    if (field.name == "precedence" && base::LowerAscii(TrimBlanks(field.value)) == "auto_reply") {
      return Sign("Precedence", field.value);
    }
  }
  if (IsAutoReplySubject(subject)) return "Subject: " + SafeLine(subject, 60);
  return {};
}

std::string WeakAutoReplySign(const FieldGroup& header) {
  if (const std::string* value = FindField(header, "auto-submitted")) {
    const std::string lower = base::LowerAscii(TrimBlanks(*value));
    const std::string keyword = lower.substr(0, lower.find_first_of(" \t;("));
    if (!keyword.empty() && keyword != "no") return Sign("Auto-Submitted", *value);
  }
  return {};
}

}  // namespace listd::inbound
