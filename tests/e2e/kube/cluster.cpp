#include "kube/cluster.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>

namespace cutover::e2e {

std::filesystem::path state_dir() {
  // CTest passes KUBECONFIG=<state>/kubeconfig; the state folder is its parent.
  if (const char* dir = std::getenv("CUTOVER_CLUSTER_STATE"); dir != nullptr && *dir != 0) {
    return dir;
  }
  if (const char* kubeconfig = std::getenv("KUBECONFIG");
      kubeconfig != nullptr && *kubeconfig != 0) {
    return std::filesystem::path(kubeconfig).parent_path();
  }
  return std::filesystem::path(CUTOVER_SOURCE_DIR) / ".cluster";
}

std::string cluster_script() {
  return std::string(CUTOVER_SOURCE_DIR) + "/scripts/cluster";
}

kube::RestConfig admin_config() {
  auto config = kube::resolve_rest_config({}, kube::Environment::system());
  if (!config) {
    ADD_FAILURE() << "cannot load the cluster's kubeconfig: " << config.error().describe();
    std::abort();
  }
  return *config;
}

std::unique_ptr<kube::RestClient> client_for(const kube::RestConfig& config,
                                             kube::ClientOptions options) {
  auto client = kube::RestClient::create(config, options);
  if (!client) {
    ADD_FAILURE() << "cannot create a client: " << client.error().describe();
    std::abort();
  }
  return std::move(*client);
}

TestNamespace::TestNamespace(kube::RestClient& client, const std::string& prefix)
    : client_(client) {
  std::random_device device;
  name_ = prefix + "-" + std::to_string(device() % 1'000'000);
  auto created = client_.create({"v1", "Namespace", ""},
                                {{"apiVersion", "v1"},
                                 {"kind", "Namespace"},
                                 {"metadata", {{"name", name_}, {"labels", {{"e2e", "true"}}}}}});
  if (!created) {
    ADD_FAILURE() << "cannot create namespace " << name_ << ": " << created.error().describe();
  }
}

TestNamespace::~TestNamespace() {
  (void)client_.remove({"v1", "Namespace", ""}, name_);
}

kube::Json config_map(const std::string& name, const kube::Json& data) {
  return {
      {"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", data}};
}

}  // namespace cutover::e2e
