#include "lint.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <tuple>

#include "analysis/slo_policy.hpp"
#include "rollout/migration_json.hpp"
#include "rollout/rollout_json.hpp"
#include "util/json_fields.hpp"
#include "util/yaml_json.hpp"
#include "util/yaml_stream.hpp"
#include "yaml_marks.hpp"

namespace cutover::cli {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kApiVersion = "cutover.dev/v1alpha1";

// Where a finding points: the file (by index, to sort in the user's order) and the position.
struct Place {
  std::size_t file = 0;
  SourcePosition at;
};

struct Finding {
  Place place;
  Severity severity = Severity::error;
  std::string message;
};

struct PolicyDef {
  std::string name;
  std::string namespace_name;
  bool cluster_scope = false;
  std::vector<analysis::PolicyArg> args;
  Place place;
  bool from_library = false;
};

struct PolicyUse {
  std::string label;  // who uses it, as findings name it: "rollout web", "migration payments"
  std::string owner;  // its kind: Rollout, Migration
  std::string namespace_name;
  rollout::AnalysisRef ref;
  std::string path;  // of the AnalysisRef, e.g. spec.strategy.canary.steps[3].analysis
  std::vector<Place> policy_places;  // per ref.policies entry, at its name
  Place args_place;
};

struct ServiceUse {
  std::string namespace_name;
  std::string service;
  std::string rollout;
  std::string role;  // stableService, canaryService, activeService, previewService
  Place place;
};

class Linter {
 public:
  Linter(std::vector<std::string> files, const LintOptions& options)
      : files_(std::move(files)), options_(options) {}

  void add_file(std::size_t index, const std::string& text, bool report) {
    report_ = report;
    auto documents = load_yaml_stream(text);
    if (!documents) {
      add({index, {std::max(documents.error().line, 1), std::max(documents.error().column, 1)}},
          Severity::error, "YAML: " + documents.error().message);
      return;
    }
    // The same documents, typed as everywhere else in cutover (core's YAML->JSON).
    auto values = parse_yaml_documents(text);
    if (!values) {
      add({index, {std::max(values.error().line, 1), std::max(values.error().column, 1)}},
          Severity::error, "YAML: " + values.error().message);
      return;
    }
    std::size_t value_index = 0;
    for (const auto& document : *documents) {
      if (!document.IsDefined() || document.IsNull())
        continue;
      if (value_index >= values->size())
        break;
      lint_document(index, document, (*values)[value_index++]);
    }
  }

  std::vector<Finding> finish() {
    check_services();
    check_policy_uses();
    return std::move(findings_);
  }

 private:
  void add(Place place, Severity severity, std::string message) {
    if (report_)
      findings_.push_back({place, severity, std::move(message)});
  }

