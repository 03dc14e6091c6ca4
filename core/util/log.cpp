#include "util/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "util/encoding.hpp"

namespace cutover::log {

namespace {

std::atomic<Level> g_level{Level::info};
std::mutex g_mutex;

const char* name(Level level) {
  switch (level) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

}  // namespace

void set_level(Level level) {
  g_level = level;
}

void write(Level level, std::string_view message, const nlohmann::json& fields) {
  if (level < g_level.load())
    return;
  nlohmann::json line = {{"ts", format_rfc3339_micro(std::chrono::system_clock::now())},
                         {"level", name(level)},
                         {"msg", message}};
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items())
      line[key] = value;
  }
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(g_mutex);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace cutover::log
