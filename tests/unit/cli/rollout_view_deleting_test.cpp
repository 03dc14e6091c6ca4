// `deploy status` on a Rollout (or a Migration) whose deletion waits for our finalizer: with no
// operator running nothing would ever remove it, so the status says what it waits for.
#include <gtest/gtest.h>

#include "golden.hpp"
#include "migration_object.hpp"
#include "rollout/migration_json.hpp"
#include "rollout/reconciler.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout_view.hpp"
#include "util/encoding.hpp"

namespace cutover::cli {
namespace {

using testing::read_json;

const char* kNote =
    "Deleting:  waiting for finalizer cutover.dev/restore-services. No operator? Run: deploy "
    "delete web\n";

std::string status_of(const Json& object) {
  auto parsed = rollout::parse_rollout(object);
  EXPECT_TRUE(parsed.has_value()) << (parsed ? "" : parsed.error().describe());
  return render_status({*parsed, object, {}}, *parse_rfc3339("2026-11-22T12:00:00Z"), Terminal{});
}

TEST(RolloutViewDeleting, ATerminatingRolloutWithOurFinalizerSaysHowToFinish) {
  Json object = read_json("rollout_paused.json");
  object["metadata"]["deletionTimestamp"] = "2026-11-22T11:59:00Z";
  object["metadata"]["finalizers"] = Json::array({"example.com/other", rollout::kFinalizer});
  const std::string text = status_of(object);
  EXPECT_NE(text.find(kNote), std::string::npos) << text;
}

TEST(RolloutViewDeleting, NoNoteUnlessTerminatingOnOurFinalizer) {
  Json object = read_json("rollout_paused.json");
  object["metadata"]["finalizers"] = Json::array({rollout::kFinalizer});
  EXPECT_EQ(status_of(object).find("Deleting:"), std::string::npos) << "not being deleted";
  object["metadata"]["deletionTimestamp"] = "2026-11-22T11:59:00Z";
  object["metadata"]["finalizers"] = Json::array({"example.com/other"});
  EXPECT_EQ(status_of(object).find("Deleting:"), std::string::npos) << "not ours to remove";
}

TEST(RolloutViewDeleting, ATerminatingMigrationWaitsForItsPathToGoBack) {
  Json object = paused_migration();
  object["metadata"]["deletionTimestamp"] = "2026-11-22T11:59:00Z";
  object["metadata"]["finalizers"] = Json::array({rollout::kMigrationFinalizer});
  auto parsed = rollout::parse_migration(object);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().describe();
  const std::string text =
      render_status({*parsed, object, {}}, *parse_rfc3339("2026-11-22T12:00:00Z"), Terminal{});
  EXPECT_NE(text.find("Deleting:  waiting for finalizer cutover.dev/restore-route: the operator "
                      "puts the path back on Service monolith first (spec.onDelete: restore)\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace cutover::cli
