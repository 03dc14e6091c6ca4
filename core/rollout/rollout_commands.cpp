#include "rollout/rollout_commands.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "rollout/plan.hpp"
#include "rollout/planner_support.hpp"
#include "util/encoding.hpp"
#include "util/json_fields.hpp"

namespace cutover::rollout {

namespace {

constexpr const char* kImageExample = "e.g. web=registry.example.com/shop/web:1.4.2";

std::string object_name(const Json& object) {
  const Json& metadata = member(object, "metadata");
  return string_or(metadata, "namespace") + "/" + string_or(metadata, "name");
}

// RFC 6901: '~' and '/' inside a key are escaped.
std::string pointer_escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool is_dns_label(std::string_view name) {
  static const std::regex label("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  return name.size() <= 63 && std::regex_match(name.begin(), name.end(), label);
}

// `served` cut down to the keys `shape` has: drops what the API server defaulted into a
// Deployment's pod template (dnsPolicy, terminationMessagePath, ...).
Json prune_to_shape(const Json& served, const Json& shape) {
  if (served.is_object() && shape.is_object()) {
    Json out = Json::object();
    for (const auto& [key, value] : served.items()) {
      if (shape.contains(key))
        out[key] = prune_to_shape(value, shape[key]);
    }
    return out;
  }
  if (served.is_array() && shape.is_array()) {
    Json out = Json::array();
    for (std::size_t i = 0; i < served.size(); ++i)
      out.push_back(i < shape.size() ? prune_to_shape(served[i], shape[i]) : served[i]);
    return out;
  }
  return served;
}

}  // namespace

namespace {
std::string actor(std::string_view user) {
  return user.empty() ? std::string("deploy") : std::string(user);
}
}  // namespace

Json promote_status_patch(PromoteFull full, std::string_view user, std::string_view via) {
  Json status = {{"pauseConditions", Json::array()}};
  if (full == PromoteFull::yes)
    status["promoteFull"] = true;
  const std::string channel = !via.empty()               ? std::string(via)
                              : full == PromoteFull::yes ? "deploy promote --full"
                                                         : "deploy promote";
  status["promotedBy"] = actor(user) + " via " + channel;
  return {{"status", status}};
}

Json abort_status_patch(std::string_view user, std::string_view via) {
  const std::string who = actor(user);
  return {{"status",
           {{"abort", true},
            {"abortReason",
             "aborted by " + who + " via " + (via.empty() ? "deploy abort" : std::string(via))}}}};
}

std::expected<Json, FieldError> retry_status_patch(const Rollout& rollout) {
  if (rollout.status.abort)
    return Json{{"status", {{"abort", false}}}};
  const auto& pauses = rollout.status.pause_conditions;
  if (std::any_of(pauses.begin(), pauses.end(), [](const PauseCondition& p) {
        return p.reason == detail::kAnalysisInconclusive;
      })) {
    return Json{{"status", {{"retryAnalysis", true}}}};
  }
  const char* fix =
      rollout.is_flag_rollout()
          ? "retry an aborted FlagRollout, or one paused by an inconclusive analysis; to move "
            "another variant, change spec.variant"
      : rollout.is_migration()
          ? "retry an aborted Migration, or one paused by an inconclusive analysis; to move "
            "another path, change spec.matches (or create another Migration)"
          : "retry an aborted release, or a release paused by an inconclusive analysis; to start "
            "a new one change the image (deploy set image) or use deploy restart";
  return std::unexpected(FieldError{
      rollout.kind, rollout.namespace_name + "/" + rollout.name, "status.abort",
      fmt::format("is not set and no analysis is paused as inconclusive: the {} is {}, so "
                  "there is nothing to retry",
                  rollout.is_flag_rollout() ? "FlagRollout"
                  : rollout.is_migration()  ? "Migration"
                                            : "rollout",
                  to_string(rollout.status.phase)),
      fix});
}

Json pause_spec_patch(Paused paused, std::string_view user, std::string_view via) {
  Json patch = {{"spec", {{"paused", paused == Paused::yes}}}};
  if (!user.empty() || !via.empty()) {
    const std::string channel = !via.empty()
                                    ? std::string(via)
                                    : (paused == Paused::yes ? "deploy pause" : "deploy resume");
    patch["metadata"]["annotations"][kPauseChangedByAnnotation] =
        std::string(paused == Paused::yes ? "paused by " : "resumed by ") + actor(user) + " via " +
        channel;
  }
  return patch;
}

Json restart_spec_patch(WallTime now) {
  return {{"spec",
           {{"template",
             {{"metadata", {{"annotations", {{kRestartedAtAnnotation, format_rfc3339(now)}}}}}}}}}};
}

std::expected<void, std::string> validate_image_reference(std::string_view image) {
  if (image.empty())
    return std::unexpected(std::string("the image is empty"));
  if (std::any_of(image.begin(), image.end(),
                  [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); })) {
    return std::unexpected(fmt::format("image '{}' contains whitespace", image));
  }
  if (image.size() > 4096)
    return std::unexpected(std::string("the image reference is longer than 4096 characters"));
  // The grammar of github.com/distribution/reference, without IPv6 registries.
  static const std::regex reference(
      "(?:((?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
      "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?)/)?"
      "([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
      "(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
      "(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?");
  if (std::regex_match(image.begin(), image.end(), reference))
    return {};
  // Say which part is wrong: the most common mistakes first.
  const auto at = image.find('@');
  const std::string_view name_and_tag = image.substr(0, at);
  const auto slash = name_and_tag.rfind('/');
  const auto colon = name_and_tag.rfind(':');
  const std::string_view name =
      colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)
          ? name_and_tag.substr(0, colon)
          : name_and_tag;
  const std::string_view repository =
      name.find('/') != std::string_view::npos ? name.substr(name.find('/') + 1) : name;
  if (std::any_of(repository.begin(), repository.end(),
                  [](unsigned char c) { return std::isupper(c); })) {
    return std::unexpected(fmt::format("image '{}': the repository name must be lowercase", image));
  }
  if (at != std::string_view::npos) {
    return std::unexpected(
        fmt::format("image '{}': the digest must look like sha256:<64 hex digits>", image));
  }
  if (name.empty() || name.back() == '/' || name.front() == '/')
    return std::unexpected(fmt::format("image '{}': the repository name is missing", image));
  if (colon != std::string_view::npos && colon + 1 == name_and_tag.size())
    return std::unexpected(fmt::format("image '{}': the tag after ':' is empty", image));
  return std::unexpected(fmt::format(
      "image '{}' is not a valid reference [registry[:port]/]name[:tag][@digest]", image));
}

