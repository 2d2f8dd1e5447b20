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
//   One timeout per step (SmtpTimeouts, RFC 5321 section 4.5.3.2's values
//   by default: connect and greeting 5 min, MAIL 5 min, each RCPT 5 min,
//   DATA 2 min, a data block 3 min, the reply to the final dot 10 min).
//   curl's own reply timeout is set to the longest of them, as a backstop;
//   smtp_step_timer.h ends each step at its own limit.
//   STARTTLS (RFC 3207): opportunistic by default (CURLUSESSL_TRY; the
//   certificate is not checked unless a CA file is given, RFC 7435), required
//   (CURLUSESSL_ALL: a server that does not offer it defers the batch), or
//   off. A 454 to STARTTLS, or a failed handshake, defers when required; when
//   opportunistic (and no CA file is given) the batch goes on in clear, after
//   a 454 on the same connection (curl), after a handshake on a fresh one.
//   A 5yz to MAIL FROM, DATA or the end of data refuses the message
//   (Outcome::kRefused), which scores no recipient.
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
#include "listd/delivery/smtp_step_timer.h"

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
struct CurlMultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
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

// What the progress callback needs to end a step that ran out.
struct Watch {
  const SmtpDialogue* dialogue = nullptr;
  const Upload* upload = nullptr;
  SmtpStepTimer* timer = nullptr;
  std::optional<std::string> expired;  // why the transfer was ended

  // Checks the timer once; true when the transfer must end.
  bool Expired(uint64_t uploaded) {
    if (!expired) {
      expired = timer->Check(*dialogue, uploaded, upload->offset == upload->message.size(),
                             SmtpStepTimer::Clock::now());
    }
    return expired.has_value();
  }
};

// curl calls this about once a second even while it blocks for the reply
// to the final dot, the one wait the multi loop below cannot watch.
int CheckProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t ulnow) {
  auto* watch = static_cast<Watch*>(user);
  try {
    return watch->Expired(static_cast<uint64_t>(ulnow)) ? 1 : 0;
  } catch (...) {
    return 0;  // out of memory: curl's own backstop timeout still holds
  }
}

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

// Runs the transfer set up on `h` through `multi`, checking the step timer
// every 200 ms while curl waits, and ends it when a step runs out.
CURLcode Perform(CURLM* multi, CURL* h, Watch& watch) {
  if (curl_multi_add_handle(multi, h) != CURLM_OK) return CURLE_FAILED_INIT;
  CURLcode rc = CURLE_OK;
  for (bool done = false; !done;) {
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK) {
      rc = CURLE_FAILED_INIT;
      break;
    }
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == h) {
        rc = msg->data.result;
        done = true;
      }
    }
    if (done) break;
    if (running == 0) {  // gone without a word: treat as a broken transfer
      rc = CURLE_SEND_ERROR;
      break;
    }
    curl_off_t uploaded = 0;
    curl_easy_getinfo(h, CURLINFO_SIZE_UPLOAD_T, &uploaded);
    if (watch.Expired(static_cast<uint64_t>(uploaded))) {
      rc = CURLE_OPERATION_TIMEDOUT;  // removing the handle below ends the transfer
      break;
    }
    curl_multi_poll(multi, nullptr, 0, 200, nullptr);
  }
  curl_multi_remove_handle(multi, h);
  return rc;
}

}  // namespace

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct SmtpTransport::Curl {
  // The multi handle owns the connection cache, so it outlives the easy
  // handle's transfers and keeps the connection between them.
  std::unique_ptr<CURLM, CurlMultiDeleter> multi;
  std::unique_ptr<CURL, CurlEasyDeleter> handle;
  char error_buffer[CURL_ERROR_SIZE] = {};
  std::string setup_error;  // set when the handle could not be configured
};

