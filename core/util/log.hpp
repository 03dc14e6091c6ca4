#pragma once
// Structured logs: one JSON object per line on stderr, e.g.
//   {"ts":"2026-11-22T01:02:03Z","level":"info","msg":"reconciled","rollout":"shop/web",...}
// Thread-safe. Callers pass fields explicitly; nothing secret is ever a field (the kube client
// never hands out headers or tokens).

#include <nlohmann/json.hpp>
#include <string_view>

namespace cutover::log {

enum class Level { debug, info, warn, error };

/// Messages below this level are dropped (default: info).
void set_level(Level level);

void write(Level level, std::string_view message, const nlohmann::json& fields = {});

inline void info(std::string_view message, const nlohmann::json& fields = {}) {
  write(Level::info, message, fields);
}
inline void warn(std::string_view message, const nlohmann::json& fields = {}) {
  write(Level::warn, message, fields);
}
inline void error(std::string_view message, const nlohmann::json& fields = {}) {
  write(Level::error, message, fields);
}

}  // namespace cutover::log
