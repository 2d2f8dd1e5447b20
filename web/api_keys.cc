// The key resources (see api_resources.h), the life cycle of RFC 5863
// section 3.5:
//   GET    /lists/{list}/keys                      the keys
//   POST   /lists/{list}/keys                      generate {algorithm, bits, selector}
//   POST   /lists/{list}/keys/rotate               the next keys {algorithm, bits}
//   GET    /lists/{list}/keys/{selector}/dns       the TXT record to publish
//   GET    /lists/{list}/keys/{selector}/check     look it up now (changes nothing)
//   POST   /lists/{list}/keys/{selector}/activate  refused (409) until DNS matches
//   POST   /lists/{list}/keys/{selector}/retire    stop signing
//   DELETE /lists/{list}/keys/{selector}           delete a key that does not sign
// ?algorithm=rsa|ed25519 picks one key when a selector has two.
#include "web/api_fields.h"
#include "web/api_resources.h"

namespace web {
namespace {

// The algorithm a request names: the query's, else the body's, else "".
base::Result<std::string> AlgorithmOf(const ApiRequest& request) {
  if (auto given = request.Query("algorithm")) return *given;
  auto body = request.JsonBody();
  if (!body) return body.failure();
  return OptionalString(*body, "algorithm").value_or("");
}

}  // namespace

void AddKeyRoutes(ApiRoutes& routes, KeyOperations& keys) {
  routes.Add("GET", "/lists/{list}/keys", Access::kListModerator,
             [&keys](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(keys.Keys(request.path.at("list")));
             });
  routes.Add("POST", "/lists/{list}/keys", Access::kListOwner,
             [&keys](const ApiRequest& request) -> base::Result<ApiReply> {
               auto body = request.JsonBody();
               if (!body) return body.failure();
               auto algorithm = RequiredString(*body, "algorithm");
               if (!algorithm) return algorithm.failure();
               return Reply(keys.Generate(request.principal.actor, request.path.at("list"),
                                          *algorithm, OptionalInt(*body, "bits"),
                                          OptionalString(*body, "selector"), request.now),
                            201);
             });
  routes.Add("POST", "/lists/{list}/keys/rotate", Access::kListOwner,
             [&keys](const ApiRequest& request) -> base::Result<ApiReply> {
               auto body = request.JsonBody();
               if (!body) return body.failure();
               return Reply(keys.Rotate(request.principal.actor, request.path.at("list"),
                                        OptionalString(*body, "algorithm").value_or(""),
                                        OptionalInt(*body, "bits"), request.now),
                            201);
             });
  routes.Add("GET", "/lists/{list}/keys/{selector}/dns", Access::kListModerator,
             [&keys](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(keys.DnsRecords(request.path.at("list"), request.path.at("selector")));
             });
  routes.Add("GET", "/lists/{list}/keys/{selector}/check", Access::kListModerator,
             [&keys](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(keys.Check(request.path.at("list"), request.path.at("selector")));
             });
  routes.Add("POST", "/lists/{list}/keys/{selector}/activate", Access::kListOwner,
             [&keys](const ApiRequest& request) -> base::Result<ApiReply> {
               auto algorithm = AlgorithmOf(request);
               if (!algorithm) return algorithm.failure();
               return Reply(keys.Activate(request.principal.actor, request.path.at("list"),
                                          request.path.at("selector"), *algorithm, request.now));
             });
  routes.Add("POST", "/lists/{list}/keys/{selector}/retire", Access::kListOwner,
             [&keys](const ApiRequest& request) -> base::Result<ApiReply> {
               auto algorithm = AlgorithmOf(request);
               if (!algorithm) return algorithm.failure();
               return Reply(keys.Retire(request.principal.actor, request.path.at("list"),
                                        request.path.at("selector"), *algorithm, request.now));
             });
  routes.Add("DELETE", "/lists/{list}/keys/{selector}", Access::kListOwner,
             [&keys](const ApiRequest& request) -> base::Result<ApiReply> {
               return Reply(keys.Remove(request.principal.actor, request.path.at("list"),
                                        request.path.at("selector"),
                                        request.Query("algorithm").value_or(""), request.now));
             });
}

}  // namespace web
