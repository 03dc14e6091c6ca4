#pragma once
// Reads the fields of a user's object (a Rollout, an SLOPolicy, ...) with errors that name the
// object, the field path and the fix. Absent and null fields leave the output untouched, so
// defaults are set by the caller before reading.

#include <fmt/format.h>

#include <chrono>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>

#include "util/duration.hpp"

namespace cutover {

/// A user error in one field of one object.
struct FieldError {
  std::string kind;    // Rollout, SLOPolicy, ...
  std::string object;  // namespace/name, or a file name
  std::string field;   // e.g. spec.metrics[2].threshold.query
  std::string message;
  std::string fix;
  /// "rollout shop/web: spec.replicas: must be an integer (fix: ...)".
  [[nodiscard]] std::string describe() const;
};

class SpecReader {
 public:
  using Json = nlohmann::json;
  using Result = std::expected<void, FieldError>;

  SpecReader(std::string kind, std::string object)
      : kind_(std::move(kind)), object_(std::move(object)) {}

  [[nodiscard]] std::unexpected<FieldError> error(std::string field, std::string message,
                                                  std::string fix = {}) const {
    return std::unexpected(
        FieldError{kind_, object_, std::move(field), std::move(message), std::move(fix)});
  }

  Result integer(const Json& parent, const char* key, const std::string& path, int& out, int min,
                 int max) const {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null())
      return {};
    if (!it->is_number_integer())
      return error(path + "." + key, "must be an integer");
    const auto value = it->get<long long>();
    if (value < min || value > max) {
      return error(path + "." + key, fmt::format("is {}, outside {}..{}", value, min, max));
    }
    out = static_cast<int>(value);
    return {};
  }

  Result number(const Json& parent, const char* key, const std::string& path, double& out,
                double min, double max) const {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null())
      return {};
    if (!it->is_number())
      return error(path + "." + key, "must be a number");
    const auto value = it->get<double>();
    if (!(value >= min && value <= max)) {
      return error(path + "." + key, fmt::format("is {}, outside {}..{}", value, min, max));
    }
    out = value;
    return {};
  }

  Result boolean(const Json& parent, const char* key, const std::string& path, bool& out) const {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null())
      return {};
    if (!it->is_boolean())
      return error(path + "." + key, "must be true or false");
    out = it->get<bool>();
    return {};
  }

  Result string(const Json& parent, const char* key, const std::string& path,
                std::string& out) const {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null())
      return {};
    if (!it->is_string())
      return error(path + "." + key, "must be a string");
    out = it->get<std::string>();
    return {};
  }

  /// A Go-style duration string ("30s", "1m30s") or a number of seconds.
  Result duration(const Json& parent, const char* key, const std::string& path,
                  std::chrono::milliseconds& out) const {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null())
      return {};
    if (it->is_number_integer() && it->get<long long>() >= 0) {
      out = std::chrono::seconds{it->get<long long>()};
      return {};
    }
    if (!it->is_string()) {
      return error(path + "." + key, "must be a duration string or seconds", "e.g. 30s or 1m");
    }
    auto parsed = parse_duration(it->get<std::string>());
    if (!parsed)
      return error(path + "." + key, parsed.error(), "e.g. 30s or 1m");
    out = *parsed;
    return {};
  }

 private:
  std::string kind_;
  std::string object_;
};

}  // namespace cutover
