// listctl sub pending | approve | reject: subscription requests waiting for
// a moderator (subscription_policy moderate or confirm_then_moderate), as
// thin shells over SubscriptionService (listd/service/subscription_service.h),
// the same calls a moderator's reply by mail makes. Approving subscribes
// and welcomes the address; rejecting tells the requester, with the reason.
//
// Exit codes (listd/cli/exit_codes.h): 0 done; 3 no such request waiting;
// 2 usage.
#include <boost/program_options.hpp>
#include <iostream>

#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/mime/footer_template.h"
#include "listd/service/actor.h"
#include "listd/service/subscription_service.h"
#include "listd/views/request_view.h"

namespace po = boost::program_options;

namespace listd::cli {
namespace {

service::SubscriptionService Subscriptions(storage::Store& store, const po::variables_map& vm) {
  std::string templates;
  if (vm.count("templates")) templates = vm["templates"].as<std::string>();
  return service::SubscriptionService(store, templates, service::UnixActor("listctl"));
}

void AddRequestIdArgument(po::options_description& options,
                          po::positional_options_description& pos) {
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("id", po::value<int64_t>()->required(),
                          "the request's id, as `sub pending` prints it");
  options.add(arguments);
  pos.add("id", 1);
}

int Pending(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("json", "print JSON");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " pending LIST [--json]", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  std::vector<service::PendingRequest> pending =
      OrThrow(Subscriptions(*store, vm).Pending(vm["list"].as<std::string>()));
  if (vm.count("json")) {
    views::Json out = views::Json::array();
    for (const service::PendingRequest& p : pending) out.push_back(views::RequestView(p));
    std::cout << views::Dump(out) << "\n";
    return kExitOk;
  }
  if (pending.empty()) std::cout << "no requests waiting for a moderator\n";
  for (const service::PendingRequest& p : pending) {
    std::cout << p.request.id << "  " << IsoTime(p.request.created_at) << "  "
              << storage::ToString(p.request.action) << "  "
              << Printable(p.request.address.ToString()) << "  (via " << Printable(p.request.via)
              << ", expires " << IsoTime(p.request.expires_at) << ")\n";
  }
  return kExitOk;
}

int Decide(const std::string& program, const Args& args, const std::string& verb) {
  po::options_description options = BaseOptions();
  options.add_options()("templates",
                        po::value<std::string>()->default_value(mime::BuiltInTemplatesDir()),
                        "directory of the templates (as listd --templates)");
  if (verb == "reject") {
    options.add_options()("reason", po::value<std::string>()->default_value(""),
                          "the sentence the requester reads");
  }
  po::positional_options_description pos;
  AddRequestIdArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " " + verb + " ID", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  const int64_t id = vm["id"].as<int64_t>();
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  service::SubscriptionService subscriptions = Subscriptions(*store, vm);
  service::RequestAnswer answer =
      verb == "approve" ? OrThrow(subscriptions.Approve(id, 0, now))
                        : OrThrow(subscriptions.Reject(id, vm["reason"].as<std::string>(), 0, now));
  std::cout << answer.text << "\n";
  return kExitOk;
}

void PrintSubUsage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " <command> [options]\n"
      << "  pending LIST     requests waiting for a moderator\n"
      << "  approve ID       subscribe the address (it gets the welcome)\n"
      << "  reject ID        refuse it; the requester is told [--reason TEXT]\n";
}

}  // namespace

int RunSubCommand(const std::string& program, const Args& args) {
  return Dispatch(
      program, args,
      {{"pending", Pending},
       {"approve", [](const std::string& p, const Args& a) { return Decide(p, a, "approve"); }},
       {"reject", [](const std::string& p, const Args& a) { return Decide(p, a, "reject"); }}},
      PrintSubUsage);
}

}  // namespace listd::cli
