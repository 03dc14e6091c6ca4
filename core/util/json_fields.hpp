#pragma once
// Reading fields of JSON that came from outside (the API server, a user, a plugin) without ever
// throwing: a missing field or one of the wrong type yields the fallback. nlohmann's own
// `value()` throws on a type mismatch, which is why these exist.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace cutover {

inline std::string string_or(const nlohmann::json& object, const char* key,
                             std::string fallback = {}) {
  if (!object.is_object())
    return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

inline std::int64_t int_or(const nlohmann::json& object, const char* key,
                           std::int64_t fallback = 0) {
  if (!object.is_object())
    return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

inline bool bool_or(const nlohmann::json& object, const char* key, bool fallback = false) {
  if (!object.is_object())
    return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

/// The member `key` if `object` is an object that has it, else null.
inline const nlohmann::json& member(const nlohmann::json& object, const char* key) {
  static const nlohmann::json null_json;
  if (!object.is_object())
    return null_json;
  const auto it = object.find(key);
  return it != object.end() ? *it : null_json;
}

}  // namespace cutover
