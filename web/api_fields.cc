// The resource routes' readers (see api_fields.h).
#include "web/api_fields.h"

#include <charconv>

namespace web {

base::Result<std::string> RequiredString(const Json& body, const std::string& name) {
  if (!body.is_object()) return base::Invalid("the request body must be a JSON object");
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) return base::Invalid(name + " is required");
  std::string value = found->get<std::string>();
  if (value.empty()) return base::Invalid(name + " must not be empty");
  return value;
}

std::optional<std::string> OptionalString(const Json& body, const std::string& name) {
  if (!body.is_object()) return std::nullopt;
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) return std::nullopt;
  return found->get<std::string>();
}

std::optional<int> OptionalInt(const Json& body, const std::string& name) {
  if (!body.is_object()) return std::nullopt;
  auto found = body.find(name);
  if (found == body.end() || found->is_null()) return std::nullopt;
  return found->get<int>();
}

base::Result<int64_t> PathId(const ApiRequest& request, const std::string& name) {
  const std::string& text = request.path.at(name);
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) {
    return base::Invalid(name + " must be a positive integer, not \"" + text + "\"");
  }
  return value;
}

base::Result<ApiReply> Reply(base::Result<Json> json, int status) {
  if (!json) return json.failure();
  return ApiReply(status, std::move(*json));
}

base::Result<ApiReply> NoContentOr(const base::Status& status) {
  if (!status) return status.failure();
  return ApiReply::NoContent();
}

}  // namespace web
