#pragma once
// FNV-1a, 64 bit: a stable (across runs, builds and machines) hash for names derived from
// content. Not for security.

#include <cstdint>
#include <string_view>

namespace cutover {

constexpr std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace cutover
