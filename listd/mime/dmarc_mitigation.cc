// DMARC mitigation (see dmarc_mitigation.h).
#include "listd/mime/dmarc_mitigation.h"

#include <optional>
#include <vector>

#include "base/ascii.h"
#include "listd/mime/boundary.h"
#include "listd/mime/gmime_support.h"
#include "listd/mime/header_edit.h"

namespace listd::mime {
namespace {

struct Author {
  std::string name;     // decoded display name, may be empty
  std::string address;  // addr-spec
  std::string raw;      // the From value as it came, trimmed
};

std::string Trimmed(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != '\r' && c != '\n') out += c;
  }
  const size_t begin = out.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return out.substr(begin, out.find_last_not_of(" \t") - begin + 1);
}

// The one mailbox of From (RFC 5322 section 3.6.2), read by GMime.
base::Result<Author> ReadAuthor(std::string_view message) {
  auto fields = ParseFields(message);
  if (!fields) return fields.failure();
  std::optional<std::string_view> from;
  for (const RawField& field : *fields) {
    if (base::LowerAscii(field.name) != "from") continue;
    if (from) return base::Error{"the post has more than one From field"};
    from = field.raw_value;
  }
  if (!from) return base::Error{"the post has no From field"};
  EnsureGMime();
  Author author;
  author.raw = Trimmed(*from);
  GPtr<InternetAddressList> list(internet_address_list_parse(nullptr, author.raw.c_str()));
  if (!list || internet_address_list_length(list.get()) != 1) {
    return base::Error{"From does not hold exactly one mailbox: " + author.raw};
  }
  InternetAddress* address = internet_address_list_get_address(list.get(), 0);
  if (!INTERNET_ADDRESS_IS_MAILBOX(address)) {
    return base::Error{"From is a group, not a mailbox: " + author.raw};
  }
  const char* name = internet_address_get_name(address);
  author.name = name ? name : "";
  author.address = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address));
  return author;
}

// The new From value: "Author via List" <list address>, RFC 2047-encoded
// by GMime when the name is not ASCII.
std::string ListFrom(const Author& author, const ListIdentity& list) {
  const std::string via = ViaDisplayName(author.name.empty() ? author.address : author.name,
                                         list.name.empty() ? list.local_part : list.name);
  const std::string address = list.local_part + "@" + list.domain;
  GPtr<InternetAddress> mailbox(internet_address_mailbox_new(via.c_str(), address.c_str()));
  GString text(internet_address_to_string(mailbox.get(), nullptr, TRUE));
  return text ? text.get() : address;
}

// Where the author goes so replies reach them.
base::Result<std::string> KeepAuthor(std::string message, const Author& author,
                                     const MitigationRequest& request) {
  if (request.reply_to_list) {
    if (auto cc = GetFieldValue(message, "Cc")) {
      // The existing value keeps its folding (a long Cc stays within the
      // 998-byte line limit, RFC 5322 section 2.1.1); the author goes on a
      // line of their own.
      std::string value = *cc;
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      return ReplaceFieldValue(message, "Cc", value + ",\r\n " + author.raw);
    }
    return AppendFields(message, {{"Cc", author.raw}});
  }
  // A Reply-To the author set already says where replies go.
  if (GetFieldValue(message, "Reply-To")) return message;
  return AppendFields(message, {{"Reply-To", author.raw}});
}

}  // namespace

std::string ViaDisplayName(std::string_view author_name, std::string_view list_name) {
  std::string via(author_name);
  via += " via ";
  via += list_name;
  return via;
}

base::Result<Mitigated> MungeFrom(std::string_view message, const MitigationRequest& request) {
  auto author = ReadAuthor(message);
  if (!author) return author.failure();
  auto munged = ReplaceFieldValue(message, "From", " " + ListFrom(*author, request.list));
  if (!munged) return munged.failure();
  auto kept = KeepAuthor(std::move(*munged), *author, request);
  if (!kept) return kept.failure();
  return Mitigated{std::move(*kept), author->raw};
}

base::Result<Mitigated> WrapMessage(std::string_view message, const MitigationRequest& request) {
  auto author = ReadAuthor(message);
  if (!author) return author.failure();
  auto fields = ParseFields(message);
  if (!fields) return fields.failure();
  // The outer message: our Authentication-Results, the fields a reader
  // sees, and the post's ARC sets; the original's own MIME and DKIM fields
  // belong inside. The ARC sets come along because the list seals the
  // wrapper as the next hop of the chain the post arrived with (RFC 8617
  // section 5.1): each ARC-Seal signs only ARC fields, which are copied
  // byte for byte, and only the newest ARC-Message-Signature (the list's,
  // over the wrapper) must verify (section 5.2).
  std::string outer;
  for (const RawField& field : *fields) {
    const std::string name = base::LowerAscii(field.name);
    if (name == "authentication-results" || name == "arc-seal" ||
        name == "arc-message-signature" || name == "arc-authentication-results" ||
        name == "subject" || name == "to" || name == "cc" ||
        name == "date" || name == "message-id" || name == "in-reply-to" ||
        name == "references") {
      outer.append(message.substr(field.begin, field.end - field.begin));
    }
  }
  outer += "From: " + ListFrom(*author, request.list) + "\r\n";
  const std::string boundary = FreshBoundary(message);
  outer += "MIME-Version: 1.0\r\n";
  outer += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n";
  outer += "\r\n";
  outer += "--" + boundary + "\r\n";
  outer += "Content-Type: message/rfc822\r\n";
  outer += "Content-Disposition: inline\r\n";
  outer += "\r\n";
  outer.append(message);
  if (message.size() < 2 || message.substr(message.size() - 2) != "\r\n") outer += "\r\n";
  outer += "--" + boundary + "--\r\n";
  auto kept = KeepAuthor(std::move(outer), *author, request);
  if (!kept) return kept.failure();
  return Mitigated{std::move(*kept), author->raw};
}

}  // namespace listd::mime