std::expected<ImageAssignment, std::string> parse_image_assignment(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    return std::unexpected(fmt::format("'{}' is not CONTAINER=IMAGE ({})", text, kImageExample));
  }
  ImageAssignment out{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
  if (out.container.empty()) {
    return std::unexpected(
        fmt::format("'{}': the container name before '=' is missing ({})", text, kImageExample));
  }
  if (!is_dns_label(out.container)) {
    return std::unexpected(
        fmt::format("'{}': container name '{}' is not a DNS label (lowercase letters, digits "
                    "and '-', at most 63)",
                    text, out.container));
  }
  if (out.image.empty()) {
    return std::unexpected(
        fmt::format("'{}': the image after '=' is missing ({})", text, kImageExample));
  }
  if (auto ok = validate_image_reference(out.image); !ok)
    return std::unexpected(fmt::format("'{}': {}", text, ok.error()));
  return out;
}

std::vector<std::string> template_images(const Json& pod_template) {
  std::vector<std::string> out;
  const Json& containers = member(member(pod_template, "spec"), "containers");
  if (!containers.is_array())
    return out;
  for (const auto& container : containers)
    out.push_back(string_or(container, "name") + "=" + string_or(container, "image"));
  return out;
}

std::expected<Json, FieldError> set_image_patch(
    const Json& object, const std::vector<ImageAssignment>& assignments,
    const std::map<std::string, std::string>& annotations) {
  const std::string name = object_name(object);
  const Json& pod_template = member(member(object, "spec"), "template");
  if (!pod_template.is_object()) {
    return std::unexpected(FieldError{"Rollout", name, "spec.template", "is missing",
                                      "give the Rollout an inline pod template"});
  }
  Json patch = Json::array();
  for (const auto& assignment : assignments) {
    bool found = false;
    std::vector<std::string> known;
    for (const char* list : {"containers", "initContainers"}) {
      const Json& containers = member(member(pod_template, "spec"), list);
      if (!containers.is_array())
        continue;
      for (std::size_t i = 0; i < containers.size(); ++i) {
        const std::string container = string_or(containers[i], "name");
        known.push_back(container);
        if (container != assignment.container)
          continue;
        found = true;
        const std::string path = fmt::format("/spec/template/spec/{}/{}", list, i);
        // `test` first: if someone reordered the containers meanwhile, fail rather than
        // change the wrong one.
        patch.push_back({{"op", "test"}, {"path", path + "/name"}, {"value", container}});
        patch.push_back(
            {{"op", "replace"}, {"path", path + "/image"}, {"value", assignment.image}});
      }
    }
    if (!found) {
      return std::unexpected(
          FieldError{"Rollout", name, "spec.template.spec.containers",
                     fmt::format("has no container named '{}'", assignment.container),
                     known.empty() ? std::string("the pod template has no containers")
                                   : fmt::format("use one of: {}", fmt::join(known, ", "))});
    }
  }
  if (!annotations.empty()) {
    const Json& metadata = member(pod_template, "metadata");
    if (!metadata.is_object()) {
      Json value = {{"annotations", annotations}};
      patch.push_back({{"op", "add"}, {"path", "/spec/template/metadata"}, {"value", value}});
    } else if (!member(metadata, "annotations").is_object()) {
      patch.push_back({{"op", "add"},
                       {"path", "/spec/template/metadata/annotations"},
                       {"value", Json(annotations)}});
    } else {
      for (const auto& [key, value] : annotations) {
        patch.push_back({{"op", "add"},
                         {"path", "/spec/template/metadata/annotations/" + pointer_escape(key)},
                         {"value", value}});
      }
    }
  }
  return patch;
}

