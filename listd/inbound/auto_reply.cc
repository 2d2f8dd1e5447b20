// Auto-reply detection (auto_reply.h says what and why).
#include "listd/inbound/auto_reply.h"

#include "base/ascii.h"
#include "listd/inbound/text_lines.h"

namespace listd::inbound {
namespace {

std::string Sign(std::string_view name, std::string_view value) {
  return std::string(name) + ": " + SafeLine(value, 60);
}

}  // namespace

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
