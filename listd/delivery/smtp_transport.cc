// NAME
//   smtp_transport - hand a batch to a smarthost over SMTP, with libcurl.
//
// STANDARDS
//   RFC 5321 sections 3.3 (MAIL, RCPT, DATA: one transaction per batch),
//   3.8 (421), 4.2.1 (2yz done, 4yz try later, 5yz give up), 4.5.2 (dot
//   transparency: libcurl stuffs the dots), 4.5.5 (the null reverse-path);
//   RFC 3207 (STARTTLS, when required; section 4.1: the server's certificate
//   and name are always verified, against ca_file or the system's CAs);
//   RFC 4954 (AUTH, when a username is given; section 6: a 535 defers the
//   batch, below); RFC 8314 (smtps://, TLS from the first byte).
//
// LIMITS
//   timeout (default 60 s) bounds the connect, the wait for each reply, and
//   an upload that moves no byte; RFC 5321 section 4.5.3.2 suggests longer
//   waits for a public MX, a smarthost on the LAN answers faster.
//   One connection per transport (CURLOPT_MAXCONNECTS=1), kept between
//   batches and replaced after any failure.
//   Addresses containing CR, LF, NUL, '<' or '>' are never sent (kPermFail).
//   A failed AUTH (535 included) is a temporary failure of every recipient:
//   the credentials are listd's configuration, not the recipients' fault,
//   and bouncing the whole list over them would be worse than waiting for
//   the operator (Postfix defers likewise, smtp_sasl_auth_soft_bounce).
//   So is a 530 to MAIL (the smarthost wants STARTTLS and listd was not
//   told to use it): temporary, not a bounce of every member.
#include "listd/delivery/smtp_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>

#include "listd/delivery/smtp_dialogue.h"

