#include "flags/utf8_runes.hpp"

namespace cutover::flags::go {

namespace {

unsigned byte_at(std::string_view text, std::size_t index) {
  return static_cast<unsigned char>(text[index]);
}

bool continuation(std::string_view text, std::size_t index) {
  return index < text.size() && (byte_at(text, index) & 0xC0U) == 0x80U;
}

// The rune starting at `offset`, as unicode/utf8.DecodeRuneInString: no overlong forms, no
// surrogates, nothing above U+10FFFF.
Rune decode_one(std::string_view text, std::size_t offset) {
  const unsigned lead = byte_at(text, offset);
  Rune invalid{0xFFFD, offset, 1, true};
  if (lead < 0x80)
    return {lead, offset, 1, false};
  std::size_t size = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    size = 2, value = lead & 0x1FU, minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    size = 3, value = lead & 0x0FU, minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    size = 4, value = lead & 0x07U, minimum = 0x10000;
  } else {
    return invalid;
  }
  for (std::size_t i = 1; i < size; ++i) {
    if (!continuation(text, offset + i))
      return invalid;
    value = (value << 6U) | (byte_at(text, offset + i) & 0x3FU);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
    return invalid;
  return {value, offset, size, false};
}

}  // namespace

std::vector<Rune> decode_runes(std::string_view text) {
  std::vector<Rune> runes;
  for (std::size_t offset = 0; offset < text.size();) {
    runes.push_back(decode_one(text, offset));
    offset += runes.back().size;
  }
  return runes;
}

std::string encode_runes(std::string_view text, const std::vector<Rune>& runes, std::size_t first,
                         std::size_t last) {
  std::string out;
  for (std::size_t i = first; i < last; ++i) {
    if (runes[i].invalid)
      out += "\xEF\xBF\xBD";
    else
      out += text.substr(runes[i].offset, runes[i].size);
  }
  return out;
}

}  // namespace cutover::flags::go
