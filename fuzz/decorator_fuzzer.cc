// Fuzz target: the decorate stage on arbitrary MIME (listd/mime/decorator.h):
// footer placement through GMime, subject tag, Reply-To, the List-* fields
// and the removal of author signatures.
//
// The first byte chooses the decoration (bit 0: a non-ASCII footer, so the
// text's charset must take it; bit 1: Reply-To the list; bit 2: drop author
// DKIM-Signatures; bit 3: no subject tag; bit 4: a footer line over 998
// octets); the rest is the post, made CRLF as LMTP stores it. A decorated
// post must keep CRLF line ends, stay readable by the DKIM parser that
// signs it next (when the post was), and carry exactly one List-Id.
#include <string>
#include <string_view>

#include "dkim/message.h"
#include "fuzz_input.h"
#include "listd/mime/decorator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using listd_fuzz::Check;
  if (size == 0) return 0;
  const uint8_t choice = data[0];
  const std::string post = listd_fuzz::ToCrlf(listd_fuzz::Text(data + 1, size - 1));

  listd::mime::Decoration decoration;
  decoration.subject_tag = (choice & 8) ? "" : "[demo]";
  decoration.footer = (choice & 1) ? "-- \nListe démo: démo@lists.example.org\n"
                                   : "-- \ndemo mailing list\nhttps://lists.example.org/demo\n";
  if (choice & 16) decoration.footer += std::string(1200, 'f') + "\n";
  decoration.list = {"Demo list", "demo", "lists.example.org", "https://lists.example.org/demo/"};
  decoration.reply_to = (choice & 2) ? listd::mime::Decoration::ReplyTo::kList
                                     : listd::mime::Decoration::ReplyTo::kNone;
  decoration.remove_author_dkim = (choice & 4) != 0;

  auto decorated = listd::mime::Decorate(post, decoration);
  if (!decorated.ok()) {
    Check(!decorated.error().empty(), "a post that cannot be decorated says why");
    return 0;
  }
  const std::string& out = decorated->message;
  Check(listd_fuzz::CrlfOnly(out), "a decorated post has CRLF line ends only");
  auto parsed = dkim::Message::Parse(out);
  if (!dkim::Message::Parse(post).ok()) return 0;
  Check(parsed.ok(), "a decorated post parses for signing when the post did");
  Check(parsed->FieldsNamed("List-Id").size() == 1, "exactly one List-Id (RFC 2919 section 3)");
  if (decoration.remove_author_dkim) {
    Check(parsed->FieldsNamed("DKIM-Signature").empty(), "author signatures are gone when asked");
  }
  return 0;
}
