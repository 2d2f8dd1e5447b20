// listctl inject LIST, and listctl held ls | show | approve | reject | discard.
//
// inject is the pipe transport's way in (an MTA alias "| listctl inject
// LIST"): the post is committed to the spool exactly as the LMTP intake
// does it, and the running daemon takes it from there. The held commands
// act on posts the admit stage held: approve sends the post on (decorated,
// signed, queued; the daemon delivers), reject sends the author a notice,
// discard drops it silently. Every decision is an event in the store.
//
// Exit codes: 0 done; 1 the post or hold does not exist; 2 usage or store
// errors.
#include <boost/program_options.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "dkim/key_resolver.h"
#include "dkim/txt_resolver.h"
#include "dkim/unbound_txt_resolver.h"
#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/daemon/daemon_options.h"
#include "listd/daemon/intake.h"
#include "listd/service/list_service.h"
#include "listd/inbound/post_processor.h"

namespace po = boost::program_options;
using nlohmann::json;

namespace listd {
namespace {

// Text from a post as it may reach the admin's terminal: C0 controls, DEL
// become \xNN and the C1 controls as UTF-8 (U+0080..U+009F) \u00NN, so a subject
// cannot carry escape sequences that retitle or rewrite the terminal.
// `keep_line_ends` keeps CR LF (the header dump of `show`).
std::string Printable(std::string_view text, bool keep_line_ends = false) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool line_end = keep_line_ends && (c == '\r' || c == '\n');
    const bool c1 = c == 0xc2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9f;
    if (c1) {
      const auto next = static_cast<unsigned char>(text[++i]);
      out += "\\u00";
      out += kHex[next >> 4];
      out += kHex[next & 15];
    } else if (!line_end && (c < 0x20 || c == 0x7f) && c != '\t') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// The held commands' PostProcessor. A held post keeps the DKIM results
// recorded when it arrived; DNS serves what an approval decides anew: the
// author domain's DMARC policy (the mitigation) and the ARC chain's keys
// (what the list's seal attests).
struct HeldActions {
  std::unique_ptr<dkim::UnboundTxtResolver> dns;
  dkim::DnsKeyResolver keys;
  PostProcessor processor;
  HeldActions(storage::Store& store, const po::variables_map& vm)
      : dns(MakeResolver(vm)), keys(*dns), processor(store, keys, dns.get(), Pipeline(vm)) {}
  static PipelineOptions Pipeline(const po::variables_map& vm) {
    PipelineOptions options;
    options.templates_dir = vm["templates"].as<std::string>();
    options.actor = UnixActor("listctl");
    return options;
  }
};

void AddTemplatesOption(po::options_description& options) {
  options.add_options()("templates", po::value<std::string>()->default_value(DefaultTemplatesDir()),
                        "directory of the footer templates (as listd --templates)");
}

// ID, by position: the held post's id as `held ls` prints it.
void AddHeldIdArgument(po::options_description& options, po::positional_options_description& pos) {
  po::options_description arguments("arguments (by position)");
  arguments.add_options()("id", po::value<int64_t>()->required(), "the held post's id");
  options.add(arguments);
  pos.add("id", 1);
}

int Inject(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("from", po::value<std::string>()->default_value(""),
                        "envelope sender (default: none, <>)");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " LIST [--from ADDR] < message", options, args, vm, &pos)) {
    return kExitOk;
  }
  const std::string list = vm["list"].as<std::string>();
  std::string message = ReadAll(std::cin);
  if (message.empty()) throw CommandError{"no message on standard input"};
  auto store = OpenStoreOrThrow(vm);
  auto ids = SpoolPost(*store, vm["from"].as<std::string>(), {list}, message, Now());
  if (!ids) throw CommandError{ids.error()};
  std::cout << "spooled as post " << ids->front() << "; the running listd processes it\n";
  return kExitOk;
}

