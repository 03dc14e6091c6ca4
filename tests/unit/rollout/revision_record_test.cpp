// Where earlier pod templates are kept: on the slot that runs the revision, and in a
// ControllerRevision once the slot is about to take another revision. Nothing is recorded
// twice, nothing while its slot still holds it, and nothing is lost when a slot moves.
#include "rollout/revision_record.hpp"

#include <gtest/gtest.h>

#include "rollout/rollout_commands.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout/slot_deployment.hpp"
#include "rollout_world.hpp"

namespace cutover::rollout {
namespace {

Json pod_template(const std::string& image) {
  return {{"metadata", {{"labels", {{"app", "web"}}}}},
          {"spec", {{"containers", Json::array({{{"name", "web"}, {"image", image}}})}}}};
}

Rollout web_rollout() {
  auto parsed = parse_rollout(testing::canary_rollout_json(2, Json::array(), "web:3"));
  EXPECT_TRUE(parsed.has_value());
  Rollout r = parsed ? *parsed : Rollout{};
  r.uid = "uid-web";
  for (const char* revision : {"r1", "r2", "r3"}) {
    HistoryEntry entry;
    entry.revision = revision;
    r.status.history.push_back(entry);
  }
  return r;
}

// A plan that moves slot `slot` to revision r3, the slot holding `held` with `recorded`.
struct Move {
  Observed observed;
  Plan plan;
};
Move move(Slot slot, const std::string& held, const std::string& recorded, const Rollout& r) {
  Move m;
  auto& seen = m.observed.slot(slot);
  seen.exists = !held.empty();
  seen.revision = held;
  seen.recorded_template = recorded;
  m.plan.status = r.status;
  m.plan.actions.emplace_back(ApplySlot{slot, "r3", 2});
  return m;
}

TEST(RevisionRecord, ASlotMovingToAnotherRevisionRecordsTheOneItRan) {
  const Rollout r = web_rollout();
  const Move m = move(Slot::a, "r1", pod_template("web:1").dump(), r);
  const auto records = revisions_to_record(r, m.observed, m.plan);
  ASSERT_EQ(records.size(), 1U);
  const Json& record = records[0];
  EXPECT_EQ(record["kind"], "ControllerRevision");
  EXPECT_EQ(record["metadata"]["name"], "web-r1");
  EXPECT_EQ(record["metadata"]["labels"]["cutover.dev/rollout"], "web");
  EXPECT_EQ(record["metadata"]["ownerReferences"][0]["uid"], "uid-web");
  EXPECT_EQ(record["revision"], 1) << "its first place in status.history";
  EXPECT_EQ(record["data"]["template"], pod_template("web:1")) << "the template as written";
}

TEST(RevisionRecord, NothingIsRecordedThatAnotherPlaceStillHolds) {
  const Rollout r = web_rollout();
  const std::string t1 = pod_template("web:1").dump();
  // A first deployment or a release onto an empty slot: no earlier template anywhere.
  const Move empty = move(Slot::b, "", "", r);
  EXPECT_TRUE(revisions_to_record(r, empty.observed, empty.plan).empty());
  // A re-apply of the revision the slot runs (a scale, a label): the slot still holds it.
  const Move same = move(Slot::a, "r3", t1, r);
  EXPECT_TRUE(revisions_to_record(r, same.observed, same.plan).empty());
  // A slot from before the annotation: the operator of then recorded it when it was applied.
  const Move older = move(Slot::a, "r1", "", r);
  EXPECT_TRUE(revisions_to_record(r, older.observed, older.plan).empty());
  // A revision that has left status.history (revisionHistoryLimit) is not kept either.
  const Move trimmed = move(Slot::a, "r0", t1, r);
  EXPECT_TRUE(revisions_to_record(r, trimmed.observed, trimmed.plan).empty());
  // An annotation that is not a JSON object (edited by hand) is not a template.
  for (const std::string bad : {"{", "[1]", "\"web:1\"", "null"}) {
    const Move broken = move(Slot::a, "r1", bad, r);
    EXPECT_TRUE(revisions_to_record(r, broken.observed, broken.plan).empty()) << bad;
  }
}

TEST(RevisionRecord, TwoAppliesOfOneSlotRecordItOnce) {
  const Rollout r = web_rollout();
  Move m = move(Slot::a, "r1", pod_template("web:1").dump(), r);
  m.plan.actions.emplace_back(ApplySlot{Slot::a, "r3", 1});
  EXPECT_EQ(revisions_to_record(r, m.observed, m.plan).size(), 1U);
}

TEST(RevisionRecord, TheSlotCarriesItsTemplateOutsideTheAppliedHash) {
  Rollout r = web_rollout();
  Json slot = slot_deployment(r, Slot::a, "r3", 2);
  const Json& annotations = slot["metadata"]["annotations"];
  EXPECT_EQ(Json::parse(annotations[kTemplateAnnotation].get<std::string>()), r.spec.pod_template);
  Json without = slot;
  without["metadata"]["annotations"].erase(kTemplateAnnotation);
  EXPECT_EQ(applied_hash(without), annotations[kAppliedAnnotation].get<std::string>())
      << "a slot applied before the annotation existed is not applied again for it";
}

TEST(RevisionRecord, UndoChoosesAmongTheSlotsAndTheRecords) {
  Rollout r = web_rollout();
  r.status.stable_revision = template_revision(r.spec.pod_template);
  // r1 recorded when its slot moved; r2 still on slot b; r3 is the spec's.
  Json revisions = {
      {"items", Json::array({controller_revision(r, "r1", pod_template("web:1"), 1)})}};
  Json slot_b = slot_deployment(r, Slot::b, "r2", 0);
  slot_b["metadata"]["annotations"][kTemplateAnnotation] = pod_template("web:2").dump();
  Json slot_a = slot_deployment(r, Slot::a, "r3", 2);
  for (auto& item : slot_revisions(r, {slot_a, slot_b}))
    revisions["items"].push_back(item);
  ASSERT_EQ(revisions["items"].size(), 3U);
  EXPECT_EQ(choose_undo_template(r, revisions, 1, std::nullopt), pod_template("web:1"));
  EXPECT_EQ(choose_undo_template(r, revisions, 2, std::nullopt), pod_template("web:2"));
  EXPECT_EQ(choose_undo_template(r, revisions, std::nullopt, std::nullopt), pod_template("web:2"))
      << "the previous revision, still on its slot";
}

}  // namespace
}  // namespace cutover::rollout
