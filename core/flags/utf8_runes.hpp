#pragma once
// Go's view of a string as runes: `[]rune(s)` and `for range s` decode UTF-8 and read each
// invalid byte as one U+FFFD. Used by the Go JsonLogic operations (substr, strings.TrimSpace,
// encoding/json's escapes).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cutover::flags::go {

struct Rune {
  char32_t value = 0;      // U+FFFD when `invalid`
  std::size_t offset = 0;  // where its bytes start in the text
  std::size_t size = 0;    // how many bytes it takes (1 when invalid)
  bool invalid = false;    // a byte that starts no valid UTF-8 sequence
};

std::vector<Rune> decode_runes(std::string_view text);

/// `string(runes[first:last])`: the runes re-encoded (an invalid byte becomes U+FFFD's bytes).
std::string encode_runes(std::string_view text, const std::vector<Rune>& runes, std::size_t first,
                         std::size_t last);

}  // namespace cutover::flags::go
