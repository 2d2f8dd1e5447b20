// decorator: the decorate stage of the pipeline.
//
// STANDARDS
//   RFC 2369 §3 and RFC 2919 §2 (list fields, via list_headers), RFC 2047
//   (subject tag, via subject_tag), RFC 2045/2046 (footer, via footer),
//   RFC 6376 §3.5 (author DKIM-Signature fields may be dropped), RFC 5322
//   §3.6.2 (Reply-To), §3.6 (one Subject at most: the first is tagged).
// LIMITS
//   None of its own; each step works on the whole message in memory.
#include "listd/mime/decorator.h"

#include <optional>
#include <vector>

#include "listd/mime/gmime_support.h"
#include "listd/mime/header_edit.h"
#include "listd/mime/subject_tag.h"

namespace listd::mime {

base::Result<DecorationReport> Decorate(std::string_view message, const Decoration& decoration) {
  base::Result<size_t> header_end = FindHeaderEnd(message);
  if (!header_end) return base::Error{"Cannot decorate the post: " + header_end.error() + "."};
  if (!ParseMessage(message)) {
    return base::Error{"Cannot decorate the post: GMime cannot parse it as a message."};
  }

  base::Result<FooterResult> footed = AddFooter(message, decoration.footer);
  if (!footed) return base::Error{"Cannot add the footer: " + footed.error() + "."};
  DecorationReport report{std::move(footed->message), footed->placement, footed->why, false};
  std::string& out = report.message;

  // Each edit below keeps the header/body separator, so none should fail;
  // if one does, the post is held with the reason rather than guessed at.
  std::string failure;
  auto apply = [&](base::Result<std::string> edited) {
    if (!edited) {
      if (failure.empty()) failure = edited.error();
      return;
    }
    out = std::move(*edited);
  };

  if (!decoration.subject_tag.empty()) {
    std::optional<std::string> subject = GetFieldValue(out, "Subject");
    if (!subject) {
      apply(AppendFields(out, {{"Subject", SubjectForMissing(decoration.subject_tag).substr(1)}}));
      report.subject_tagged = true;
    } else {
      std::string tagged = TagSubject(*subject, decoration.subject_tag);
      if (tagged != *subject) {
        apply(ReplaceFieldValue(out, "Subject", tagged));
        report.subject_tagged = true;
      }
    }
  }

  if (decoration.remove_author_dkim) apply(RemoveFields(out, {"DKIM-Signature"}));

  if (decoration.reply_to == Decoration::ReplyTo::kList) {
    apply(RemoveFields(out, {"Reply-To"}));
    apply(AppendFields(out, {{"Reply-To", "<" + decoration.list.local_part + "@" +
                                              decoration.list.domain + ">"}}));
  }

  if (decoration.add_list_headers) {
    apply(RemoveFields(out, ListHeaderFieldNames()));
    apply(PrependFields(out, ListHeaderFields(decoration.list)));
  }
  if (!failure.empty()) return base::Error{"Cannot decorate the post: " + failure + "."};

  // The signer must never see a message we broke.
  if (!ParseMessage(out)) {
    return base::Error{"Decorating the post produced a message GMime cannot parse."};
  }
  return report;
}

}  // namespace listd::mime
