// PostHandler (see post_handler.h).
#include "listd/inbound/post_handler.h"

#include "listd/pipeline/admit.h"

namespace listd::inbound {

base::Result<service::PostOutcome> PostHandler::Handle(service::PostInHand& post,
                                                       const std::string& recorded) {
  const pipeline::AdmitPolicy policy =
      pipeline::PolicyFrom(post.list.settings, post.list.ListIdLabel(), post.list.Address());
  auto facts = pipeline::GatherFacts(recorded, post.list.list.id, policy, store_.members());
  if (!facts) return outcomes_.Hold(post, recorded, facts.error());
  if (post.dmarc)
    facts->author_dmarc = pipeline::AuthorDmarc{post.dmarc->result, post.dmarc->applied_policy};
  const pipeline::Verdict verdict = pipeline::Admit(*facts, policy);
  switch (verdict.action) {
    case pipeline::AdmitAction::kAccept:
      return outcomes_.Distribute(post, recorded);
    case pipeline::AdmitAction::kHold:
      return outcomes_.Hold(post, recorded, verdict.reason);
    case pipeline::AdmitAction::kReject:
      return outcomes_.Reject(post, recorded, verdict.reason);
    case pipeline::AdmitAction::kDiscard:
      return outcomes_.Discard(post, verdict.reason);
  }
  return outcomes_.Hold(post, recorded, "unknown admit verdict");
}

}  // namespace listd::inbound
