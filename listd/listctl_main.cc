// listctl: the list administrator's command line.
//
// NAME
//   listctl - administer listd: DKIM keys, signing and verification (for
//   now; lists, members and the store come with the storage issue)
// SYNOPSIS
//   listctl dkim keygen|sign|verify [options]   (each has --help)
#include <iostream>
#include <string>

#include "listd/cli.h"

namespace {

void PrintUsage(std::ostream& out) {
  out << "usage: listctl <group> <command> [options]\n"
         "\n"
         "groups:\n"
         "  dkim   keygen | sign | verify   DKIM keys, signing and verification\n"
         "\n"
         "Run 'listctl <group> <command> --help' for a command's options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  listd::Args args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(std::cerr);
    return listd::kExitError;
  }
  const std::string group = args.front();
  args.erase(args.begin());
  if (group == "--help" || group == "-h" || group == "help") {
    PrintUsage(std::cout);
    return listd::kExitOk;
  }
  if (group == "dkim") return listd::RunDkimCommand("listctl dkim", args);
  std::cerr << "listctl: unknown group '" << group << "'\n";
  PrintUsage(std::cerr);
  return listd::kExitError;
}
