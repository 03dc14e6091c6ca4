#include "traffic/managed_route.hpp"

#include <string_view>

namespace cutover::traffic {

std::string regex_escape(const std::string& value) {
  constexpr std::string_view kMeta = R"(\^$.|?*+()[]{})";
  std::string out;
  for (const char c : value) {
    if (kMeta.find(c) != std::string_view::npos)
      out += '\\';
    out += c;
  }
  return out;
}

std::string prefix_regex(const std::string& value) {
  return "^" + regex_escape(value) + ".*";
}

}  // namespace cutover::traffic
