// The event view (see event_view.h).
#include "listd/views/event_view.h"

#include "base/iso_time.h"

namespace listd::views {

Json EventView(const storage::EventRecord& event) {
  return {{"id", event.id},
          {"at", base::IsoTime(event.at)},
          {"actor", event.actor},
          {"action", event.action},
          {"detail", event.detail}};
}

}  // namespace listd::views
