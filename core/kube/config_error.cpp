#include "kube/config_error.hpp"

#include <fmt/format.h>

namespace cutover::kube {

std::string ConfigError::describe() const {
  std::string out;
  if (!file.empty()) {
    out += file + ": ";
  }
  if (!context.empty()) {
    out += fmt::format("context \"{}\": ", context);
  }
  if (!field.empty()) {
    out += field + ": ";
  }
  out += message;
  if (!fix.empty()) {
    out += " (fix: " + fix + ")";
  }
  return out;
}

}  // namespace cutover::kube
