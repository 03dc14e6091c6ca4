#pragma once
// Authentication and authorization for the dashboard, by the API server: a bearer token becomes
// a user through a TokenReview, and every read and action is asked of RBAC with a
// SubjectAccessReview for that user on that object. Answers are cached briefly (a token 30 s, an
// access decision 10 s), keyed by digests, so the cache holds no token.
//
// When the dashboard's own identity may not create TokenReviews or SubjectAccessReviews (a
// developer's kubeconfig running `deploy dashboard`), it asks with the caller's credentials
// instead: a SelfSubjectReview authenticates the token, a SelfSubjectAccessReview authorizes.
// The API server decides in both; only who asks differs.

#include <atomic>
#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dashboard/user_info.hpp"
#include "kube/kube_client.hpp"
#include "util/clock.hpp"

namespace cutover::dashboard {

/// Who makes a request, and a client that acts as them (their token; or, for the kubeconfig's own
/// user, its credentials), so that the API server enforces RBAC on every read and action too.
struct Caller {
  UserInfo user;
  std::shared_ptr<kube::KubeClient> client;
};

enum class AuthFailure {
  invalid,      // the API server does not accept the token: 401
  unavailable,  // the API server could not be asked: 503
};

class AccessControl {
 public:
  /// A client that authenticates with `token` (null if none can be built), built once per token
  /// and cached with it.
  using ClientFor = std::function<std::shared_ptr<kube::KubeClient>(const std::string& token)>;

  /// `own`: the dashboard's own identity (the kubeconfig's user, or its ServiceAccount).
  AccessControl(std::shared_ptr<kube::KubeClient> own, ClientFor client_for,
                Clock& clock = SystemClock::instance());

  /// The caller `token` stands for.
  std::expected<Caller, AuthFailure> authenticate(std::string_view token);

  /// The dashboard's own identity as a caller (SelfSubjectReview): the user a login link logs in.
  kube::Result<Caller> own_caller();

  /// Whether `caller` may do `attributes`. An API server that cannot be asked means no.
  bool allowed(const Caller& caller, const ResourceAttributes& attributes);

  /// Counters for tests and the log.
  [[nodiscard]] int reviews_sent() const { return reviews_sent_; }

 private:
  struct CachedCaller {
    std::optional<Caller> caller;  // empty: the token was refused
    SteadyTime until;
  };
  struct CachedDecision {
    bool allowed = false;
    SteadyTime until;
  };

  std::shared_ptr<kube::KubeClient> own_;
  ClientFor client_for_;
  Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, CachedCaller> callers_;
  std::unordered_map<std::string, CachedDecision> decisions_;
  bool token_reviews_forbidden_ = false;
  bool access_reviews_forbidden_ = false;
  std::atomic<int> reviews_sent_{0};
};

}  // namespace cutover::dashboard
