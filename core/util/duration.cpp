#include "util/duration.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace cutover {

std::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::unexpected("is empty; use a duration such as 30s, 5m or 1h");
  }
  const auto bad = [&] {
    return std::unexpected(fmt::format(
        "\"{}\" is not a duration; use a number with a unit, e.g. 30s, 5m, 1h30m", text));
  };
  // A bare number means seconds.
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    long long seconds = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc{} || seconds > 10'000'000'000LL)
      return bad();
    return std::chrono::milliseconds{seconds * 1000};
  }
  long long total_ms = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) != 0)
      ++pos;
    if (pos == start || pos - start > 10)
      return bad();
    long long value = 0;
    std::from_chars(text.data() + start, text.data() + pos, value);
    const std::size_t unit_start = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos])) != 0)
      ++pos;
    const std::string_view unit = text.substr(unit_start, pos - unit_start);
    long long factor = 0;
    if (unit == "ms") {
      factor = 1;
    } else if (unit == "s") {
      factor = 1000;
    } else if (unit == "m") {
      factor = 60'000;
    } else if (unit == "h") {
      factor = 3'600'000;
    } else {
      return bad();
    }
    total_ms += value * factor;
    if (total_ms > 10'000'000'000'000LL)
      return bad();
  }
  return std::chrono::milliseconds{total_ms};
}

std::string format_duration(std::chrono::milliseconds duration) {
  long long ms = duration.count();
  if (ms == 0)
    return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  const long long hours = ms / 3'600'000;
  const long long minutes = ms / 60'000 % 60;
  const long long seconds = ms / 1000 % 60;
  const long long millis = ms % 1000;
  if (hours > 0)
    out += fmt::format("{}h", hours);
  if (minutes > 0)
    out += fmt::format("{}m", minutes);
  if (seconds > 0)
    out += fmt::format("{}s", seconds);
  if (millis > 0)
    out += fmt::format("{}ms", millis);
  return out;
}

}  // namespace cutover
