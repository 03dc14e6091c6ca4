#include "notify/notifier.hpp"

#include <algorithm>

#include "util/log.hpp"

namespace cutover::notify {

Notifier::Notifier(std::shared_ptr<Transport> transport, NotifierOptions options, Outcome outcome)
    : transport_(std::move(transport)),
      options_(options),
      outcome_(std::move(outcome)),
      worker_([this](std::stop_token stop) { work(stop); }) {}

Notifier::~Notifier() {
  worker_.request_stop();
  wake_.notify_all();
  worker_.join();
  std::deque<Job> left;
  {
    const std::scoped_lock lock(mutex_);
    left.swap(jobs_);
  }
  if (!left.empty())
    log::warn("notifications not sent at shutdown", {{"count", left.size()}});
  for (const auto& job : left)
    outcome_(job.service.name, "dropped");
}

bool Notifier::enqueue(ServiceConfig service, Message message) {
  {
    const std::scoped_lock lock(mutex_);
    if (jobs_.size() < options_.capacity) {
      jobs_.push_back(
          {std::move(service), std::move(message), 1, std::chrono::steady_clock::now()});
      ++generation_;
      wake_.notify_one();
      return true;
    }
  }
  log::warn(
      "notification dropped: the queue is full",
      {{"service", service.name}, {"trigger", message.trigger}, {"capacity", options_.capacity}});
  outcome_(service.name, "dropped");
  return false;
}

std::size_t Notifier::queued() const {
  const std::scoped_lock lock(mutex_);
  return jobs_.size();
}

bool Notifier::drain(std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (true) {
    {
      const std::scoped_lock lock(mutex_);
      if (jobs_.empty() && !sending_)
        return true;
    }
    if (std::chrono::steady_clock::now() >= until)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void Notifier::work(std::stop_token stop) {
  while (!stop.stop_requested()) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      // The job due first; a retry waits for its back-off without holding up the others.
      while (!stop.stop_requested()) {
        if (!jobs_.empty()) {
          auto next = std::min_element(jobs_.begin(), jobs_.end(),
                                       [](const Job& a, const Job& b) { return a.due < b.due; });
          const auto now = std::chrono::steady_clock::now();
          if (next->due <= now) {
            job = std::move(*next);
            jobs_.erase(next);
            sending_ = true;
            break;
          }
          const unsigned long seen = generation_;
          wake_.wait_until(lock, stop, next->due, [&] { return generation_ != seen; });
        } else {
          wake_.wait(lock, stop, [this] { return !jobs_.empty(); });
        }
      }
      if (stop.stop_requested())
        return;
    }
    const DeliveryResult result = deliver(job.service, job.message, *transport_);
    const auto& m = job.message;
    nlohmann::json fields = {{"service", job.service.name},
                             {"trigger", m.trigger},
                             {"namespace", m.context.value("namespace", "")},
                             {"name", m.context.value("name", "")},
                             {"attempt", job.attempt}};
    // The outcome is reported without the lock held: a callback may look at the queue.
    std::string_view outcome;
    {
      const std::scoped_lock lock(mutex_);
      sending_ = false;
      if (result.ok) {
        outcome = "sent";
      } else if (result.retryable && job.attempt < options_.attempts) {
        auto backoff = options_.first_backoff;
        for (int i = 1; i < job.attempt; ++i)
          backoff *= options_.backoff_factor;
        if (result.retry_after)
          backoff = std::max<std::chrono::milliseconds>(backoff, *result.retry_after);
        fields["reason"] = result.reason;
        fields["retry_in_ms"] = backoff.count();
        log::warn("notification not delivered; retrying", fields);
        job.attempt += 1;
        job.due = std::chrono::steady_clock::now() + backoff;
        jobs_.push_back(std::move(job));
        ++generation_;
        continue;
      } else {
        fields["reason"] = result.reason;
        log::warn("notification not delivered", fields);
        outcome = "failed";
      }
    }
    outcome_(job.service.name, outcome);
  }
}

}  // namespace cutover::notify
