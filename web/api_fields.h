// The small readers the resource routes share: fields of a JSON body, a
// numeric path segment, a JSON answer wrapped as a reply. Wrong JSON types
// throw nlohmann's type_error, which ApiRoutes::Dispatch answers as kind
// invalid.
#ifndef LISTD_WEB_API_FIELDS_H_
#define LISTD_WEB_API_FIELDS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "web/api_routes.h"

namespace web {

// The string field `name` of `body`; kind invalid when absent or empty.
base::Result<std::string> RequiredString(const Json& body, const std::string& name);
// The string field `name`, if present and not null.
std::optional<std::string> OptionalString(const Json& body, const std::string& name);
// The integer field `name`, if present and not null.
std::optional<int> OptionalInt(const Json& body, const std::string& name);
// The named path segment as an id (a positive integer); kind invalid else.
base::Result<int64_t> PathId(const ApiRequest& request, const std::string& name);
// `json` as a 200 reply, or its failure.
base::Result<ApiReply> Reply(base::Result<Json> json, int status = 200);
// 204 on success, or the failure.
base::Result<ApiReply> NoContentOr(const base::Status& status);

}  // namespace web

#endif  // LISTD_WEB_API_FIELDS_H_
