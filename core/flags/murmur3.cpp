#include "flags/murmur3.hpp"

#include <bit>
#include <cstddef>

namespace cutover::flags {

namespace {

constexpr std::uint32_t c1 = 0xcc9e2d51;
constexpr std::uint32_t c2 = 0x1b873593;

std::uint32_t byte_at(std::string_view bytes, std::size_t index) {
  return static_cast<unsigned char>(bytes[index]);
}

// The block read is spelled out byte by byte: the reference reads a native uint32, which is
// little-endian on the x86 it is named after.
std::uint32_t little_endian_block(std::string_view bytes, std::size_t offset) {
  return byte_at(bytes, offset) | (byte_at(bytes, offset + 1) << 8) |
         (byte_at(bytes, offset + 2) << 16) | (byte_at(bytes, offset + 3) << 24);
}

std::uint32_t scramble(std::uint32_t k) {
  k *= c1;
  k = std::rotl(k, 15);
  return k * c2;
}

std::uint32_t final_mix(std::uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

}  // namespace

std::uint32_t murmur3_x86_32(std::string_view bytes, std::uint32_t seed) {
  std::uint32_t h = seed;
  const std::size_t block_bytes = bytes.size() - bytes.size() % 4;
  for (std::size_t offset = 0; offset < block_bytes; offset += 4) {
    h ^= scramble(little_endian_block(bytes, offset));
    h = std::rotl(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  std::uint32_t tail = 0;
  switch (bytes.size() % 4) {
    case 3:
      tail ^= byte_at(bytes, block_bytes + 2) << 16;
      [[fallthrough]];
    case 2:
      tail ^= byte_at(bytes, block_bytes + 1) << 8;
      [[fallthrough]];
    case 1:
      tail ^= byte_at(bytes, block_bytes);
      h ^= scramble(tail);
      break;
    default:
      break;
  }
  // The reference mixes in the length as a 32-bit int, so does flagd's Go library.
  h ^= static_cast<std::uint32_t>(bytes.size());
  return final_mix(h);
}

}  // namespace cutover::flags
