#include "bench/openssl_speed.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <utility>

extern char** environ;

namespace bench {
namespace {

// Closes a file descriptor on scope exit.
struct FdCloser {
  int fd = -1;
  ~FdCloser() {
    if (fd >= 0) close(fd);
  }
};

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ':')) fields.push_back(field);
  return fields;
}

// Parses a decimal number from OpenSSL's output; false if it is not one.
bool ParseNumber(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(text.c_str(), &end);
  return errno == 0 && end == text.c_str() + text.size() && out > 0;
}

}  // namespace

OpensslSpeed::OpensslSpeed(std::string openssl, int seconds, bool wall_clock)
    : openssl_(std::move(openssl)), seconds_(seconds), wall_clock_(wall_clock) {}

dkim::Result<std::string> OpensslSpeed::Run(const std::vector<std::string>& args) const {
  // posix_spawn rather than popen: no shell, so the path needs no quoting.
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return dkim::Error{std::string("pipe: ") + std::strerror(errno)};
  FdCloser read_end{pipe_fds[0]};
  FdCloser write_end{pipe_fds[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  std::unique_ptr<posix_spawn_file_actions_t, void (*)(posix_spawn_file_actions_t*)> actions_guard(
      &actions, [](posix_spawn_file_actions_t* a) { posix_spawn_file_actions_destroy(a); });
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);

  std::vector<std::string> argv_strings;
  argv_strings.push_back(openssl_);
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, openssl_.c_str(), &actions, nullptr, argv.data(), environ);
  if (spawned != 0) {
    return dkim::Error{"cannot run " + openssl_ + ": " + std::strerror(spawned)};
  }
  close(write_end.fd);
  write_end.fd = -1;

  std::string output;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(read_end.fd, buffer, sizeof buffer);
    if (n > 0) {
      output.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = WIFEXITED(status)
                                ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                : std::string("was killed");
    return dkim::Error{openssl_ + " " + how + (output.empty() ? "" : "; it said:\n" + output)};
  }
  return output;
}

dkim::Result<std::vector<std::string>> OpensslSpeed::SpeedLine(
    const std::vector<std::string>& extra, const std::string& algorithm,
    const std::string& tag) const {
  std::vector<std::string> args = {"speed", "-mr", "-seconds", std::to_string(seconds_)};
  if (wall_clock_) args.push_back("-elapsed");
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(algorithm);
  auto output = Run(args);
  if (!output.ok()) return output.failure();
  std::istringstream lines(*output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(tag + ":", 0) == 0) return SplitFields(line);
  }
  return dkim::Error{"no " + tag + " line in the output of openssl speed " + algorithm + ":\n" +
                     *output};
}

dkim::Result<double> OpensslSpeed::Sha256BytesPerSecond(size_t bytes) const {
  // +F:<index>:sha256:<bytes per second for each buffer size>; -bytes
  // leaves exactly one size.
  auto fields = SpeedLine({"-bytes", std::to_string(bytes)}, "sha256", "+F");
  if (!fields.ok()) return fields.failure();
  double rate = 0;
  if (fields->size() < 4 || !ParseNumber(fields->back(), rate)) {
    return dkim::Error{"cannot read the sha256 figure from openssl speed"};
  }
  return rate;
}

dkim::Result<SignVerifyRate> OpensslSpeed::Rsa2048() const {
  // +F2:<index>:<bits>:<sign/s>:<verify/s>[:more columns in later versions]
  auto fields = SpeedLine({}, "rsa2048", "+F2");
  if (!fields.ok()) return fields.failure();
  SignVerifyRate rate;
  if (fields->size() < 5 || !ParseNumber((*fields)[3], rate.sign_per_second) ||
      !ParseNumber((*fields)[4], rate.verify_per_second)) {
    return dkim::Error{"cannot read the rsa2048 figures from openssl speed"};
  }
  return rate;
}

dkim::Result<SignVerifyRate> OpensslSpeed::Ed25519() const {
  // +F6:<index>:<bits>:<name>:<sign/s>:<verify/s>
  auto fields = SpeedLine({}, "ed25519", "+F6");
  if (!fields.ok()) return fields.failure();
  SignVerifyRate rate;
  if (fields->size() < 6 || !ParseNumber((*fields)[4], rate.sign_per_second) ||
      !ParseNumber((*fields)[5], rate.verify_per_second)) {
    return dkim::Error{"cannot read the ed25519 figures from openssl speed"};
  }
  return rate;
}

std::string OpensslSpeed::Version() const {
  auto output = Run({"version"});
  if (!output.ok()) return "(unknown openssl version)";
  std::string first = output->substr(0, output->find('\n'));
  return first;
}

}  // namespace bench
