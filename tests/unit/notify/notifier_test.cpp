#include "notify/notifier.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace cutover::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Answers each call with `answer(n)`, n counting the calls from 1 (for every URL, or for the
// URL's own calls when the answer looks at it); records when each call came.
class ScriptedTransport final : public Transport {
 public:
  using Answer = std::function<TransportAnswer(const HttpCall& call, int n)>;
  explicit ScriptedTransport(Answer answer) : answer_(std::move(answer)) {}

  TransportAnswer http(const HttpCall& call) override {
    int n = 0;
    {
      const std::scoped_lock lock(mutex_);
      times_.push_back(Clock::now());
      n = static_cast<int>(times_.size());
    }
    return answer_(call, n);
  }
  TransportAnswer mail(const MailCall&) override { return {.failure = "no mail here"}; }

  int calls() const {
    const std::scoped_lock lock(mutex_);
    return static_cast<int>(times_.size());
  }
  std::vector<Clock::time_point> times() const {
    const std::scoped_lock lock(mutex_);
    return times_;
  }

 private:
  Answer answer_;
  mutable std::mutex mutex_;
  std::vector<Clock::time_point> times_;
};

// The outcomes a Notifier reports, in order.
class Outcomes {
 public:
  Notifier::Outcome callback() {
    return [this](const std::string& service, std::string_view result) {
      const std::scoped_lock lock(mutex_);
      seen_.push_back(service + " " + std::string(result));
    };
  }
  std::vector<std::string> seen() const {
    const std::scoped_lock lock(mutex_);
    return seen_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> seen_;
};

NotifierOptions fast_options(int attempts = 3, std::size_t capacity = 10) {
  return {.capacity = capacity, .attempts = attempts, .first_backoff = 10ms, .backoff_factor = 2};
}

ServiceConfig slack(const std::string& name = "ops") {
  return {name, ServiceType::slack, {{"webhookUrl", "https://hooks.example/" + name}}};
}

Message message(const std::string& service = "ops") {
  return {.service = service,
          .recipient = "",
          .trigger = "on-rollout-aborted",
          .subject = "",
          .text = "Rollout shop/web was rolled back.",
          .context = {{"namespace", "shop"}, {"name", "web"}},
          .extra = Json::object()};
}

// Polls `done` until it holds or 5 s pass (a bound far above what any of these waits needs).
bool eventually(const std::function<bool()>& done) {
  const auto until = Clock::now() + 5s;
  while (Clock::now() < until) {
    if (done())
      return true;
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

TransportAnswer ok() {
  return {.status = 200};
}
TransportAnswer server_error() {
  return {.status = 500, .body = "try later"};
}

TEST(NotifierTest, DeliveryIsSentAndReported) {
  auto transport = std::make_shared<ScriptedTransport>([](const HttpCall&, int) { return ok(); });
  Outcomes outcomes;
  Notifier notifier(transport, fast_options(), outcomes.callback());
  EXPECT_TRUE(notifier.enqueue(slack(), message()));
  ASSERT_TRUE(notifier.drain(5s));
  EXPECT_THAT(outcomes.seen(), ElementsAre("ops sent"));
  EXPECT_EQ(transport->calls(), 1);
  EXPECT_EQ(notifier.queued(), 0U);
}

TEST(NotifierTest, FailureThenSuccessIsRetriedAndSentOnce) {
  auto transport = std::make_shared<ScriptedTransport>(
      [](const HttpCall&, int n) { return n == 1 ? server_error() : ok(); });
  Outcomes outcomes;
  Notifier notifier(transport, fast_options(), outcomes.callback());
  ASSERT_TRUE(notifier.enqueue(slack(), message()));
  ASSERT_TRUE(notifier.drain(5s));
  EXPECT_THAT(outcomes.seen(), ElementsAre("ops sent"));
  EXPECT_EQ(transport->calls(), 2);
}

TEST(NotifierTest, RetryWaitsForItsBackoff) {
  auto transport = std::make_shared<ScriptedTransport>(
      [](const HttpCall&, int n) { return n < 3 ? server_error() : ok(); });
  Outcomes outcomes;
  Notifier notifier(transport, fast_options(), outcomes.callback());
  ASSERT_TRUE(notifier.enqueue(slack(), message()));
  ASSERT_TRUE(notifier.drain(5s));
  const auto times = transport->times();
  ASSERT_EQ(times.size(), 3U);
  // 10 ms, then 10 ms * 2: lower bounds only, a busy machine only makes the gaps longer.
  EXPECT_GE(times[1] - times[0], 10ms);
  EXPECT_GE(times[2] - times[1], 20ms);
  EXPECT_THAT(outcomes.seen(), ElementsAre("ops sent"));
}

TEST(NotifierTest, AlwaysFailingIsReportedFailedAfterTheLastAttempt) {
  auto transport =
      std::make_shared<ScriptedTransport>([](const HttpCall&, int) { return server_error(); });
  Outcomes outcomes;
  Notifier notifier(transport, fast_options(/*attempts=*/3), outcomes.callback());
  ASSERT_TRUE(notifier.enqueue(slack(), message()));
  ASSERT_TRUE(notifier.drain(5s));
  EXPECT_EQ(transport->calls(), 3);
  EXPECT_THAT(outcomes.seen(), ElementsAre("ops failed"));
}

TEST(NotifierTest, TransportFailureIsRetriedToo) {
  auto transport = std::make_shared<ScriptedTransport>([](const HttpCall&, int n) {
    return n == 1 ? TransportAnswer{.failure = "Couldn't connect to server"} : ok();
  });
  Outcomes outcomes;
  Notifier notifier(transport, fast_options(), outcomes.callback());
  ASSERT_TRUE(notifier.enqueue(slack(), message()));
  ASSERT_TRUE(notifier.drain(5s));
  EXPECT_EQ(transport->calls(), 2);
  EXPECT_THAT(outcomes.seen(), ElementsAre("ops sent"));
}

TEST(NotifierTest, NotRetryableFailsAfterOneCall) {
  auto transport = std::make_shared<ScriptedTransport>(
      [](const HttpCall&, int) { return TransportAnswer{.status = 400, .body = "bad"}; });
  Outcomes outcomes;
  Notifier notifier(transport, fast_options(/*attempts=*/4), outcomes.callback());
  ASSERT_TRUE(notifier.enqueue(slack(), message()));
  ASSERT_TRUE(notifier.drain(5s));
  EXPECT_EQ(transport->calls(), 1);
  EXPECT_THAT(outcomes.seen(), ElementsAre("ops failed"));
}

TEST(NotifierTest, ServiceWithoutUrlFailsWithoutACall) {
  auto transport = std::make_shared<ScriptedTransport>([](const HttpCall&, int) { return ok(); });
  Outcomes outcomes;
  Notifier notifier(transport, fast_options(), outcomes.callback());
  ASSERT_TRUE(notifier.enqueue({"bare", ServiceType::slack, Json::object()}, message("bare")));
  ASSERT_TRUE(notifier.drain(5s));
  EXPECT_EQ(transport->calls(), 0);
  EXPECT_THAT(outcomes.seen(), ElementsAre("bare failed"));
}

TEST(NotifierTest, FullQueueDropsAndEnqueueNeverBlocks) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto transport = std::make_shared<ScriptedTransport>([&](const HttpCall&, int n) {
    if (n == 1) {
      entered.set_value();
      released.wait();
    }
    return ok();
  });
  Outcomes outcomes;
  Notifier notifier(transport, fast_options(3, /*capacity=*/2), outcomes.callback());
  // Lets the transport go whatever happens, before the Notifier's destructor waits for it.
  struct Releaser {
    std::promise<void>& promise;
    bool done = false;
    void now() {
      if (!done)
        promise.set_value();
      done = true;
    }
    ~Releaser() { now(); }
  } releaser{release};
  ASSERT_TRUE(notifier.enqueue(slack(), message()));
  // The worker holds the first one in the transport: the queue is empty again.
  ASSERT_EQ(entered.get_future().wait_for(5s), std::future_status::ready);

  const auto before = Clock::now();
  EXPECT_TRUE(notifier.enqueue(slack(), message()));
  EXPECT_TRUE(notifier.enqueue(slack(), message()));
  EXPECT_EQ(notifier.queued(), 2U);
  EXPECT_FALSE(notifier.enqueue(slack("late"), message("late")));
  EXPECT_LT(Clock::now() - before, 50ms);
  EXPECT_THAT(outcomes.seen(), ElementsAre("late dropped"));
  // Still sending: not drained.
  EXPECT_FALSE(notifier.drain(20ms));

  releaser.now();
  ASSERT_TRUE(notifier.drain(5s));
  EXPECT_EQ(transport->calls(), 3);
  EXPECT_THAT(outcomes.seen(), ElementsAre("late dropped", "ops sent", "ops sent", "ops sent"));
}

TEST(NotifierTest, DrainOfAnIdleNotifierIsTrue) {
  auto transport = std::make_shared<ScriptedTransport>([](const HttpCall&, int) { return ok(); });
  Outcomes outcomes;
  Notifier notifier(transport, fast_options(), outcomes.callback());
  EXPECT_TRUE(notifier.drain(1s));
  EXPECT_EQ(notifier.queued(), 0U);
  EXPECT_THAT(outcomes.seen(), IsEmpty());
}

TEST(NotifierTest, JobWaitingOnBackoffDoesNotHoldUpTheOthers) {
  auto transport = std::make_shared<ScriptedTransport>([](const HttpCall& call, int) {
    return call.url.ends_with("/slow") ? server_error() : ok();
  });
  Outcomes outcomes;
  Notifier notifier(transport,
                    {.capacity = 10, .attempts = 3, .first_backoff = 1h, .backoff_factor = 2},
                    outcomes.callback());
  ASSERT_TRUE(notifier.enqueue(slack("slow"), message("slow")));
  ASSERT_TRUE(eventually([&] { return transport->calls() == 1 && notifier.queued() == 1; }));
  ASSERT_TRUE(notifier.enqueue(slack("fast"), message("fast")));
  ASSERT_TRUE(eventually([&] { return !outcomes.seen().empty(); }));
  EXPECT_THAT(outcomes.seen(), ElementsAre("fast sent"));
  EXPECT_EQ(notifier.queued(), 1U);  // "slow", waiting for its hour
}

TEST(NotifierTest, DestructorDoesNotWaitForABackoff) {
  auto transport =
      std::make_shared<ScriptedTransport>([](const HttpCall&, int) { return server_error(); });
  Outcomes outcomes;
  auto notifier = std::make_unique<Notifier>(
      transport,
      NotifierOptions{.capacity = 10, .attempts = 3, .first_backoff = 1h, .backoff_factor = 2},
      outcomes.callback());
  ASSERT_TRUE(notifier->enqueue(slack(), message()));
  ASSERT_TRUE(eventually([&] { return transport->calls() == 1 && notifier->queued() == 1; }));
  const auto before = Clock::now();
  notifier.reset();
  // An hour's back-off: anything under seconds means the worker did not wait for it.
  EXPECT_LT(Clock::now() - before, 10s);
  EXPECT_EQ(transport->calls(), 1);
}

TEST(NotifierTest, DestructorOfAnIdleNotifierReturns) {
  auto transport = std::make_shared<ScriptedTransport>([](const HttpCall&, int) { return ok(); });
  Outcomes outcomes;
  auto notifier = std::make_unique<Notifier>(transport, fast_options(), outcomes.callback());
  const auto before = Clock::now();
  notifier.reset();
  EXPECT_LT(Clock::now() - before, 10s);
}

TEST(NotifierTest, DrainOnAnIdleNotifierIsTrueAtOnce) {
  auto transport = std::make_shared<ScriptedTransport>([](const HttpCall&, int) { return ok(); });
  Outcomes outcomes;
  Notifier notifier(transport, fast_options(), outcomes.callback());
  EXPECT_TRUE(notifier.drain(0ms));
}

}  // namespace
}  // namespace cutover::notify
