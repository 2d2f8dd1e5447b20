// Stage 7, queue: the post's copies for the members, as durable delivery
// batches in SQLite.
//
// STANDARDS
//   RFC 5321 section 4.5.3.1.8 (a transaction may carry at least 100
//   recipients; so is the default batch), RFC 6377 section 3.3 and
//   RFC 2369: the envelope sender is the list's -bounces address, so
//   delivery problems come back to the list, never to the author.
// LIMITS
//   batch_size recipients per batch, default 100. Members are streamed from
//   the store, so a list of 100,000 members is never held in memory at once.
// CONTRACT
//   Runs inside the caller's transaction (the post's state and its batches
//   commit together, or neither does).
#ifndef LISTD_LISTD_PIPELINE_QUEUE_H_
#define LISTD_LISTD_PIPELINE_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "listd/pipeline/list_context.h"
#include "storage/store.h"

namespace listd::pipeline {

struct QueueOptions {
  size_t batch_size = 100;
  int64_t now = 0;  // the batches are due at once
};

struct Queued {
  size_t recipients = 0;
  size_t batches = 0;
};

// Queues `message` for every member of the list whose delivery is enabled.
base::Result<Queued> QueueForMembers(storage::Store& store, int64_t post_id,
                                     const ListContext& list, const std::string& message,
                                     const QueueOptions& options);

// Queues `message` for the given addresses (the list's owners, a notice to
// an author), in batches like QueueForMembers.
base::Result<Queued> QueueFor(storage::Store& store, int64_t post_id,
                              const std::string& envelope_from,
                              const std::vector<std::string>& recipients,
                              const std::string& message, const QueueOptions& options);

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_QUEUE_H_
