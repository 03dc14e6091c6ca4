#pragma once
// Delivery off the reconcile's path: a bounded queue and one worker that sends, retries with
// back-off (a transport failure, 429 or 5xx: 1 s, 4 s, 16 s, or the service's Retry-After) and
// gives up after the last attempt. `enqueue` never blocks: with the queue full the notification
// is dropped and counted. Every outcome is reported (cutover_notifications_sent_total{service,
// result}) and every failure logged with its reason, never with a secret.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "notify/delivery.hpp"

namespace cutover::notify {

struct NotifierOptions {
  std::size_t capacity = 1000;
  int attempts = 4;
  std::chrono::milliseconds first_backoff{1000};
  int backoff_factor = 4;
};

class Notifier {
 public:
  /// `result` is "sent", "failed" (after the last attempt, or not worth another) or "dropped"
  /// (the queue was full).
  using Outcome = std::function<void(const std::string& service, std::string_view result)>;

  Notifier(std::shared_ptr<Transport> transport, NotifierOptions options, Outcome outcome);
  /// Stops the worker; what is still queued is dropped (and logged).
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  /// Queues one delivery; false when the queue is full. Never blocks on the network.
  bool enqueue(ServiceConfig service, Message message);

  /// Waits until the queue is empty and nothing is being sent, up to `limit` (for tests and a
  /// graceful stop). True when it emptied.
  bool drain(std::chrono::milliseconds limit);

  [[nodiscard]] std::size_t queued() const;

 private:
  struct Job {
    ServiceConfig service;
    Message message;
    int attempt = 1;
    std::chrono::steady_clock::time_point due;
  };
  void work(std::stop_token stop);

  std::shared_ptr<Transport> transport_;
  NotifierOptions options_;
  Outcome outcome_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<Job> jobs_;
  bool sending_ = false;
  unsigned long generation_ = 0;  // moves on every enqueue: wakes a worker waiting on a back-off
  std::jthread worker_;
};

}  // namespace cutover::notify
