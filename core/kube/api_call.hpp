#pragma once
// What one API request was, in RBAC's words: the verb, group, resource (with subresource),
// namespace and name that the API server authorized, read back from the method and the
// request path, as the API server's own request-info resolver does. Used to log and count
// refusals (a 403 names what to grant), never to build requests.

#include <string>
#include <string_view>

namespace cutover::kube {

/// One response, as `ClientOptions::on_response` reports it. The views live only for the call.
struct ApiCall {
  std::string_view method;  // GET, POST, PUT, PATCH, DELETE, or WATCH for a watch stream
  std::string_view target;  // path and query, e.g. /apis/apps/v1/namespaces/shop/deployments
  int status = 0;           // HTTP status; 0 when no answer came (transport failure)
  std::string_view body;    // the response body (empty for a watch)
};

/// A request in RBAC's terms. `resource` includes the subresource ("deployments/scale"); `group`
/// is "" for the core API. Fields are empty where the path has none (a collection has no name;
/// a cluster-scoped object no namespace). Paths that are not resources (/version, /healthz)
/// give an empty `resource`.
struct ApiTarget {
  std::string verb;  // get, list, watch, create, update, patch, delete, deletecollection
  std::string group;
  std::string resource;
  std::string namespace_name;
  std::string name;
};

/// **Example**: `PATCH /apis/apps/v1/namespaces/shop/deployments/web-a/scale` gives
/// `{patch, apps, deployments/scale, shop, web-a}`.
ApiTarget api_target(std::string_view method, std::string_view target);

/// The `message` of a Kubernetes `Status` body, or "" when the body is not one.
std::string status_message(std::string_view body);

}  // namespace cutover::kube
