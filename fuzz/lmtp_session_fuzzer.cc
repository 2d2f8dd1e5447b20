// Fuzz target: the LMTP session (listd/lmtp/session.h), no sockets. The
// input, cut at 0x01, is what one client sends, read by read.
//
// Properties: every reply line is "ddd" then SP or "-" and ends in CRLF;
// the handler sees CRLF-only messages within the size limit, for 1..max
// accepted recipients. And where lines end must not depend on how the
// bytes were cut into reads (the smuggling class of bug, RFC 5321 section
// 2.3.8): the same bytes in one read, and one byte a read, give the same
// replies and the same messages. The single exception is the documented
// RFC 2920 section 3.1 rule (bytes after a refused DATA in the same read
// close with 421), so a transcript holding a 421 is not compared.
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_input.h"
#include "listd/lmtp/handler.h"
#include "listd/lmtp/session.h"

namespace {

constexpr size_t kMaxMessage = 4096;
constexpr size_t kMaxRecipients = 4;

class RecordingHandler : public listd::lmtp::Handler {
 public:
  listd::lmtp::Reply CheckRecipient(std::string_view, std::string_view recipient) override {
    if (recipient.size() > 18 && recipient.substr(recipient.size() - 18) == "@lists.example.org") {
      return {250, "2.1.5", "OK"};
    }
    return {550, "5.1.1", "no such list"};
  }
  std::vector<listd::lmtp::Reply> Deliver(const listd::lmtp::Envelope& envelope,
                                          std::string message) override {
    using listd_fuzz::Check;
    Check(listd_fuzz::CrlfOnly(message), "the handler sees CRLF line ends only");
    Check(message.size() <= kMaxMessage + 2, "the handler never sees more than the limit");
    Check(!envelope.recipients.empty() && envelope.recipients.size() <= kMaxRecipients,
          "1..max_recipients recipients");
    delivered.push_back(envelope.mail_from + "\n" + std::to_string(envelope.recipients.size()) +
                        "\n" + message);
    return std::vector<listd::lmtp::Reply>(envelope.recipients.size(), {250, "2.0.0", "stored"});
  }
  std::vector<std::string> delivered;
};

struct Transcript {
  std::string replies;
  std::vector<std::string> delivered;
};

void CheckReplies(std::string_view out) {
  using listd_fuzz::Check;
  Check(listd_fuzz::CrlfOnly(out), "replies have CRLF line ends only");
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find("\r\n", pos);
    std::string_view line = out.substr(pos, end - pos);
    Check(line.size() >= 4 && line[0] >= '2' && line[0] <= '5' && line[1] >= '0' &&
              line[1] <= '9' && line[2] >= '0' && line[2] <= '9' &&
              (line[3] == ' ' || line[3] == '-'),
          "a reply line is ddd SP/- text (RFC 5321 section 4.2)");
    pos = end + 2;
  }
}

template <typename Reads>
Transcript Run(const Reads& reads) {
  RecordingHandler handler;
  listd::lmtp::SessionOptions options;
  options.max_message_bytes = kMaxMessage;
  options.max_recipients = kMaxRecipients;
  options.max_line_bytes = 200;
  listd::lmtp::Session session(handler, options, "192.0.2.1:4711");
  Transcript t;
  t.replies = session.Greeting();
  for (std::string_view read : reads) {
    if (session.closed()) break;
    std::string out = session.OnBytes(read);
    CheckReplies(out);
    t.replies += out;
  }
  t.delivered = std::move(handler.delivered);
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = listd_fuzz::Text(data, size);
  const std::vector<std::string_view> reads = listd_fuzz::Pieces(text);
  Transcript cut = Run(reads);

  std::string joined;
  for (std::string_view read : reads) joined += read;
  Transcript whole = Run(std::vector<std::string_view>{joined});
  // One byte a read costs a call per byte: past 16 KB the comparison would
  // slow every run down more than it finds.
  if (joined.size() > 16 * 1024) return 0;
  std::vector<std::string_view> bytes;
  for (size_t i = 0; i < joined.size(); ++i) bytes.push_back(std::string_view(joined).substr(i, 1));
  Transcript trickle = Run(bytes);

  auto has_421 = [](const Transcript& t) { return t.replies.find("421 ") != std::string::npos; };
  if (!has_421(whole) && !has_421(trickle)) {
    listd_fuzz::Check(whole.replies == trickle.replies,
                      "the replies do not depend on how the bytes were read");
    listd_fuzz::Check(whole.delivered == trickle.delivered,
                      "the messages do not depend on how the bytes were read");
  }
  if (!has_421(whole) && !has_421(cut)) {
    listd_fuzz::Check(whole.replies == cut.replies && whole.delivered == cut.delivered,
                      "the fuzzer's reads give what one read gives");
  }
  return 0;
}