namespace listd::delivery {
namespace {

#if LIBCURL_VERSION_NUM >= 0x080200
constexpr CURLoption kRcptAllowFails = CURLOPT_MAIL_RCPT_ALLOWFAILS;
#else
constexpr CURLoption kRcptAllowFails = CURLOPT_MAIL_RCPT_ALLLOWFAILS;  // curl's old spelling
#endif

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// The message being uploaded and how much of it curl has taken.
struct Upload {
  std::string_view message;
  size_t offset = 0;
};

size_t ReadMessage(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t n = std::min(size * count, upload->message.size() - upload->offset);
  std::memcpy(buffer, upload->message.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

int FollowDialogue(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto* dialogue = static_cast<SmtpDialogue*>(user);
  try {
    if (type == CURLINFO_HEADER_OUT) dialogue->OnClientBytes(std::string_view(data, size));
    if (type == CURLINFO_HEADER_IN) dialogue->OnServerBytes(std::string_view(data, size));
  } catch (...) {
    // Out of memory: the transfer goes on; the result will lack a reply.
  }
  return 0;
}

// An address curl can put between angle brackets without changing the
// command: anything but line breaks, NUL and the brackets themselves.
bool IsSendable(std::string_view address) {
  return address.find_first_of(std::string_view("\r\n\0<>", 5)) == std::string_view::npos;
}

Outcome FromCode(int code) {
  if (code / 100 == 2) return Outcome::kDelivered;
  if (code / 100 == 5) return Outcome::kPermFail;
  return Outcome::kTempFail;
}

}  // namespace

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SmtpTransport::Curl {
  std::unique_ptr<CURL, CurlEasyDeleter> handle;
  char error_buffer[CURL_ERROR_SIZE] = {};
  std::string setup_error;  // set when the handle could not be configured
};

SmtpTransport::SmtpTransport(SmtpConfig config)
    : config_(std::move(config)), curl_(std::make_unique<Curl>()) {
  InitCurlOnce();
  curl_->handle.reset(curl_easy_init());
  CURL* h = curl_->handle.get();
  if (h == nullptr) {
    curl_->setup_error = "curl_easy_init failed";
    return;
  }
  long timeout = static_cast<long>(config_.timeout.count());
  CURLcode rc = CURLE_OK;
  auto set = [&rc, h](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, option, value);
  };
  set(CURLOPT_URL, config_.url.c_str());
  set(CURLOPT_ERRORBUFFER, curl_->error_buffer);
  set(CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for DNS timeouts
  set(CURLOPT_UPLOAD, 1L);
  set(CURLOPT_READFUNCTION, &ReadMessage);
  set(kRcptAllowFails, 1L);
  // The debug callback is how replies are paired with recipients; curl
  // calls it only when verbose.
  set(CURLOPT_VERBOSE, 1L);
  set(CURLOPT_DEBUGFUNCTION, &FollowDialogue);
  set(CURLOPT_CONNECTTIMEOUT, timeout);
  set(CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout);
  set(CURLOPT_LOW_SPEED_LIMIT, 1L);
  set(CURLOPT_LOW_SPEED_TIME, timeout);
  set(CURLOPT_MAXCONNECTS, 1L);
  if (config_.require_starttls) set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!config_.username.empty()) {
    set(CURLOPT_USERNAME, config_.username.c_str());
    set(CURLOPT_PASSWORD, config_.password.c_str());
  }
  // Verification is curl's default; said here so that no one turns it off.
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (!config_.ca_file.empty()) set(CURLOPT_CAINFO, config_.ca_file.c_str());
  if (rc != CURLE_OK) {
    curl_->setup_error = std::string("libcurl refused an SMTP option: ") + curl_easy_strerror(rc);
  }
}

SmtpTransport::~SmtpTransport() = default;

base::Status SmtpTransport::Check() const {
  if (!curl_->setup_error.empty()) return base::Error{curl_->setup_error};
  return base::Ok();
}

SendResult SmtpTransport::Send(const std::string& envelope_from,
                               const std::vector<std::string>& recipients,
                               std::string_view message) {
  try {
    return SendOrThrow(envelope_from, recipients, message);
  } catch (const std::exception& e) {
    SendResult result;
    result.error = std::string("SMTP delivery failed: ") + e.what();
    for (const auto& r : recipients) {
      result.recipients.push_back({r, Outcome::kTempFail, 0, result.error});
    }
    fresh_connection_next_ = true;
    return result;
  }
}

SendResult SmtpTransport::SendOrThrow(const std::string& envelope_from,
                                      const std::vector<std::string>& recipients,
                                      std::string_view message) {
  SendResult result;
  for (const auto& r : recipients) result.recipients.push_back({r, Outcome::kTempFail, 0, ""});
  auto fail_all = [&result](Outcome outcome, const std::string& why) {
    result.error = why;
    for (auto& r : result.recipients) {
      r.outcome = outcome;
      r.reply = why;
    }
    return result;
  };
  if (recipients.empty()) return fail_all(Outcome::kTempFail, "no recipients");
  if (!curl_->setup_error.empty()) return fail_all(Outcome::kTempFail, curl_->setup_error);
  if (!IsSendable(envelope_from)) {
    return fail_all(Outcome::kPermFail, "envelope sender contains CR, LF, NUL, '<' or '>'");
  }

  // Unsendable recipients are refused here; `sent` maps each RCPT command
  // to its recipient.
  CurlSlist rcpt_list;
  std::vector<size_t> sent;
  for (size_t i = 0; i < recipients.size(); ++i) {
    if (recipients[i].empty() || !IsSendable(recipients[i])) {
      result.recipients[i].outcome = Outcome::kPermFail;
      result.recipients[i].reply = "recipient address is empty or contains CR, LF, NUL, '<' or '>'";
      continue;
    }
    curl_slist* grown = curl_slist_append(rcpt_list.get(), recipients[i].c_str());
    if (grown == nullptr) return fail_all(Outcome::kTempFail, "out of memory");
    (void)rcpt_list.release();
    rcpt_list.reset(grown);
    sent.push_back(i);
  }
  if (sent.empty()) return result;

  CURL* h = curl_->handle.get();
  Upload upload{message, 0};
  SmtpDialogue dialogue;
  curl_->error_buffer[0] = '\0';
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, envelope_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt_list.get());
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, &dialogue);
  curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, fresh_connection_next_ ? 1L : 0L);
  CURLcode rc = curl_easy_perform(h);
  // Leave no pointer to this call's locals in the handle.
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(h, CURLOPT_READDATA, nullptr);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, nullptr);
  // A failed transfer may leave the connection mid-transaction or dead.
  fresh_connection_next_ = rc != CURLE_OK;

  // The reply that ended the transaction, if one did (RFC 5321 section
  // 4.2.1: a 5yz to MAIL or DATA is permanent; 3.8: 421 anywhere closes).
  const std::optional<SmtpReply>* failing = nullptr;
  std::string where;
  bool permanent = false;
  if (dialogue.greeting() && dialogue.greeting()->code / 100 != 2) {
    failing = &dialogue.greeting();
    where = "greeting";
  } else if (dialogue.auth() && dialogue.auth()->code / 100 != 2) {
    failing = &dialogue.auth();  // temporary, whatever the code: see LIMITS
    where = "AUTH";
  } else if (dialogue.mail() && dialogue.mail()->code / 100 != 2) {
    failing = &dialogue.mail();
    where = "MAIL FROM";
    // 530 (RFC 3207 section 4: STARTTLS first) is listd's configuration
    // too, like a failed AUTH: wait for the operator, bounce no one.
    permanent = dialogue.mail()->code / 100 == 5 && dialogue.mail()->code != 530;
  } else if (dialogue.data() && dialogue.data()->code != 354) {
    failing = &dialogue.data();
    where = "DATA";
    permanent = dialogue.data()->code / 100 == 5;
  } else if (dialogue.data_end() && dialogue.data_end()->code / 100 != 2) {
    failing = &dialogue.data_end();
    where = "end of DATA";
    permanent = dialogue.data_end()->code / 100 == 5;
  } else if (dialogue.closing()) {
    failing = &dialogue.closing();
    where = "server closing";
  }
  bool delivered = rc == CURLE_OK && dialogue.data_end() && dialogue.data_end()->code / 100 == 2;
  std::string curl_error;
  if (rc != CURLE_OK) {
    curl_error = std::string(curl_easy_strerror(rc));
    if (curl_->error_buffer[0] != '\0') curl_error += std::string(": ") + curl_->error_buffer;
  } else if (!delivered) {
    curl_error = "no reply to the end of DATA was seen";
  }

  size_t refused = 0;
  for (size_t k = 0; k < sent.size(); ++k) {
    RecipientResult& r = result.recipients[sent[k]];
    const std::optional<SmtpReply>* reply =
        k < dialogue.rcpts().size() ? &dialogue.rcpts()[k] : nullptr;
    if (reply != nullptr && reply->has_value() && (*reply)->code / 100 != 2) {
      r.outcome = FromCode((*reply)->code);
      r.code = (*reply)->code;
      r.reply = (*reply)->text;
      ++refused;
    } else if (delivered && reply != nullptr && reply->has_value()) {
      r.outcome = Outcome::kDelivered;
      r.code = dialogue.data_end()->code;
      r.reply = dialogue.data_end()->text;
    } else if (failing != nullptr) {
      r.outcome = permanent ? Outcome::kPermFail : Outcome::kTempFail;
      r.code = (*failing)->code;
      r.reply = (*failing)->text;
    } else {
      r.outcome = Outcome::kTempFail;
      r.reply = curl_error;
    }
  }
  // Every recipient refused on its own is no transaction-level failure.
  if (!delivered && refused < sent.size()) {
    result.error = failing != nullptr ? where + ": " + (*failing)->text : curl_error;
  }
  return result;
}

}  // namespace listd::delivery
