#include "util/spec_reader.hpp"

namespace cutover {

std::string FieldError::describe() const {
  std::string out = fmt::format("{} {}: {}: {}", kind, object, field, message);
  if (!fix.empty())
    out += " (fix: " + fix + ")";
  return out;
}

}  // namespace cutover
