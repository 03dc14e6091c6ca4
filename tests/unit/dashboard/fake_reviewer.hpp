#pragma once
// A KubeClient that answers only the reviews the dashboard sends, as the API server would:
// TokenReview from a table of tokens, SubjectAccessReview from a rule, and, for a client that
// acts as one credential, SelfSubjectReview and SelfSubjectAccessReview. Either review kind can
// be forbidden to this identity (RBAC without system:auth-delegator) or fail in transport. It
// counts the reviews by kind and keeps the bodies it was sent. Thread-safe.

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dashboard/user_info.hpp"
#include "kube/kube_client.hpp"

namespace cutover::dashboard::testing {

class FakeReviewer final : public kube::KubeClient {
 public:
  using Json = kube::Json;
  template <typename T>
  using Result = kube::Result<T>;
  /// Whether `user` may do `attributes` (a resourceAttributes object).
  using Rule = std::function<bool(const UserInfo& user, const Json& attributes)>;

  // TokenReview: token -> user; other tokens are not authenticated.
  std::map<std::string, UserInfo> users;
  /// When set, creating a TokenReview fails with this reason (forbidden: the fallback).
  std::optional<kube::ErrorReason> token_review_error;

  // SubjectAccessReview.
  Rule rule = [](const UserInfo&, const Json&) { return false; };
  std::optional<kube::ErrorReason> access_review_error;

  // As one credential: SelfSubjectReview says `self` (none: unauthorized, as the API server
  // answers a token it does not accept), SelfSubjectAccessReview asks `rule` for `self`.
  std::optional<UserInfo> self;
  std::optional<kube::ErrorReason> self_review_error;
  std::optional<kube::ErrorReason> self_access_review_error;

  Result<Json> create(const kube::ResourceRef& ref, const Json& object) override {
    const std::scoped_lock lock(mutex_);
    ++calls_[ref.kind];
    sent_.push_back(object);
    if (ref.kind == "TokenReview") {
      if (token_review_error)
        return fail(*token_review_error);
      const auto user = users.find(object["spec"].value("token", ""));
      if (user == users.end())
        return Json{{"status", {{"authenticated", false}, {"error", "invalid bearer token"}}}};
      return Json{{"status", {{"authenticated", true}, {"user", user_json(user->second)}}}};
    }
    if (ref.kind == "SubjectAccessReview") {
      if (access_review_error)
        return fail(*access_review_error);
      const Json& spec = object["spec"];
      UserInfo user{.username = spec.value("user", ""), .uid = spec.value("uid", "")};
      if (spec.contains("groups"))
        user.groups = spec["groups"].get<std::vector<std::string>>();
      if (spec.contains("extra"))
        user.extra = spec["extra"].get<std::map<std::string, std::vector<std::string>>>();
      return Json{{"status", {{"allowed", rule(user, spec["resourceAttributes"])}}}};
    }
    if (ref.kind == "SelfSubjectReview") {
      if (self_review_error)
        return fail(*self_review_error);
      if (!self)
        return fail(kube::ErrorReason::unauthorized);
      return Json{{"status", {{"userInfo", user_json(*self)}}}};
    }
    if (ref.kind == "SelfSubjectAccessReview") {
      if (self_access_review_error)
        return fail(*self_access_review_error);
      if (!self)
        return fail(kube::ErrorReason::unauthorized);
      return Json{{"status", {{"allowed", rule(*self, object["spec"]["resourceAttributes"])}}}};
    }
    return fail(kube::ErrorReason::not_found);
  }

  /// Reviews of `kind` sent to this client.
  int calls(const std::string& kind) const {
    const std::scoped_lock lock(mutex_);
    const auto found = calls_.find(kind);
    return found == calls_.end() ? 0 : found->second;
  }
  /// Reviews of every kind sent to this client.
  int total_calls() const {
    const std::scoped_lock lock(mutex_);
    int total = 0;
    for (const auto& [kind, count] : calls_)
      total += count;
    return total;
  }
  /// The last body sent.
  Json last_sent() const {
    const std::scoped_lock lock(mutex_);
    return sent_.empty() ? Json() : sent_.back();
  }

  // Nothing else is asked of a reviewer.
  Result<Json> get(const kube::ResourceRef& ref, const std::string&, const std::string&) override {
    return unexpected_call("get", ref);
  }
  Result<Json> list(const kube::ResourceRef& ref, const kube::ListOptions&) override {
    return unexpected_call("list", ref);
  }
  Result<Json> list_all(const kube::ResourceRef& ref, kube::ListOptions) override {
    return unexpected_call("list_all", ref);
  }
  Result<Json> update(const kube::ResourceRef& ref, const Json&, const std::string&) override {
    return unexpected_call("update", ref);
  }
  Result<Json> patch(const kube::ResourceRef& ref, const std::string&, kube::PatchType, const Json&,
                     const std::string&) override {
    return unexpected_call("patch", ref);
  }
  Result<Json> apply(const kube::ResourceRef& ref, const Json&, const kube::ApplyOptions&,
                     const std::string&) override {
    return unexpected_call("apply", ref);
  }
  Result<Json> remove(const kube::ResourceRef& ref, const std::string&,
                      const kube::DeleteOptions&) override {
    return unexpected_call("remove", ref);
  }

  static Json user_json(const UserInfo& user) {
    Json out = {{"username", user.username}, {"groups", user.groups}};
    if (!user.uid.empty())
      out["uid"] = user.uid;
    if (!user.extra.empty())
      out["extra"] = user.extra;
    return out;
  }

 private:
  static std::unexpected<kube::Error> fail(kube::ErrorReason reason) {
    return std::unexpected(
        kube::Error{reason, 0, "fake " + std::string(kube::to_string(reason)), {}, std::nullopt});
  }
  Result<Json> unexpected_call(const char* verb, const kube::ResourceRef& ref) {
    const std::scoped_lock lock(mutex_);
    ++calls_[std::string(verb) + " " + ref.kind];
    return fail(kube::ErrorReason::method_not_allowed);
  }

  mutable std::mutex mutex_;
  std::map<std::string, int> calls_;
  std::vector<Json> sent_;
};

}  // namespace cutover::dashboard::testing
