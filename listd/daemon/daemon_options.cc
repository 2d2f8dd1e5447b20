// Parsing listd's options (see daemon_options.h).
#include "listd/daemon/daemon_options.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <thread>

#include "listd/mime/footer_template.h"

namespace po = boost::program_options;

namespace listd::daemon {

base::Result<std::pair<std::string, int>> SplitHostPort(const std::string& text) {
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return base::Error{base::ErrorKind::kInvalid, "'" + text + "' is not [ADDRESS]:PORT"};
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) return base::Error{base::ErrorKind::kInvalid, "'" + text + "' is not HOST:PORT"};
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return base::Error{base::ErrorKind::kInvalid, "'" + text + "' is not HOST:PORT"};
  }
  return std::make_pair(host, std::stoi(port));
}

base::Result<std::optional<DaemonOptions>> ParseDaemonOptions(int argc, char** argv) {
  DaemonOptions o;
  o.templates_dir = mime::BuiltInTemplatesDir();
  po::options_description general("listd options");
  general.add_options()("help,h", "show this help")(
      "config", po::value<std::string>(), "read options from FILE (name = value lines)");
  po::options_description settings("settings (command line or config file)");
  settings.add_options()
      ("db", po::value(&o.db)->default_value(o.db), "the SQLite store")
      ("lmtp", po::value(&o.lmtp)->default_value(o.lmtp), "LMTP listener HOST:PORT")
      ("deliver", po::value(&o.deliver)->default_value(o.deliver),
       "smtp://HOST:PORT, smtps://HOST:PORT or maildir:DIR")
      ("dns", po::value(&o.dns), "DNS forwarder HOST:PORT for DKIM lookups (default: the system's)")
      ("dns-timeout", po::value(&o.dns_timeout_ms)->default_value(o.dns_timeout_ms),
       "milliseconds a DNS lookup may take")
      ("authserv-id", po::value(&o.authserv_id),
       "authserv-id of our Authentication-Results (default: the host name)")
      ("trusted-authserv-id", po::value(&o.trusted_authserv_ids)->composing(),
       "an upstream authserv-id whose results are kept (repeatable)")
      ("templates", po::value(&o.templates_dir)->default_value(o.templates_dir),
       "directory of the footer templates")
      ("hostname", po::value(&o.hostname), "name in the LMTP greeting and EHLO")
      ("allow-core-dumps", po::bool_switch(&o.allow_core_dumps),
       "let the process dump core, for debugging (by default it is not dumpable, so neither "
       "a core file nor another process of the same user can read the keys; key pages are "
       "left out of a core dump either way)")
      ("pipeline-workers", po::value(&o.pipeline_workers)->default_value(o.pipeline_workers),
       "posts processed at once, each list's posts in order (0: one per core)")
      ("delivery-workers", po::value(&o.delivery_workers)->default_value(o.delivery_workers),
       "concurrent deliveries")
      ("batch-size", po::value(&o.batch_size)->default_value(o.batch_size),
       "recipients per SMTP transaction")
      ("retry-base", po::value(&o.retry_base_seconds)->default_value(o.retry_base_seconds),
       "seconds before the first retry (doubling after each)")
      ("retry-max", po::value(&o.retry_max_seconds)->default_value(o.retry_max_seconds),
       "longest wait between retries, seconds")
      ("give-up-after",
       po::value(&o.give_up_after_seconds)->default_value(o.give_up_after_seconds),
       "seconds after which undeliverable recipients bounce")
      ("smtp-starttls",
       po::value(&o.smtp_starttls)->default_value(o.smtp_starttls)->implicit_value("required"),
       "STARTTLS to an smtp:// smarthost: opportunistic (when offered), required (defer "
       "without it) or off; the certificate is always verified when TLS is used")
      ("smtp-user", po::value(&o.smtp_user), "SMTP AUTH user name")
      ("smtp-password-file", po::value(&o.smtp_password_file),
       "file holding the SMTP AUTH password (mode 0600)")
      ("smtp-ca-file", po::value(&o.smtp_ca_file),
       "PEM file of the CAs that may sign the smarthost's certificate (default: the system's)")
      ("smtp-connect-timeout",
       po::value(&o.smtp_connect_timeout_seconds)->default_value(o.smtp_connect_timeout_seconds),
       "seconds for the connect and the 220 greeting, EHLO, STARTTLS, AUTH "
       "(RFC 5321 section 4.5.3.2.1)")
      ("smtp-mail-timeout",
       po::value(&o.smtp_mail_timeout_seconds)->default_value(o.smtp_mail_timeout_seconds),
       "seconds for the reply to MAIL FROM (4.5.3.2.2)")
      ("smtp-rcpt-timeout",
       po::value(&o.smtp_rcpt_timeout_seconds)->default_value(o.smtp_rcpt_timeout_seconds),
       "seconds for each reply to RCPT TO (4.5.3.2.3)")
      ("smtp-data-timeout",
       po::value(&o.smtp_data_timeout_seconds)->default_value(o.smtp_data_timeout_seconds),
       "seconds for the 354 to DATA (4.5.3.2.4)")
      ("smtp-data-block-timeout",
       po::value(&o.smtp_data_block_timeout_seconds)
           ->default_value(o.smtp_data_block_timeout_seconds),
       "seconds the message upload may move no byte (4.5.3.2.5)")
      ("smtp-data-end-timeout",
       po::value(&o.smtp_data_end_timeout_seconds)->default_value(o.smtp_data_end_timeout_seconds),
       "seconds for the reply to the final dot (4.5.3.2.6): giving up sooner while the "
       "smarthost goes on to accept the message sends the batch twice")
      ("smtp-timeout", po::value<int>(),
       "deprecated: sets every --smtp-*-timeout not given to this many seconds")
      ("max-message-size", po::value(&o.max_message_bytes)->default_value(o.max_message_bytes),
       "largest message the LMTP server takes, bytes")
      ("max-header-fields", po::value(&o.max_header_fields)->default_value(o.max_header_fields),
       "a post with more header fields is held for the owners before it is verified")
      ("max-mime-parts", po::value(&o.max_mime_parts)->default_value(o.max_mime_parts),
       "a post with more MIME parts is held for the owners before it is verified")
      ("site-confirmations-per-hour",
       po::value(&o.site_confirmations_per_hour)->default_value(o.site_confirmations_per_hour),
       "most confirmation and moderator-request mails all lists together send in an hour "
       "(each list also has its own confirmations_per_hour)")
      ("max-connections", po::value(&o.max_connections)->default_value(o.max_connections),
       "concurrent LMTP connections")
      ("max-connections-per-peer",
       po::value(&o.max_connections_per_peer)->default_value(o.max_connections_per_peer),
       "concurrent LMTP connections from one IP address")
      ("lmtp-command-timeout",
       po::value(&o.lmtp_command_timeout_seconds)->default_value(o.lmtp_command_timeout_seconds),
       "seconds an LMTP client has for each line, a command or a line of the message, "
       "however it trickles (RFC 5321 section 4.5.3.2.7)")
      ("lmtp-session-timeout",
       po::value(&o.lmtp_session_timeout_seconds)->default_value(o.lmtp_session_timeout_seconds),
       "seconds an LMTP connection may last in all (RFC 5321 section 4.5.3.2's timeouts "
       "for one transaction, added up)")
      ("idle-timeout", po::value<int>(), "deprecated: what --lmtp-command-timeout now is")
      ("poll-ms", po::value(&o.poll_ms)->default_value(o.poll_ms),
       "milliseconds between looks at the store when idle")
      ("chores-interval",
       po::value(&o.chores_interval_seconds)->default_value(o.chores_interval_seconds),
       "seconds between runs of the work that waits for time (bounce warnings, removals, "
       "probes, the owners' digest)")
      ("http", po::value(&o.http)->default_value(o.http),
       "the web face (pages, REST API, /metrics) on HOST:PORT; \"off\" for none")
      ("http-base-url", po::value(&o.http_base_url),
       "what mails link to, e.g. https://lists.example.org (default: the --http address)")
      ("http-tls-cert", po::value(&o.http_tls_cert), "PEM certificate: serve HTTPS")
      ("http-tls-key", po::value(&o.http_tls_key), "PEM private key of --http-tls-cert")
      ("http-threads", po::value(&o.http_threads)->default_value(o.http_threads),
       "requests the web face handles at once")
      ("clock-offset-file", po::value(&o.clock_offset_file),
       "for tests: a file holding seconds to add to the clock, read again as it changes");
  po::options_description all;
  all.add(general).add(settings);
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, all), vm);
    if (vm.count("help")) {
      std::cout << "usage: listd [--config FILE] [options]\n\n" << all << "\n";
      return std::optional<DaemonOptions>();
    }
    if (vm.count("config")) {
      const std::string path = vm["config"].as<std::string>();
      std::ifstream file(path);
      if (!file) return base::Error{base::ErrorKind::kInvalid, "cannot read the config file " + path};
      // Stored after the command line, so the command line's values win.
      po::store(po::parse_config_file(file, settings), vm);
    }
    po::notify(vm);
  } catch (const po::error& e) {
    return base::Error{base::ErrorKind::kInvalid, e.what()};
  }
  if (o.delivery_workers < 1) return base::Error{base::ErrorKind::kInvalid, "--delivery-workers must be at least 1"};
  if (o.batch_size < 1) return base::Error{base::ErrorKind::kInvalid, "--batch-size must be at least 1"};
  if (o.retry_base_seconds < 1) return base::Error{base::ErrorKind::kInvalid, "--retry-base must be at least 1"};
  if (vm.count("smtp-timeout")) {
    const int each = vm["smtp-timeout"].as<int>();
    const std::pair<const char*, int*> steps[] = {
        {"smtp-connect-timeout", &o.smtp_connect_timeout_seconds},
        {"smtp-mail-timeout", &o.smtp_mail_timeout_seconds},
        {"smtp-rcpt-timeout", &o.smtp_rcpt_timeout_seconds},
        {"smtp-data-timeout", &o.smtp_data_timeout_seconds},
        {"smtp-data-block-timeout", &o.smtp_data_block_timeout_seconds},
        {"smtp-data-end-timeout", &o.smtp_data_end_timeout_seconds}};
    for (const auto& [name, value] : steps) {
      if (vm[name].defaulted()) *value = each;
    }
  }
  for (int seconds : {o.smtp_connect_timeout_seconds, o.smtp_mail_timeout_seconds,
                      o.smtp_rcpt_timeout_seconds, o.smtp_data_timeout_seconds,
                      o.smtp_data_block_timeout_seconds, o.smtp_data_end_timeout_seconds}) {
    if (seconds < 1) return base::Invalid("every --smtp-*-timeout must be at least 1");
  }
  // The old switch's values in a config file ("smtp-starttls = true").
  if (o.smtp_starttls == "true" || o.smtp_starttls == "yes" || o.smtp_starttls == "1") {
    o.smtp_starttls = "required";
  } else if (o.smtp_starttls == "false" || o.smtp_starttls == "no" || o.smtp_starttls == "0") {
    o.smtp_starttls = "off";
  }
  if (o.smtp_starttls != "opportunistic" && o.smtp_starttls != "required" &&
      o.smtp_starttls != "off") {
    return base::Invalid("--smtp-starttls must be opportunistic, required or off, not '" +
                         o.smtp_starttls + "'");
  }
  if (vm.count("idle-timeout") && vm["lmtp-command-timeout"].defaulted()) {
    o.lmtp_command_timeout_seconds = vm["idle-timeout"].as<int>();
  }
  if (o.max_connections < 1) return base::Invalid("--max-connections must be at least 1");
  if (o.pipeline_workers < 0) return base::Invalid("--pipeline-workers must be 0 or more");
  if (o.pipeline_workers == 0) {
    o.pipeline_workers = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  if (o.max_header_fields < 1) return base::Invalid("--max-header-fields must be at least 1");
  if (o.max_mime_parts < 1) return base::Invalid("--max-mime-parts must be at least 1");
  if (o.site_confirmations_per_hour < 0) {
    return base::Invalid("--site-confirmations-per-hour must not be negative");
  }
  if (o.chores_interval_seconds < 1) return base::Invalid("--chores-interval must be at least 1");
  if (o.http_tls_cert.empty() != o.http_tls_key.empty()) {
    return base::Invalid("--http-tls-cert and --http-tls-key go together");
  }
  if (o.http_threads < 1) return base::Invalid("--http-threads must be at least 1");
  if (o.http != "off") {
    auto http = SplitHostPort(o.http);
    if (!http) return http.failure().Prefixed("--http");
  }
  if (o.max_connections_per_peer < 1) {
    return base::Invalid("--max-connections-per-peer must be at least 1");
  }
  if (o.lmtp_command_timeout_seconds < 1) {
    return base::Invalid("--lmtp-command-timeout must be at least 1");
  }
  if (o.lmtp_session_timeout_seconds < 1) {
    return base::Invalid("--lmtp-session-timeout must be at least 1");
  }
  auto lmtp = SplitHostPort(o.lmtp);
  if (!lmtp) return base::Error{base::ErrorKind::kInvalid, "--lmtp: " + lmtp.error()};
  return std::optional<DaemonOptions>(std::move(o));
}

}  // namespace listd::daemon
