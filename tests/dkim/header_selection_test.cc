// Header selection, RFC 6376 section 5.4.2, and the h= a signer writes
// (hardening finding 12: selection was quadratic in repeated fields and
// repeated h= names; the signer listed a name once per instance, however
// many).
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "dkim/header_selection.h"
#include "dkim/message.h"

namespace {

using dkim::Canon;
using dkim::Message;

// The section 5.4.2 rule written as plainly as possible: for each name, the
// lowest instance not taken yet.
std::string ReferenceSelection(const Message& message, const std::vector<std::string>& names) {
  std::vector<bool> taken(message.headers().size(), false);
  std::string out;
  for (const std::string& name : names) {
    for (size_t k = message.headers().size(); k-- > 0;) {
      if (!taken[k] && dkim::EqualsIgnoreCase(message.headers()[k].name, name)) {
        taken[k] = true;
        dkim::AppendCanonicalHeader(Canon::kSimple, message.headers()[k].raw, out);
        break;
      }
    }
  }
  return out;
}

std::string Selected(const Message& message, const std::vector<std::string>& names) {
  std::string out;
  dkim::AppendSelectedHeaders(message, names, Canon::kSimple, out);
  return out;
}

Message Parsed(const std::string& text) {
  auto message = Message::Parse(text);
  REQUIRE(message.ok());
  return std::move(*message);
}

TEST_CASE("RFC 6376 5.4.2: h= names take instances from the bottom, once each", "[selection]") {
  Message m = Parsed(
      "To: first@example.net\r\nFrom: a@example.org\r\nTO: second@example.net\r\n"
      "Subject: s\r\n\r\nbody\r\n");
  CHECK(Selected(m, {"to"}) == "TO: second@example.net\r\n");
  CHECK(Selected(m, {"To", "to"}) == "TO: second@example.net\r\nTo: first@example.net\r\n");
  // A third To has no instance left and adds nothing (oversigning).
  CHECK(Selected(m, {"To", "To", "To", "From"}) ==
        "TO: second@example.net\r\nTo: first@example.net\r\nFrom: a@example.org\r\n");
  CHECK(Selected(m, {"Cc"}).empty());
  CHECK(Selected(m, {}).empty());
}

TEST_CASE("header selection agrees with the plain rule on small and on huge headers",
          "[selection]") {
  // Both of AppendSelectedHeaders' ways (a scan for small work, an index
  // past it) against the reference, over random headers and h= lists.
  std::mt19937 random(12);
  const std::vector<std::string> alphabet = {"To",      "to",  "CC",  "cc",      "From",
                                             "Subject", "X-A", "x-a", "Received"};
  for (int round = 0; round < 300; ++round) {
    const size_t fields = 1 + random() % (round % 2 == 0 ? 20 : 400);
    std::string text;
    for (size_t i = 0; i < fields; ++i) {
      text += alphabet[random() % alphabet.size()] + ": v" + std::to_string(i) + "\r\n";
    }
    Message m = Parsed(text + "\r\nbody\r\n");
    std::vector<std::string> names(random() % 60);
    for (std::string& name : names) name = alphabet[random() % alphabet.size()];
    names.push_back("Absent");
    INFO("round " << round << ": " << fields << " fields, " << names.size() << " names");
    CHECK(Selected(m, names) == ReferenceSelection(m, names));
  }
}

TEST_CASE("160,000 repeated fields selected by 160,000 h= names come out bottom first",
          "[selection]") {
  // The finding's message: every To selected once, bottom first. (Linear
  // work; the old per-name scan took seconds here, see bench_headers.)
  const size_t n = 160000;
  std::string text = "From: a@example.org\r\n";
  for (size_t i = 0; i < n; ++i) text += "To: m" + std::to_string(i) + "\r\n";
  Message m = Parsed(text + "\r\nbody\r\n");
  const std::string out = Selected(m, std::vector<std::string>(n + 1, "To"));
  CHECK(out.rfind("To: m159999\r\nTo: m159998\r\n", 0) == 0);
  const std::string last = "To: m1\r\nTo: m0\r\n";
  CHECK(out.compare(out.size() - last.size(), last.size(), last) == 0);
  CHECK(std::count(out.begin(), out.end(), '\n') == static_cast<long>(n));
}

TEST_CASE("a signer lists a name once per instance, once more if oversigned, boundedly",
          "[selection][signer]") {
  std::string text = "From: a@example.org\r\nSubject: s\r\n";
  for (size_t i = 0; i < 100; ++i) text += "To: m" + std::to_string(i) + "\r\n";
  Message m = Parsed(text + "\r\nbody\r\n");
  auto count = [](const std::vector<std::string>& names, const std::string& name) {
    return std::count(names.begin(), names.end(), name);
  };
  const auto names = dkim::SignedFieldNames(m, {"From", "To", "Subject", "Cc", "Reply-To"},
                                            {"From", "Reply-To", "To"});
  CHECK(count(names, "From") == 2);      // one instance, oversigned
  CHECK(count(names, "Subject") == 1);   // one instance
  CHECK(count(names, "Cc") == 0);        // absent, not oversigned
  CHECK(count(names, "Reply-To") == 1);  // absent, oversigned: adding one breaks the signature
  CHECK(count(names, "To") == static_cast<long>(dkim::kMaxSignedInstancesPerName));
  // Under the bound, every instance plus the oversigning entry.
  Message few = Parsed("From: a@example.org\r\nTo: x\r\nTo: y\r\n\r\nbody\r\n");
  CHECK(count(dkim::SignedFieldNames(few, {"From", "To"}, {"To"}), "To") == 3);
}

}  // namespace
