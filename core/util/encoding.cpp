#include "util/encoding.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <cctype>
#include <charconv>

namespace cutover {

std::expected<std::string, std::string> base64_decode(std::string_view encoded) {
  std::string compact;
  compact.reserve(encoded.size());
  for (char c : encoded) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) {
      compact.push_back(c);
    }
  }
  if (compact.size() % 4 != 0) {
    return std::unexpected("base64 length is not a multiple of 4");
  }
  for (char c : compact) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '+' && c != '/' && c != '=') {
      return std::unexpected(fmt::format("invalid base64 character '{}'", c));
    }
  }
  // EVP_DecodeBlock reads '=' as zero bits wherever it is, so only trailing padding is allowed.
  const auto first_pad = compact.find('=');
  if (first_pad != std::string::npos &&
      (compact.size() - first_pad > 2 ||
       compact.find_first_not_of('=', first_pad) != std::string::npos)) {
    return std::unexpected("base64 padding '=' is only allowed at the end");
  }
  std::string out(compact.size() / 4 * 3, '\0');
  if (compact.empty()) {
    return out;
  }
  // OpenSSL decodes whole quads and reports padding bytes as zeros; trim them.
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(compact.data()),
                                      static_cast<int>(compact.size()));
  if (written < 0) {
    return std::unexpected("malformed base64");
  }
  std::size_t padding = 0;
  if (compact.ends_with("==")) {
    padding = 2;
  } else if (compact.ends_with('=')) {
    padding = 1;
  }
  out.resize(static_cast<std::size_t>(written) - padding);
  return out;
}

std::string hex_encode(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (const char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    hex.push_back(kHex[byte >> 4U]);
    hex.push_back(kHex[byte & 0xFU]);
  }
  return hex;
}

std::string base64_encode(std::string_view raw) {
  std::string out((raw.size() + 2) / 3 * 4 + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(raw.data()),
                                      static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string url_encode(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (unsigned char c : raw) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

namespace {

// Digits only: from_chars would accept a leading '-'.
bool parse_int(std::string_view text, int& out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!parse_int(text.substr(0, 4), year) || !parse_int(text.substr(5, 2), month) ||
      !parse_int(text.substr(8, 2), day) || !parse_int(text.substr(11, 2), hour) ||
      !parse_int(text.substr(14, 2), minute) || !parse_int(text.substr(17, 2), second)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    if (pos >= text.size() || std::isdigit(static_cast<unsigned char>(text[pos])) == 0) {
      return std::nullopt;  // RFC 3339 needs at least one digit after the dot
    }
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0) {
      ++pos;
    }
  }
  int offset_minutes = 0;
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    offset_minutes = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = 0, om = 0;
    if (!parse_int(zone.substr(1, 2), oh) || !parse_int(zone.substr(4, 2), om) || oh > 23 ||
        om > 59) {
      return std::nullopt;
    }
    offset_minutes = (zone[0] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  // Compute in seconds (no overflow for any 4-digit year), then clamp: system_clock counts
  // nanoseconds and ends in 2262, and "expires in 9999" must mean "far future", not UB.
  const std::chrono::sys_seconds seconds =
      std::chrono::sys_days{ymd} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
      std::chrono::seconds{second} - std::chrono::minutes{offset_minutes};
  using TimePoint = std::chrono::system_clock::time_point;
  const auto max_seconds = std::chrono::floor<std::chrono::seconds>(TimePoint::max());
  const auto min_seconds = std::chrono::ceil<std::chrono::seconds>(TimePoint::min());
  if (seconds >= max_seconds)
    return TimePoint::max();
  if (seconds <= min_seconds)
    return TimePoint::min();
  return std::chrono::time_point_cast<TimePoint::duration>(seconds);
}

std::string format_rfc3339(std::chrono::system_clock::time_point time) {
  // fmt 9 formats a system_clock time_point in local time; go through gmtime for UTC.
  // Floor to whole seconds on the raw count: converting a floored time_point back to
  // system_clock's nanoseconds would overflow at the ends of its range.
  const auto nanos = time.time_since_epoch().count();
  constexpr decltype(nanos) kPerSecond = 1'000'000'000;
  auto seconds = nanos / kPerSecond;
  if (nanos % kPerSecond < 0)
    --seconds;
  return fmt::format("{:%FT%TZ}", fmt::gmtime(static_cast<std::time_t>(seconds)));
}

std::string format_rfc3339_micro(std::chrono::system_clock::time_point time) {
  const auto nanos = time.time_since_epoch().count();
  constexpr decltype(nanos) kPerSecond = 1'000'000'000;
  auto seconds = nanos / kPerSecond;
  auto remainder = nanos % kPerSecond;
  if (remainder < 0) {
    --seconds;
    remainder += kPerSecond;
  }
  return fmt::format("{:%FT%T}.{:06d}Z", fmt::gmtime(static_cast<std::time_t>(seconds)),
                     remainder / 1000);
}

}  // namespace cutover
