#pragma once
// Names for API objects and the options of each verb.

#include <cstdint>
#include <string>

namespace cutover::kube {

/// Which kind of object, and where. `namespace_name` empty means the client's default namespace
/// for namespaced kinds; it is ignored for cluster-scoped kinds.
struct ResourceRef {
  std::string api_version;  // "v1", "apps/v1", "cutover.dev/v1alpha1"
  std::string kind;         // "ConfigMap"
  std::string namespace_name;
};

/// What discovery knows about a kind.
struct ResourceInfo {
  std::string group;  // "" for the core group
  std::string version;
  std::string resource;  // plural, e.g. "configmaps"
  std::string kind;
  bool namespaced = true;
};

enum class AllNamespaces { no, yes };

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::int64_t limit = 0;  // 0: no limit (list_all pages by 500 anyway)
  std::string continue_token;
  std::string resource_version;
  AllNamespaces all_namespaces = AllNamespaces::no;
};

enum class PatchType { json_merge, strategic_merge, json_patch };
enum class Force { no, yes };
enum class Propagation { background, foreground, orphan };

struct ApplyOptions {
  std::string field_manager = "cutover";
  Force force = Force::no;
};

struct DeleteOptions {
  Propagation propagation = Propagation::background;
  std::string precondition_resource_version;  // delete only this version
};

/// `subresource` names, for readability at call sites.
inline constexpr const char* kStatus = "status";
inline constexpr const char* kScale = "scale";

}  // namespace cutover::kube
