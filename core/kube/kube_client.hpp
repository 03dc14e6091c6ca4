#pragma once
// The interface every part of Cutover uses to talk to Kubernetes. Objects are JSON
// (`nlohmann::json`), exactly as the API serves them. `RestClient` is the real implementation.

#include <chrono>
#include <expected>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <string>

#include "kube/error.hpp"
#include "kube/http_transport.hpp"
#include "kube/resource.hpp"

namespace cutover::kube {

using Json = nlohmann::json;
template <typename T>
using Result = std::expected<T, Error>;

class KubeClient {
 public:
  virtual ~KubeClient() = default;

  virtual Result<Json> get(const ResourceRef& ref, const std::string& name,
                           const std::string& subresource = "") = 0;
  /// One page. The returned List carries `metadata.continue` when more remain.
  virtual Result<Json> list(const ResourceRef& ref, const ListOptions& options) = 0;
  /// Every page, followed through `continue` tokens, as one List.
  virtual Result<Json> list_all(const ResourceRef& ref, ListOptions options) = 0;
  virtual Result<Json> create(const ResourceRef& ref, const Json& object) = 0;
  /// PUT. With `metadata.resourceVersion` set, a stale object fails with `conflict`.
  virtual Result<Json> update(const ResourceRef& ref, const Json& object,
                              const std::string& subresource = "") = 0;
  virtual Result<Json> patch(const ResourceRef& ref, const std::string& name, PatchType type,
                             const Json& patch, const std::string& subresource = "") = 0;
  /// Server-side apply. Another manager's field fails with `conflict` unless `force`.
  virtual Result<Json> apply(const ResourceRef& ref, const Json& object,
                             const ApplyOptions& options, const std::string& subresource = "") = 0;
  virtual Result<Json> remove(const ResourceRef& ref, const std::string& name,
                              const DeleteOptions& options = {}) = 0;
  /// Streams a watch of `ref`'s collection: the raw newline-delimited JSON body is handed to
  /// `on_chunk` as it arrives, until the server ends it, `on_chunk` returns false, `stop` is
  /// requested or `timeout` passes. `query` is the built query string (see Reflector). A client
  /// that cannot watch (a unit test's fake) answers `method_not_allowed`.
  virtual Result<HttpResponse> watch(const ResourceRef& ref, const std::string& query,
                                     const ChunkHandler& on_chunk, std::stop_token stop,
                                     std::chrono::milliseconds timeout,
                                     AllNamespaces all = AllNamespaces::no);
};

inline Result<HttpResponse> KubeClient::watch(const ResourceRef& ref, const std::string& /*query*/,
                                              const ChunkHandler& /*on_chunk*/,
                                              std::stop_token /*stop*/,
                                              std::chrono::milliseconds /*timeout*/,
                                              AllNamespaces /*all*/) {
  return std::unexpected(Error{ErrorReason::method_not_allowed,
                               0,
                               "this client cannot watch " + ref.kind,
                               {},
                               std::nullopt});
}

}  // namespace cutover::kube
