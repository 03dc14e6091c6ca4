#pragma once
// A KubeClient that reads from informers and writes through another client, as
// controller-runtime's default client does. The operator's reconciles go through it; `deploy run`
// keeps a RestClient and reads the server.
//
// - Reads (`get`, `list`, `list_all`) of a kind some informer serves, in a namespace it covers,
//   come from its store: no request. An object missing from a synced store is `not_found`. A
//   subresource, a field selector or a set-based label selector goes to the server.
// - Writes go to the server. What a write returns (trimmed by the informer's transform) goes
//   straight into the store, so the next read sees the written version even before its watch
//   event arrives, and a late event for an older version cannot bring the old one back (Store
//   keeps the newest resourceVersion). A scale write updates the cached object's replicas.
//
// Thread-safe when its informers are registered before use.

#include <atomic>
#include <vector>

#include "kube/informer.hpp"
#include "kube/kube_client.hpp"

namespace cutover::kube {

class CachedClient final : public KubeClient {
 public:
  explicit CachedClient(KubeClient& server);

  /// From now on, reads of `informer`'s kind (in the namespaces it covers) come from its store.
  /// Register every informer before the first read; `informer` must outlive this client.
  void serve(Informer& informer);

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
  Result<HttpResponse> watch(const ResourceRef& ref, const std::string& query,
                             const ChunkHandler& on_chunk, std::stop_token stop,
                             std::chrono::milliseconds timeout,
                             AllNamespaces all = AllNamespaces::no) override;

  /// Reads answered from a store, and reads passed to the server (for tests and benchmarks).
  [[nodiscard]] std::uint64_t cache_reads() const { return cache_reads_.load(); }
  [[nodiscard]] std::uint64_t server_reads() const { return server_reads_.load(); }

 private:
  Informer* informer_for(const ResourceRef& ref, AllNamespaces all = AllNamespaces::no) const;
  Result<Json> list_from(Informer& informer, const ResourceRef& ref, const ListOptions& options,
                         bool* served);
  // Puts what a write returned into the store of its kind, if one serves it.
  void read_back(const ResourceRef& ref, const std::string& subresource, const Json& written);

  KubeClient& server_;
  std::vector<Informer*> informers_;
  std::atomic<std::uint64_t> cache_reads_{0};
  std::atomic<std::uint64_t> server_reads_{0};
};

}  // namespace cutover::kube
