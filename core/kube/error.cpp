#include "kube/error.hpp"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "util/json_fields.hpp"

namespace cutover::kube {

std::string_view to_string(ErrorReason reason) {
  switch (reason) {
    case ErrorReason::unknown:
      return "unknown";
    case ErrorReason::not_found:
      return "not_found";
    case ErrorReason::already_exists:
      return "already_exists";
    case ErrorReason::conflict:
      return "conflict";
    case ErrorReason::invalid:
      return "invalid";
    case ErrorReason::forbidden:
      return "forbidden";
    case ErrorReason::unauthorized:
      return "unauthorized";
    case ErrorReason::too_many_requests:
      return "too_many_requests";
    case ErrorReason::gone:
      return "gone";
    case ErrorReason::expired:
      return "expired";
    case ErrorReason::timeout:
      return "timeout";
    case ErrorReason::server_timeout:
      return "server_timeout";
    case ErrorReason::bad_request:
      return "bad_request";
    case ErrorReason::method_not_allowed:
      return "method_not_allowed";
    case ErrorReason::unsupported_media_type:
      return "unsupported_media_type";
    case ErrorReason::internal_error:
      return "internal_error";
    case ErrorReason::service_unavailable:
      return "service_unavailable";
    case ErrorReason::transport:
      return "transport";
    case ErrorReason::decode:
      return "decode";
    case ErrorReason::auth:
      return "auth";
    case ErrorReason::cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string Error::describe() const {
  std::string out(to_string(reason));
  if (http_status != 0) {
    out += fmt::format(" ({})", http_status);
  }
  out += ": ";
  out += message.empty() ? "no message" : message;
  for (const auto& cause : causes) {
    out += "; ";
    if (!cause.field.empty()) {
      out += cause.field + ": ";
    }
    out += cause.message.empty() ? cause.reason : cause.message;
  }
  return out;
}

namespace {

ErrorReason reason_from_status_reason(std::string_view reason) {
  if (reason == "NotFound")
    return ErrorReason::not_found;
  if (reason == "AlreadyExists")
    return ErrorReason::already_exists;
  if (reason == "Conflict")
    return ErrorReason::conflict;
  if (reason == "Invalid")
    return ErrorReason::invalid;
  if (reason == "Forbidden")
    return ErrorReason::forbidden;
  if (reason == "Unauthorized")
    return ErrorReason::unauthorized;
  if (reason == "TooManyRequests")
    return ErrorReason::too_many_requests;
  if (reason == "Gone")
    return ErrorReason::gone;
  if (reason == "Expired")
    return ErrorReason::expired;
  if (reason == "Timeout")
    return ErrorReason::timeout;
  if (reason == "ServerTimeout")
    return ErrorReason::server_timeout;
  if (reason == "BadRequest")
    return ErrorReason::bad_request;
  if (reason == "MethodNotAllowed")
    return ErrorReason::method_not_allowed;
  if (reason == "UnsupportedMediaType")
    return ErrorReason::unsupported_media_type;
  if (reason == "InternalError")
    return ErrorReason::internal_error;
  if (reason == "ServiceUnavailable")
    return ErrorReason::service_unavailable;
  return ErrorReason::unknown;
}

ErrorReason reason_from_http(int status) {
  switch (status) {
    case 400:
      return ErrorReason::bad_request;
    case 401:
      return ErrorReason::unauthorized;
    case 403:
      return ErrorReason::forbidden;
    case 404:
      return ErrorReason::not_found;
    case 405:
      return ErrorReason::method_not_allowed;
    case 408:
      return ErrorReason::timeout;
    case 409:
      return ErrorReason::conflict;
    case 410:
      return ErrorReason::gone;
    case 415:
      return ErrorReason::unsupported_media_type;
    case 422:
      return ErrorReason::invalid;
    case 429:
      return ErrorReason::too_many_requests;
    case 500:
      return ErrorReason::internal_error;
    case 503:
      return ErrorReason::service_unavailable;
    case 504:
      return ErrorReason::server_timeout;
    default:
      return ErrorReason::unknown;
  }
}

std::optional<std::chrono::seconds> parse_seconds(std::string_view text) {
  long long value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || value < 0) {
    return std::nullopt;
  }
  return std::chrono::seconds{value};
}

}  // namespace

Error decode_status(int http_status, std::string_view body, std::string_view retry_after_header) {
  Error error;
  error.http_status = http_status;
  error.reason = reason_from_http(http_status);
  if (!retry_after_header.empty()) {
    error.retry_after = parse_seconds(retry_after_header);
  }
  const auto status = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!status.is_object() || string_or(status, "kind") != "Status") {
    // Not a Status: a proxy page, a truncated body. Keep a bounded excerpt for the human.
    constexpr std::size_t kExcerpt = 200;
    error.message = body.empty() ? fmt::format("HTTP {} with an empty body", http_status)
                                 : std::string(body.substr(0, kExcerpt));
    return error;
  }
  error.message = string_or(status, "message");
  const auto from_reason = reason_from_status_reason(string_or(status, "reason"));
  if (from_reason != ErrorReason::unknown) {
    error.reason = from_reason;
  }
  if (const auto details = status.find("details");
      details != status.end() && details->is_object()) {
    if (const auto retry = details->find("retryAfterSeconds");
        retry != details->end() && retry->is_number_integer() && retry->get<long long>() >= 0) {
      error.retry_after = std::chrono::seconds{retry->get<long long>()};
    }
    if (const auto causes = details->find("causes");
        causes != details->end() && causes->is_array()) {
      for (const auto& cause : *causes) {
        if (cause.is_object()) {
          error.causes.push_back(
              {string_or(cause, "reason"), string_or(cause, "message"), string_or(cause, "field")});
        }
      }
    }
  }
  return error;
}

}  // namespace cutover::kube
