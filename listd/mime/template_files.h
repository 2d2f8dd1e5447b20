// Template files: where a template a setting names is looked for, and how
// it is read, so that a setting can name a template and nothing else.
//
// A template is named by a file name (letters, digits, '.', '_', '-',
// ending in ".mustache", no '/'), never by a path: `../`, absolute paths
// and directories are refused before any file is touched. The name is
// looked for, first found wins, in
//   DIR/lists/<list address>/NAME   the list's own override
//   DIR/NAME                        the site's (DIR: listd --templates)
//   BUILTIN/NAME                    the templates listd ships
// and opened with O_NOFOLLOW | O_NONBLOCK: a symbolic link is refused,
// only a regular file is read (a FIFO cannot stall the pipeline), and at
// most kMaxTemplateBytes.
//
// Thread-safety: plain functions.
#ifndef LISTD_LISTD_MIME_TEMPLATE_FILES_H_
#define LISTD_LISTD_MIME_TEMPLATE_FILES_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace listd::mime {

// The largest template read: a footer or a notice is a few lines.
inline constexpr size_t kMaxTemplateBytes = 64 * 1024;

// The directories a list's template `name` is looked for in, in order:
// `site_dir`'s lists/<list_address>/, `site_dir`, `built_in_dir` (each
// once; an empty `site_dir` gives only the built-in one).
std::vector<std::string> TemplateSearchPath(const std::string& site_dir,
                                            std::string_view list_address,
                                            const std::string& built_in_dir);

// The contents of the template `name`, from the first directory of `dirs`
// that holds it. Errors (kind invalid for a bad name, not_found when no
// directory has it, forbidden for a link or a file that is not regular,
// invalid for one too large) name the template.
base::Result<std::string> ReadTemplate(const std::vector<std::string>& dirs, std::string_view name);

// The contents of the template file at `path`, opened as above.
base::Result<std::string> ReadTemplateFile(const std::string& path);

}  // namespace listd::mime

#endif  // LISTD_LISTD_MIME_TEMPLATE_FILES_H_
