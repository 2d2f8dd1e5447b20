// NAME
//   maildir_transport - deliver a batch into per-recipient Maildirs.
//
// STANDARDS
//   The Maildir protocol (D. J. Bernstein, "Using maildir format", 1995,
//   cr.yp.to/proto/maildir.html): write in tmp/ under a unique name, fsync,
//   rename into new/. RFC 5321 section 4.4 (Return-Path, added at final
//   delivery) and the Delivered-To field that delivery agents add.
//
// LIMITS
//   A recipient address names a folder of at most 255 bytes (else 554).
//   Lines are kept as given (CRLF); Maildir readers such as Dovecot accept
//   them. Files 0600, directories 0700. new/ is fsync'd after each rename,
//   so a delivered message survives a crash.
#include "listd/delivery/maildir_transport.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>

namespace listd::delivery {
namespace {

// Owns a file descriptor.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  // Closes now, returning close()'s verdict (NFS reports write errors here).
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string ErrnoText(const std::string& what, const std::string& path, int error) {
  return what + " " + path + ": " + std::strerror(error);
}

// mkdir that accepts an existing directory.
bool EnsureDirectory(const std::string& path, std::string* error) {
  if (::mkdir(path.c_str(), 0700) == 0) return true;
  int saved = errno;
  struct stat st;
  if (saved == EEXIST && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return true;
  *error = ErrnoText("mkdir", path, saved == EEXIST ? ENOTDIR : saved);
  return false;
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string HostForMaildir() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "localhost";
  // The Maildir page: '/' and ':' in the host name are written in octal.
  std::string out;
  for (const char* p = host; *p != '\0'; ++p) {
    if (*p == '/') {
      out += "\\057";
    } else if (*p == ':') {
      out += "\\072";
    } else {
      out += *p;
    }
  }
  return out;
}

bool HasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

}  // namespace

std::string MaildirFolderName(std::string_view recipient) {
  if (recipient.empty() || recipient.size() > 254) return "";
  std::string name;
  if (recipient.front() == '.') name += '_';  // no ".", "..", nor hidden folders
  for (char c : recipient) name += (c == '/' || c == '\0') ? '_' : c;
  return name;
}

std::string UniqueMaildirName() {
  static std::atomic<unsigned long long> counter{0};
  static const std::string host = HostForMaildir();
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - seconds);
  return std::to_string(seconds.count()) + ".M" + std::to_string(micros.count()) + "P" +
         std::to_string(::getpid()) + "T" + std::to_string(::gettid()) + "Q" +
         std::to_string(++counter) + "." + host;
}

MaildirTransport::MaildirTransport(std::string root) : root_(std::move(root)) {}

SendResult MaildirTransport::Send(const std::string& envelope_from,
                                  const std::vector<std::string>& recipients,
                                  std::string_view message) {
  SendResult result;
  for (const auto& recipient : recipients) {
    try {
      result.recipients.push_back(DeliverOne(envelope_from, recipient, message));
    } catch (const std::exception& e) {
      result.recipients.push_back(
          {recipient, Outcome::kTempFail, 451, std::string("451 4.3.0 ") + e.what()});
    }
  }
  return result;
}

RecipientResult MaildirTransport::DeliverOne(const std::string& envelope_from,
                                             const std::string& recipient,
                                             std::string_view message) {
  auto temp_fail = [&recipient](const std::string& why) {
    return RecipientResult{recipient, Outcome::kTempFail, 451, "451 4.3.0 " + why};
  };
  std::string folder = MaildirFolderName(recipient);
  if (folder.empty() || HasLineBreakOrNul(recipient) || HasLineBreakOrNul(envelope_from)) {
    return {recipient, Outcome::kPermFail, 554,
            "554 5.1.3 address cannot name a Maildir (empty, too long, or a line break)"};
  }
  std::string maildir = root_ + "/" + folder;
  std::string error;
  for (const char* sub : {"", "/tmp", "/new", "/cur"}) {
    if (!EnsureDirectory(maildir + sub, &error)) return temp_fail(error);
  }

  std::string name = UniqueMaildirName();
  std::string tmp_path = maildir + "/tmp/" + name;
  std::string new_path = maildir + "/new/" + name;
  UniqueFd fd(::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return temp_fail(ErrnoText("open", tmp_path, errno));
  std::string top = "Return-Path: <" + envelope_from + ">\r\nDelivered-To: " + recipient + "\r\n";
  bool written = WriteAll(fd.get(), top) && WriteAll(fd.get(), message);
  int saved = errno;
  if (written && ::fsync(fd.get()) != 0) {
    written = false;
    saved = errno;
  }
  if (fd.Close() != 0 && written) {
    written = false;
    saved = errno;
  }
  if (!written) {
    ::unlink(tmp_path.c_str());
    return temp_fail(ErrnoText("write", tmp_path, saved));
  }
  if (::rename(tmp_path.c_str(), new_path.c_str()) != 0) {
    saved = errno;
    ::unlink(tmp_path.c_str());
    return temp_fail(ErrnoText("rename", new_path, saved));
  }
  // The rename is durable only once new/ itself is on disk.
  UniqueFd dir(::open((maildir + "/new").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0 || ::fsync(dir.get()) != 0) {
    return temp_fail(ErrnoText("fsync", maildir + "/new", errno));
  }
  return {recipient, Outcome::kDelivered, 250, "250 2.0.0 delivered to " + new_path};
}

}  // namespace listd::delivery
