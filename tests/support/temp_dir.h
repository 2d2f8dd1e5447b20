// TempDir: a fresh, empty directory for one test, removed with everything
// in it when the TempDir goes away. Storage tests put their SQLite files
// and master keys here, so every test starts from nothing and no two tests
// (or two runs at once) share a file.
//
// Created under $TMPDIR (or /tmp) with mkdtemp, mode 0700.
#ifndef LISTD_TESTS_STORAGE_TEMP_DIR_H_
#define LISTD_TESTS_STORAGE_TEMP_DIR_H_

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace storage_test {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/listd-test-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary directory under " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;  // best effort: a test's failure matters more
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The directory itself.
  const std::string& path() const { return path_; }
  // A path inside the directory, e.g. File("listd.db").
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace storage_test

#endif  // LISTD_TESTS_STORAGE_TEMP_DIR_H_
