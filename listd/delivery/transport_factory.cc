// NAME
//   transport_factory - turn a delivery target into a factory of transports.
//
// STANDARDS
//   RFC 3986 (the smtp:// and smtps:// URLs, parsed by libcurl's URL API);
//   RFC 5321 section 4.1.1.1 (the EHLO domain, which curl takes from the
//   URL's path); RFC 8314 (smtps, port 465).
//
// LIMITS
//   Targets: smtp://, smtps://, maildir:. The EHLO name is a host name:
//   letters, digits, '-', '.'. A ca_file must be readable at start-up. A
//   Maildir root is created 0700 if missing (its parent must exist).
#include <curl/curl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "listd/delivery/maildir_transport.h"
#include "listd/delivery/smtp_transport.h"
#include "listd/delivery/transport.h"

namespace listd::delivery {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

// One part of a parsed URL, "" when absent.
std::string UrlPart(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, CURLU_URLDECODE) != CURLUE_OK || value == nullptr) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

bool IsHostName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return true;
}

base::Result<TransportFactory> MaildirFactory(const std::string& root) {
  if (root.empty()) return base::Error{"maildir: target names no directory (maildir:DIR)"};
  if (::mkdir(root.c_str(), 0700) != 0 && errno != EEXIST) {
    return base::Error{"maildir: cannot create " + root + ": " + std::strerror(errno)};
  }
  struct stat st;
  if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return base::Error{"maildir: " + root + " is not a directory"};
  }
  return TransportFactory([root] { return std::make_unique<MaildirTransport>(root); });
}

// The target as errors and logs may quote it: "user:password@" before
// the host becomes "***@", so a start-up error never prints a secret.
std::string Redacted(const std::string& target) {
  const size_t scheme = target.find("://");
  if (scheme == std::string::npos) return target;
  const size_t host = scheme + 3;
  const size_t at = target.find('@', host);
  const size_t slash = target.find('/', host);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return target;
  return target.substr(0, host) + "***" + target.substr(at);
}

base::Result<TransportFactory> SmtpFactory(const TransportOptions& options) {
  auto bad = [&options](const std::string& why) {
    return base::Error{"delivery target '" + Redacted(options.target) + "': " + why};
  };
  CurlUrl url(curl_url());
  if (!url) return bad("out of memory");
  if (curl_url_set(url.get(), CURLUPART_URL, options.target.c_str(), 0) != CURLUE_OK) {
    return bad("not a URL");
  }
  std::string scheme = UrlPart(url.get(), CURLUPART_SCHEME);
  std::string host = UrlPart(url.get(), CURLUPART_HOST);
  std::string path = UrlPart(url.get(), CURLUPART_PATH);
  if (host.empty()) return bad("no host");
  if (!path.empty() && path != "/")
    return bad("a path is not allowed (the EHLO name is helo_name)");
  if (!UrlPart(url.get(), CURLUPART_QUERY).empty()) return bad("a query is not allowed");
  if (!IsHostName(options.helo_name))
    return bad("helo_name '" + options.helo_name + "' is not a host name");
  if (scheme == "smtps" && options.starttls == StartTls::kRequired)
    return bad("starttls is for smtp://; smtps:// is TLS already");

  SmtpConfig config;
  // smtps:// is TLS from the first byte; curl's STARTTLS setting is moot.
  config.starttls = scheme == "smtps" ? StartTls::kOff : options.starttls;
  config.timeouts = options.timeouts;
  config.ca_file = options.ca_file;
  // A CA file that cannot be read would fail every TLS handshake: say so now.
  if (!config.ca_file.empty() && ::access(config.ca_file.c_str(), R_OK) != 0)
    return bad("ca_file '" + config.ca_file + "': " + std::strerror(errno));
  config.username =
      options.username.empty() ? UrlPart(url.get(), CURLUPART_USER) : options.username;
  config.password =
      options.username.empty() ? UrlPart(url.get(), CURLUPART_PASSWORD) : options.password;
  for (auto t : {config.timeouts.connect, config.timeouts.mail, config.timeouts.rcpt,
                 config.timeouts.data_init, config.timeouts.data_block, config.timeouts.data_end}) {
    if (t.count() <= 0) return bad("every SMTP timeout must be positive");
  }
  // Credentials go to curl as options, never in the URL that errors quote.
  curl_url_set(url.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(url.get(), CURLUPART_PASSWORD, nullptr, 0);
  curl_url_set(url.get(), CURLUPART_PATH, ("/" + options.helo_name).c_str(), 0);
  config.url = UrlPart(url.get(), CURLUPART_URL);
  if (config.url.empty()) return bad("cannot rebuild the URL");

  // Built once here so that an unusable libcurl shows at start-up.
  SmtpTransport probe(config);
  if (auto checked = probe.Check(); !checked.ok()) return bad(checked.error());
  return TransportFactory([config] { return std::make_unique<SmtpTransport>(config); });
}

}  // namespace

SmtpTimeouts SmtpTimeouts::All(std::chrono::seconds each) {
  SmtpTimeouts t;
  t.connect = t.mail = t.rcpt = t.data_init = t.data_block = t.data_end = each;
  return t;
}

std::chrono::seconds SmtpTimeouts::Transaction(size_t recipients) const {
  return connect + mail + rcpt * static_cast<int64_t>(recipients) + data_init + data_block +
         data_end;
}

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kDelivered:
      return "delivered";
    case Outcome::kTempFail:
      return "tempfail";
    case Outcome::kPermFail:
      return "permfail";
    case Outcome::kRefused:
      return "refused";
  }
  return "unknown";
}

base::Result<TransportFactory> MakeTransportFactory(const TransportOptions& options) {
  const std::string& target = options.target;
  if (target.rfind("maildir:", 0) == 0) return MaildirFactory(target.substr(8));
  if (target.rfind("smtp://", 0) == 0 || target.rfind("smtps://", 0) == 0) {
    InitCurlOnce();
    return SmtpFactory(options);
  }
  return base::Error{"delivery target '" + Redacted(target) +
                     "': expected smtp://HOST:PORT, smtps://HOST:PORT or maildir:DIR"};
}

}  // namespace listd::delivery