  void lint_document(std::size_t index, const YAML::Node& node, const Json& object) {
    const auto at = [&](std::string_view path) { return Place{index, locate(node, path)}; };
    if (!object.is_object()) {
      add(at(""), Severity::error, "a document must be a mapping (a Kubernetes object)");
      return;
    }
    const auto kind_it = object.find("kind");
    if (kind_it == object.end() || !kind_it->is_string() || kind_it->get<std::string>().empty()) {
      add(at("kind"), Severity::error, "kind: is required (fix: e.g. kind: Rollout)");
      return;
    }
    const std::string kind = kind_it->get<std::string>();
    if (kind != rollout::kRolloutKind && kind != rollout::kMigrationKind && kind != "SLOPolicy" &&
        kind != "ClusterSLOPolicy") {
      add(at("kind"), Severity::note,
          fmt::format("skipped: kind {} is not a Rollout, Migration, SLOPolicy or "
                      "ClusterSLOPolicy",
                      kind));
      return;
    }
    const std::string api_version = object.value("apiVersion", std::string{});
    if (api_version != kApiVersion) {
      add(at("apiVersion"), Severity::error,
          api_version.empty()
              ? fmt::format("apiVersion: is required (fix: apiVersion: {})", kApiVersion)
              : fmt::format("apiVersion: is \"{}\" (fix: apiVersion: {})", api_version,
                            kApiVersion));
    }
    const Json metadata = object.value("metadata", Json::object());
    const std::string name =
        metadata.is_object() ? metadata.value("name", std::string{}) : std::string{};
    const std::string namespace_name =
        metadata.is_object() ? metadata.value("namespace", std::string{}) : std::string{};
    if (name.empty()) {
      add(at("metadata.name"), Severity::error,
          fmt::format("{}: metadata.name: is required", kind));
      return;
    }
    const std::string label = fmt::format("{} {}",
                                          kind == rollout::kRolloutKind     ? "rollout"
                                          : kind == rollout::kMigrationKind ? "migration"
                                                                            : kind,
                                          name);
    const auto field_error = [&](const FieldError& error) {
      std::string message = fmt::format("{}: {}: {}", label, error.field, error.message);
      if (!error.fix.empty())
        message += " (fix: " + error.fix + ")";
      add(at(error.field), Severity::error, std::move(message));
    };
    if (kind == "Rollout") {
      auto parsed = rollout::parse_rollout(object);
      if (!parsed) {
        field_error(parsed.error());
        return;
      }
      lint_rollout(*parsed, object, label, at);
      return;
    }
    if (kind == rollout::kMigrationKind) {
      // Its steps at spec.steps; its Services are not a Rollout's roles (no selector is edited).
      auto parsed = rollout::parse_migration(object);
      if (!parsed) {
        field_error(parsed.error());
        return;
      }
      lint_steps(*parsed, parsed->spec.canary(), "spec", label, at);
      return;
    }
    auto policy = analysis::parse_slo_policy(object);
    if (!policy) {
      field_error(policy.error());
      return;
    }
    for (const auto& other : policies_) {
      if (!other.from_library && other.name == name &&
          other.cluster_scope == policy->cluster_scope && other.namespace_name == namespace_name) {
        add(at("metadata.name"), Severity::error,
            fmt::format("{}: is defined twice (also at {})", label, where(other.place)));
        return;
      }
    }
    policies_.push_back(
        {name, namespace_name, policy->cluster_scope, policy->args, at("metadata.name"), !report_});
  }

  void lint_rollout(const rollout::Rollout& r, const Json& object, const std::string& label,
                    const std::function<Place(std::string_view)>& at) {
    // Pods the selector does not select are never counted, so the release never finishes.
    const Json& match_labels = member(r.spec.selector, "matchLabels");
    const Json& template_labels =
        member(member(member(member(object, "spec"), "template"), "metadata"), "labels");
    if (match_labels.is_object()) {
      for (const auto& [key, value] : match_labels.items()) {
        const Json& found = member(template_labels, key.c_str());
        if (found != value) {
          add(at("spec.selector.matchLabels." + key), Severity::error,
              fmt::format("{}: spec.selector.matchLabels.{}: selects {}={} but the template's pods "
                          "are not labelled so (fix: add the label to "
                          "spec.template.metadata.labels)",
                          label, key, key,
                          value.is_string() ? value.get<std::string>() : value.dump()));
        }
      }
    }
    const auto record_service = [&](const std::string& service, const std::string& path,
                                    const char* role) {
      if (!service.empty())
        services_.push_back({r.namespace_name, service, r.name, role, at(path + "." + role)});
    };
    if (r.spec.is_canary()) {
      const auto& canary = r.spec.canary();
      const std::string path = "spec.strategy.canary";
      if (canary.destination_rule.empty()) {  // else they name the DestinationRule's subsets
        record_service(canary.stable_service, path, "stableService");
        record_service(canary.canary_service, path, "canaryService");
      }
      lint_steps(r, canary, path, label, at);
      if (canary.analysis)
        record_ref(r, label, *canary.analysis, path + ".analysis", at);
    } else {
      const auto& bg = r.spec.blue_green();
      const std::string path = "spec.strategy.blueGreen";
      record_service(bg.active_service, path, "activeService");
      record_service(bg.preview_service, path, "previewService");
      if (bg.pre_promotion_analysis)
        record_ref(r, label, *bg.pre_promotion_analysis, path + ".prePromotionAnalysis", at);
      if (bg.post_promotion_analysis)
        record_ref(r, label, *bg.post_promotion_analysis, path + ".postPromotionAnalysis", at);
    }
  }

