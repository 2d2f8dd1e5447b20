// listctl doctor LIST: what a receiver would find wrong with the list's
// signing (listd/service/doctor.h), each problem with its fix.
//
// Exit codes (listd/cli/exit_codes.h): 0 no errors (warnings and notes may
// remain); 1 at least one error; otherwise the kind of the failure (3 no
// such list, 6 DNS could not be set up, ...).
#include <boost/program_options.hpp>
#include <iostream>

#include "dkim/unbound_txt_resolver.h"
#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/service/doctor.h"
#include "listd/views/doctor_view.h"

namespace po = boost::program_options;
using listd::service::DoctorReport;
using listd::service::Finding;
using listd::service::Severity;

namespace listd::cli {
namespace {

int Doctor(const std::string& program, const Args& args) {
  po::options_description options = BaseOptions();
  AddDnsOptions(options);
  options.add_options()("json", "print the findings as JSON");
  po::positional_options_description pos;
  AddListArgument(options, pos);
  po::variables_map vm;
  if (!ParseArgs(program + " LIST [--dns HOST:PORT] [--json]", options, args, vm, &pos)) {
    return kExitOk;
  }
  auto store = OpenStoreOrThrow(vm);
  auto dns = MakeResolver(vm);

  DoctorReport report =
      OrThrow(service::Diagnose(*store, vm["list"].as<std::string>(), *dns, Now()));
  const views::Json document = views::DoctorReportView(report);
  if (vm.count("json")) {
    std::cout << views::Dump(document) << "\n";
  } else {
    std::cout << report.list << " (signing domain " << report.signing_domain << ")\n";
    for (const Finding& f : report.findings) {
      std::cout << ToString(f.severity) << " [" << f.code << "]: " << f.message << "\n"
                << "  fix: " << f.fix << "\n";
    }
    std::cout << document["errors"].get<int>() << " error(s), " << document["warnings"].get<int>()
              << " warning(s), " << document["notes"].get<int>() << " note(s)\n";
  }
  return report.HasErrors() ? kExitNo : kExitOk;
}

}  // namespace

int RunDoctorCommand(const std::string& program, const Args& args) {
  // Errors read "listctl doctor LIST: why" (or the first word given).
  const std::string first = args.empty() ? std::string("LIST") : args.front();
  return RunReportingErrors(program, first, [&]() -> int { return Doctor(program, args); });
}

}  // namespace listd::cli
