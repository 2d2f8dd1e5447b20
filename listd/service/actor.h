// Actors: who an event in the log says made a change ("listctl:alice",
// "web:owner@example.org", "listd"). Every service is given its actor.
#ifndef LISTD_LISTD_SERVICE_ACTOR_H_
#define LISTD_LISTD_SERVICE_ACTOR_H_

#include <string>
#include <string_view>

namespace listd::service {

// The actor a command-line program records: "<program>:<Unix user name>",
// e.g. "listctl:alice" (the numeric uid when the user has no name).
std::string UnixActor(std::string_view program);

}  // namespace listd::service

#endif  // LISTD_LISTD_SERVICE_ACTOR_H_
