#pragma once
// Who a dashboard request comes from, and what it may do, in the API server's own words:
// TokenReview (authentication.k8s.io/v1) turns a bearer token into a user, SubjectAccessReview
// (authorization.k8s.io/v1) asks RBAC whether that user may do one thing to one object. Pure:
// the request bodies and the reading of the answers; access_control.hpp sends them.

#include <expected>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cutover::dashboard {

using Json = nlohmann::json;

/// A user as the API server authenticated it (TokenReview's status.user, SelfSubjectReview's
/// status.userInfo). Groups and extra are passed on whole to every SubjectAccessReview:
/// RBAC grants to groups, `system:authenticated` among them.
struct UserInfo {
  std::string username;
  std::string uid;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> extra;
  bool operator==(const UserInfo&) const = default;
};

/// What a SubjectAccessReview asks about: `verb` on `group`'s `resource` (and `subresource`) in
/// `namespace_name` (empty: cluster-wide), `name` (empty: any).
struct ResourceAttributes {
  std::string verb;
  std::string group;
  std::string resource;
  std::string subresource = {};
  std::string namespace_name = {};
  std::string name = {};
  bool operator==(const ResourceAttributes&) const = default;
};

/// The TokenReview to create for `token`. No audience: the token must be one the API server
/// itself accepts, since the dashboard acts with it.
Json token_review(std::string_view token);

/// The user of a created TokenReview; an error (the API server's reason, which may be shown
/// to nobody but the log) when it says the token is not authenticated.
std::expected<UserInfo, std::string> reviewed_user(const Json& review);

/// The user of a created SelfSubjectReview (what the API server says a credential is).
std::expected<UserInfo, std::string> self_reviewed_user(const Json& review);

/// The SubjectAccessReview asking whether `user` may do `attributes`.
Json subject_access_review(const UserInfo& user, const ResourceAttributes& attributes);

/// The SelfSubjectAccessReview asking whether the credential that sends it may do `attributes`.
Json self_subject_access_review(const ResourceAttributes& attributes);

/// status.allowed of a created (Self)SubjectAccessReview; false when absent or malformed.
bool access_allowed(const Json& review);

}  // namespace cutover::dashboard
