#include "blueprint/render_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "blueprint/glob.hpp"
#include "blueprint/template_renderer.hpp"

namespace cutover::blueprint {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    out.push_back(path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos)
      return out;
    start = slash + 1;
  }
}

// Splits a template path at the '/' outside `{{...}}` tags, so `{{#a}}x{{/a}}/f` is two
// segments, not three.
std::vector<std::string_view> split_template_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path.compare(i, 2, "{{") == 0) {
      const std::size_t close = path.find("}}", i + 2);
      i = close == std::string_view::npos ? path.size() : close + 2;
      continue;
    }
    if (path[i] == '/') {
      out.push_back(path.substr(start, i - start));
      start = i + 1;
    }
    ++i;
  }
  out.push_back(path.substr(start));
  return out;
}

// Whether `inner` is `outer` or below it, comparing whole segments ("/a/bc" is not below
// "/a/b"). Both absolute and normalised.
bool is_same_or_below(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o) {
    if (o->empty())
      continue;  // a trailing separator
    if (i == inner.end() || *i != *o)
      return false;
    ++i;
  }
  return true;
}

// `path` without a trailing separator ("/a/b/" -> "/a/b"), so that == compares folders.
std::filesystem::path without_trailing_separator(const std::filesystem::path& path) {
  return path.has_filename() || path == path.root_path() ? path : path.parent_path();
}

}  // namespace

std::string RenderError::describe() const {
  std::string out =
      template_path.empty() ? message : fmt::format("template file {}: {}", template_path, message);
  if (!fix.empty())
    out += " (fix: " + fix + ")";
  return out;
}

bool is_reserved_path(std::string_view path) {
  for (const auto segment : split_path(path)) {
    if (segment == ".git")
      return true;
  }
  return path == ".cutover" || path.starts_with(".cutover/");
}

std::expected<void, std::string> check_relative_path(std::string_view path) {
  if (path.empty())
    return std::unexpected(std::string("the path is empty"));
  if (path.front() == '/')
    return std::unexpected(fmt::format("'{}' is absolute", path));
  if (path.find('\0') != std::string_view::npos)
    return std::unexpected(std::string("the path contains a NUL byte"));
  if (path.find('\\') != std::string_view::npos)
    return std::unexpected(fmt::format("'{}' contains a backslash", path));
  for (const auto segment : split_path(path)) {
    if (segment == "..")
      return std::unexpected(fmt::format("'{}' contains '..' and could escape the target", path));
    if (segment == "." || segment.empty())
      return std::unexpected(fmt::format("'{}' has an empty or '.' segment", path));
  }
  if (is_reserved_path(path))
    return std::unexpected(
        fmt::format("'{}' is inside .git or .cutover, which deploy writes", path));
  return {};
}

std::expected<void, std::string> check_replaceable(const std::filesystem::path& output_in,
                                                   const std::filesystem::path& cwd,
                                                   const std::filesystem::path& home_in) {
  const std::filesystem::path output = without_trailing_separator(output_in);
  const std::filesystem::path home = without_trailing_separator(home_in);
  const std::string shown = output.string();
  if (output == output.root_path()) {
    return std::unexpected(fmt::format(
        "--force would replace {}, the root folder (fix: choose another --output)", shown));
  }
  if (!home.empty() && output == home) {
    return std::unexpected(fmt::format(
        "--force would replace {}, your home folder ($HOME) (fix: choose another --output)",
        shown));
  }
  if (is_same_or_below(cwd, output)) {
    return std::unexpected(fmt::format(
        "--force would replace {}, which holds the current folder {} (fix: cd elsewhere first, "
        "or choose another --output)",
        shown, cwd.string()));
  }
  return {};
}

std::expected<RenderPlan, RenderError> plan_render(const Blueprint& blueprint,
                                                   const Answers& answers) {
  const Manifest& manifest = blueprint.manifest;
  RenderPlan plan;
  std::map<std::string, std::string> owner;  // rendered path -> template path
  for (const auto& file : blueprint.files) {
    // 1. when-rules.
    const FileRule* failed = nullptr;
    for (const auto& rule : manifest.files) {
      if (glob_matches(rule.path, file.path) && !rule.when.evaluate(answers)) {
        failed = &rule;
        break;
      }
    }
    if (failed) {
      plan.skipped.push_back({file.path, "when: " + failed->when.source()});
      continue;
    }
    // 2. the path, one segment at a time.
    std::string path;
    bool empty_segment = false;
    for (const auto segment : split_template_path(file.path)) {
      auto rendered = render_template(segment, answers);
      if (!rendered) {
        return std::unexpected(RenderError{file.path, "its path: " + rendered.error(),
                                           "fix the tag in the file or folder name"});
      }
      if (rendered->empty()) {
        empty_segment = true;
        break;
      }
      path += (path.empty() ? "" : "/") + *rendered;
    }
    if (empty_segment) {
      plan.skipped.push_back({file.path, "empty path segment"});
      continue;
    }
    // 3. safety.
    if (auto safe = check_relative_path(path); !safe) {
      return std::unexpected(RenderError{file.path, "renders to an unsafe path: " + safe.error(),
                                         "a blueprint may only write inside its target folder"});
    }
    if (const auto it = owner.find(path); it != owner.end()) {
      return std::unexpected(
          RenderError{file.path, fmt::format("renders to {}, as {} does", path, it->second),
                      "make the paths differ, or add when: rules so only one is kept"});
    }
    owner[path] = file.path;
    // 4. the content.
    const bool verbatim =
        file.content.find('\0') != std::string::npos ||
        std::any_of(manifest.copy_without_render.begin(), manifest.copy_without_render.end(),
                    [&](const std::string& glob) { return glob_matches(glob, file.path); });
    std::string content = file.content;
    if (!verbatim) {
      auto rendered = render_template(file.content, answers);
      if (!rendered) {
        return std::unexpected(
            RenderError{file.path, rendered.error(),
                        "fix the template, or list the file under copyWithoutRender"});
      }
      content = std::move(*rendered);
    }
    plan.files.push_back({file.path, path, std::move(content), file.executable});
  }
  std::sort(plan.files.begin(), plan.files.end(),
            [](const PlannedFile& a, const PlannedFile& b) { return a.path < b.path; });
  // A file may not also be a folder of another file (`a` and `a/b`).
  for (std::size_t i = 0; i + 1 < plan.files.size(); ++i) {
    for (std::size_t j = i + 1; j < plan.files.size(); ++j) {
      const auto& folder = plan.files[i].path;
      const auto& inner = plan.files[j].path;
      if (!inner.starts_with(folder))
        break;
      if (inner.size() > folder.size() && inner[folder.size()] == '/') {
        return std::unexpected(
            RenderError{plan.files[j].template_path,
                        fmt::format("renders to {}, inside {}, which {} renders as a file", inner,
                                    folder, plan.files[i].template_path),
                        "rename one of them"});
      }
    }
  }
  return plan;
}

}  // namespace cutover::blueprint
