#include "kube/api_call.hpp"

#include <gtest/gtest.h>

namespace cutover::kube {
namespace {

struct Case {
  const char* method;
  const char* target;
  ApiTarget want;
};

class ApiTargetTest : public testing::TestWithParam<Case> {};

TEST_P(ApiTargetTest, ReadsRbacTermsFromThePath) {
  const auto& c = GetParam();
  const ApiTarget got = api_target(c.method, c.target);
  EXPECT_EQ(got.verb, c.want.verb) << c.target;
  EXPECT_EQ(got.group, c.want.group) << c.target;
  EXPECT_EQ(got.resource, c.want.resource) << c.target;
  EXPECT_EQ(got.namespace_name, c.want.namespace_name) << c.target;
  EXPECT_EQ(got.name, c.want.name) << c.target;
}

INSTANTIATE_TEST_SUITE_P(
    Paths, ApiTargetTest,
    testing::Values(
        Case{"PATCH",
             "/apis/apps/v1/namespaces/shop/deployments/web-a/scale",
             {"patch", "apps", "deployments/scale", "shop", "web-a"}},
        Case{"GET",
             "/api/v1/namespaces/shop/pods?labelSelector=a%3Db&limit=500",
             {"list", "", "pods", "shop", ""}},
        Case{"GET", "/api/v1/pods?watch=1&resourceVersion=5", {"watch", "", "pods", "", ""}},
        Case{"WATCH",
             "/apis/cutover.dev/v1alpha1/namespaces/a/rollouts?watch=true",
             {"watch", "cutover.dev", "rollouts", "a", ""}},
        Case{"PUT",
             "/apis/cutover.dev/v1alpha1/namespaces/a/rollouts/web/status",
             {"update", "cutover.dev", "rollouts/status", "a", "web"}},
        Case{"POST",
             "/apis/coordination.k8s.io/v1/namespaces/default/leases",
             {"create", "coordination.k8s.io", "leases", "default", ""}},
        Case{"GET",
             "/apis/cutover.dev/v1alpha1/clusterslopolicies/errors",
             {"get", "cutover.dev", "clusterslopolicies", "", "errors"}},
        Case{"DELETE",
             "/api/v1/namespaces/shop/events",
             {"deletecollection", "", "events", "shop", ""}},
        Case{"DELETE", "/api/v1/namespaces/shop", {"delete", "", "namespaces", "shop", "shop"}},
        Case{"PUT",
             "/api/v1/namespaces/shop/finalize",
             {"update", "", "namespaces/finalize", "shop", "shop"}},
        Case{"GET", "/version", {"", "", "", "", ""}}, Case{"GET", "", {"", "", "", "", ""}},
        Case{"GET", "/apis/apps", {"", "", "", "", ""}},
        Case{"GET", "///api//v1//namespaces", {"list", "", "namespaces", "", ""}}));

TEST(StatusMessageTest, ReadsTheMessageOfAStatus) {
  EXPECT_EQ(status_message(R"({"kind":"Status","code":403,"message":"no"})"), "no");
  EXPECT_EQ(status_message(R"({"kind":"Pod","message":"no"})"), "");
  EXPECT_EQ(status_message("not json {"), "");
  EXPECT_EQ(status_message(""), "");
  EXPECT_EQ(status_message(R"({"kind":"Status","message":7})"), "");
}

}  // namespace
}  // namespace cutover::kube
