#pragma once
// MurmurHash3 x86_32 (Austin Appleby's reference, public domain), the hash flagd's `fractional`
// buckets with. Stable across runs, builds and machines; not for security.
//
// Why our own: Debian's libmurmurhash-dev computes the same hash (its lmmh_x86_32 passes the
// reference vectors and flagd's fractional vectors), but linking it adds a shared library to
// deploy-operator's image and a -dev package to operator/Dockerfile's build stage, for thirty
// lines of arithmetic.

#include <cstdint>
#include <string_view>

namespace cutover::flags {

/// The 32-bit MurmurHash3 of `bytes` (x86 variant; little-endian block reads on every host).
///
/// **Example**: `murmur3_x86_32("hello") == 0x248bfa47`.
std::uint32_t murmur3_x86_32(std::string_view bytes, std::uint32_t seed = 0);

}  // namespace cutover::flags
