#pragma once
// Small encoding helpers shared by the kube and flags code.

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace cutover {

/// Decodes standard base64 (RFC 4648, padding required, whitespace ignored).
/// Returns an explanation on malformed input.
std::expected<std::string, std::string> base64_decode(std::string_view encoded);

/// Encodes as standard base64 with padding.
std::string base64_encode(std::string_view raw);

/// Lower-case hex of every byte: "\x01\xab" is "01ab".
std::string hex_encode(std::string_view raw);

/// Percent-encodes a query or path component (RFC 3986 unreserved characters kept).
std::string url_encode(std::string_view raw);

/// Parses an RFC 3339 timestamp such as `2026-11-22T01:02:03Z` or with a `+01:00` offset and
/// optional fractional seconds. Returns nullopt if it is not one.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

/// Formats as RFC 3339 in UTC with second precision, e.g. `2026-11-22T01:02:03Z`.
std::string format_rfc3339(std::chrono::system_clock::time_point time);

/// Formats with microseconds, as Kubernetes' MicroTime fields (Lease renewTime) require:
/// `2026-11-22T01:02:03.000042Z`.
std::string format_rfc3339_micro(std::chrono::system_clock::time_point time);

}  // namespace cutover
