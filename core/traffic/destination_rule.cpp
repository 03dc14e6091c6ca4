#include "traffic/destination_rule.hpp"

#include <fmt/format.h>

#include "util/json_fields.hpp"

namespace cutover::traffic {

namespace {

using kube::Json;

// RFC 6901: "~" and "/" in a member name are written "~0" and "~1".
std::string pointer_token(const std::string& name) {
  std::string out;
  for (const char c : name) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

const Json& subsets_of(const Json& destination_rule) {
  return member(member(destination_rule, "spec"), "subsets");
}

}  // namespace

std::map<std::string, std::string> subset_label_values(const Json& destination_rule,
                                                       const std::string& label) {
  std::map<std::string, std::string> out;
  const Json& subsets = subsets_of(destination_rule);
  for (std::size_t i = 0; subsets.is_array() && i < subsets.size(); ++i) {
    const std::string name = string_or(subsets[i], "name");
    if (!name.empty() && !out.contains(name))
      out[name] = string_or(member(subsets[i], "labels"), label.c_str());
  }
  return out;
}

std::expected<Json, std::string> subset_label_patch(const Json& destination_rule,
                                                    const std::string& describe,
                                                    const std::string& subset,
                                                    const std::string& label,
                                                    const std::optional<std::string>& value) {
  const Json& subsets = subsets_of(destination_rule);
  for (std::size_t i = 0; subsets.is_array() && i < subsets.size(); ++i) {
    if (string_or(subsets[i], "name") != subset)
      continue;
    const Json& labels = member(subsets[i], "labels");
    const bool has = labels.is_object() && labels.contains(label);
    if (value ? has && labels[label] == *value : !has)
      return Json();  // already so: no write
    const std::string at = fmt::format("/spec/subsets/{}", i);
    Json patch = Json::array({{{"op", "test"}, {"path", at + "/name"}, {"value", subset}}});
    if (!value) {
      patch.push_back({{"op", "remove"}, {"path", at + "/labels/" + pointer_token(label)}});
    } else if (!labels.is_object()) {
      patch.push_back({{"op", "add"}, {"path", at + "/labels"}, {"value", {{label, *value}}}});
    } else {
      // "add" sets a member whether or not it is there (RFC 6902 4.1).
      patch.push_back(
          {{"op", "add"}, {"path", at + "/labels/" + pointer_token(label)}, {"value", *value}});
    }
    return patch;
  }
  return std::unexpected(fmt::format(
      "{} has no subset named {} (spec.strategy.canary.trafficRouting.istio.destinationRule): "
      "add it to spec.subsets with the labels of the Rollout's pods (Cutover adds "
      "cutover.dev/slot to them), or fix the subset's name",
      describe, subset));
}

}  // namespace cutover::traffic
