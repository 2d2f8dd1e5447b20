// listctl bounce parse | ls.
//
// parse [--json] < message: what the bounce parser finds in a returned
// mail, so it can be checked by hand and against other implementations.
// Exit 0 when a failure (kind bounce) was found, 1 when none (a delay, a
// complaint, an auto-reply or not a bounce), 2 on usage errors. It opens
// no store.
//
// ls LIST [--json]: every member of LIST with a score, bounce state or
// delivery disabled by bounces (BounceService::Listed), as a table or one
// JSON array of views/member_bounce_view.h. Exit 3 for no such list.
//
// The parser lives in listd/inbound/, which this room may not see (the
// rooms: cli uses service and views); listctl's main() hands it in.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "base/message_limits.h"
#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/service/actor.h"
#include "listd/service/bounce_service.h"
#include "listd/views/bounce_view.h"
#include "listd/views/json.h"
#include "listd/views/member_bounce_view.h"

namespace po = boost::program_options;

namespace listd::cli {
namespace {

BounceParser g_parser = nullptr;  // set by RunBounceCommand before Dispatch

void PrintText(const service::BounceReport& report) {
  std::cout << "kind: " << service::ToString(report.kind);
  if (!report.recogniser.empty()) std::cout << " (" << Printable(report.recogniser) << ")";
  std::cout << "\nreason: " << Printable(report.reason) << "\n";
  for (const service::BounceRecipient& recipient : report.recipients) {
    std::cout << Printable(recipient.address) << "  "
              << (recipient.status.empty() ? "-" : Printable(recipient.status)) << "  "
              << Printable(recipient.action) << "  " << service::ToString(recipient.failure_class)
              << "  " << Printable(recipient.recogniser);
    if (!recipient.diagnostic.empty()) std::cout << "  " << Printable(recipient.diagnostic);
    std::cout << "\n";
  }
  if (report.truncated)
    std::cout << "(more recipients than " << service::kMaxBounceRecipients
              << "; the rest were not read)\n";
  for (const std::string& refused : report.refused) {
    std::cout << "refused: " << Printable(refused) << "\n";
  }
  if (report.kind == service::BounceKind::kComplaint) {
    std::cout << "feedback-type: " << Printable(report.complaint.feedback_type) << "\n"
              << "returned List-Id: " << Printable(report.complaint.list_id) << "\n"
              << "returned Message-ID: " << Printable(report.complaint.message_id) << "\n"
              << "returned To: " << Printable(report.complaint.to) << "\n";
  }
}

int Parse(const std::string& program, const Args& args) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help")("json", "print the result as JSON")(
      "max-message-size", po::value<size_t>()->default_value(base::kDefaultMaxMessageBytes),
      "largest message read, bytes");
  po::variables_map vm;
  if (!ParseArgs(program + " parse [--json] < message", options, args, vm)) return kExitOk;
  const size_t limit = vm["max-message-size"].as<size_t>();
  const std::optional<std::string> read = ReadAtMost(std::cin, limit);
  if (!read) {
    throw CommandError{"the message is larger than --max-message-size (" + std::to_string(limit) +
                       " bytes)"};
  }
  const std::string& message = *read;
  if (message.empty()) throw CommandError{"no message on standard input"};
  if (g_parser == nullptr) throw CommandError{"no bounce parser", base::ErrorKind::kInternal};
  const service::BounceReport report = g_parser(message);
  if (vm.count("json")) {
    std::cout << views::Dump(views::BounceView(report)) << "\n";
  } else {
    PrintText(report);
  }
  return report.kind == service::BounceKind::kBounce ? kExitOk : kExitNo;
}

// What bounce processing has done to a member, in a few words: the
// delivery state (since when, for a disabling by bounces, and the warnings
// sent since), then where a probe stands.
std::string StateText(const storage::MemberBounce& entry) {
  const storage::BounceInfo& info = entry.info;
  std::string state(storage::ToString(entry.member.delivery));
  if (entry.member.delivery == storage::Delivery::kDisabledByBounce) {
    if (info.disabled_at != 0) state += " since " + IsoTime(info.disabled_at);
    state += ", warnings sent " + std::to_string(info.warnings_sent);
  }
  if (info.probe == storage::ProbeState::kDue) state += ", probe due";
  if (info.probe == storage::ProbeState::kSent) {
    state += ", probe sent";
    if (info.probe_sent_at != 0) state += " " + IsoTime(info.probe_sent_at);
  }
  return state;
}

// The columns a terminal shows `text` in: UTF-8 continuation bytes take
// none (Printable() has already escaped every control).
size_t Columns(const std::string& text) {
  size_t columns = 0;
  for (unsigned char c : text) columns += (c & 0xC0) != 0x80;
  return columns;
}

// Prints `rows` (the first the heading) in columns two spaces apart; the
// last column is not padded, so a long failure text only runs on.
void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const std::vector<std::string>& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Columns(row[i]));
  }
  for (const std::vector<std::string>& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - Columns(row[i]) + 2, ' ');
    }
    std::cout << line << "\n";
  }
}

std::string Score(double score) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", score);
  return text;
}

int Ls(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("json", "print one JSON array of members");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " ls LIST [--json]", options, args, vm, &pos)) return kExitOk;
  auto store = OpenStoreOrThrow(vm);
  // Listing sends no mail: no templates are needed.
  service::BounceService service(*store, "", service::UnixActor("listctl"));
  const service::ListedBounces listed = OrThrow(service.Listed(vm["list"].as<std::string>()));
  if (vm.count("json")) {
    views::Json array = views::Json::array();
    for (const storage::MemberBounce& entry : listed.members) {
      array.push_back(views::MemberBounceView(entry));
    }
    std::cout << views::Dump(array) << "\n";
    return kExitOk;
  }
  if (listed.members.empty()) {
    std::cout << "no member of " << Printable(listed.list) << " has bounce state\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"ADDRESS", "SCORE", "LAST FAILURE", "STATE", "WHAT IT SAID"}};
  for (const storage::MemberBounce& entry : listed.members) {
    const storage::BounceInfo& info = entry.info;
    rows.push_back({Printable(entry.member.address.ToString()), Score(entry.member.bounce_score),
                    info.last_failure_at != 0 ? IsoTime(info.last_failure_at) : "-",
                    StateText(entry),
                    info.last_failure.empty() ? "-" : Printable(info.last_failure)});
  }
  PrintTable(rows);
  return kExitOk;
}

void PrintBounceUsage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " <command> [options]\n"
      << "\n"
      << "commands:\n"
      << "  parse [--json] < message   what a returned mail says: the kind (bounce, delay,\n"
      << "                             complaint, auto-reply, not-a-bounce) and each failed\n"
      << "                             recipient; exit 0 for a bounce, 1 otherwise\n"
      << "  ls LIST [--json]           members with a bounce score or state: score, last\n"
      << "                             failure, delivery, warnings sent, probe\n"
      << "\n"
      << "Re-enable a member disabled by bounces: listctl member enable LIST ADDR\n"
      << "ls takes --db PATH or --config FILE; each command takes --help.\n";
}

}  // namespace

int RunBounceCommand(const std::string& program, const Args& args, BounceParser parser) {
  g_parser = parser;
  return Dispatch(program, args, {{"parse", Parse}, {"ls", Ls}}, PrintBounceUsage);
}

}  // namespace listd::cli
