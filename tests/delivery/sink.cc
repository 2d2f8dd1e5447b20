#include "sink.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace delivery_test {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    FAIL(std::string(name) +
         " is not set: run delivery_tests through ctest or "
         "tests/support/smtp_sink.py -- delivery_tests");
  }
  return value;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::string SinkAddress() { return Env("LISTD_TEST_SMTP"); }

std::string SinkUrl() { return "smtp://" + SinkAddress(); }

std::string SinkTlsCert() { return Env("LISTD_TEST_SMTP_TLS_CERT"); }

std::vector<SinkMessage> MessagesFor(const std::string& recipient) {
  std::vector<std::filesystem::path> messages;
  for (const auto& entry : std::filesystem::directory_iterator(Env("LISTD_TEST_SMTP_DIR"))) {
    if (entry.path().extension() == ".eml") messages.push_back(entry.path());
  }
  std::sort(messages.begin(), messages.end());
  std::vector<SinkMessage> out;
  for (const auto& eml : messages) {
    auto json_path = eml;
    json_path.replace_extension(".json");
    auto envelope = nlohmann::json::parse(ReadFile(json_path));
    if (envelope.value("recipient", "") == recipient) out.push_back({envelope, ReadFile(eml)});
  }
  return out;
}

std::vector<nlohmann::json> TransactionsFrom(const std::string& mail_from) {
  std::ifstream in(std::filesystem::path(Env("LISTD_TEST_SMTP_DIR")) / "log.jsonl");
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto entry = nlohmann::json::parse(line);
    if (entry.value("event", "") == "transaction" && entry.value("mail_from", "") == mail_from) {
      out.push_back(entry);
    }
  }
  return out;
}

void SetControl(const nlohmann::json& control) {
  std::string path = Env("LISTD_TEST_SMTP_CONTROL");
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << control.dump();
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace delivery_test
