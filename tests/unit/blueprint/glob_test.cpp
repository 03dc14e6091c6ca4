#include "blueprint/glob.hpp"

#include <gtest/gtest.h>

namespace cutover::blueprint {
namespace {

TEST(BlueprintGlob, Matches) {
  EXPECT_TRUE(glob_matches("deploy/ingress.yaml", "deploy/ingress.yaml"));
  EXPECT_FALSE(glob_matches("deploy/ingress.yaml", "deploy/service.yaml"));
  EXPECT_TRUE(glob_matches("docs/**", "docs/a.md"));
  EXPECT_TRUE(glob_matches("docs/**", "docs/x/y/z.md"));
  EXPECT_FALSE(glob_matches("docs/**", "src/docs.md"));
  EXPECT_TRUE(glob_matches("docs", "docs/a.md"));  // a folder matches its files
  EXPECT_TRUE(glob_matches("**/*.png", "logo.png"));
  EXPECT_TRUE(glob_matches("**/*.png", "assets/img/logo.png"));
  EXPECT_FALSE(glob_matches("**/*.png", "assets/logo.png.txt"));
  EXPECT_TRUE(glob_matches("*.json", "package-lock.json"));
  EXPECT_FALSE(glob_matches("*.json", "sub/package.json"));
  EXPECT_TRUE(glob_matches("src/?.cpp", "src/a.cpp"));
  EXPECT_FALSE(glob_matches("src/?.cpp", "src/ab.cpp"));
  EXPECT_TRUE(glob_matches("{{name}}/*.yaml", "{{name}}/x.yaml"));
  EXPECT_FALSE(glob_matches("", "a"));
}

}  // namespace
}  // namespace cutover::blueprint
