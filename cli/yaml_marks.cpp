#include "yaml_marks.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <string>
#include <vector>

namespace cutover::cli {

namespace {

// One step of a path: a map key, or a list index.
struct Segment {
  std::string key;
  int index = -1;  // >= 0: a list index
};

std::vector<Segment> split_path(std::string_view path) {
  std::vector<Segment> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      const auto end = path.find(']', i);
      if (end == std::string_view::npos)
        break;
      int index = -1;
      const auto digits = path.substr(i + 1, end - i - 1);
      std::from_chars(digits.data(), digits.data() + digits.size(), index);
      out.push_back({"", index});
      i = end + 1;
      continue;
    }
    const auto end = path.find_first_of(".[", i);
    const auto stop = end == std::string_view::npos ? path.size() : end;
    out.push_back({std::string(path.substr(i, stop - i)), -1});
    i = stop;
  }
  return out;
}

SourcePosition position(const YAML::Mark& mark, SourcePosition fallback) {
  if (mark.line < 0 || mark.column < 0)
    return fallback;
  return {mark.line + 1, mark.column + 1};
}

}  // namespace

SourcePosition locate(const YAML::Node& document, std::string_view path) {
  SourcePosition found = position(document.Mark(), {});
  // YAML::Node's operator= writes through to the tree; reset() re-points the handle.
  YAML::Node node;
  node.reset(document);
  for (const auto& segment : split_path(path)) {
    if (segment.index >= 0) {
      if (!node.IsSequence() || static_cast<std::size_t>(segment.index) >= node.size())
        return found;
      node.reset(node[static_cast<std::size_t>(segment.index)]);
      found = position(node.Mark(), found);
      continue;
    }
    if (!node.IsMap())
      return found;
    bool matched = false;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == segment.key) {
        found = position(it->first.Mark(), found);
        node.reset(it->second);
        matched = true;
        break;
      }
    }
    if (!matched)
      return found;
  }
  return found;
}

}  // namespace cutover::cli
