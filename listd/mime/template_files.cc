// Template files (see template_files.h).
#include "listd/mime/template_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/template_name.h"

namespace listd::mime {
namespace {

// Closes the descriptor it holds.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::vector<std::string> TemplateSearchPath(const std::string& site_dir,
                                            std::string_view list_address,
                                            const std::string& built_in_dir) {
  std::vector<std::string> dirs;
  auto add = [&](std::string dir) {
    for (const std::string& have : dirs) {
      if (have == dir) return;
    }
    dirs.push_back(std::move(dir));
  };
  if (!site_dir.empty()) {
    // An address holds no '/', and a list's address is checked when made.
    if (!list_address.empty() && list_address.find('/') == std::string_view::npos) {
      add(site_dir + "/lists/" + std::string(list_address));
    }
    add(site_dir);
  }
  if (!built_in_dir.empty()) add(built_in_dir);
  return dirs;
}

base::Result<std::string> ReadTemplateFile(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == ELOOP) {
      return base::Forbidden("The template " + path + " is a symbolic link; templates are " +
                             "read only from regular files.");
    }
    if (error == ENOENT) return base::NotFound("The template " + path + " does not exist.");
    return base::Error{"Cannot open the template " + path + ": " + std::strerror(error) + "."};
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return base::Error{"Cannot read the template " + path + ": " + std::strerror(errno) + "."};
  }
  if (!S_ISREG(st.st_mode)) {
    return base::Forbidden("The template " + path + " is not a regular file.");
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxTemplateBytes) {
    return base::Invalid("The template " + path + " is larger than 64 KiB; a footer is a few " +
                         "lines.");
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return base::Error{"Cannot read the template " + path + ": " + std::strerror(errno) + "."};
    }
    if (n == 0) break;  // it shrank meanwhile
    done += static_cast<size_t>(n);
  }
  text.resize(done);
  return text;
}

base::Result<std::string> ReadTemplate(const std::vector<std::string>& dirs,
                                       std::string_view name) {
  if (!base::IsTemplateName(name)) {
    return base::Invalid("'" + std::string(name) +
                         "' is not a template name (a file name ending in .mustache, without "
                         "'/': templates are looked up in the template directories only)");
  }
  for (const std::string& dir : dirs) {
    base::Result<std::string> text = ReadTemplateFile(dir + "/" + std::string(name));
    if (text || text.kind() != base::ErrorKind::kNotFound) return text;
  }
  return base::NotFound("No template directory holds " + std::string(name) + ".");
}

}  // namespace listd::mime
