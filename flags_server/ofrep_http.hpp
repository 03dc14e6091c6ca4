#pragma once
// OFREP over HTTP: the routes, bearer-token authentication and CORS, on a cpp-httplib server.
// The protocol itself is flags/ofrep.hpp's (pure); this file moves bytes and headers.

#include <functional>
#include <string>
#include <vector>

#include "flags/flag_catalog.hpp"
#include "flags_metrics.hpp"

namespace httplib {
class Server;
}

namespace cutover::flag_server {

struct OfrepHttpOptions {
  /// Accepted bearer tokens. Empty: every request is served (the Service is the boundary).
  std::vector<std::string> tokens;
  /// Browser origins allowed by CORS; "*" allows any. Empty: no CORS headers.
  std::vector<std::string> cors_allowed_origins;
};

/// Serves `POST /ofrep/v1/evaluate/flags/{key}` and `POST /ofrep/v1/evaluate/flags` from
/// `catalog` on `server`. Until `ready()` is true (the FeatureFlags have been listed once) both
/// answer 503, so that no client takes "not listed yet" for "no such flag".
///
/// - Authentication: with tokens, a request without `Authorization: Bearer <one of them>` gets
///   401 and `WWW-Authenticate: Bearer`. Tokens are compared in constant time, never logged.
/// - CORS: an allowed `Origin` gets `Access-Control-Allow-Origin` and `...-Expose-Headers:
///   ETag`; a preflight (`OPTIONS`) from it gets 204 with the methods and headers OFREP uses,
///   before authentication (browsers send no credentials in a preflight).
/// - Bodies over 1 MiB get 413.
void mount_ofrep(httplib::Server& server, const flags::FlagCatalog& catalog,
                 OfrepHttpOptions options, FlagsMetrics& metrics, std::function<bool()> ready);

/// Reads bearer tokens from `path`: one per line; blank lines and lines starting with '#' are
/// skipped. An unreadable file, or one with no token, is an error naming the file and the flag.
std::expected<std::vector<std::string>, std::string> read_tokens(const std::string& path);

}  // namespace cutover::flag_server
