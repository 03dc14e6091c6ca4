#pragma once
// The operator's manifests (operator/config: CRDs, RBAC, manager), compiled into `deploy` at
// build time (cli/embed_manifests.cmake), so `deploy install` works from an installed binary
// with no source tree.

#include <span>
#include <string_view>

namespace cutover::cli {

struct EmbeddedManifest {
  std::string_view path;  // relative to operator/config, e.g. "crd/rollouts.cutover.dev.yaml"
  std::string_view text;  // the file's YAML, byte for byte
};

/// Every YAML file of operator/config except the kustomizations, sorted by path. Static
/// storage; thread-safe.
std::span<const EmbeddedManifest> embedded_manifests();

}  // namespace cutover::cli