void annotate_template(Json& object, const std::map<std::string, std::string>& annotations) {
  if (annotations.empty() || !object.is_object())
    return;
  Json& spec = object["spec"];
  if (!spec.is_object())
    return;
  Json& pod_template = spec["template"];
  if (!pod_template.is_object())
    return;
  Json& metadata = pod_template["metadata"];
  if (!metadata.is_object())
    metadata = Json::object();
  Json& existing = metadata["annotations"];
  if (!existing.is_object())
    existing = Json::object();
  for (const auto& [key, value] : annotations)
    existing[key] = value;
}

std::expected<Json, FieldError> choose_undo_template(
    const Rollout& rollout, const Json& revisions, std::optional<std::int64_t> to_revision,
    const std::optional<Json>& stable_slot_template) {
  const std::string name = rollout.namespace_name + "/" + rollout.name;
  struct Recorded {
    std::int64_t number;
    std::string hash;
    Json pod_template;
  };
  std::vector<Recorded> recorded;
  const Json& items = member(revisions, "items");
  if (items.is_array()) {
    for (const auto& item : items) {
      const Json& pod_template = member(member(item, "data"), "template");
      if (!pod_template.is_object() || !member(item, "revision").is_number_integer())
        continue;
      recorded.push_back(
          {item["revision"].get<std::int64_t>(), template_revision(pod_template), pod_template});
    }
  }
  std::sort(recorded.begin(), recorded.end(),
            [](const Recorded& x, const Recorded& y) { return x.number < y.number; });
  auto numbers = [&] {
    std::vector<std::string> out;
    for (const auto& r : recorded)
      out.push_back(std::to_string(r.number));
    return out.empty() ? std::string("none") : fmt::format("{}", fmt::join(out, ", "));
  };
  if (to_revision) {
    for (const auto& r : recorded) {
      if (r.number == *to_revision)
        return r.pod_template;
    }
    return std::unexpected(FieldError{
        "Rollout", name, "--to-revision",
        fmt::format("revision {} is not recorded (recorded: {})", *to_revision, numbers()),
        "pick a recorded revision; deploy history lists them"});
  }
  const std::string current = template_revision(rollout.spec.pod_template);
  const bool mid_release =
      !rollout.status.stable_revision.empty() && current != rollout.status.stable_revision;
  if (mid_release) {
    for (const auto& r : recorded) {
      if (r.hash == rollout.status.stable_revision)
        return r.pod_template;
    }
    if (stable_slot_template) {
      // The slot's template as served carries defaults; only an exact reconstruction (same
      // hash as the stable revision) is safe to use.
      Json pruned = prune_to_shape(*stable_slot_template, rollout.spec.pod_template);
      if (template_revision(pruned) == rollout.status.stable_revision)
        return pruned;
      if (template_revision(*stable_slot_template) == rollout.status.stable_revision)
        return *stable_slot_template;
    }
    return std::unexpected(
        FieldError{"Rollout", name, "status.stableRevision",
                   fmt::format("the template of stable revision {} is not recorded anywhere",
                               rollout.status.stable_revision),
                   "give --to-revision N (recorded: " + numbers() + ")"});
  }
  // Not mid-release: the newest recorded revision before the current one.
  std::optional<std::int64_t> current_number;
  for (const auto& r : recorded) {
    if (r.hash == current)
      current_number = r.number;
  }
  for (auto it = recorded.rbegin(); it != recorded.rend(); ++it) {
    if (it->hash != current && (!current_number || it->number < *current_number))
      return it->pod_template;
  }
  return std::unexpected(
      FieldError{"Rollout", name, "spec.template",
                 fmt::format("has no earlier revision to go back to (recorded: {})", numbers()),
                 "deploy undo needs a previous release; deploy history shows what ran"});
}

Json replace_template_patch(const Json& pod_template) {
  return Json::array({{{"op", "replace"}, {"path", "/spec/template"}, {"value", pod_template}}});
}

}  // namespace cutover::rollout
