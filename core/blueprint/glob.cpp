#include "blueprint/glob.hpp"

#include <vector>

namespace cutover::blueprint {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start)
      out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos)
      break;
    start = slash + 1;
  }
  return out;
}

// One segment against one segment pattern with `*` and `?`; iterative with one backtrack
// point, so no exponential blow-up.
bool segment_matches(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

// Whether the pattern segments from `p` match a prefix of the path segments from `t` that ends
// at a segment boundary (a folder matches everything under it).
bool match_from(const std::vector<std::string_view>& pattern, std::size_t p,
                const std::vector<std::string_view>& path, std::size_t t, int budget) {
  if (budget <= 0)
    return false;
  if (p == pattern.size())
    return true;  // the rest of the path lies under the matched folder
  if (pattern[p] == "**") {
    for (std::size_t skip = t; skip <= path.size(); ++skip) {
      if (match_from(pattern, p + 1, path, skip, budget - 1))
        return true;
    }
    return false;
  }
  if (t == path.size() || !segment_matches(pattern[p], path[t]))
    return false;
  return match_from(pattern, p + 1, path, t + 1, budget - 1);
}

}  // namespace

bool glob_matches(std::string_view glob, std::string_view path) {
  const auto pattern = segments(glob);
  const auto parts = segments(path);
  if (pattern.empty())
    return false;
  // A pattern ending in `**` must match at least the folder; `docs/**` must not match `docs`
  // itself as a file, which the prefix rule already gives.
  return match_from(pattern, 0, parts, 0, 10'000);
}

}  // namespace cutover::blueprint
