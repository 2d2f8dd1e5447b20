// listctl inject LIST < message: the pipe transport's way in (an MTA alias
// "| listctl inject LIST"). The post is committed to the spool exactly as
// the LMTP intake does it (service/spool.h), and the running daemon takes
// it from there. A message larger than --max-message-size (the LMTP
// listener's default, base/message_limits.h) is refused, exit 2, and is
// never read whole into memory.
#include <boost/program_options.hpp>
#include <iostream>

#include "base/message_limits.h"
#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/service/spool.h"

namespace po = boost::program_options;

namespace listd::cli {
namespace {

int Inject(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  options.add_options()("from", po::value<std::string>()->default_value(""),
                        "envelope sender (default: none, <>)")(
      "max-message-size", po::value<size_t>()->default_value(base::kDefaultMaxMessageBytes),
      "largest message taken, bytes: keep it equal to listd's --max-message-size");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " LIST [--from ADDR] < message", options, args, vm, &pos)) {
    return kExitOk;
  }
  const std::string list = vm["list"].as<std::string>();
  const size_t limit = vm["max-message-size"].as<size_t>();
  std::optional<std::string> read = ReadAtMost(std::cin, limit);
  if (!read) {
    throw CommandError{"the message is larger than --max-message-size (" + std::to_string(limit) +
                       " bytes, the limit of listd's LMTP listener by default); not spooled"};
  }
  std::string message = std::move(*read);
  if (message.empty()) throw CommandError{"no message on standard input"};
  auto store = OpenStoreOrThrow(vm);
  std::vector<int64_t> ids =
      OrThrow(service::SpoolPost(*store, vm["from"].as<std::string>(), {list}, message, Now()));
  std::cout << "spooled as post " << ids.front() << "; the running listd processes it\n";
  return kExitOk;
}

}  // namespace

int RunInjectCommand(const std::string& program, const Args& args) {
  return RunReportingErrors("listctl", "inject", [&] { return Inject(program, args); });
}

}  // namespace listd::cli
