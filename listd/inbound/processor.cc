// Processor (see processor.h).
#include "listd/inbound/processor.h"

#include <utility>

#include "listd/pipeline/authenticate.h"
#include "listd/pipeline/record.h"
#include "listd/service/list_lookup.h"

namespace listd::inbound {

Processor::Processor(storage::Store& store, dkim::KeyResolver& keys, dkim::TxtResolver* dns,
                     ProcessorOptions options, dkim::Clock now)
    : store_(store),
      keys_(keys),
      dns_(dns),
      options_(std::move(options)),
      now_(std::move(now)),
      outcomes_(store, options_.post, now_),
      subscriptions_(store, options_.post.templates_dir, options_.post.actor,
                     options_.subscriptions),
      moderation_(store, options_.post, now_),
      mailer_(store, options_.post.templates_dir),
      bounce_service_(store, options_.post.templates_dir, options_.post.actor),
      posts_(store, outcomes_),
      owners_(outcomes_),
      bounces_(store, outcomes_, bounce_service_),
      commands_(Services()),
      join_leave_(Services()),
      confirmations_(Services()),
      router_(Handlers{&posts_, &owners_, &bounces_, &commands_, &join_leave_, &confirmations_}) {
  subscriptions_.SetWebBaseUrl(options_.web_base_url);
}

CommandServices Processor::Services() {
  return CommandServices{store_,  outcomes_,       subscriptions_, moderation_,
                         mailer_, bounce_service_, keys_,          dns_};
}

base::Result<service::PostOutcome> Processor::Process(int64_t post_id) {
  bool unprocessable = false;
  auto post = outcomes_.Load(post_id, &unprocessable);
  if (!post && !unprocessable) return post.failure();
  // The list is gone, or its keys cannot be opened: no stage can ever take
  // this post, so it is marked failed with the reason (and kept in the
  // spool) rather than tried again forever.
  if (!post) return outcomes_.Fail(post_id, post.error());
  if (post->post.state != storage::PostState::kReceived) {
    return base::Conflict("post " + std::to_string(post_id) + " is " +
                          std::string(storage::ToString(post->post.state)) +
                          ", not waiting to be processed");
  }

  // Before any stage reads a field or builds a MIME tree: a header or a
  // structure no real post has is held as it came, unverified (there are
  // no results of ours on top to record).
  std::optional<std::string> problem =
      pipeline::HeaderLimitProblem(post->post.message, options_.max_header_fields);
  if (!problem)
    problem = pipeline::MimePartLimitProblem(post->post.message, options_.max_mime_parts);
  if (problem) {
    post->outcome.auth = "none";
    return outcomes_.Hold(*post, post->post.message, *problem);
  }

  pipeline::AuthenticateOptions authenticate;
  const std::string list_id = post->list.settings.authserv_id();
  authenticate.authserv_id = list_id.empty() ? options_.authserv_id : list_id;
  authenticate.trusted_authserv_ids = options_.trusted_authserv_ids;
  authenticate.now = now_();
  authenticate.dmarc_dns = dns_;
  authenticate.post_memo = memo_;
  if (!own_domains_read_at_ || authenticate.now - *own_domains_read_at_ >= 60) {
    auto domains = service::AllSigningDomains(store_);
    if (!domains) return domains.failure();
    own_domains_ = std::move(*domains);
    own_domains_read_at_ = authenticate.now;
  }
  authenticate.own_seal_domains = own_domains_;
  auto auth = pipeline::Authenticate(post->post.message, authenticate, keys_);
  if (!auth) {
    post->outcome.auth = "none";
    return outcomes_.Hold(*post, post->post.message, "cannot be authenticated: " + auth.error());
  }
  post->outcome.auth = pipeline::AuthenticationSummary(*auth);
  if (auth->dmarc) post->author_policy = auth->dmarc->applied_policy;
  post->dmarc = auth->dmarc;
  post->trusted_upstream = auth->trusted_upstream;
  post->arc = auth->arc;
  post->authserv_id = authenticate.authserv_id;
  const std::string recorded = pipeline::Record(*auth, authenticate.authserv_id);
  return router_.For(post->address.role).Handle(*post, recorded);
}

}  // namespace listd::inbound
