// `deploy analyze` through a CommandContext: which cluster it reads, and the errors it stops
// at before any query. Measurements against a real Prometheus are the e2e tests' part
// (tests/e2e/analysis).
#include "analyze_command.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "command_fixture.hpp"
#include "exit_code.hpp"
#include "util/yaml_json.hpp"

namespace cutover::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(AnalyzeCommand, APolicyMissingFromTheClusterNamesItsKindAndNamespace) {
  CommandFixture fixture;
  const auto run = fixture.run({"analyze", "--policy", "no-such-policy", "-n", "shop"});
  EXPECT_EQ(run.exit_code, kUsage);
  EXPECT_THAT(run.err, HasSubstr("reading SLOPolicy no-such-policy"));
  EXPECT_EQ(fixture.client.log, std::vector<std::string>{"get SLOPolicy/no-such-policy"});
  EXPECT_THAT(run.out, IsEmpty());
}

TEST(AnalyzeCommand, APolicyWithoutAnAddressAsksForOne) {
  CommandFixture fixture;
  auto documents = parse_yaml_documents(
      "apiVersion: cutover.dev/v1alpha1\nkind: SLOPolicy\nmetadata: {name: errors}\n"
      "spec:\n  metrics:\n  - name: rate\n    threshold:\n      query: vector(0)\n"
      "      successCondition: result < 1\n");
  ASSERT_TRUE(documents.has_value());
  fixture.client.seed({"cutover.dev/v1alpha1", "SLOPolicy", "shop"}, documents->front());
  ::unsetenv("CUTOVER_PROMETHEUS_URL");  // --prometheus's default
  const auto run = fixture.run({"analyze", "--policy", "errors", "-n", "shop", "--once"});
  EXPECT_EQ(run.exit_code, kUsage) << run.out;
  EXPECT_THAT(run.err, HasSubstr("policy errors: no Prometheus address (fix:"));
  EXPECT_THAT(fixture.clock.sleeps, IsEmpty());
}

}  // namespace
}  // namespace cutover::cli
