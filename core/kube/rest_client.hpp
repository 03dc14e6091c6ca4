#pragma once
// The real KubeClient: REST over HTTPS with discovery, credentials, a QPS/burst limit and
// typed errors. Thread-safe: one instance serves every controller of the operator.
//
// **Example**:
//     auto client = RestClient::create(config);
//     auto cm = (*client)->get({"v1", "ConfigMap", "default"}, "settings");
//     if (!cm && cm.error().reason == ErrorReason::not_found) { ... }

#include <functional>
#include <memory>
#include <stop_token>

#include "kube/api_call.hpp"
#include "kube/credential_source.hpp"
#include "kube/discovery.hpp"
#include "kube/http_transport.hpp"
#include "kube/kube_client.hpp"
#include "kube/rate_limiter.hpp"
#include "kube/rest_config.hpp"
#include "util/clock.hpp"
#include "util/process_runner.hpp"

namespace cutover::kube {

struct ClientOptions {
  double qps = 50;
  int burst = 100;
  std::chrono::milliseconds timeout{30'000};
  std::string user_agent;  // default: cutover/<version> (linux/amd64)
  int max_retries_on_429 = 3;
  /// Called after every response, for metrics and for logging refusals (see `ApiCall`).
  std::function<void(const ApiCall& call)> on_response;
};

class RestClient final : public KubeClient {
 public:
  RestClient(RestConfig config, std::unique_ptr<HttpTransport> transport, ClientOptions options,
             Clock& clock, ProcessRunner& runner);

  /// Builds the real transport for `config`.
  static Result<std::unique_ptr<RestClient>> create(const RestConfig& config,
                                                    ClientOptions options = {});

  Result<Json> get(const ResourceRef& ref, const std::string& name,
                   const std::string& subresource = "") override;
  Result<Json> list(const ResourceRef& ref, const ListOptions& options) override;
  Result<Json> list_all(const ResourceRef& ref, ListOptions options) override;
  Result<Json> create(const ResourceRef& ref, const Json& object) override;
  Result<Json> update(const ResourceRef& ref, const Json& object,
                      const std::string& subresource = "") override;
  Result<Json> patch(const ResourceRef& ref, const std::string& name, PatchType type,
                     const Json& patch, const std::string& subresource = "") override;
  Result<Json> apply(const ResourceRef& ref, const Json& object, const ApplyOptions& options,
                     const std::string& subresource = "") override;
  Result<Json> remove(const ResourceRef& ref, const std::string& name,
                      const DeleteOptions& options = {}) override;

  /// POST to a subresource that creates something, e.g. `serviceaccounts/NAME/token`.
  Result<Json> create_subresource(const ResourceRef& ref, const std::string& name,
                                  const std::string& subresource, const Json& body);

  /// GET of a raw API path such as `/version` or `/apis`.
  Result<Json> get_path(const std::string& path);

  Result<HttpResponse> watch(const ResourceRef& ref, const std::string& query,
                             const ChunkHandler& on_chunk, std::stop_token stop,
                             std::chrono::milliseconds timeout,
                             AllNamespaces all = AllNamespaces::no) override;

  /// The collection path for `ref`, e.g. /apis/apps/v1/namespaces/default/deployments.
  Result<std::string> collection_path(const ResourceRef& ref,
                                      AllNamespaces all = AllNamespaces::no);

  [[nodiscard]] const RestConfig& config() const { return config_; }
  [[nodiscard]] const CredentialSource& credentials() const { return credentials_; }

 private:
  Result<Json> request(const std::string& method, const std::string& target,
                       const std::string& body = "", const std::string& content_type = "");
  Result<HttpResponse> send_authorized(HttpRequest request);
  Result<std::string> object_path(const ResourceRef& ref, const std::string& name,
                                  const std::string& subresource);

  RestConfig config_;
  std::unique_ptr<HttpTransport> transport_;
  ClientOptions options_;
  Clock& clock_;
  CredentialSource credentials_;
  RateLimiter limiter_;
  Discovery discovery_;
};

/// Builds a query string ("?a=b&c=d", or "" when empty) from list options.
std::string list_query(const ListOptions& options);

}  // namespace cutover::kube
