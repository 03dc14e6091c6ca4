// Store: the informer cache. Versions only move forward, indexes follow edits, and a relist
// reports exactly the difference.
#include "kube/store.hpp"

#include <gtest/gtest.h>

namespace cutover::kube {
namespace {

Json object(const std::string& ns, const std::string& name, const std::string& rv,
            const std::string& rollout = "", const std::string& owner = "") {
  Json o = {{"metadata", {{"namespace", ns}, {"name", name}, {"resourceVersion", rv}}}};
  if (!rollout.empty())
    o["metadata"]["labels"] = {{"cutover.dev/rollout", rollout}};
  if (!owner.empty())
    o["metadata"]["ownerReferences"] = Json::array({{{"uid", owner}}});
  return o;
}

std::vector<Store::Held> packed(const Store& store, const std::vector<Json>& objects) {
  std::vector<Store::Held> out;
  for (const auto& o : objects)
    out.push_back(store.pack(o));
  return out;
}

std::vector<std::string> names(const std::vector<Json>& objects) {
  std::vector<std::string> out;
  for (const auto& o : objects)
    out.push_back(o["metadata"]["name"].get<std::string>());
  return out;
}

TEST(Store, AnOlderVersionNeverReplacesANewerOne) {
  Store store;
  EXPECT_TRUE(store.upsert(object("shop", "web", "10")));
  EXPECT_FALSE(store.upsert(object("shop", "web", "9")))
      << "a watch event from before our own write, arriving after it";
  EXPECT_EQ((*store.get("shop/web"))["metadata"]["resourceVersion"], "10");
  EXPECT_TRUE(store.upsert(object("shop", "web", "11")));
  EXPECT_EQ((*store.get("shop/web"))["metadata"]["resourceVersion"], "11");
  EXPECT_TRUE(store.upsert(object("shop", "web", "not-a-number")))
      << "opaque versions are never called older";
}

TEST(Store, IndexesByNamespaceLabelAndOwner) {
  Store store("cutover.dev/rollout");
  store.upsert(object("shop", "web-a", "1", "web", "uid-web"));
  store.upsert(object("shop", "web-b", "2", "web", "uid-web"));
  store.upsert(object("shop", "pay-a", "3", "pay", "uid-pay"));
  store.upsert(object("other", "web-a", "4", "web", "uid-other"));
  store.upsert(object("shop", "plain", "5"));
  EXPECT_EQ(names(store.list("shop")),
            (std::vector<std::string>{"pay-a", "plain", "web-a", "web-b"}));
  EXPECT_EQ(store.list().size(), 5U);
  EXPECT_EQ(names(store.by_label("shop", "web")), (std::vector<std::string>{"web-a", "web-b"}));
  EXPECT_EQ(store.by_label("", "web").size(), 3U);
  EXPECT_EQ(names(store.by_owner("uid-pay")), std::vector<std::string>{"pay-a"});
  // An edit that changes the label moves the object between index entries.
  store.upsert(object("shop", "web-b", "6", "pay", "uid-pay"));
  EXPECT_EQ(names(store.by_label("shop", "web")), std::vector<std::string>{"web-a"});
  EXPECT_EQ(names(store.by_owner("uid-pay")), (std::vector<std::string>{"pay-a", "web-b"}));
  store.erase("shop/web-a");
  EXPECT_TRUE(store.by_label("shop", "web").empty());
  EXPECT_TRUE(store.by_owner("uid-web").empty());
  EXPECT_EQ(store.get("shop/web-a"), std::nullopt);
  EXPECT_EQ(store.size(), 4U);
}

TEST(Store, ReplaceReportsTheDifference) {
  Store store;
  store.upsert(object("ns", "a", "1"));
  store.upsert(object("ns", "b", "2"));
  store.upsert(object("ns", "c", "3"));
  const auto changes = store.replace(
      packed(store, {object("ns", "d", "12"), object("ns", "a", "11"), object("ns", "c", "3")}));
  std::vector<std::string> seen;
  for (const auto& c : changes)
    seen.push_back(std::string(to_string(c.type)) + " " +
                   Store::unpack(*c.object)["metadata"]["name"].get<std::string>());
  EXPECT_EQ(seen, (std::vector<std::string>{"DELETED b", "MODIFIED a", "ADDED d"}));
  EXPECT_EQ(store.size(), 3U);
}

TEST(Store, ReplaceKeepsANewerVersionWeWrote) {
  Store store;
  store.upsert(object("ns", "a", "20"));  // our write, read back
  const auto changes = store.replace(packed(store, {object("ns", "a", "15")}));  // from before
  EXPECT_TRUE(changes.empty());
  EXPECT_EQ((*store.get("ns/a"))["metadata"]["resourceVersion"], "20");
}

TEST(Store, AnObjectComesBackAsItWasPut) {
  Store store("cutover.dev/rollout");
  Json o = object("shop", "web", "7", "web", "uid-web");
  o["spec"] = {{"replicas", 3},
               {"offset", -12},
               {"ratio", 0.1},
               {"half", 0.5},
               {"big", 18446744073709551615ULL},
               {"text", "caf\u00e9 \u2603"},
               {"none", nullptr},
               {"flags", {true, false}},
               {"empty", Json::object()},
               {"list", Json::array()}};
  store.upsert(o);
  EXPECT_EQ(*store.get("shop/web"), o);
  EXPECT_EQ(store.get("shop/web")->dump(), o.dump()) << "numbers keep their kind and text";
  EXPECT_EQ(store.by_label("shop", "web").at(0), o);
  EXPECT_GT(store.packed_bytes(), 0U);
  EXPECT_LT(store.packed_bytes(), o.dump().size()) << "packed is smaller than the JSON text";
  EXPECT_EQ(Store::unpack(*store.erase("shop/web")), o);
  EXPECT_EQ(store.packed_bytes(), 0U);
}

TEST(Store, ClusterScopedObjectsAreKeyedByName) {
  Store store;
  store.upsert({{"metadata", {{"name", "global"}, {"resourceVersion", "1"}}}});
  EXPECT_NE(store.get("global"), std::nullopt);
  EXPECT_EQ(store.list("").size(), 1U);
}

}  // namespace
}  // namespace cutover::kube
