#pragma once
// The controller work queue, after client-go's: it holds keys only ("namespace/name"),
// de-duplicates them, never hands one key to two workers at once, delays keys (`add_after`),
// and backs off per key after failures (`add_rate_limited`) until `forget`. Thread-safe.

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>

#include "kube/backoff.hpp"
#include "util/clock.hpp"

namespace cutover::kube {

/// What a queue reports, as client-go's workqueue metrics do. Called with the queue's lock held:
/// an observer must not call back into the queue.
class WorkQueueObserver {
 public:
  virtual ~WorkQueueObserver() = default;
  /// Keys waiting: ready and delayed.
  virtual void depth(std::size_t keys) = 0;
  virtual void added() = 0;
  /// A key re-queued after a failure (`add_rate_limited`).
  virtual void retried() = 0;
  /// How long a key waited between entering the ready queue and a worker taking it.
  virtual void queued(std::chrono::duration<double> waited) = 0;
  /// How long a worker held a key (`get` to `done`).
  virtual void worked(std::chrono::duration<double> took) = 0;
};

class WorkQueue {
 public:
  using Random = std::function<double()>;
  WorkQueue(Clock& clock, BackoffPolicy policy, Random random);

  /// Queues `key` unless it is queued already. A key being processed is queued again when
  /// `done` is called, so no change is lost and no key runs twice at once.
  void add(const std::string& key);
  /// Queues `key` after `delay` (a shorter pending delay for the same key wins).
  void add_after(const std::string& key, std::chrono::milliseconds delay);
  /// Queues `key` after its next back-off delay (grows with each failure until `forget`).
  void add_rate_limited(const std::string& key);
  /// Resets `key`'s failure count, after a success or a terminal error.
  void forget(const std::string& key);
  /// The next ready key, or nullopt if none is ready now. Never blocks.
  std::optional<std::string> try_get();
  /// Blocks until a key is ready, or returns nullopt once `stop` is requested or the queue is
  /// shut down.
  std::optional<std::string> get(std::stop_token stop);
  /// Marks `key` finished; it is queued again if it was added while processing.
  void done(const std::string& key);
  void shut_down();

  /// Reports to `observer` (which must outlive the queue) from now on; null stops reporting.
  void set_observer(WorkQueueObserver* observer);

  [[nodiscard]] std::size_t depth() const;
  [[nodiscard]] int failures(const std::string& key) const;

 private:
  void move_due_locked();
  void add_locked(const std::string& key);
  std::string take_locked();
  void report_depth_locked();

  Clock& clock_;
  BackoffPolicy policy_;
  Random random_;
  mutable std::mutex mutex_;
  std::condition_variable_any cv_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;                // queued (or to be re-queued after processing)
  std::set<std::string> processing_;           // handed to a worker
  std::map<std::string, SteadyTime> delayed_;  // key -> when it is due
  std::set<std::pair<SteadyTime, std::string>> due_order_;  // the same, by time
  std::map<std::string, SteadyTime> ready_since_;           // keys in queue_, since when
  std::map<std::string, SteadyTime> taken_at_;              // keys in processing_, since when
  WorkQueueObserver* observer_ = nullptr;
  std::map<std::string, int> failures_;
  bool shut_down_ = false;
};

}  // namespace cutover::kube
