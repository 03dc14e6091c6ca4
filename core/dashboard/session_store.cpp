#include "dashboard/session_store.hpp"

#include "dashboard/web_guard.hpp"

namespace cutover::dashboard {

namespace {
// Past this many live sessions the oldest-expiring ones go: logins cost no unbounded memory.
constexpr std::size_t kMaxSessions = 10'000;
}  // namespace

std::string SessionStore::add_login_link() {
  std::string token = random_token();
  const std::scoped_lock lock(mutex_);
  links_[secret_digest(token)] = clock_.steady_now() + kLinkLifetime;
  return token;
}

std::optional<Session> SessionStore::redeem_login_link(std::string_view token) {
  if (token.empty())
    return std::nullopt;
  {
    const std::scoped_lock lock(mutex_);
    const auto link = links_.find(secret_digest(token));
    if (link == links_.end())
      return std::nullopt;
    const bool live = link->second > clock_.steady_now();
    links_.erase(link);
    if (!live)
      return std::nullopt;
  }
  return open("");
}

Session SessionStore::open(std::string token) {
  Session session{.id = random_token(),
                  .csrf = random_token(),
                  .token = std::move(token),
                  .expires = clock_.steady_now() + kSessionLifetime};
  const std::scoped_lock lock(mutex_);
  const auto now = clock_.steady_now();
  std::erase_if(sessions_, [now](const auto& entry) { return entry.second.expires <= now; });
  while (sessions_.size() >= kMaxSessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
      if (it->second.expires < oldest->second.expires)
        oldest = it;
    sessions_.erase(oldest);
  }
  sessions_[secret_digest(session.id)] = session;
  return session;
}

std::optional<Session> SessionStore::find(std::string_view id) {
  if (id.empty())
    return std::nullopt;
  const std::scoped_lock lock(mutex_);
  const auto found = sessions_.find(secret_digest(id));
  if (found == sessions_.end())
    return std::nullopt;
  if (found->second.expires <= clock_.steady_now()) {
    sessions_.erase(found);
    return std::nullopt;
  }
  return found->second;
}

void SessionStore::close(std::string_view id) {
  const std::scoped_lock lock(mutex_);
  sessions_.erase(secret_digest(id));
}

}  // namespace cutover::dashboard
