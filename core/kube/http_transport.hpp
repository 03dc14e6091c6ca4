#pragma once
// The HTTP seam of the Kubernetes client. `RestClient` speaks only to this interface; the real
// implementation is cpp-httplib over OpenSSL, and unit tests substitute a fake.

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kube/error.hpp"
#include "kube/rest_config.hpp"

namespace cutover::kube {

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // path and query, e.g. /api/v1/namespaces/default/pods?limit=500
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{30'000};          // for each read and write
  std::chrono::milliseconds connect_timeout{10'000};  // for a new connection (TCP and TLS)
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string retry_after;   // raw Retry-After header, if any
  std::string content_type;  // raw Content-Type header
};

/// Called with each chunk of a streamed body; return false to stop reading.
using ChunkHandler = std::function<bool(std::string_view)>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  /// One request, one response. Thread-safe; connections are reused (keep-alive).
  /// Transport failures (refused, TLS, timeout) are errors; any HTTP status is a response.
  virtual std::expected<HttpResponse, Error> send(const HttpRequest& request) = 0;
  /// A long-lived GET whose body is handed to `on_chunk` as it arrives (watch). Returns when
  /// the server closes, `on_chunk` returns false, or `stop` is requested (then the error is
  /// `cancelled`). For a non-2xx status the body is collected into the response instead.
  virtual std::expected<HttpResponse, Error> stream(const HttpRequest& request,
                                                    const ChunkHandler& on_chunk,
                                                    std::stop_token stop) = 0;
};

/// The real transport for `config`: TLS verification on unless the kubeconfig says
/// insecure-skip-tls-verify, client certificates, tls-server-name. Fails early on a bad CA or
/// key, with a message that says which.
std::expected<std::unique_ptr<HttpTransport>, Error> make_http_transport(const RestConfig& config);

}  // namespace cutover::kube
