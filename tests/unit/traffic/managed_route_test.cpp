// A prefix on a router without prefix matches: an anchored regex whose metacharacters are
// escaped, so "pay.v1" matches "pay.v1-beta" and not "payxv1".
#include "traffic/managed_route.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace cutover::traffic {
namespace {

TEST(ManagedRoute, APrefixIsAnAnchoredEscapedRegex) {
  EXPECT_EQ(prefix_regex("a.b*c"), "^a\\.b\\*c.*");
  EXPECT_EQ(prefix_regex(""), "^.*");
  EXPECT_EQ(prefix_regex("/api/v1"), "^/api/v1.*") << "no escape where none is needed";
}

TEST(ManagedRoute, ThePrefixRegexMatchesExactlyTheStringsWithThatPrefix) {
  const std::string prefix = "pay.v1(+)[a]{2}|$^\\";
  const std::regex re(prefix_regex(prefix));
  EXPECT_TRUE(std::regex_match(prefix, re));
  EXPECT_TRUE(std::regex_match(prefix + "-beta", re));
  EXPECT_FALSE(std::regex_match("payxv1(+)[a]{2}|$^\\", re));
  EXPECT_FALSE(std::regex_match("x" + prefix, re));
}

}  // namespace
}  // namespace cutover::traffic
