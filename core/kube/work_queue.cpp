#include "kube/work_queue.hpp"

#include <algorithm>

namespace cutover::kube {

WorkQueue::WorkQueue(Clock& clock, BackoffPolicy policy, Random random)
    : clock_(clock), policy_(policy), random_(std::move(random)) {}

void WorkQueue::add_locked(const std::string& key) {
  if (shut_down_ || dirty_.contains(key))
    return;
  dirty_.insert(key);
  if (!processing_.contains(key))
    queue_.push_back(key);
}

void WorkQueue::add(const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    delayed_.erase(key);
    add_locked(key);
  }
  cv_.notify_one();
}

void WorkQueue::add_after(const std::string& key, std::chrono::milliseconds delay) {
  if (delay.count() <= 0) {
    add(key);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (shut_down_)
      return;
    const auto when = clock_.steady_now() + delay;
    auto [it, inserted] = delayed_.try_emplace(key, when);
    if (!inserted)
      it->second = std::min(it->second, when);
  }
  cv_.notify_all();
}

void WorkQueue::add_rate_limited(const std::string& key) {
  int attempt = 0;
  {
    std::lock_guard lock(mutex_);
    attempt = failures_[key]++;
  }
  add_after(key, policy_.delay(attempt, random_()));
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

void WorkQueue::move_due_locked() {
  const auto now = clock_.steady_now();
  for (auto it = delayed_.begin(); it != delayed_.end();) {
    if (it->second <= now) {
      add_locked(it->first);
      it = delayed_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<std::string> WorkQueue::try_get() {
  std::lock_guard lock(mutex_);
  move_due_locked();
  if (queue_.empty())
    return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  dirty_.erase(key);
  processing_.insert(key);
  return key;
}

std::optional<std::string> WorkQueue::get(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested() && !shut_down_) {
    move_due_locked();
    if (!queue_.empty()) {
      std::string key = std::move(queue_.front());
      queue_.pop_front();
      dirty_.erase(key);
      processing_.insert(key);
      return key;
    }
    // Sleep until the earliest delayed key is due (or a notify, or a stop).
    auto wait = std::chrono::milliseconds{1000};
    if (!delayed_.empty()) {
      const auto earliest =
          std::min_element(delayed_.begin(), delayed_.end(), [](const auto& a, const auto& b) {
            return a.second < b.second;
          })->second;
      wait = std::clamp(
          std::chrono::duration_cast<std::chrono::milliseconds>(earliest - clock_.steady_now()),
          std::chrono::milliseconds{1}, wait);
    }
    cv_.wait_for(lock, stop, wait, [] { return false; });
  }
  return std::nullopt;
}

void WorkQueue::done(const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    processing_.erase(key);
    if (dirty_.contains(key))
      queue_.push_back(key);
  }
  cv_.notify_one();
}

void WorkQueue::shut_down() {
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
  }
  cv_.notify_all();
}

std::size_t WorkQueue::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + delayed_.size();
}

int WorkQueue::failures(const std::string& key) const {
  std::lock_guard lock(mutex_);
  const auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

}  // namespace cutover::kube
