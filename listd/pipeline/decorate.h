// Stage 5, decorate: the list's own changes to a post, from its settings.
//
// STANDARDS
//   RFC 2369 and RFC 2919 (List-* fields and List-Id), RFC 2047 (subject
//   tags on encoded subjects), RFC 2045/2046 (the footer goes where the MIME
//   structure allows: see listd/mime/footer.h), RFC 1847 (signed and
//   encrypted bodies are never touched), RFC 6377 sections 5.1 and 5.7
//   (the list's changes break the author's signature; remove_dkim_signatures
//   drops it).
// SETTINGS USED
//   subject_tag, footer_template (a template name, looked up in the list's
//   override directory, the site's, then the built-in one), reply_to,
//   remove_dkim_signatures,
//   dmarc_mitigation (none, munge-from, wrap) and
//   dmarc_mitigate_unconditionally: the mitigation applies when the author
//   domain's DMARC policy is quarantine or reject (RFC 7489 section 6.3),
//   or always when the list says so (RFC 7960 section 4.1.3.3).
// CONTRACT
//   The work is listd/mime's; this stage only turns settings into a
//   mime::Decoration. An error (a template that does not render, a message
//   GMime cannot read) is returned for the caller to hold the post with.
#ifndef LISTD_LISTD_PIPELINE_DECORATE_H_
#define LISTD_LISTD_PIPELINE_DECORATE_H_

#include <string>
#include <string_view>

#include "base/result.h"
#include "dkim/dmarc_record.h"
#include "listd/pipeline/list_context.h"

namespace listd::pipeline {

struct Decorated {
  std::string message;
  std::string summary;  // "tagged, footer appended to text/plain" for the log
};

// Decorates `message` for `list`; the footer template is the one its
// setting names, looked up in `templates_dir`/lists/<address>/, then
// `templates_dir`, then the built-in templates (mime/template_files.h).
// `author_policy` is the DMARC policy in force for the author's domain.
base::Result<Decorated> Decorate(std::string_view message, const ListContext& list,
                                 const std::string& templates_dir,
                                 dkim::DmarcPolicy author_policy = dkim::DmarcPolicy::kNone);

}  // namespace listd::pipeline

#endif  // LISTD_LISTD_PIPELINE_DECORATE_H_
