// PostHandler (see post_handler.h).
#include "listd/inbound/post_handler.h"

#include "listd/pipeline/admit.h"
#include "listd/pipeline/sender_auth.h"

namespace listd::inbound {

base::Result<service::PostOutcome> PostHandler::Handle(service::PostInHand& post,
                                                       const std::string& recorded) {
  const pipeline::AdmitPolicy policy =
      pipeline::PolicyFrom(post.list.settings, post.list.ListIdLabel(), post.list.Address());
  // Our Authentication-Results lead `recorded`: the author domain is
  // judged from them and the trusted upstream ones, not verified again.
  const pipeline::AuthorEvidence evidence{post.authserv_id, &post.trusted_upstream};
  auto facts = pipeline::GatherFacts(recorded, post.list.list.id, policy, store_.members(),
                                     &store_.bans(), evidence);
  if (!facts) return outcomes_.Hold(post, recorded, facts.error());
  if (post.dmarc)
    facts->author_dmarc = pipeline::AuthorDmarc{post.dmarc->result, post.dmarc->applied_policy};
  const pipeline::Verdict verdict = pipeline::Admit(*facts, policy);
  switch (verdict.action) {
    case pipeline::AdmitAction::kAccept:
      return outcomes_.Distribute(post, recorded);
    case pipeline::AdmitAction::kHold:
      return outcomes_.Hold(post, recorded, verdict.reason);
    case pipeline::AdmitAction::kReject: {
      // A notice to a return path nobody authenticated is backscatter: the
      // list says what the rejection becomes instead.
      const pipeline::SenderVerdict sender = pipeline::AuthenticateSender(
          post.post.envelope_from, recorded, post.authserv_id, post.trusted_upstream);
      if (sender.authenticated) return outcomes_.Reject(post, recorded, verdict.reason);
      const std::string why = verdict.reason + "; not rejected with a notice: " + sender.detail;
      if (post.list.settings.unauthenticated_rejection() ==
          settings::UnauthenticatedRejection::kHold) {
        return outcomes_.Hold(post, recorded, why);
      }
      return outcomes_.Discard(post, why);
    }
    case pipeline::AdmitAction::kDiscard:
      return outcomes_.Discard(post, verdict.reason);
  }
  return outcomes_.Hold(post, recorded, "unknown admit verdict");
}

}  // namespace listd::inbound
