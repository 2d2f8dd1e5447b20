// The organizational domain through libpsl (organizational_domain.h).
#include "dkim/organizational_domain.h"

#include <libpsl.h>

#include <algorithm>
#include <memory>

namespace dkim {
namespace {

struct PslFree {
  void operator()(psl_ctx_t* psl) const { psl_free(psl); }
};
struct PslStringFree {
  void operator()(char* s) const { psl_free_string(s); }
};

// The list, loaded once. psl_latest() picks the newest of Debian's dafsa
// file and libpsl's built-in copy; the context is read-only afterwards,
// which is what makes lookups safe from any thread.
class PublicSuffixList {
 public:
  static const PublicSuffixList& Get() {
    static const PublicSuffixList list;  // C++11: initialised exactly once
    return list;
  }
  const psl_ctx_t* ctx() const { return ctx_; }

 private:
  PublicSuffixList() : owned_(psl_latest(nullptr)) { ctx_ = owned_ ? owned_.get() : psl_builtin(); }
  std::unique_ptr<psl_ctx_t, PslFree> owned_;
  const psl_ctx_t* ctx_ = nullptr;
};

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

std::string NormalizeDomainName(std::string_view domain) {
  while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  std::string name(domain);
  if (IsAscii(name)) {
    std::transform(name.begin(), name.end(), name.begin(), [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return name;
  }
  // U-labels: libpsl wants lower-case NFKC UTF-8 (psl_registrable_domain's
  // contract); on failure the name stays as given and simply matches less.
  char* lower = nullptr;
  if (psl_str_to_utf8lower(name.c_str(), "utf-8", nullptr, &lower) == PSL_SUCCESS && lower) {
    std::unique_ptr<char, PslStringFree> owned(lower);
    name = owned.get();
  }
  return name;
}

std::string OrganizationalDomain(std::string_view domain) {
  std::string name = NormalizeDomainName(domain);
  const psl_ctx_t* psl = PublicSuffixList::Get().ctx();
  if (psl == nullptr || name.empty()) return name;
  // Points into `name`; NULL when the name is a public suffix itself (or
  // a single label under no rule): it is then its own answer.
  const char* registrable = psl_registrable_domain(psl, name.c_str());
  if (registrable == nullptr) return name;
  return std::string(registrable);
}

bool IsPublicSuffix(std::string_view domain) {
  std::string name = NormalizeDomainName(domain);
  const psl_ctx_t* psl = PublicSuffixList::Get().ctx();
  if (psl == nullptr || name.empty()) return false;
  return psl_is_public_suffix(psl, name.c_str()) != 0;
}

bool PublicSuffixListLoaded() { return PublicSuffixList::Get().ctx() != nullptr; }

}  // namespace dkim
