// Organizational domain, RFC 7489 section 3.2: the registrable part of a
// DNS name ("example.co.uk" for "mail.example.co.uk"), found by the longest
// public suffix that matches. DMARC uses it twice: to find a policy when the
// From domain publishes none (section 6.6.3 step 3), and for relaxed
// identifier alignment (sections 3.1.1, 3.1.2).
//
// STANDARDS
//   RFC 7489 section 3.2 (the algorithm), Appendix A.6.1 (which list).
//   The list is Mozilla's Public Suffix List, both its ICANN and PRIVATE
//   sections, read by libpsl from Debian's `publicsuffix` package
//   (/usr/share/publicsuffix/public_suffix_list.dafsa, or libpsl's built-in
//   copy when that is newer or missing; psl_latest()).
//
// LIMITS
//   Names are compared and returned lower-cased, without a trailing dot.
//   A-labels ("xn--...") are handled as they are; U-labels (UTF-8) are
//   lower-cased by libpsl and returned as UTF-8: DMARC wants A-labels
//   (section 6.6.1), converting is the caller's business.
//   A name that is itself a public suffix ("co.uk", "com") has no
//   organizational domain; it is returned unchanged, so that it aligns
//   only with itself (section 3.1.1: d=com never aligns with example.com).
//   When no list can be loaded at all, every name is its own
//   organizational domain (no fallback discovery, relaxed = strict).
//
// Thread-safety: all functions are safe to call from any thread; the list
// is loaded once, on first use, and never changes afterwards.
#ifndef LISTD_DKIM_ORGANIZATIONAL_DOMAIN_H_
#define LISTD_DKIM_ORGANIZATIONAL_DOMAIN_H_

#include <string>
#include <string_view>

namespace dkim {

// The organizational domain of `domain` (RFC 7489 section 3.2), lower-cased.
std::string OrganizationalDomain(std::string_view domain);

// Whether `domain` is itself a public suffix ("com", "co.uk").
bool IsPublicSuffix(std::string_view domain);

// `domain` lower-cased (ASCII; UTF-8 through libpsl), without a trailing dot.
std::string NormalizeDomainName(std::string_view domain);

// Whether a public suffix list was loaded (false means every name is its
// own organizational domain); for diagnostics such as `listctl doctor`.
bool PublicSuffixListLoaded();

}  // namespace dkim

#endif  // LISTD_DKIM_ORGANIZATIONAL_DOMAIN_H_
