#include "lease_location.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "api_refusal.hpp"

namespace cutover::op {
namespace {

kube::Environment environment(std::map<std::string, std::string> vars,
                              const std::filesystem::path& sa_dir) {
  kube::Environment env;
  env.getenv = [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional(it->second);
  };
  env.service_account_dir = sa_dir;
  return env;
}

class LeaseLocationTest : public testing::Test {
 protected:
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("lease-location-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  void TearDown() override { std::filesystem::remove_all(dir); }
};

TEST_F(LeaseLocationTest, FlagWinsOverEverything) {
  OperatorOptions options;
  options.leader_election_namespace = "ops";
  options.watch_namespace = "shop";
  auto lease = leader_lease(options, environment({{"POD_NAMESPACE", "pod-ns"}}, dir));
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->namespace_name, "ops");
  EXPECT_EQ(lease->name, "cutover-operator");
}

TEST_F(LeaseLocationTest, PodNamespaceThenServiceAccountFileThenWatchedNamespace) {
  OperatorOptions options;
  options.watch_namespace = "shop";
  EXPECT_EQ(leader_lease(options, environment({{"POD_NAMESPACE", "pod-ns"}}, dir))->namespace_name,
            "pod-ns");
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "namespace") << "sa-ns";
  EXPECT_EQ(leader_lease(options, environment({}, dir))->namespace_name, "sa-ns");
  std::filesystem::remove(dir / "namespace");
  EXPECT_EQ(leader_lease(options, environment({}, dir))->namespace_name, "shop");
}

TEST_F(LeaseLocationTest, OutOfAClusterWithNothingSetIsAnErrorNamingTheFlag) {
  const auto lease = leader_lease({}, environment({}, dir));
  ASSERT_FALSE(lease);
  EXPECT_NE(lease.error().find("--leader-election-namespace"), std::string::npos);
}

TEST_F(LeaseLocationTest, NoLeaderElectionNeedsNoNamespace) {
  OperatorOptions options;
  options.leader_elect = false;
  const auto lease = leader_lease(options, environment({}, dir));
  ASSERT_TRUE(lease);
  EXPECT_TRUE(lease->namespace_name.empty());
}

TEST(ApiRefusalTest, NamesVerbResourceAndNamespace) {
  const kube::ApiCall call{"PATCH", "/apis/apps/v1/namespaces/shop/deployments/web-a/scale", 403,
                           R"({"kind":"Status","message":"cannot patch"})"};
  const Refusal r = describe_refusal(call, {"ops", "cutover-operator"});
  EXPECT_EQ(r.level, log::Level::warn);
  EXPECT_EQ(r.fields["verb"], "patch");
  EXPECT_EQ(r.fields["resource"], "deployments/scale");
  EXPECT_EQ(r.fields["group"], "apps");
  EXPECT_EQ(r.fields["namespace"], "shop");
  EXPECT_EQ(r.fields["error"], "cannot patch");
  EXPECT_NE(r.fields["fix"].get<std::string>().find("'patch' on 'deployments/scale'"),
            std::string::npos);
}

TEST(ApiRefusalTest, TheLeaderLeaseIsAnErrorNamingTheFlag) {
  const kube::ApiCall call{
      "GET", "/apis/coordination.k8s.io/v1/namespaces/default/leases/cutover-operator", 403, ""};
  const Refusal r = describe_refusal(call, {"default", "cutover-operator"});
  EXPECT_EQ(r.level, log::Level::error);
  EXPECT_NE(r.fields["fix"].get<std::string>().find("--leader-election-namespace"),
            std::string::npos);
  EXPECT_NE(r.fields["fix"].get<std::string>().find("namespace default"), std::string::npos);
  // Another Lease (a run Lease of deploy run) is an ordinary refusal.
  const kube::ApiCall other{"GET", "/apis/coordination.k8s.io/v1/namespaces/shop/leases/x", 403,
                            ""};
  EXPECT_EQ(describe_refusal(other, {"default", "cutover-operator"}).level, log::Level::warn);
}

}  // namespace
}  // namespace cutover::op
