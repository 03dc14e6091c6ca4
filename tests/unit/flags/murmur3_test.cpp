// MurmurHash3 x86_32: the reference vectors (SMHasher, Python's mmh3) and the keys flagd's
// testbed chose for their hashes at the bucketing boundaries.
#include "flags/murmur3.hpp"

#include <gtest/gtest.h>

#include <string>

namespace cutover::flags {
namespace {

TEST(Murmur3Test, ReferenceVectors) {
  EXPECT_EQ(murmur3_x86_32(""), 0x00000000u);
  EXPECT_EQ(murmur3_x86_32("", 1), 0x514e28b7u);
  EXPECT_EQ(murmur3_x86_32("", 0xffffffff), 0x81f16f39u);
  EXPECT_EQ(murmur3_x86_32(std::string(4, '\0')), 0x2362f9deu);
  EXPECT_EQ(murmur3_x86_32("foo"), 0xf6a5c420u);
  EXPECT_EQ(murmur3_x86_32("hello"), 0x248bfa47u);
  EXPECT_EQ(murmur3_x86_32("Hello, world!", 1234), 0xfaf6cdb3u);
  EXPECT_EQ(murmur3_x86_32("The quick brown fox jumps over the lazy dog"), 0x2e4ff723u);
}

TEST(Murmur3Test, EveryTailLength) {
  EXPECT_EQ(murmur3_x86_32("a"), 0x3c2569b2u);
  EXPECT_EQ(murmur3_x86_32("ab"), 0x9bbfd75fu);
  EXPECT_EQ(murmur3_x86_32("abc"), 0xb3dd93fau);
  EXPECT_EQ(murmur3_x86_32("abcd"), 0x43ed676au);
}

TEST(Murmur3Test, BytesAboveSevenBitsAreUnsigned) {
  // A signed-char read would sign-extend these into the high bits.
  EXPECT_NE(murmur3_x86_32("\xff"), murmur3_x86_32("\x7f"));
  EXPECT_NE(murmur3_x86_32("\xff\xff\xff\xff"), murmur3_x86_32("\x7f\x7f\x7f\x7f"));
}

TEST(Murmur3Test, FlagdTestbedBoundaryKeys) {
  // flagd-testbed evaluator/gherkin/fractional.feature, "hash edge cases".
  EXPECT_EQ(murmur3_x86_32("ejOoVL"), 0x00000000u);
  EXPECT_EQ(murmur3_x86_32("bY9fO-"), 0x00000001u);
  EXPECT_EQ(murmur3_x86_32("SI7p-"), 0x7fffffffu);
  EXPECT_EQ(murmur3_x86_32("6LvT0"), 0x80000000u);
  EXPECT_EQ(murmur3_x86_32("ceQdGm"), 0xffffffffu);
}

}  // namespace
}  // namespace cutover::flags
