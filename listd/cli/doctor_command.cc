// listctl doctor LIST: what a receiver would find wrong with the list's
// signing (listd/doctor.h), each problem with its fix.
//
// Exit codes (listd/cli.h): 0 no errors (warnings and notes may remain);
// 1 at least one error; 2 usage, store or DNS set-up error.
#include <boost/program_options.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "dkim/unbound_txt_resolver.h"
#include "listd/cli/cli.h"
#include "listd/cli/cli_common.h"
#include "listd/service/doctor.h"

namespace po = boost::program_options;
using nlohmann::json;

namespace listd {
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

  base::Result<DoctorReport> report = Diagnose(*store, vm["list"].as<std::string>(), *dns, Now());
  if (!report) throw CommandError{report.error()};

  int errors = 0, warnings = 0, notes = 0;
  json findings = json::array();
  for (const Finding& f : report->findings) {
    (f.severity == Severity::kError     ? errors
     : f.severity == Severity::kWarning ? warnings
                                        : notes)++;
    findings.push_back({{"severity", std::string(ToString(f.severity))},
                        {"code", f.code},
                        {"message", f.message},
                        {"fix", f.fix}});
  }
  if (vm.count("json")) {
    json document = {{"list", report->list}, {"signing_domain", report->signing_domain},
                     {"errors", errors},     {"warnings", warnings},
                     {"notes", notes},       {"findings", findings}};
    std::cout << document.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    std::cout << report->list << " (signing domain " << report->signing_domain << ")\n";
    for (const Finding& f : report->findings) {
      std::cout << ToString(f.severity) << " [" << f.code << "]: " << f.message << "\n"
                << "  fix: " << f.fix << "\n";
    }
    std::cout << errors << " error(s), " << warnings << " warning(s), " << notes << " note(s)\n";
  }
  return report->HasErrors() ? kExitNo : kExitOk;
}

}  // namespace

int RunDoctorCommand(const std::string& program, const Args& args) {
  // Errors read "listctl doctor LIST: why" (or the first word given).
  const std::string first = args.empty() ? std::string("LIST") : args.front();
  return RunReportingErrors(program, first, [&]() -> int { return Doctor(program, args); });
}

}  // namespace listd
