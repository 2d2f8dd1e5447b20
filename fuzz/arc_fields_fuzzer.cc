// Fuzz target: the three ARC fields (dkim/arc_fields.h, RFC 8617 sections
// 4.1.1-4.1.3) one by one, and their collection from a whole message
// (section 5.2's structure checks), as a post brings them.
#include <string>
#include <string_view>

#include "dkim/arc_fields.h"
#include "dkim/message.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  const std::string_view text = listd_fuzz::Text(data, size);
  auto ams = dkim::ParseArcMessageSignature(text);
  if (!ams.ok()) Check(!ams.error().empty(), "a refused AMS says why");
  auto seal = dkim::ParseArcSeal(text);
  if (!seal.ok()) Check(!seal.error().empty(), "a refused AS says why");
  auto instance = dkim::ParseArcAuthResultsInstance(text);
  // Any 1..9-digit instance reads; more than 50 is the collection's error.
  if (instance.ok()) Check(*instance >= 1, "instances count from 1 (section 4.2.1)");

  auto message = dkim::Message::Parse(std::string(text));
  if (!message.ok()) return 0;
  dkim::ArcFieldCollection arc = dkim::CollectArcFields(*message);
  Check(arc.max_instance >= 0, "instances count from 1");
  if (arc.max_instance > dkim::kMaxArcInstance) {
    Check(!arc.error.empty(), "a chain of more than 50 sets is an error (section 4.2.1)");
  }
  if (arc.error.empty()) {
    // A sound chain (section 5.2): sets 1..N, each with its three fields once.
    Check(arc.sets.size() == static_cast<size_t>(arc.max_instance), "one set per instance");
    Check(arc.field_count == 3 * arc.sets.size(), "three fields per set, no stray one");
    for (const dkim::ArcSetFields& set : arc.sets) {
      Check(set.aar != nullptr && set.ams != nullptr && set.seal != nullptr && !set.duplicate,
            "a sound set has its AAR, AMS and AS once each");
    }
  }
  return 0;
}
