#pragma once
// OFREP over HTTP: the routes, bearer-token authentication and CORS, as one function from a
// request's parts to an answer. It knows no HTTP library: ofrep_listener.hpp moves the bytes.
// The protocol itself is flags/ofrep.hpp's (pure).

#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flags/flag_catalog.hpp"
#include "flags_metrics.hpp"

namespace cutover::flag_server {

struct OfrepHttpOptions {
  /// Accepted bearer tokens. Empty: every request is served (the Service is the boundary).
  std::vector<std::string> tokens;
  /// Browser origins allowed by CORS; "*" allows any. Empty: no CORS headers.
  std::vector<std::string> cors_allowed_origins;
};

/// The parts of a request OFREP reads. The views live as long as the call to `handle`.
struct OfrepHttpRequest {
  std::string_view method;
  std::string_view path;  // percent-decoded, without the query
  std::string_view origin;
  std::string_view authorization;
  std::string_view selector;       // Flagd-Selector
  std::string_view if_none_match;  // If-None-Match
  std::string_view body;
  /// The body was longer than kMaxOfrepBody and was not kept: the answer is 413.
  bool body_too_large = false;
};

struct OfrepHttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/-Length
  std::string body;                                          // JSON when not empty
};

/// The largest request body served; a longer one gets 413.
inline constexpr std::size_t kMaxOfrepBody = 1024 * 1024;

/// Serves `POST /ofrep/v1/evaluate/flags/{key}` and `POST /ofrep/v1/evaluate/flags[/]` from a
/// FlagCatalog. Until `ready()` is true (the FeatureFlags have been listed once) both answer
/// 503 with `Retry-After: 1`, so that no client takes "not listed yet" for "no such flag".
///
/// - Authentication: with tokens, a request without `Authorization: Bearer <one of them>` gets
///   401 and `WWW-Authenticate: Bearer`. Tokens are compared in constant time, never logged.
/// - CORS: an allowed `Origin` gets `Access-Control-Allow-Origin` and `...-Expose-Headers:
///   ETag`; a preflight (`OPTIONS`) from it gets 204 with the methods and headers OFREP uses,
///   before authentication (browsers send no credentials in a preflight).
/// - Another method on an OFREP path: 405 with `Allow: POST, OPTIONS`; a path outside
///   `/ofrep/`, or an OFREP path that is neither endpoint: 404. Bodies over 1 MiB: 413.
/// Thread-safe: `handle` may run on every server thread at once.
class OfrepHttp {
 public:
  OfrepHttp(const flags::FlagCatalog& catalog, OfrepHttpOptions options, FlagsMetrics& metrics,
            std::function<bool()> ready);

  OfrepHttpResponse handle(const OfrepHttpRequest& request) const;

  bool authenticated() const { return !options_.tokens.empty(); }

 private:
  const flags::FlagCatalog& catalog_;
  OfrepHttpOptions options_;
  FlagsMetrics& metrics_;
  std::function<bool()> ready_;
};

/// Reads bearer tokens from `path`: one per line; blank lines and lines starting with '#' are
/// skipped. An unreadable file, or one with no token, is an error naming the file and the flag.
std::expected<std::vector<std::string>, std::string> read_tokens(const std::string& path);

}  // namespace cutover::flag_server