  // A gate's policies, checked in finish() once every file has defined its own.
  void record_ref(const rollout::Rollout& r, const std::string& label,
                  const rollout::AnalysisRef& ref, const std::string& path,
                  const std::function<Place(std::string_view)>& at) {
    PolicyUse use{label, r.kind, r.namespace_name, ref, path, {}, at(path + ".args")};
    for (std::size_t i = 0; i < ref.policies.size(); ++i)
      use.policy_places.push_back(at(fmt::format("{}.policies[{}].name", path, i)));
    uses_.push_back(std::move(use));
  }

  // The steps at `path`.steps (a Rollout's spec.strategy.canary, a Migration's spec): their
  // gates, and setWeight steps that never decrease.
  void lint_steps(const rollout::Rollout& r, const rollout::CanaryStrategy& canary,
                  const std::string& path, const std::string& label,
                  const std::function<Place(std::string_view)>& at) {
    std::optional<std::size_t> last_weight_step;
    for (std::size_t i = 0; i < canary.steps.size(); ++i) {
      const auto& step = canary.steps[i];
      const std::string step_path = fmt::format("{}.steps[{}]", path, i);
      if (step.kind == rollout::CanaryStep::Kind::analysis)
        record_ref(r, label, step.analysis, step_path + ".analysis", at);
      if (step.kind != rollout::CanaryStep::Kind::set_weight)
        continue;
      if (last_weight_step && step.weight < canary.steps[*last_weight_step].weight) {
        add(at(step_path + ".setWeight"), Severity::error,
            fmt::format("{}: {}.setWeight: {} is less than {} at steps[{}]: a weight that "
                        "decreases moves users back mid-release (fix: keep setWeight steps "
                        "non-decreasing; deploy abort is the way back)",
                        label, step_path, step.weight, canary.steps[*last_weight_step].weight,
                        *last_weight_step));
      }
      last_weight_step = i;
    }
  }

  // A Service carries one role of one Rollout: the cutover.dev/slot key we add to its selector
  // can point at one slot only.
  void check_services() {
    for (std::size_t i = 0; i < services_.size(); ++i) {
      const auto& use = services_[i];
      for (std::size_t j = 0; j < i; ++j) {
        const auto& first = services_[j];
        if (first.service != use.service || first.namespace_name != use.namespace_name)
          continue;
        add(use.place, Severity::error,
            fmt::format("rollout {}: Service {} is used as {} here and as {} of rollout {} (at "
                        "{}) (fix: give each role its own Service)",
                        use.rollout, use.service, use.role, first.role, first.rollout,
                        where(first.place)));
        break;
      }
    }
  }

