// libFuzzer target: any bytes as a PromQL template, rendered with values that try to break out
// of every context. Rendering never throws; a rendered query keeps {{window}} when asked to and
// renders again (for {{window}}) without finding any other placeholder, so no value is ever
// read as template text. A failure always says why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "analysis/query_template.hpp"

namespace {

using cutover::analysis::render_template;
using cutover::analysis::template_placeholders;
using cutover::analysis::TemplateValues;

const TemplateValues& values() {
  static const TemplateValues v = {
      {"args.a", "x\"} or vector(1) #"},
      {"args.b", "a\\"},
      {"args.c", "5m]) or up[5m"},
      {"args.d", "line\nbreak"},
      {"args.e", "{{rollout.name}}"},
      {"args.f", "0.01"},
      {"args.g", "p{"},
      {"args.h", "it's `raw`"},
      {"rollout.name", "web"},
      {"rollout.namespace", "shop"},
      {"rollout.stableRevision", "abc"},
      {"rollout.currentRevision", "def"},
      {"rollout.stableSlot", "a"},
      {"rollout.canarySlot", "b"},
  };
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto names = template_placeholders(text);
  if (!names && names.error().empty())
    std::abort();
  const auto rendered = render_template(text, values(), {"window"});
  if (!rendered) {
    if (rendered.error().empty())
      std::abort();
    return 0;
  }
  if (!names)
    std::abort();  // what renders must also list its placeholders
  // The second pass, as the runner does per burn-rate window: only {{window}} may be found.
  const auto again = template_placeholders(*rendered);
  if (!again)
    std::abort();
  for (const auto& name : *again) {
    if (name != "window")
      std::abort();
  }
  const auto windowed = render_template(*rendered, {{"window", "5m"}});
  if (!windowed)
    std::abort();
  return 0;
}
