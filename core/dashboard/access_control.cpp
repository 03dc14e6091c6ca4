#include "dashboard/access_control.hpp"

#include "dashboard/web_guard.hpp"
#include "util/log.hpp"

namespace cutover::dashboard {

namespace {

using namespace std::chrono_literals;

constexpr auto kCallerTtl = 30s;
constexpr auto kRefusedTtl = 5s;
constexpr auto kDecisionTtl = 10s;
// Past this many cached entries the cache starts over: a flood of distinct tokens costs reviews,
// not memory.
constexpr std::size_t kMaxCached = 10'000;

const kube::ResourceRef kTokenReviews{"authentication.k8s.io/v1", "TokenReview", ""};
const kube::ResourceRef kSelfReviews{"authentication.k8s.io/v1", "SelfSubjectReview", ""};
const kube::ResourceRef kAccessReviews{"authorization.k8s.io/v1", "SubjectAccessReview", ""};
const kube::ResourceRef kSelfAccessReviews{"authorization.k8s.io/v1", "SelfSubjectAccessReview",
                                           ""};

bool forbidden(const kube::Error& error) {
  return error.reason == kube::ErrorReason::forbidden;
}

// The review itself, serialized, is the key: JSON escapes every field, so two different users or
// questions never share one (a key glued from the fields with separators could: a group "a,b"
// against groups "a" and "b", or a username holding a newline).
std::string decision_key(const UserInfo& user, const ResourceAttributes& a) {
  return secret_digest(subject_access_review(user, a).dump());
}

}  // namespace

AccessControl::AccessControl(std::shared_ptr<kube::KubeClient> own, ClientFor client_for,
                             Clock& clock)
    : own_(std::move(own)), client_for_(std::move(client_for)), clock_(clock) {}

std::expected<Caller, AuthFailure> AccessControl::authenticate(std::string_view token) {
  if (token.empty())
    return std::unexpected(AuthFailure::invalid);
  const std::string key = secret_digest(token);
  const auto now = clock_.steady_now();
  bool ask_self = false;
  {
    const std::scoped_lock lock(mutex_);
    if (auto hit = callers_.find(key); hit != callers_.end() && hit->second.until > now) {
      if (!hit->second.caller)
        return std::unexpected(AuthFailure::invalid);
      return *hit->second.caller;
    }
    ask_self = token_reviews_forbidden_;
  }
  ++reviews_sent_;
  std::expected<UserInfo, std::string> user = std::unexpected(std::string());
  std::shared_ptr<kube::KubeClient> client;
  if (!ask_self) {
    auto review = own_->create(kTokenReviews, token_review(token));
    if (review) {
      user = reviewed_user(*review);
    } else if (forbidden(review.error())) {
      log::warn(
          "the dashboard may not create TokenReviews; tokens are checked with a "
          "SelfSubjectReview instead (grant it system:auth-delegator to use TokenReviews)",
          {});
      const std::scoped_lock lock(mutex_);
      token_reviews_forbidden_ = true;
      ask_self = true;
    } else {
      log::warn("cannot review a token", {{"error", review.error().describe()}});
      return std::unexpected(AuthFailure::unavailable);
    }
  }
  if (ask_self) {
    client = client_for_(std::string(token));
    if (!client)
      return std::unexpected(AuthFailure::unavailable);
    auto review = client->create(
        kSelfReviews, {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "SelfSubjectReview"}});
    if (review) {
      user = self_reviewed_user(*review);
    } else if (review.error().reason == kube::ErrorReason::unauthorized) {
      user = std::unexpected(std::string("the API server does not accept the token"));
    } else {
      log::warn("cannot review a token", {{"error", review.error().describe()}});
      return std::unexpected(AuthFailure::unavailable);
    }
  }
  const std::scoped_lock lock(mutex_);
  if (callers_.size() >= kMaxCached)
    callers_.clear();
  if (!user) {
    // The reason (an expired token, a wrong issuer) is for the log: the answer says only 401.
    log::info("a dashboard request with a token the API server refused",
              {{"reason", user.error()}});
    callers_[key] = {std::nullopt, now + kRefusedTtl};
    return std::unexpected(AuthFailure::invalid);
  }
  if (!client)
    client = client_for_(std::string(token));
  if (!client)
    return std::unexpected(AuthFailure::unavailable);
  Caller caller{*user, std::move(client)};
  callers_[key] = {caller, now + kCallerTtl};
  return caller;
}

kube::Result<Caller> AccessControl::own_caller() {
  auto review = own_->create(
      kSelfReviews, {{"apiVersion", "authentication.k8s.io/v1"}, {"kind", "SelfSubjectReview"}});
  if (!review)
    return std::unexpected(review.error());
  auto user = self_reviewed_user(*review);
  if (!user)
    return std::unexpected(kube::Error{kube::ErrorReason::decode, 0, user.error(), {}, {}});
  return Caller{*user, own_};
}

bool AccessControl::allowed(const Caller& caller, const ResourceAttributes& attributes) {
  const std::string key = decision_key(caller.user, attributes);
  const auto now = clock_.steady_now();
  bool ask_self = false;
  {
    const std::scoped_lock lock(mutex_);
    if (auto hit = decisions_.find(key); hit != decisions_.end() && hit->second.until > now)
      return hit->second.allowed;
    ask_self = access_reviews_forbidden_;
  }
  ++reviews_sent_;
  std::optional<bool> decision;
  if (!ask_self) {
    auto review = own_->create(kAccessReviews, subject_access_review(caller.user, attributes));
    if (review) {
      decision = access_allowed(*review);
    } else if (forbidden(review.error())) {
      log::warn(
          "the dashboard may not create SubjectAccessReviews; each caller's access is "
          "checked with a SelfSubjectAccessReview instead",
          {});
      const std::scoped_lock lock(mutex_);
      access_reviews_forbidden_ = true;
      ask_self = true;
    } else {
      log::warn("cannot review access", {{"error", review.error().describe()}});
      return false;
    }
  }
  if (ask_self) {
    auto review = caller.client->create(kSelfAccessReviews, self_subject_access_review(attributes));
    if (!review) {
      log::warn("cannot review access", {{"error", review.error().describe()}});
      return false;
    }
    decision = access_allowed(*review);
  }
  const std::scoped_lock lock(mutex_);
  if (decisions_.size() >= kMaxCached)
    decisions_.clear();
  decisions_[key] = {*decision, now + kDecisionTtl};
  return *decision;
}

}  // namespace cutover::dashboard
