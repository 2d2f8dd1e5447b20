// listctl held ls | show | approve | reject | discard: posts the admit
// stage held, as thin shells over ModerationService
// (listd/service/moderation.h): approve sends the post on (decorated,
// signed, queued; the daemon delivers), reject sends the author a notice,
// discard drops it silently. Every decision is an event in the store.
//
// Exit codes (listd/cli/exit_codes.h): 0 done; 3 no such hold; 4 the post
// cannot go (mail for the owners, or it still fails a stage); 2 usage.
#include <boost/program_options.hpp>
#include <iostream>

#include "dkim/key_resolver.h"
#include "dkim/unbound_txt_resolver.h"
#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/mime/footer_template.h"
#include "listd/service/actor.h"
#include "listd/service/moderation.h"
#include "listd/views/held_view.h"

namespace po = boost::program_options;

namespace listd::cli {
namespace {

service::ModerationService Moderation(storage::Store& store, const po::variables_map& vm) {
  service::PostOptions options;
  if (vm.count("templates")) options.templates_dir = vm["templates"].as<std::string>();
  options.actor = service::UnixActor("listctl");
  return service::ModerationService(store, options);
}

void AddTemplatesOption(po::options_description& options) {
  options.add_options()("templates",
                        po::value<std::string>()->default_value(mime::BuiltInTemplatesDir()),
                        "directory of the footer templates (as listd --templates)");
}

// ID, by position: the held post's id as `held ls` prints it.
void AddHeldIdArgument(po::options_description& options, po::positional_options_description& pos) {
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("id", po::value<int64_t>()->required(), "the held post's id");
  options.add(arguments);
  pos.add("id", 1);
}

int Ls(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("json", "print JSON");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " ls LIST [--json]", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  std::vector<storage::HeldPost> held =
      OrThrow(Moderation(*store, vm).HeldPosts(vm["list"].as<std::string>()));
  if (vm.count("json")) {
    views::Json out = views::Json::array();
    for (const storage::HeldPost& h : held) out.push_back(views::HeldPostView(h));
    std::cout << views::Dump(out) << "\n";
    return kExitOk;
  }
  if (held.empty()) std::cout << "no held posts\n";
  for (const storage::HeldPost& h : held) {
    std::cout << h.id << "  " << IsoTime(h.held_at) << "  " << Printable(h.sender) << "  \""
              << Printable(h.subject) << "\"\n    " << Printable(h.reason) << "\n";
  }
  return kExitOk;
}

int Show(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("raw", "print the whole message as held");
  po::positional_options_description pos;
  AddHeldIdArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " show ID [--raw]", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  service::HeldDetail detail = OrThrow(Moderation(*store, vm).Show(vm["id"].as<int64_t>()));
  const storage::HeldPost& held = detail.held;
  const storage::SpooledPost& post = detail.post;
  if (vm.count("raw")) {
    std::cout << post.message;
    return kExitOk;
  }
  std::cout << "held:     " << held.id << " (post " << held.post_id << ") since "
            << IsoTime(held.held_at) << "\n"
            << "reason:   " << Printable(held.reason) << "\n"
            << "envelope: <" << Printable(post.envelope_from) << "> to "
            << Printable(post.recipient) << "\n"
            << "\n";
  // The header section, as held (our Authentication-Results on top).
  const size_t end = post.message.find("\r\n\r\n");
  std::cout << Printable(
                   post.message.substr(0, end == std::string::npos ? post.message.size() : end + 2),
                   /*keep_line_ends=*/true)
            << "(" << (end == std::string::npos ? 0 : post.message.size() - end - 4)
            << " bytes of body; --raw prints them)\n";
  return kExitOk;
}

// approve, reject and discard: one id, one decision.
int Decide(const std::string& program, const Args& args, const std::string& verb) {
  po::options_description options = BaseOptions();
  AddTemplatesOption(options);
  AddDnsOptions(options);  // only an approval looks anything up
  if (verb == "reject") {
    options.add_options()("reason",
                          po::value<std::string>()->default_value("a moderator rejected it"),
                          "the sentence the author reads");
  }
  po::positional_options_description pos;
  AddHeldIdArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " " + verb + " ID", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  const int64_t id = vm["id"].as<int64_t>();
  service::ModerationService moderation = Moderation(*store, vm);
  service::PostOutcome outcome;
  if (verb == "approve") {
    // DNS serves what an approval decides anew: the author domain's DMARC
    // policy (the mitigation) and the ARC chain's keys (what the list's
    // seal attests). The hold is looked up first, so that a wrong id says
    // so before any DNS set-up can fail.
    OrThrow(moderation.Show(id));
    std::unique_ptr<dkim::UnboundTxtResolver> dns = MakeResolver(vm);
    dkim::DnsKeyResolver keys(*dns);
    outcome = OrThrow(moderation.Approve(id, keys, dns.get()));
  } else if (verb == "reject") {
    outcome = OrThrow(moderation.Reject(id, vm["reason"].as<std::string>()));
  } else {
    outcome = OrThrow(moderation.Discard(id));
  }
  std::cout << "post " << outcome.post_id << " " << service::ToString(outcome.action);
  if (outcome.recipients > 0) std::cout << ": " << outcome.recipients << " recipients queued";
  std::cout << " (" << outcome.reason << ")\n";
  return kExitOk;
}

void PrintHeldUsage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " <command> [options]\n"
      << "  ls LIST          held posts of the list\n"
      << "  show ID          why it is held, and its header\n"
      << "  approve ID       send it to the list\n"
      << "  reject ID        refuse it; the author gets a notice\n"
      << "  discard ID       drop it without a word\n";
}

}  // namespace

int RunHeldCommand(const std::string& program, const Args& args) {
  return Dispatch(
      program, args,
      {{"ls", Ls},
       {"show", Show},
       {"approve", [](const std::string& p, const Args& a) { return Decide(p, a, "approve"); }},
       {"reject", [](const std::string& p, const Args& a) { return Decide(p, a, "reject"); }},
       {"discard", [](const std::string& p, const Args& a) { return Decide(p, a, "discard"); }}},
      PrintHeldUsage);
}

}  // namespace listd::cli
