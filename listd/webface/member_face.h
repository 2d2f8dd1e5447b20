// MemberFace: web::MemberOperations over MemberService and the member view,
// on the web face's shared store: the same calls `listctl member add | rm
// | set | import | export` make, with the caller's actor in each event.
// Pages come from MemberService::Page (an indexed query, never the whole
// roster); import and export hold the text in memory (the server bounds a
// request at 16 MiB).
// Thread-safety: any thread (SharedStore serialises the calls).
#ifndef LISTD_LISTD_WEBFACE_MEMBER_FACE_H_
#define LISTD_LISTD_WEBFACE_MEMBER_FACE_H_

#include "listd/webface/shared_store.h"
#include "web/member_operations.h"

namespace listd::webface {

class MemberFace : public web::MemberOperations {
 public:
  explicit MemberFace(SharedStore& store) : store_(store) {}

  base::Result<nlohmann::json> Members(const std::string& list,
                                       const web::MemberPageQuery& query) override;
  base::Result<nlohmann::json> Member(const std::string& list, const std::string& address) override;
  base::Result<nlohmann::json> AddMember(const std::string& actor, const std::string& list,
                                         const std::string& address, const std::string& role,
                                         int64_t now) override;
  base::Status RemoveMember(const std::string& actor, const std::string& list,
                            const std::string& address, int64_t now) override;
  base::Result<nlohmann::json> ChangeMember(const std::string& actor, const std::string& list,
                                            const std::string& address,
                                            const web::MemberChange& change, int64_t now) override;
  base::Result<nlohmann::json> Import(const std::string& actor, const std::string& list,
                                      const std::string& text, int64_t now) override;
  base::Result<std::string> Export(const std::string& list) override;

 private:
  SharedStore& store_;
};

}  // namespace listd::webface

#endif  // LISTD_LISTD_WEBFACE_MEMBER_FACE_H_