int Ls(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("json", "print JSON");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " ls LIST [--json]", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  ListService service(*store, UnixActor("listctl"));
  storage::ListRecord list = OrThrow(service.FindList(vm["list"].as<std::string>()));
  std::vector<storage::HeldPost> held = OrThrow(store->held().ForList(list.id));
  if (vm.count("json")) {
    json out = json::array();
    for (const storage::HeldPost& h : held) {
      out.push_back({{"id", h.id}, {"post", h.post_id}, {"held_at", IsoTime(h.held_at)},
                     {"from", h.sender}, {"subject", h.subject}, {"reason", h.reason}});
    }
    std::cout << Dump(out) << "\n";
    return kExitOk;
  }
  if (held.empty()) std::cout << "no held posts\n";
  for (const storage::HeldPost& h : held) {
    std::cout << h.id << "  " << IsoTime(h.held_at) << "  " << Printable(h.sender) << "  \""
              << Printable(h.subject) << "\"\n    " << Printable(h.reason) << "\n";
  }
  return kExitOk;
}

// The hold `id`, or exit 1 with a message.
std::optional<storage::HeldPost> FindHeld(storage::Store& store, int64_t id) {
  auto held = store.held().Find(id);
  if (!held) throw CommandError{held.error()};
  if (!*held) std::cerr << "no held post " << id << "\n";
  return *held;
}

int Show(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("raw", "print the whole message as held");
  po::positional_options_description pos;
  AddHeldIdArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " show ID [--raw]", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  auto held = FindHeld(*store, vm["id"].as<int64_t>());
  if (!held) return kExitNo;
  auto post = OrThrow(store->spool().Find(held->post_id));
  if (!post) throw CommandError{"the held post's message is gone"};
  if (vm.count("raw")) {
    std::cout << post->message;
    return kExitOk;
  }
  std::cout << "held:     " << held->id << " (post " << held->post_id << ") since "
            << IsoTime(held->held_at) << "\n"
            << "reason:   " << Printable(held->reason) << "\n"
            << "envelope: <" << Printable(post->envelope_from) << "> to "
            << Printable(post->recipient) << "\n"
            << "\n";
  // The header section, as held (our Authentication-Results on top).
  const size_t end = post->message.find("\r\n\r\n");
  std::cout << Printable(post->message.substr(
                   0, end == std::string::npos ? post->message.size() : end + 2),
               /*keep_line_ends=*/true)
            << "(" << (end == std::string::npos ? 0 : post->message.size() - end - 4)
            << " bytes of body; --raw prints them)\n";
  return kExitOk;
}

// approve, reject and discard: one id, one decision.
int Decide(const std::string& program, const Args& args, const std::string& verb) {
  po::options_description options = BaseOptions();
  AddTemplatesOption(options);
  AddDnsOptions(options);
  if (verb == "reject") {
    options.add_options()("reason", po::value<std::string>()->default_value(
                                        "a moderator rejected it"),
                          "the sentence the author reads");
  }
  po::positional_options_description pos;
  AddHeldIdArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " " + verb + " ID", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  const int64_t id = vm["id"].as<int64_t>();
  if (!FindHeld(*store, id)) return kExitNo;
  HeldActions actions(*store, vm);
  base::Result<PostOutcome> outcome =
      verb == "approve"  ? actions.processor.Approve(id)
      : verb == "reject" ? actions.processor.Reject(id, vm["reason"].as<std::string>())
                         : actions.processor.Discard(id);
  if (!outcome) throw CommandError{outcome.error()};
  std::cout << "post " << outcome->post_id << " " << outcome->action;
  if (outcome->recipients > 0) std::cout << ": " << outcome->recipients << " recipients queued";
  std::cout << " (" << outcome->reason << ")\n";
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

int RunInjectCommand(const std::string& program, const Args& args) {
  return RunReportingErrors("listctl", "inject", [&] { return Inject(program, args); });
}

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

}  // namespace listd
