#pragma once
// The one error type of the Kubernetes client. A `Status` body from the API server is decoded
// into it (see `decode_status`), and so are transport failures, so callers branch on
// `reason` rather than on HTTP codes.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cutover::kube {

/// Why a request failed. Mirrors `metav1.StatusReason`, plus the client-side failures.
enum class ErrorReason {
  unknown,
  not_found,
  already_exists,
  conflict,
  invalid,
  forbidden,
  unauthorized,
  too_many_requests,
  gone,     // 410: the resourceVersion is too old; relist.
  expired,  // "Expired" reason, also 410.
  timeout,  // client-side timeout or the server's "Timeout" reason.
  server_timeout,
  bad_request,
  method_not_allowed,
  unsupported_media_type,
  internal_error,
  service_unavailable,
  transport,  // connection refused, TLS failure, reset.
  decode,     // the body was not what the API promises.
  auth,       // the client could not get credentials (exec plugin failed, token file missing).
  cancelled,  // the caller stopped the operation.
};

/// The snake-case name of a reason, e.g. `not_found`. For messages and metric labels.
std::string_view to_string(ErrorReason reason);

/// One entry of `Status.details.causes`, e.g. a field that failed validation.
struct StatusCause {
  std::string reason;
  std::string message;
  std::string field;
};

struct Error {
  ErrorReason reason = ErrorReason::unknown;
  int http_status = 0;  // 0 when the request never got an answer.
  std::string message;
  std::vector<StatusCause> causes;
  /// From `details.retryAfterSeconds` or the `Retry-After` header.
  std::optional<std::chrono::seconds> retry_after;

  /// One line for humans: `conflict (409): Operation cannot be fulfilled ...; field x: y`.
  [[nodiscard]] std::string describe() const;
  /// True for 410 Gone/Expired: the watch must relist.
  [[nodiscard]] bool is_gone() const {
    return reason == ErrorReason::gone || reason == ErrorReason::expired;
  }
};

/// Decodes an error response. `body` is usually a `Status` object; anything else (HTML from a
/// proxy, an empty body) still yields a useful error classified by `http_status`.
/// `retry_after_header` is the raw `Retry-After` header value, if any.
/// Never throws, whatever the input.
Error decode_status(int http_status, std::string_view body,
                    std::string_view retry_after_header = {});

}  // namespace cutover::kube
