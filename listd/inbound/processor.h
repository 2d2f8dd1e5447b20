// Processor: one spooled post's way in, from the spool row the intake
// committed to its outcome in the store.
//
//   load -> authenticate -> record -> Router: the handler of the address
//
// (DESIGN.md "A post's way through the house"). Verification happens
// before any change (RFC 6377 section 5, RFC 5585 section 2.6.3); the
// handlers decide (router.h), and service::PostOutcomes commits each
// outcome in one transaction with its event.
//
// A post that cannot be authenticated (it does not parse) is held with
// the reason, never dropped; a post whose list is gone (or whose keys
// cannot be opened) is marked failed with the reason and kept in the
// spool. Only a store failure is returned as an error, leaving the post
// "received", to be retried.
//
// Thread-safety: one Processor per thread, over that thread's Store.
#ifndef LISTD_LISTD_INBOUND_PROCESSOR_H_
#define LISTD_LISTD_INBOUND_PROCESSOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "dkim/key_resolver.h"
#include "dkim/txt_memo.h"
#include "dkim/txt_resolver.h"
#include "listd/inbound/bounce_handler.h"
#include "listd/inbound/command_handler.h"
#include "listd/inbound/confirm_handler.h"
#include "listd/inbound/join_leave_handler.h"
#include "listd/inbound/owner_handler.h"
#include "listd/inbound/post_handler.h"
#include "listd/inbound/router.h"
#include "listd/pipeline/header_limit.h"
#include "listd/pipeline/mime_part_limit.h"
#include "listd/service/list_mailer.h"
#include "listd/service/moderation.h"
#include "listd/service/post_outcomes.h"
#include "listd/service/subscription_service.h"
#include "storage/store.h"

namespace listd::inbound {

struct ProcessorOptions {
  std::string authserv_id;                        // ours, in Authentication-Results
  std::vector<std::string> trusted_authserv_ids;  // upstream results we keep
  service::PostOptions post;                      // templates, batch size, actor
  // Posts with more header fields are held before verification
  // (pipeline/header_limit.h).
  size_t max_header_fields = pipeline::kDefaultMaxHeaderFields;
  // And posts with more MIME parts (pipeline/mime_part_limit.h).
  size_t max_mime_parts = pipeline::kDefaultMaxMimeParts;
  // The site's cap on confirmation mails an hour (subscription_service.h).
  service::SubscriptionLimits subscriptions;
  // The web face's base URL, for the links in confirmation and welcome
  // mails; "" without a web face (the mail path alone).
  std::string web_base_url;
};

class Processor {
 public:
  // `store`, `keys` and `dns` must outlive the processor; `dns` looks up
  // DMARC policies (null: none is looked up, no mitigation applies unless
  // the list mitigates unconditionally). `now` is the clock.
  Processor(storage::Store& store, dkim::KeyResolver& keys, dkim::TxtResolver* dns,
            ProcessorOptions options, dkim::Clock now = dkim::SystemNow);

  // Stacks the DNS of each post on `memo` (txt_memo.h): `keys` and `dns`
  // must both look up through it; each post's DMARC names then go out in
  // its key batch. `memo` must outlive the processor; null undoes it.
  void UsePostMemo(dkim::TxtMemo* memo) { memo_ = memo; }

  // Takes post `post_id`, in state received, its whole way in. A post in
  // another state is kind conflict.
  base::Result<service::PostOutcome> Process(int64_t post_id);

 private:
  // What the command handlers work with (members above them).
  CommandServices Services();

  storage::Store& store_;
  dkim::KeyResolver& keys_;
  dkim::TxtResolver* dns_;
  dkim::TxtMemo* memo_ = nullptr;
  ProcessorOptions options_;
  dkim::Clock now_;
  service::PostOutcomes outcomes_;
  // Our lists' signing domains (see AuthenticateOptions::own_seal_domains),
  // read again when older than a minute, so a new list is known soon.
  std::vector<std::string> own_domains_;
  std::optional<int64_t> own_domains_read_at_;
  service::SubscriptionService subscriptions_;
  service::ModerationService moderation_;
  service::ListMailer mailer_;
  service::BounceService bounce_service_;
  PostHandler posts_;
  OwnerHandler owners_;
  BounceHandler bounces_;
  CommandHandler commands_;
  JoinLeaveHandler join_leave_;
  ConfirmHandler confirmations_;
  Router router_;
};

}  // namespace listd::inbound

#endif  // LISTD_LISTD_INBOUND_PROCESSOR_H_
