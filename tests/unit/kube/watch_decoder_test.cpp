#include "kube/watch_decoder.hpp"

#include <gtest/gtest.h>

namespace cutover::kube {
namespace {

std::vector<Result<WatchEvent>> feed_all(WatchDecoder& decoder,
                                         const std::vector<std::string>& chunks) {
  std::vector<Result<WatchEvent>> events;
  for (const auto& chunk : chunks) {
    decoder.feed(chunk, [&](Result<WatchEvent> event) { events.push_back(std::move(event)); });
  }
  return events;
}

TEST(WatchDecoder, SplitsLinesAcrossChunks) {
  WatchDecoder decoder;
  const auto events = feed_all(decoder, {R"({"type":"ADDED","object":{"metadata":{"name":"a"}}})"
                                         "\n"
                                         R"({"type":"MOD)",
                                         R"(IFIED","object":{"metadata":{"name":"a"}}})"
                                         "\n"
                                         R"({"type":"DELETED",)",
                                         R"("object":{"metadata":{"name":"a"}}})"
                                         "\n"});
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0]->type, WatchEventType::added);
  EXPECT_EQ(events[1]->type, WatchEventType::modified);
  EXPECT_EQ(events[2]->type, WatchEventType::deleted);
  EXPECT_EQ(decoder.pending(), 0U);
}

TEST(WatchDecoder, HoldsAnIncompleteLine) {
  WatchDecoder decoder;
  const auto events = feed_all(decoder, {R"({"type":"BOOKMARK","object":{)"});
  EXPECT_TRUE(events.empty());
  EXPECT_GT(decoder.pending(), 0U);
}

TEST(WatchDecoder, ErrorEventCarriesStatus) {
  WatchDecoder decoder;
  const auto events = feed_all(
      decoder, {R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}})"
                "\n"});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0]->type, WatchEventType::error);
  EXPECT_EQ(events[0]->object["code"], 410);
}

TEST(WatchDecoder, MalformedLinesBecomeDecodeErrors) {
  WatchDecoder decoder;
  // Each raw string and the "\n" after it make one line: no comma is missing.
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
  const auto events = feed_all(decoder, {"not json\n",
                                         R"({"type":"ADDED"})"
                                         "\n",
                                         R"({"type":"WHAT","object":{}})"
                                         "\n",
                                         R"({"type":1,"object":{}})"
                                         "\n",
                                         "\n  \r\n"});
  // NOLINTEND(bugprone-suspicious-missing-comma)
  ASSERT_EQ(events.size(), 4U);
  for (const auto& event : events) {
    ASSERT_FALSE(event.has_value());
    EXPECT_EQ(event.error().reason, ErrorReason::decode);
  }
}

}  // namespace
}  // namespace cutover::kube
