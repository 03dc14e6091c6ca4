// libFuzzer target: any bytes as a blueprint.yaml. Errors come back as values naming a field;
// a manifest that parses has a `name` parameter, its conditions evaluate, and its defaults
// resolve or fail cleanly. Then the same bytes are rendered as a template path and content,
// and every rendered path that is accepted is safe (no '..', not absolute).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "blueprint/answers.hpp"
#include "blueprint/manifest.hpp"
#include "blueprint/render_plan.hpp"
#include "blueprint/template_renderer.hpp"

namespace bp = cutover::blueprint;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto manifest = bp::parse_manifest_text(text, "fuzz/blueprint.yaml");
  if (!manifest) {
    if (manifest.error().field.empty() || manifest.error().describe().empty())
      std::abort();
  } else {
    if (!manifest->parameter("name"))
      std::abort();
    bp::AnswerSources sources;
    sources.set = {{"name", "fuzz"}};
    const auto answers = bp::resolve_answers(*manifest, sources);
    if (answers) {
      for (const auto& rule : manifest->files)
        (void)rule.when.evaluate(*answers);
    } else if (answers.error().message.empty()) {
      std::abort();
    }
  }
  // Path rendering: the input as one template file's path and content.
  const bp::Answers answers = {{"name", std::string("../x")}, {"flag", true}};
  bp::Blueprint blueprint;
  blueprint.manifest.name = "fuzz";
  blueprint.manifest.version = "1.0.0";
  blueprint.files.push_back({std::string(text.substr(0, 256)), std::string(text), false});
  const auto plan = bp::plan_render(blueprint, answers);
  if (plan) {
    for (const auto& file : plan->files) {
      if (!bp::check_relative_path(file.path) || file.path.front() == '/' || file.path == ".." ||
          file.path.starts_with("../") || file.path.find("/../") != std::string::npos ||
          file.path.ends_with("/.."))
        std::abort();
    }
  } else if (plan.error().message.empty()) {
    std::abort();
  }
  return 0;
}
