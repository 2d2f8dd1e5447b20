// listctl bounce parse [--json] < message: what the bounce parser finds in
// a returned mail, so it can be checked by hand and against other
// implementations. Exit 0 when a failure (kind bounce) was found, 1 when
// none (a delay, a complaint, an auto-reply or not a bounce), 2 on usage
// errors.
//
// The parser lives in listd/inbound/, which this room may not see (the
// rooms: cli uses service and views); listctl's main() hands it in.
#include <boost/program_options.hpp>
#include <iostream>

#include "base/message_limits.h"
#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/views/bounce_view.h"
#include "listd/views/json.h"

namespace po = boost::program_options;

namespace listd::cli {
namespace {

BounceParser g_parser = nullptr;  // set by RunBounceCommand before Dispatch

// Reads `in` to its end, or throws once it holds more than `limit` bytes.
std::string ReadAtMost(std::istream& in, size_t limit) {
  std::string out;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    out.append(buffer, static_cast<size_t>(in.gcount()));
    if (out.size() > limit) {
      throw CommandError{"the message is larger than --max-message-size (" + std::to_string(limit) +
                         " bytes)"};
    }
  }
  return out;
}

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
  const std::string message = ReadAtMost(std::cin, vm["max-message-size"].as<size_t>());
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

void PrintBounceUsage(std::ostream& out, const std::string& program) {
  out << "usage: " << program << " <command> [options]\n"
      << "\n"
      << "commands:\n"
      << "  parse [--json] < message   what a returned mail says: the kind (bounce, delay,\n"
      << "                             complaint, auto-reply, not-a-bounce) and each failed\n"
      << "                             recipient; exit 0 for a bounce, 1 otherwise\n";
}

}  // namespace

int RunBounceCommand(const std::string& program, const Args& args, BounceParser parser) {
  g_parser = parser;
  return Dispatch(program, args, {{"parse", Parse}}, PrintBounceUsage);
}

}  // namespace listd::cli