SmtpTransport::SmtpTransport(SmtpConfig config)
    : config_(std::move(config)), curl_(std::make_unique<Curl>()) {
  InitCurlOnce();
  curl_->multi.reset(curl_multi_init());
  curl_->handle.reset(curl_easy_init());
  CURL* h = curl_->handle.get();
  if (h == nullptr || curl_->multi == nullptr) {
    curl_->setup_error = "curl_easy_init or curl_multi_init failed";
    return;
  }
  const SmtpTimeouts& t = config_.timeouts;
  const long connect_timeout = static_cast<long>(t.connect.count());
  const long longest_reply =
      static_cast<long>(std::max({t.connect, t.mail, t.rcpt, t.data_init, t.data_end}).count());
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
  // curl covers the connect and the setup with CONNECTTIMEOUT, and every
  // reply with one SERVER_RESPONSE_TIMEOUT: the longest step's, as a
  // backstop; SmtpStepTimer ends the shorter steps. No LOW_SPEED limit:
  // curl applies it to the wait for the final reply too, where no byte
  // moves for minutes by design.
  set(CURLOPT_CONNECTTIMEOUT, connect_timeout);
  set(CURLOPT_SERVER_RESPONSE_TIMEOUT, longest_reply);
  set(CURLOPT_NOPROGRESS, 0L);
  set(CURLOPT_XFERINFOFUNCTION, &CheckProgress);
  set(CURLOPT_MAXCONNECTS, 1L);
  switch (config_.starttls) {
    case StartTls::kOpportunistic:
      set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
      break;
    case StartTls::kRequired:
      set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
      break;
    case StartTls::kOff:
      set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
      break;
  }
  if (!config_.username.empty()) {
    set(CURLOPT_USERNAME, config_.username.c_str());
    set(CURLOPT_PASSWORD, config_.password.c_str());
  }
  // Required TLS is authenticated: the certificate must verify. Opportunistic
  // TLS is what its name says (RFC 7435, Postfix's "may"): encryption
  // against a passive listener whatever certificate is shown, since the
  // alternative it replaces is clear text, not a verified channel; a
  // smarthost with a self-signed certificate must not make the default
  // defer every mail. --smtp-ca-file makes opportunistic verify too.
  const bool verify = config_.starttls != StartTls::kOpportunistic || !config_.ca_file.empty();
  set(CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
  set(CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
  if (!config_.ca_file.empty()) set(CURLOPT_CAINFO, config_.ca_file.c_str());
  if (rc != CURLE_OK) {
    curl_->setup_error = std::string("libcurl refused an SMTP option: ") + curl_easy_strerror(rc);
  }
  if (curl_multi_setopt(curl_->multi.get(), CURLMOPT_MAXCONNECTS, 1L) != CURLM_OK) {
    curl_->setup_error = "libcurl refused CURLMOPT_MAXCONNECTS";
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
    return fail_all(Outcome::kRefused, "envelope sender contains CR, LF, NUL, '<' or '>'");
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
  std::optional<SmtpStepTimer> timer;
  Watch watch;
  CURLcode rc = CURLE_OK;
  // Opportunistic STARTTLS whose handshake fails is tried once more in
  // clear, on a fresh connection (RFC 7435 section 3: never less than clear
  // text, which is what a 454 gets too); otherwise a smarthost with broken
  // TLS would defer every post for ever. Only where nothing is verified:
  // with a CA file the operator asked for authenticated TLS. The handshake
  // comes before MAIL, so no transaction can have been started twice.
  for (bool in_clear = false;; in_clear = true) {
    upload = Upload{message, 0};
    dialogue = SmtpDialogue();
    timer.emplace(config_.timeouts);
    watch = Watch{&dialogue, &upload, &*timer, std::nullopt};
    curl_->error_buffer[0] = '\0';
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, envelope_from.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt_list.get());
    curl_easy_setopt(h, CURLOPT_READDATA, &upload);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, &dialogue);
    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, fresh_connection_next_ || in_clear ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &watch);
    if (in_clear) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
    rc = Perform(curl_->multi.get(), h, watch);
    if (in_clear) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    const bool handshake_failed =
        rc == CURLE_SSL_CONNECT_ERROR && !dialogue.mail() && !watch.expired;
    if (in_clear || !handshake_failed || config_.starttls != StartTls::kOpportunistic ||
        !config_.ca_file.empty()) {
      break;
    }
  }
  // Leave no pointer to this call's locals in the handle.
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, nullptr);
  curl_easy_setopt(h, CURLOPT_READDATA, nullptr);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, nullptr);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, nullptr);
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
  if (watch.expired) {
    curl_error = "timeout: " + *watch.expired + " (RFC 5321 section 4.5.3.2)";
  } else if (rc != CURLE_OK) {
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
      // A 5yz to MAIL or DATA judges the sender or the message, not this
      // recipient: kRefused, never a bounce of the member.
      r.outcome = permanent ? Outcome::kRefused : Outcome::kTempFail;
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
