// Watches and the reflector against the real kube-apiserver.
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <random>
#include <thread>

#include "kube/cluster.hpp"
#include "kube/reflector.hpp"

namespace cutover::e2e {
namespace {

using kube::Json;
using kube::WatchEvent;
using kube::WatchEventType;
using namespace std::chrono_literals;

// Collects events from a reflector thread and lets the test wait for a condition.
class EventLog {
 public:
  void add(const WatchEvent& event) {
    std::lock_guard lock(mutex_);
    events_.push_back({event.type, event.object["metadata"]["name"].get<std::string>(),
                       event.object.value("data", Json::object()).value("v", "")});
    cv_.notify_all();
  }
  struct Entry {
    WatchEventType type;
    std::string name;
    std::string value;
  };
  // Waits until `predicate(events)` holds or the timeout passes; returns a copy.
  template <typename Predicate>
  std::vector<Entry> wait_for(Predicate predicate, std::chrono::seconds timeout = 20s) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return predicate(events_); });
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Entry> events_;
};

std::function<double()> seeded_random() {
  auto engine = std::make_shared<std::mt19937_64>(42);
  return [engine] { return std::uniform_real_distribution<double>(0, 1)(*engine); };
}

class WatchE2E : public ::testing::Test {
 protected:
  WatchE2E() : client_(client_for(admin_config(), {.qps = 500, .burst = 500})) {}
  kube::ResourceRef cm() const { return {"v1", "ConfigMap", ns_.name()}; }

  std::unique_ptr<kube::RestClient> client_;
  TestNamespace ns_{*client_, "e2e-watch"};
};

TEST_F(WatchE2E, SeesCreateUpdateDeleteInOrder) {
  kube::Store store;
  kube::Reflector reflector(*client_, cm(), {.label_selector = "watched=yes"}, seeded_random(),
                            store);
  EventLog log;
  std::jthread runner(
      [&](std::stop_token stop) { reflector.run([&](const WatchEvent& e) { log.add(e); }, stop); });
  // Wait until the initial list is done, so the create below arrives as a watch event.
  for (int i = 0; i < 100 && reflector.relists() == 0; ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_EQ(reflector.relists(), 1);

  Json object = config_map("tracked", {{"v", "1"}});
  object["metadata"]["labels"] = {{"watched", "yes"}};
  auto created = client_->create(cm(), object);
  ASSERT_TRUE(created) << created.error().describe();
  (*created)["data"]["v"] = "2";
  ASSERT_TRUE(client_->update(cm(), *created));
  ASSERT_TRUE(client_->remove(cm(), "tracked"));

  const auto events = log.wait_for([](const auto& e) { return e.size() >= 3; });
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0].type, WatchEventType::added);
  EXPECT_EQ(events[0].value, "1");
  EXPECT_EQ(events[1].type, WatchEventType::modified);
  EXPECT_EQ(events[1].value, "2");
  EXPECT_EQ(events[2].type, WatchEventType::deleted);
  runner.request_stop();
}

TEST_F(WatchE2E, ResumeFromExpiredVersionRelistsAndLosesNoEvent) {
  // An earlier run saw a, b and c.
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_TRUE(client_->create(cm(), config_map(name, {{"v", "old"}})));
  }
  auto snapshot = client_->list_all(cm(), {});
  ASSERT_TRUE(snapshot);
  std::vector<Json> known;
  for (const auto& item : (*snapshot)["items"])
    known.push_back(item);

  // While it was away: a changed, b deleted, d created.
  auto a = client_->get(cm(), "a");
  ASSERT_TRUE(a);
  (*a)["data"]["v"] = "new";
  ASSERT_TRUE(client_->update(cm(), *a));
  ASSERT_TRUE(client_->remove(cm(), "b"));
  ASSERT_TRUE(client_->create(cm(), config_map("d", {{"v", "new"}})));

  // etcd compacts the history away (the apiserver does this every minute here; force it now),
  // so the version the earlier run stopped at is gone: the watch gets 410 and must relist.
  const std::string compact =
      "CUTOVER_CLUSTER_STATE='" + state_dir().string() + "' " + cluster_script() + " compact";
  ASSERT_EQ(std::system(compact.c_str()), 0) << compact;
  kube::Store store;
  kube::Reflector reflector(*client_, cm(), {}, seeded_random(), store);
  reflector.resume_from((*snapshot)["metadata"]["resourceVersion"], known);
  EventLog log;
  std::jthread runner(
      [&](std::stop_token stop) { reflector.run([&](const WatchEvent& e) { log.add(e); }, stop); });
  const auto events = log.wait_for([](const auto& e) { return e.size() >= 3; });
  runner.request_stop();
  runner.join();

  EXPECT_EQ(reflector.relists(), 1) << "the expired version must lead to exactly one relist";
  std::map<std::string, std::pair<WatchEventType, std::string>> by_name;
  for (const auto& e : events) {
    by_name[e.name] = {e.type, e.value};
  }
  ASSERT_TRUE(by_name.contains("a"));
  EXPECT_EQ(by_name["a"].first, WatchEventType::modified);
  EXPECT_EQ(by_name["a"].second, "new");
  ASSERT_TRUE(by_name.contains("b"));
  EXPECT_EQ(by_name["b"].first, WatchEventType::deleted);
  ASSERT_TRUE(by_name.contains("d"));
  EXPECT_EQ(by_name["d"].first, WatchEventType::added);
  EXPECT_FALSE(by_name.contains("c")) << "c did not change, so no event";
}

TEST_F(WatchE2E, StopsPromptlyWhenCancelled) {
  kube::Store store;
  kube::Reflector reflector(*client_, cm(), {}, seeded_random(), store);
  const auto start = std::chrono::steady_clock::now();
  {
    std::jthread runner(
        [&](std::stop_token stop) { reflector.run([](const WatchEvent&) {}, stop); });
    std::this_thread::sleep_for(500ms);
  }  // jthread requests stop and joins here
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

}  // namespace
}  // namespace cutover::e2e