  void check_policy_uses() {
    for (const auto& use : uses_) {
      std::vector<const PolicyDef*> found;
      bool all_found = true;
      for (std::size_t i = 0; i < use.ref.policies.size(); ++i) {
        const auto& ref = use.ref.policies[i];
        const auto it = std::find_if(policies_.begin(), policies_.end(), [&](const PolicyDef& p) {
          return p.name == ref.name && p.cluster_scope == ref.cluster_scope &&
                 (ref.cluster_scope || p.namespace_name.empty() || use.namespace_name.empty() ||
                  p.namespace_name == use.namespace_name);
        });
        if (it != policies_.end()) {
          found.push_back(&*it);
          continue;
        }
        all_found = false;
        if (ref.cluster_scope)
          continue;  // ClusterSLOPolicies live in the cluster; lint cannot know them
        const bool strict = options_.missing_policy == MissingPolicy::error;
        add(use.policy_places[i], strict ? Severity::error : Severity::warning,
            fmt::format("{}: {}.policies[{}].name: SLOPolicy \"{}\" is not defined in the "
                        "linted files{} (fix: {})",
                        use.label, use.path, i, ref.name, strict ? " nor in --policies" : "",
                        strict ? "add it, or set clusterScope: true for a ClusterSLOPolicy"
                               : fmt::format("lint it together with the {}, or pass --policies DIR",
                                             use.owner)));
      }
      for (const auto* policy : found) {
        for (const auto& arg : policy->args) {
          if (arg.value)
            continue;
          const bool given =
              std::any_of(use.ref.args.begin(), use.ref.args.end(),
                          [&](const rollout::AnalysisArg& a) { return a.name == arg.name; });
          if (!given) {
            add(use.args_place, Severity::error,
                fmt::format("{}: {}.args: policy {} requires argument \"{}\" (fix: add "
                            "{{name: {}, value: ...}})",
                            use.label, use.path, policy->name, arg.name, arg.name));
          }
        }
      }
      if (!all_found)
        continue;
      for (std::size_t i = 0; i < use.ref.args.size(); ++i) {
        const auto& given = use.ref.args[i].name;
        const bool declared = std::any_of(found.begin(), found.end(), [&](const PolicyDef* p) {
          return std::any_of(p->args.begin(), p->args.end(),
                             [&](const analysis::PolicyArg& a) { return a.name == given; });
        });
        if (!declared) {
          add(use.args_place, Severity::warning,
              fmt::format("{}: {}.args[{}]: no policy of this gate declares argument "
                          "\"{}\" (fix: check its spelling against the policies' spec.args)",
                          use.label, use.path, i, given));
        }
      }
    }
  }

  [[nodiscard]] std::string where(const Place& place) const {
    return fmt::format("{}:{}:{}", files_[place.file], place.at.line, place.at.column);
  }

  std::vector<std::string> files_;
  const LintOptions& options_;
  bool report_ = true;
  std::vector<Finding> findings_;
  std::vector<PolicyDef> policies_;
  std::vector<PolicyUse> uses_;
  std::vector<ServiceUse> services_;
};

std::string escape_data(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string escape_property(std::string_view text) {
  std::string out;
  for (const char c : escape_data(text)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
  }
  return "error";
}

}  // namespace

std::vector<LintFinding> lint(const std::vector<LintInput>& files, const LintOptions& options) {
  std::vector<std::string> names;
  for (const auto& file : files)
    names.push_back(file.file);
  for (const auto& file : options.policy_library)
    names.push_back(file.file);
  Linter linter(names, options);
  // The library first, so a linted file defining the same policy is not reported twice...
  for (std::size_t i = 0; i < options.policy_library.size(); ++i)
    linter.add_file(files.size() + i, options.policy_library[i].text, false);
  for (std::size_t i = 0; i < files.size(); ++i)
    linter.add_file(i, files[i].text, true);
  auto findings = linter.finish();
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.place.file, a.place.at.line, a.place.at.column) <
           std::tie(b.place.file, b.place.at.line, b.place.at.column);
  });
  std::vector<LintFinding> out;
  for (auto& f : findings) {
    out.push_back({names[f.place.file], f.place.at.line, f.place.at.column, f.severity,
                   std::move(f.message)});
  }
  return out;
}

std::string format_finding(const LintFinding& finding) {
  return fmt::format("{}:{}:{}: {}: {}", finding.file, finding.line, finding.column,
                     severity_name(finding.severity), finding.message);
}

std::string github_annotation(const LintFinding& finding) {
  return fmt::format(
      "::{} file={},line={},col={}::{}",
      finding.severity == Severity::note ? "notice" : severity_name(finding.severity),
      escape_property(finding.file), finding.line, finding.column, escape_data(finding.message));
}

}  // namespace cutover::cli
