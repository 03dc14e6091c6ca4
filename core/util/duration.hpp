#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <string_view>

namespace cutover {

/// Parses a Go-style duration: "30s", "5m", "1h30m", "250ms", or a bare number of seconds
/// ("30"). Negative values are refused. The error says what is wrong.
std::expected<std::chrono::milliseconds, std::string> parse_duration(std::string_view text);

/// Formats as the shortest Go-style duration, e.g. "1h30m", "45s", "250ms", "0s".
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace cutover
