#include "kube/reflector.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <thread>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_process_runner.hpp"
#include "fakes/fake_transport.hpp"
#include "kube/rest_client.hpp"

namespace cutover::kube {
namespace {

Json config_map(const std::string& name, const std::string& rv, const std::string& value) {
  return {{"metadata", {{"name", name}, {"namespace", "ns"}, {"resourceVersion", rv}}},
          {"data", {{"v", value}}}};
}

// A relist after 410 Gone reports exactly the difference from what was known.
TEST(Reflector, RelistAfterGoneReportsTheDifference) {
  testing::FakeClock clock;
  testing::FakeProcessRunner runner;
  auto transport = std::make_unique<testing::FakeTransport>([](const HttpRequest& r) {
    if (r.target == "/api/v1") {
      return HttpResponse{200, R"({"resources":[{"name":"configmaps","namespaced":true,
        "kind":"ConfigMap"}]})",
                          "", ""};
    }
    if (r.target.find("watch=1") != std::string::npos) {
      return HttpResponse{
          200,
          R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}})"
          "\n",
          "", ""};
    }
    const Json list = {
        {"metadata", {{"resourceVersion", "20"}}},
        {"items", Json::array({config_map("a", "11", "new"), config_map("c", "3", "old"),
                               config_map("d", "12", "new")})}};
    return HttpResponse{200, list.dump(), "", ""};
  });
  RestConfig config;
  config.namespace_name = "ns";
  RestClient client(config, std::move(transport), {.qps = 0}, clock, runner);
  Store store;
  Reflector reflector(
      client, {"v1", "ConfigMap", "ns"},
      {.backoff = {std::chrono::milliseconds{1}, std::chrono::milliseconds{1}}}, [] { return 0.5; },
      store);
  reflector.resume_from(
      "5", {config_map("a", "1", "old"), config_map("b", "2", "old"), config_map("c", "3", "old")});
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::pair<WatchEventType, std::string>> events;
  std::jthread thread([&](std::stop_token stop) {
    reflector.run(
        [&](const WatchEvent& e) {
          std::lock_guard lock(mutex);
          events.emplace_back(e.type, e.object["metadata"]["name"].get<std::string>() + "=" +
                                          e.object["data"]["v"].get<std::string>());
          cv.notify_all();
        },
        stop);
  });
  {
    std::unique_lock lock(mutex);
    cv.wait_for(lock, std::chrono::seconds{10}, [&] { return events.size() >= 3; });
  }
  thread.request_stop();
  thread.join();
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0], std::make_pair(WatchEventType::deleted, std::string("b=old")));
  EXPECT_EQ(events[1], std::make_pair(WatchEventType::modified, std::string("a=new")));
  EXPECT_EQ(events[2], std::make_pair(WatchEventType::added, std::string("d=new")));
  EXPECT_GE(reflector.relists(), 1);
}

TEST(ObjectKey, NamespacedAndClusterScoped) {
  EXPECT_EQ(object_key(config_map("a", "1", "x")), "ns/a");
  EXPECT_EQ(object_key(Json{{"metadata", {{"name", "node-1"}}}}), "node-1");
  EXPECT_EQ(object_key(Json()), "");
}

}  // namespace
}  // namespace cutover::kube
