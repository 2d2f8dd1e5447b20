// Bounce report values (bounce_report.h).
#include "listd/service/bounce_report.h"

namespace listd::service {

std::string_view ToString(BounceKind kind) {
  switch (kind) {
    case BounceKind::kBounce:
      return "bounce";
    case BounceKind::kDelay:
      return "delay";
    case BounceKind::kComplaint:
      return "complaint";
    case BounceKind::kAutoReply:
      return "auto-reply";
    case BounceKind::kNotABounce:
      return "not-a-bounce";
  }
  return "not-a-bounce";
}

std::string_view ToString(FailureClass failure_class) {
  return failure_class == FailureClass::kPermanent ? "permanent" : "temporary";
}

}  // namespace listd::service
