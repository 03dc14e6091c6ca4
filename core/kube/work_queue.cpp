#include "kube/work_queue.hpp"

#include <algorithm>

namespace cutover::kube {

WorkQueue::WorkQueue(Clock& clock, BackoffPolicy policy, Random random)
    : clock_(clock), policy_(policy), random_(std::move(random)) {}

void WorkQueue::set_observer(WorkQueueObserver* observer) {
  std::lock_guard lock(mutex_);
  observer_ = observer;
}

void WorkQueue::report_depth_locked() {
  if (observer_ != nullptr)
    observer_->depth(queue_.size() + delayed_.size());
}

void WorkQueue::add_locked(const std::string& key) {
  if (shut_down_ || dirty_.contains(key))
    return;
  dirty_.insert(key);
  if (observer_ != nullptr)
    observer_->added();
  if (!processing_.contains(key)) {
    queue_.push_back(key);
    ready_since_.emplace(key, clock_.steady_now());
  }
}

void WorkQueue::add(const std::string& key) {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = delayed_.find(key); it != delayed_.end()) {
      due_order_.erase({it->second, key});
      delayed_.erase(it);
    }
    add_locked(key);
    report_depth_locked();
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
    if (!inserted && when < it->second) {
      due_order_.erase({it->second, key});
      it->second = when;
    }
    due_order_.insert({it->second, key});
    report_depth_locked();
  }
  cv_.notify_all();
}

void WorkQueue::add_rate_limited(const std::string& key) {
  int attempt = 0;
  {
    std::lock_guard lock(mutex_);
    attempt = failures_[key]++;
    if (observer_ != nullptr)
      observer_->retried();
  }
  add_after(key, policy_.delay(attempt, random_()));
}

void WorkQueue::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

void WorkQueue::move_due_locked() {
  const auto now = clock_.steady_now();
  while (!due_order_.empty() && due_order_.begin()->first <= now) {
    const std::string key = due_order_.begin()->second;
    due_order_.erase(due_order_.begin());
    delayed_.erase(key);
    add_locked(key);
  }
}

std::string WorkQueue::take_locked() {
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  dirty_.erase(key);
  processing_.insert(key);
  const auto now = clock_.steady_now();
  if (const auto it = ready_since_.find(key); it != ready_since_.end()) {
    if (observer_ != nullptr)
      observer_->queued(now - it->second);
    ready_since_.erase(it);
  }
  taken_at_[key] = now;
  report_depth_locked();
  return key;
}

std::optional<std::string> WorkQueue::try_get() {
  std::lock_guard lock(mutex_);
  move_due_locked();
  if (queue_.empty())
    return std::nullopt;
  return take_locked();
}

std::optional<std::string> WorkQueue::get(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested() && !shut_down_) {
    move_due_locked();
    if (!queue_.empty())
      return take_locked();
    // Sleep until the earliest delayed key is due (or a notify, or a stop).
    auto wait = std::chrono::milliseconds{1000};
    if (!due_order_.empty()) {
      const auto earliest = due_order_.begin()->first;
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
    const auto now = clock_.steady_now();
    if (const auto it = taken_at_.find(key); it != taken_at_.end()) {
      if (observer_ != nullptr)
        observer_->worked(now - it->second);
      taken_at_.erase(it);
    }
    if (dirty_.contains(key)) {
      queue_.push_back(key);
      ready_since_.emplace(key, now);
      report_depth_locked();
    }
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
