#pragma once
// Shared set-up for end-to-end tests: clients for the local cluster's users, and a throwaway
// namespace per test.

#include <filesystem>
#include <memory>
#include <string>

#include "kube/rest_client.hpp"

namespace cutover::e2e {

/// The cluster's state folder (CUTOVER_CLUSTER_STATE, set by CTest).
std::filesystem::path state_dir();

/// The path of scripts/cluster.
std::string cluster_script();

/// The admin (bearer token, system:masters) config from $KUBECONFIG.
kube::RestConfig admin_config();

/// A client for `config`; fails the calling test (via ADD_FAILURE + abort) if it cannot be made.
std::unique_ptr<kube::RestClient> client_for(const kube::RestConfig& config,
                                             kube::ClientOptions options = {});

/// Creates a namespace with a unique name on construction and deletes it on destruction.
class TestNamespace {
 public:
  explicit TestNamespace(kube::RestClient& client, const std::string& prefix);
  ~TestNamespace();
  TestNamespace(const TestNamespace&) = delete;
  TestNamespace& operator=(const TestNamespace&) = delete;
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  kube::RestClient& client_;
  std::string name_;
};

/// A ConfigMap object.
kube::Json config_map(const std::string& name, const kube::Json& data);

}  // namespace cutover::e2e
