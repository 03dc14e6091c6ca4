#pragma once
// What `deploy install` applies and `deploy uninstall` removes, built from the embedded
// operator/config manifests. Pure, so tests check the objects without a cluster.

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cutover::cli {

using Json = nlohmann::json;

inline constexpr const char* kOperatorNamespace = "cutover-system";
inline constexpr const char* kOperatorImage = "cutover/deploy-operator";

struct InstallSpec {
  /// Empty: the operator watches every namespace (ClusterRole). Else `--namespaced NS`: a Role
  /// in NS, and the operator runs with --namespace=NS --leader-election-namespace=NS.
  std::string watch_namespace;
  std::string version;  // the operator image's tag
  /// `--flags`: also deploy-flags, the OFREP server (operator/config/flags). Namespaced, it
  /// serves only that namespace and its ClusterRole is bound there by a RoleBinding.
  bool flags = false;
  /// `--dashboard`: also deploy-dashboard (operator/config/dashboard), cluster-wide only.
  bool dashboard = false;
};

/// The objects to apply, in order: Namespace, CRDs, ServiceAccount, RBAC, operator Deployment,
/// then with `flags` the FeatureFlag CRD (`is_borrowed`) and deploy-flags' ServiceAccount, RBAC,
/// Deployment and Service, then with `dashboard` deploy-dashboard's.
/// Each is labelled `app.kubernetes.io/part-of: cutover`. The error names the manifest that
/// did not parse (a build problem, never the user's).
std::expected<std::vector<Json>, std::string> install_objects(const InstallSpec& spec);

/// True for a CustomResourceDefinition.
bool is_crd(const Json& object);

/// True for an object Cutover installs only when the cluster lacks it and never changes or
/// deletes: the OpenFeature Operator's FeatureFlag CRD (`deploy install --flags`). The cluster
/// may have it from the OpenFeature Operator, perhaps newer; replacing it could drop a version
/// its FeatureFlags are stored in, and deleting it would delete every FeatureFlag.
bool is_borrowed(const Json& object);

/// `ownerReferences` without the entries that point at a Rollout (cutover.dev). Used to detach slot
/// Deployments before the Rollout CRD goes, so that garbage collection keeps them.
Json without_rollout_owners(const Json& owner_references);

/// `finalizers` without ours (`cutover.dev/restore-services`).
Json without_our_finalizer(const Json& finalizers);

}  // namespace cutover::cli
