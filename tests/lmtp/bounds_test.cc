// Character-class and memory bounds of the LMTP session and reply writer:
// the exact edges (0x1f/0x20, 0x7e/0x7f, the 64 KiB data piece, a CR split
// from its LF at a piece boundary) that the mutation sample found no test
// observing (scripts/mutation_sample.py).
#include <catch2/catch.hpp>
#include <string>

#include "fake_handler.h"
#include "listd/lmtp/reply.h"
#include "listd/lmtp/session.h"

namespace listd::lmtp {
namespace {

using testing::FakeHandler;

SessionOptions Roomy() {
  SessionOptions options;
  options.hostname = "lists.example";
  options.max_message_bytes = 4 << 20;
  return options;
}

// A session inside DATA for one recipient, demo@l.
struct InData {
  FakeHandler handler;
  Session session{handler, Roomy(), "192.0.2.7:4000"};
  InData() {
    std::string out = session.OnBytes("LHLO x\r\nMAIL FROM:<a@x>\r\nRCPT TO:<demo@l>\r\nDATA\r\n");
    REQUIRE(session.in_data());
  }
};

}  // namespace

TEST_CASE("RFC 5321 §4.1.2: a path keeps the printable edges and refuses DEL and controls",
          "[session][bounds]") {
  FakeHandler handler;
  Session session(handler, Roomy());
  session.OnLine("LHLO x");
  // qtextSMTP and quoted-pairSMTP are %d32-126: SP and '~' are in, DEL out.
  CHECK(session.OnLine("MAIL FROM:<\"a b~\"@x>") == "250 2.1.0 Sender OK\r\n");
  session.OnLine("RSET");
  CHECK(session.OnLine("MAIL FROM:<\"a\\ b\\~\"@x>") == "250 2.1.0 Sender OK\r\n");
  session.OnLine("RSET");
  CHECK(session.OnLine(std::string("MAIL FROM:<a\x7f@x>")).starts_with("501 5.1.7 "));
  CHECK(session.OnLine(std::string("MAIL FROM:<\"a\\\x7f\"@x>")).starts_with("501 5.1.7 "));
  CHECK(session.OnLine(std::string("MAIL FROM:<\"a\\\x1f\"@x>")).starts_with("501 5.1.7 "));
  CHECK(session.OnLine(std::string("MAIL FROM:<a\x1f@x>")).starts_with("501 5.1.7 "));
  // The path ends where the line does: a '>' in memory past the end of the
  // line (here: past the view) is not read as the closing bracket.
  const std::string whole = "MAIL FROM:<a@x>";
  CHECK(session.OnLine(std::string_view(whole.data(), whole.size() - 1)).starts_with("501 5.1.7 "));
  // A backslash as the last byte quotes nothing.
  CHECK(session.OnLine("MAIL FROM:<\"a\\").starts_with("501 5.1.7 "));
}

TEST_CASE("RFC 5321 §4.2: reply text keeps SP and '~' and blanks DEL and every control",
          "[reply][bounds]") {
  CHECK(FormatReply({550, "5.7.1",
                     std::string("a b~c\x7f"
                                 "d\x1f"
                                 "e")}) == "550 5.7.1 a b~c d e\r\n");
  // At most 400 octets of text: exactly 400 stays whole.
  const std::string text(400, 'x');
  CHECK(FormatReply({250, "2.0.0", text}) == "250 2.0.0 " + text + "\r\n");
  CHECK(FormatReply({250, "2.0.0", text + "y"}) == "250 2.0.0 " + text + "\r\n");
  // An empty text gets a word: OK for success, Failed otherwise.
  CHECK(FormatReply({550, "5.0.0", ""}) == "550 5.0.0 Failed\r\n");
}

TEST_CASE("RFC 5321 §4.5.3.1.6: a data line without end holds at most one 64 KiB piece",
          "[session][bounds]") {
  InData d;
  const std::string piece(4096, 'a');
  for (int i = 0; i < 256; ++i) {  // 1 MiB of one line, read 4 KiB at a time
    CHECK(d.session.OnBytes(piece).empty());
    REQUIRE(d.session.buffered_bytes() <= 64 * 1024 + piece.size());
  }
  CHECK(d.session.OnBytes("\r\n.\r\n") == "250 2.1.5 demo@l delivered\r\n");
  REQUIRE(d.handler.messages().size() == 1);
  CHECK(d.handler.messages()[0] == std::string(256 * 4096, 'a') + "\r\n");
}

TEST_CASE("RFC 5321 §2.3.8: a CR at the end of a flushed piece still pairs with the next LF",
          "[session][bounds]") {
  InData d;
  // Over 64 KiB, ending in the CR of a CRLF whose LF comes in the next read:
  // the piece is flushed without the CR, which must not become a line break.
  const std::string line(70000, 'a');
  CHECK(d.session.OnBytes(line + "\r").empty());
  CHECK(d.session.buffered_bytes() == 1);
  CHECK(d.session.OnBytes("\nb\r\n.\r\n") == "250 2.1.5 demo@l delivered\r\n");
  REQUIRE(d.handler.messages().size() == 1);
  CHECK(d.handler.messages()[0] == line + "\r\nb\r\n");
}

}  // namespace listd::lmtp
