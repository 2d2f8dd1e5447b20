// What every listctl command shares: the error it throws (reported on
// stderr, with the exit status its kind maps to: exit_codes.h), argument
// parsing with --help, the options that choose the store (--db, --config),
// and the one printer of outside text for a terminal.
#ifndef LISTD_LISTD_CLI_CLI_COMMON_H_
#define LISTD_LISTD_CLI_CLI_COMMON_H_

#include <boost/program_options.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "dkim/unbound_txt_resolver.h"
#include "listd/cli/cli.h"
#include "listd/cli/exit_codes.h"
#include "storage/store.h"

namespace listd::cli {

// A problem the command reports: printed on stderr, and the exit status is
// ExitCodeFor(kind). Usage errors are kind invalid.
struct CommandError {
  std::string message;
  base::ErrorKind kind = base::ErrorKind::kInvalid;
};

// Parses `args` against `options` (positional ones as given); prints help
// and returns false on --help; throws CommandError on a usage error.
bool ParseArgs(const std::string& usage, const boost::program_options::options_description& options,
               const Args& args, boost::program_options::variables_map& vm,
               const boost::program_options::positional_options_description* positional = nullptr);

// Adds --db PATH and --config FILE to `options`.
void AddStoreOptions(boost::program_options::options_description& options);
// The store the options name: --db wins over the config file's "db = PATH",
// which wins over the default var/listd.db.
storage::StoreOptions StoreOptionsFrom(const boost::program_options::variables_map& vm);
// Opens the store or throws CommandError saying why.
std::unique_ptr<storage::Store> OpenStoreOrThrow(const boost::program_options::variables_map& vm);

// Runs `body`, turning a CommandError into a message on stderr and the
// exit status of its kind.
int RunReportingErrors(const std::string& program, const std::string& command,
                       const std::function<int()>& body);

// One command of a group: `listctl <group> <name> ...`.
struct Subcommand {
  const char* name;
  int (*run)(const std::string& program, const Args& args);
};
// Prints a group's usage.
using UsagePrinter = void (*)(std::ostream& out, const std::string& program);
// Runs the command args[0] names, with errors reported (exit 2); help and
// unknown commands print the group's usage.
int Dispatch(const std::string& program, const Args& args,
             std::initializer_list<Subcommand> commands, UsagePrinter usage);

// The value of `result`, or a CommandError with its message and kind.
template <typename T>
T OrThrow(base::Result<T> result) {
  if (!result) throw CommandError{result.error(), result.kind()};
  return std::move(*result);
}
// Throws the CommandError of a failed `status`.
inline void OrThrow(const base::Status& status) {
  if (!status) throw CommandError{status.error(), status.kind()};
}

// Seconds since the epoch, now.
int64_t Now();
// --now when given (tests, reproducible signatures), else Now().
int64_t NowOrOption(const boost::program_options::variables_map& vm);
// Everything `in` holds, as bytes (a message on standard input, a key file).
std::string ReadAll(std::istream& in);
// Everything `in` holds, or none once it holds more than `limit` bytes (a
// message on standard input, refused by size without reading it all).
std::optional<std::string> ReadAtMost(std::istream& in, size_t limit);
// "2026-11-23T20:41:00Z".
std::string IsoTime(int64_t seconds);
// Text from outside (a post's subject, a list's or member's name) as it
// may reach the admin's terminal: C0 controls and DEL become \xNN and the
// C1 controls (UTF-8 U+0080..U+009F) \u00NN, so no value can carry escape
// sequences that retitle or rewrite the terminal. `keep_line_ends` keeps
// CR LF (a header dump).
std::string Printable(std::string_view text, bool keep_line_ends = false);

// --help and the store's options, which every store command takes.
boost::program_options::options_description BaseOptions();
// The LIST argument, given by position (or as --list).
void AddListArgument(boost::program_options::options_description& options,
                     boost::program_options::positional_options_description& positional);
// --dns HOST:PORT and --timeout MS, for commands that look things up.
void AddDnsOptions(boost::program_options::options_description& options);
// The resolver those options describe, or a CommandError.
std::unique_ptr<dkim::UnboundTxtResolver> MakeResolver(
    const boost::program_options::variables_map& vm);

}  // namespace listd::cli

#endif  // LISTD_LISTD_CLI_CLI_COMMON_H_
