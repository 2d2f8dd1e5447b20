// DaemonOptions: how listd runs, from its command line and an optional
// config file (Boost.Program_options' "name = value" format, the same
// names without the dashes). The command line wins over the file.
//
// The embedded default needs no file and no MTA: the store is var/listd.db,
// LMTP listens on 127.0.0.1:8024, and mail is delivered into a Maildir
// under var/maildir, one folder per recipient. Production points --deliver
// at an SMTP smarthost.
#ifndef LISTD_LISTD_DAEMON_DAEMON_OPTIONS_H_
#define LISTD_LISTD_DAEMON_DAEMON_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/message_limits.h"
#include "base/result.h"

namespace listd::daemon {

struct DaemonOptions {
  std::string db = "var/listd.db";
  std::string lmtp = "127.0.0.1:8024";          // HOST:PORT; port 0 picks a free one
  std::string deliver = "maildir:var/maildir";  // smtp://HOST:PORT | smtps://... | maildir:DIR
  std::string dns;                              // forwarder HOST:PORT; "" = the system's resolvers
  int dns_timeout_ms = 5000;
  std::string authserv_id;  // "" = the host name
  std::vector<std::string> trusted_authserv_ids;
  std::string templates_dir;  // where footer templates live
  std::string hostname;       // LMTP greeting and EHLO; "" = the host name
  // Pipeline: posts of different lists in parallel, each list's in order
  // (post_worker.h); 0 = the number of cores.
  int pipeline_workers = 0;
  // Delivery.
  int delivery_workers = 2;
  size_t batch_size = 100;
  int64_t retry_base_seconds = 60;
  int64_t retry_max_seconds = 3600;
  int64_t give_up_after_seconds = 5 * 24 * 3600;
  // STARTTLS to an smtp:// smarthost (RFC 3207): "opportunistic" (when
  // offered), "required" (defer without it) or "off".
  std::string smtp_starttls = "opportunistic";
  std::string smtp_user;
  std::string smtp_password_file;  // a file (0600) holding the password
  std::string smtp_ca_file;        // CAs for the smarthost's certificate; "" = system's
  // One timeout per SMTP step, RFC 5321 section 4.5.3.2's by default
  // (delivery::SmtpTimeouts); --smtp-timeout sets every one not given.
  int smtp_connect_timeout_seconds = 300;     // connect, greeting, EHLO, TLS, AUTH
  int smtp_mail_timeout_seconds = 300;        // the reply to MAIL FROM
  int smtp_rcpt_timeout_seconds = 300;        // each reply to RCPT TO
  int smtp_data_timeout_seconds = 120;        // the 354 to DATA
  int smtp_data_block_timeout_seconds = 180;  // an upload that moves no byte
  int smtp_data_end_timeout_seconds = 600;    // the reply to the final dot
  // Intake (LMTP; lmtp/server.h).
  size_t max_message_bytes = base::kDefaultMaxMessageBytes;  // listctl inject's default too
  size_t max_header_fields = 1000;  // more: held before verification (pipeline/header_limit.h)
  size_t max_mime_parts = 1000;     // likewise (pipeline/mime_part_limit.h)
  // Confirmation mails an hour over every list (service/subscription_service.h).
  int64_t site_confirmations_per_hour = 600;
  int max_connections = 1000;
  int max_connections_per_peer = 50;
  int lmtp_command_timeout_seconds = 300;   // RFC 5321 section 4.5.3.2.7, per line
  int lmtp_session_timeout_seconds = 1800;  // section 4.5.3.2.1-6 added up
  // Debugging only: leave the process dumpable (key pages stay excluded).
  bool allow_core_dumps = false;
  // How often idle workers look at the store (new work also wakes them).
  int poll_ms = 1000;
  // How often the chores that wait for time run (daemon/chores_worker.h).
  int chores_interval_seconds = 300;
  // The web face (listd/webface): HOST:PORT, or "off".
  std::string http = "127.0.0.1:8080";
  std::string http_base_url;  // "" = http(s)://HOST:PORT
  std::string http_tls_cert;  // both set: HTTPS
  std::string http_tls_key;
  int http_threads = 8;
  // Tests only: seconds added to the clock, read from this file
  // (daemon/clock.h); "" = the system clock as it is.
  std::string clock_offset_file;
};

// Parses argv (and the --config file it names). Returns nullopt after
// printing --help; an Error names the bad option.
base::Result<std::optional<DaemonOptions>> ParseDaemonOptions(int argc, char** argv);

// Splits "HOST:PORT" (or "[v6]:PORT").
base::Result<std::pair<std::string, int>> SplitHostPort(const std::string& text);

}  // namespace listd::daemon

#endif  // LISTD_LISTD_DAEMON_DAEMON_OPTIONS_H_
