// MaildirTransport on a real directory: the Maildir protocol (write in
// tmp/, rename into new/), modes, the header lines a delivery agent adds,
// and recipients that try to leave the root.
#include "listd/delivery/maildir_transport.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "listd/delivery/transport.h"

namespace {

namespace fs = std::filesystem;
using listd::delivery::MaildirFolderName;
using listd::delivery::MakeTransportFactory;
using listd::delivery::Outcome;
using listd::delivery::TransportOptions;

// A fresh directory under $TMPDIR, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "listd-maildir-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<fs::path> FilesIn(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path());
  return out;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

unsigned Mode(const fs::path& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

const std::string kMessage = "Subject: hi\r\n\r\n.dot stays\r\nbody\r\n";

}  // namespace

TEST_CASE("Maildir: each recipient's copy lands in new/ with Return-Path and Delivered-To",
          "[maildir]") {
  TempDir root;
  TransportOptions options;
  options.target = "maildir:" + (root.path() / "spool").string();
  auto factory = MakeTransportFactory(options);
  REQUIRE(factory.ok());
  auto transport = (*factory)();
  auto result =
      transport->Send("bounces@example.net", {"a@example.org", "b@example.org"}, kMessage);
  CHECK(result.error.empty());
  REQUIRE(result.recipients.size() == 2);
  for (const auto& r : result.recipients) {
    INFO(r.reply);
    CHECK(r.outcome == Outcome::kDelivered);
    CHECK(r.code == 250);
    fs::path maildir = root.path() / "spool" / r.recipient;
    CHECK(FilesIn(maildir / "tmp").empty());
    CHECK(FilesIn(maildir / "cur").empty());
    auto delivered = FilesIn(maildir / "new");
    REQUIRE(delivered.size() == 1);
    CHECK(ReadFile(delivered[0]) ==
          "Return-Path: <bounces@example.net>\r\nDelivered-To: " + r.recipient + "\r\n" + kMessage);
    CHECK(Mode(delivered[0]) == 0600);
    for (const char* sub : {"", "tmp", "new", "cur"}) CHECK(Mode(maildir / sub) == 0700);
  }
  CHECK(Mode(root.path() / "spool") == 0700);

  // A second batch adds a second file under a different name.
  auto again = transport->Send("", {"a@example.org"}, kMessage);
  CHECK(again.recipients[0].outcome == Outcome::kDelivered);
  auto files = FilesIn(root.path() / "spool" / "a@example.org" / "new");
  REQUIRE(files.size() == 2);
  CHECK(files[0] != files[1]);
}

TEST_CASE("Maildir: a hostile recipient cannot leave the root", "[maildir]") {
  TempDir root;
  fs::path spool = root.path() / "spool";
  TransportOptions options;
  options.target = "maildir:" + spool.string();
  auto factory = MakeTransportFactory(options);
  REQUIRE(factory.ok());
  auto transport = (*factory)();
  auto result = transport->Send("x@example.net", {"../x@y", "..", "a/../../b@y", "."}, kMessage);
  for (const auto& r : result.recipients) {
    INFO(r.recipient + ": " + r.reply);
    CHECK(r.outcome == Outcome::kDelivered);
  }
  CHECK(MaildirFolderName("../x@y") == "_.._x@y");
  CHECK(MaildirFolderName("..") == "_..");
  CHECK(MaildirFolderName("a/../../b@y") == "a_.._.._b@y");
  // Nothing but the spool appeared next to it or above it.
  std::vector<std::string> beside;
  for (const auto& p : FilesIn(root.path())) beside.push_back(p.filename().string());
  CHECK(beside == std::vector<std::string>{"spool"});
  for (const auto& p : FilesIn(spool)) {
    CHECK(p.parent_path() == spool);
    CHECK(p.filename().string().front() != '.');
  }
  CHECK(FilesIn(spool / "_.._x@y" / "new").size() == 1);
}

TEST_CASE("Maildir: an I/O error is a temporary failure with errno's text", "[maildir]") {
  TempDir root;
  fs::path spool = root.path() / "spool";
  TransportOptions options;
  options.target = "maildir:" + spool.string();
  auto factory = MakeTransportFactory(options);
  REQUIRE(factory.ok());
  // A file where the recipient's Maildir should be.
  std::ofstream(spool / "blocked@example.org") << "not a directory";
  auto result = (*factory)()->Send("x@example.net", {"blocked@example.org", "\r\n"}, kMessage);
  REQUIRE(result.recipients.size() == 2);
  CHECK(result.recipients[0].outcome == Outcome::kTempFail);
  CHECK(result.recipients[0].reply.find("Not a directory") != std::string::npos);
  CHECK(result.recipients[1].outcome == Outcome::kPermFail);
}
