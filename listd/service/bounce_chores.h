// Bounce chores: the part of bounce processing that waits for time to
// pass, run periodically by the daemon (daemon/chores.h) over every list
// with bounce work (storage/bounce_repository.h: ListsWithWork), each
// member's step in its own transaction with its mail and events.
//
// FOR EACH MEMBER WITH BOUNCE STATE, in turn:
//   probe due        a probe (bounce_probe.mustache) from the envelope
//                    list-bounces+probe.TOKEN@: only its bounce disables
//                    (bounce_service.h); it is then "sent".
//   probe sent, unanswered for pending_request_life
//                    the address works: score 0, probe forgotten.
//   disabled by bounce, owners not told (bounce_notify_owner_on_disable)
//                    bounce_owner_disabled.mustache to each owner.
//   disabled, fewer than bounce_you_are_disabled_warnings warnings sent,
//   and the first, or ..._interval since the last
//                    a warning (bounce_warning.mustache), signed like all
//                    list mail, with a -confirm+TOKEN address whose reply
//                    re-enables and the -request `enable` command.
//   disabled, every warning sent and ..._interval since the last (at once
//   when there are none to send)
//                    removed: bounce_goodbye.mustache to them, and
//                    bounce_owner_removed.mustache to each owner
//                    (bounce_notify_owner_on_removal).
//   enabled again by hand (member set delivery=enabled) or stale
//                    the state is forgotten.
// AND FOR THE LIST: the bounces no member was found for, at most one
//   digest a day to each owner (bounce_digest.mustache), each bounce in
//   exactly one digest; with forward_unrecognized_bounces=off they are
//   dropped unsent.
//
// Thread-safety: one call at a time per Store.
#ifndef LISTD_LISTD_SERVICE_BOUNCE_CHORES_H_
#define LISTD_LISTD_SERVICE_BOUNCE_CHORES_H_

#include <cstdint>
#include <string>

#include "base/result.h"
#include "storage/store.h"

namespace listd::service {

// What one run did, for the daemon's log line.
struct ChoresDone {
  int64_t probes = 0;
  int64_t probes_unanswered = 0;
  int64_t warnings = 0;
  int64_t removals = 0;
  int64_t owner_notices = 0;
  int64_t digests = 0;  // digest mails
  int64_t forgotten = 0;
  int64_t Total() const {
    return probes + probes_unanswered + warnings + removals + owner_notices + digests + forgotten;
  }
};

// Runs the chores due at `now`. `templates_dir`: listd's --templates.
base::Result<ChoresDone> RunBounceChores(storage::Store& store, const std::string& templates_dir,
                                         const std::string& actor, int64_t now);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_BOUNCE_CHORES_H_
