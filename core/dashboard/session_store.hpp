#pragma once
// The dashboard's browser sessions. A browser logs in once, with a bearer token (the login form)
// or a one-time login link (`deploy dashboard` prints one for the kubeconfig's own user, as
// Jupyter does), and from then on is known by an HttpOnly cookie holding a random session id.
// Each session has its own CSRF token, which every write must echo in `X-CSRF-Token`.
//
// A session keeps the token it was opened with, so every request is still checked against the
// API server (a deleted ServiceAccount's session stops working within the token cache's 30 s).

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "util/clock.hpp"

namespace cutover::dashboard {

struct Session {
  std::string id;
  std::string csrf;
  /// The bearer token the session acts with; empty for the kubeconfig's own user (a login link).
  std::string token;
  SteadyTime expires{};
};

class SessionStore {
 public:
  static constexpr std::chrono::hours kSessionLifetime{8};
  static constexpr std::chrono::hours kLinkLifetime{24};

  explicit SessionStore(Clock& clock = SystemClock::instance()) : clock_(clock) {}

  /// A new one-time login token for the kubeconfig's own user, valid for a day or until used.
  std::string add_login_link();
  /// Opens a session for the link's token and forgets the token; nothing if it is unknown,
  /// used or expired.
  std::optional<Session> redeem_login_link(std::string_view token);

  /// Opens a session acting with `token` (empty: the kubeconfig's own user).
  Session open(std::string token);
  /// The live session with `id`.
  std::optional<Session> find(std::string_view id);
  void close(std::string_view id);

 private:
  Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, SteadyTime> links_;  // digest of the token -> expiry
  std::unordered_map<std::string, Session> sessions_;  // digest of the id -> session
};

}  // namespace cutover::dashboard
