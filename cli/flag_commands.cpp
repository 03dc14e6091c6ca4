#include "flag_commands.hpp"

#include <fmt/format.h>

#include <charconv>
#include <map>
#include <memory>
#include <ostream>

#include "exit_code.hpp"
#include "flags/feature_flag.hpp"
#include "flags/flag_split.hpp"
#include "flags/ofrep.hpp"
#include "rollout_access.hpp"
#include "rollout_view.hpp"
#include "util/json_fields.hpp"
#include "yaml_json.hpp"

namespace cutover::cli {

namespace {

using kube::Json;

constexpr const char* kCliManager = "cutover-cli";

kube::ResourceRef feature_flags_ref(const std::string& ns) {
  return {flags::kFeatureFlagApiVersion, flags::kFeatureFlagKind, ns};
}

struct FlagsOptions {
  std::string key;
  std::string feature_flag;
  std::vector<std::string> weights;
  std::string context = "{}";
  bool force = false;
};

// "ns/featureflag/flag" -> the Rollouts that bind it (spec.strategy.canary.flags; by name) and
// the FlagRollouts that drive it until their promotion ("flagrollout/NAME"), read raw so that
// one with another problem still shows.
using Bindings = std::map<std::string, std::vector<std::string>>;

std::string binding_key(const std::string& ns, const std::string& feature_flag,
                        const std::string& flag) {
  return ns + "/" + feature_flag + "/" + flag;
}

Bindings read_bindings(kube::KubeClient& client, const std::string& ns, bool all_namespaces) {
  Bindings out;
  auto list = client.list_all(
      rollouts_ref(ns),
      {.all_namespaces = all_namespaces ? kube::AllNamespaces::yes : kube::AllNamespaces::no});
  if (!list)
    return out;  // best effort: the column is left empty
  for (const auto& rollout :
       member(*list, "items").is_array() ? member(*list, "items") : Json::array()) {
    const Json& metadata = member(rollout, "metadata");
    const Json& bound =
        member(member(member(member(rollout, "spec"), "strategy"), "canary"), "flags");
    for (const auto& binding : bound.is_array() ? bound : Json::array()) {
      out[binding_key(string_or(metadata, "namespace"), string_or(binding, "featureFlag"),
                      string_or(binding, "flag"))]
          .push_back(string_or(metadata, "name"));
    }
  }
  auto flag_rollouts = client.list_all(
      rollouts_ref(ns, RolloutKind::flag_rollout),
      {.all_namespaces = all_namespaces ? kube::AllNamespaces::yes : kube::AllNamespaces::no});
  for (const auto& fr : flag_rollouts&& member(*flag_rollouts, "items").is_array()
                            ? member(*flag_rollouts, "items")
                            : Json::array()) {
    const Json& metadata = member(fr, "metadata");
    const Json& status = member(fr, "status");
    const std::string stable = string_or(status, "stableRevision");
    if (!stable.empty() && stable == string_or(status, "currentRevision"))
      continue;  // promoted: the flag is its owner's again
    const Json& spec = member(fr, "spec");
    out[binding_key(string_or(metadata, "namespace"), string_or(spec, "featureFlag"),
                    string_or(spec, "flag"))]
        .push_back("flagrollout/" + string_or(metadata, "name"));
  }
  return out;
}

// "Rollout web, FlagRollout search": who drives a flag, for messages.
std::string describe_drivers(const std::vector<std::string>& drivers) {
  std::vector<std::string> out;
  for (const auto& d : drivers) {
    out.push_back(d.starts_with("flagrollout/") ? "FlagRollout " + d.substr(12) : "Rollout " + d);
  }
  return fmt::format("{}", fmt::join(out, ", "));
}

// "on 25% / off 75%" for a two-variant fractional, "targeting" for another rule, "-" for none.
std::string describe_split(const Json& flag) {
  const Json& targeting = member(flag, "targeting");
  if (targeting.is_null() || (targeting.is_object() && targeting.empty()))
    return "-";
  const Json& fractional = member(targeting, "fractional");
  if (targeting.size() != 1 || !fractional.is_array())
    return "targeting";
  std::vector<std::pair<std::string, std::int64_t>> buckets;
  std::int64_t total = 0;
  for (const auto& entry : fractional) {
    if (!entry.is_array())
      continue;  // the bucketing expression
    if (entry.size() != 2 || !entry[0].is_string() || !entry[1].is_number_integer())
      return "fractional";
    buckets.emplace_back(entry[0].get<std::string>(), entry[1].get<std::int64_t>());
    total += buckets.back().second;
  }
  if (total <= 0)
    return "fractional";
  std::string out;
  for (const auto& [variant, weight] : buckets) {
    out += fmt::format("{}{} {}%", out.empty() ? "" : " / ", variant,
                       static_cast<double>(weight) * 100.0 / static_cast<double>(total));
  }
  return out;
}

void print_structured(const Json& value, Output output, std::ostream& out) {
  out << (output == Output::json ? value.dump(2) + "\n" : to_yaml(value));
}

int run_list(const CommandContext& context) {
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  const bool all = context.globals.all_namespaces;
  auto list = connection->client->list_all(
      feature_flags_ref(config.namespace_name),
      {.all_namespaces = all ? kube::AllNamespaces::yes : kube::AllNamespaces::no});
  if (!list) {
    return report_error(list.error(), config,
                        "listing FeatureFlags (core.openfeature.dev/v1beta1; is the OpenFeature "
                        "FeatureFlag CRD installed? deploy install --flags installs it)",
                        context.err);
  }
  const Bindings bindings = read_bindings(*connection->client, config.namespace_name, all);
  Json items = Json::array();
  for (const auto& object :
       member(*list, "items").is_array() ? member(*list, "items") : Json::array()) {
    const Json& metadata = member(object, "metadata");
    const std::string ns = string_or(metadata, "namespace");
    const std::string name = string_or(metadata, "name");
    const Json& flags = member(member(member(object, "spec"), "flagSpec"), "flags");
    if (!flags.is_object())
      continue;
    for (const auto& [key, flag] : flags.items()) {
      const auto bound = bindings.find(binding_key(ns, name, key));
      items.push_back({{"namespace", ns},
                       {"featureFlag", name},
                       {"flag", key},
                       {"state", string_or(flag, "state")},
                       {"defaultVariant", member(flag, "defaultVariant")},
                       {"variants", member(flag, "variants")},
                       {"split", describe_split(flag)},
                       {"boundBy", bound == bindings.end() ? Json::array() : Json(bound->second)}});
    }
  }
  const Output output = context.globals.output_format();
  if (output == Output::json || output == Output::yaml) {
    print_structured({{"items", items}}, output, context.out);
    return kOk;
  }
  if (items.empty()) {
    context.err << (all ? std::string("No flags found.\n")
                        : fmt::format("No flags found in namespace {}.\n", config.namespace_name));
    return kOk;
  }
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"FEATUREFLAG", "FLAG", "STATE", "DEFAULT", "SPLIT", "BOUND-BY"});
  if (all)
    rows.front().insert(rows.front().begin(), "NAMESPACE");
  for (const auto& item : items) {
    std::vector<std::string> row = {
        item["featureFlag"],
        item["flag"],
        item["state"],
        item["defaultVariant"].is_string() && !item["defaultVariant"].get<std::string>().empty()
            ? item["defaultVariant"].get<std::string>()
            : "(code default)",
        item["split"],
        item["boundBy"].empty() ? "-" : fmt::format("{}", fmt::join(item["boundBy"], ","))};
    if (all)
      row.insert(row.begin(), item["namespace"].get<std::string>());
    rows.push_back(std::move(row));
  }
  context.out << table(rows);
  return kOk;
}

// The FeatureFlag that defines `key` in the namespace: --feature-flag's, or the only one.
struct Found {
  Json object;
  std::string name;
};
std::expected<Found, int> find_flag(const CommandContext& context, const Cluster& connection,
                                    const FlagsOptions& options) {
  const auto& config = connection.config;
  const auto ref = feature_flags_ref(config.namespace_name);
  if (!options.feature_flag.empty()) {
    auto object = connection.client->get(ref, options.feature_flag);
    if (!object) {
      return std::unexpected(report_error(
          object.error(), config,
          fmt::format("reading FeatureFlag {}/{}", config.namespace_name, options.feature_flag),
          context.err));
    }
    if (!member(member(member(member(*object, "spec"), "flagSpec"), "flags"), options.key.c_str())
             .is_object()) {
      context.err << fmt::format(
          "error: FeatureFlag {}/{} has no flag \"{}\" (fix: deploy flags list shows the flags)\n",
          config.namespace_name, options.feature_flag, options.key);
      return std::unexpected(kUsage);
    }
    return Found{*object, options.feature_flag};
  }
  auto list = connection.client->list_all(ref, {});
  if (!list) {
    return std::unexpected(report_error(list.error(), config, "listing FeatureFlags", context.err));
  }
  std::vector<Found> found;
  for (const auto& object :
       member(*list, "items").is_array() ? member(*list, "items") : Json::array()) {
    if (member(member(member(member(object, "spec"), "flagSpec"), "flags"), options.key.c_str())
            .is_object()) {
      found.push_back({object, string_or(member(object, "metadata"), "name")});
    }
  }
  if (found.empty()) {
    context.err << fmt::format(
        "error: no FeatureFlag in namespace {} defines flag \"{}\" (fix: deploy flags list shows "
        "the flags; -n names another namespace)\n",
        config.namespace_name, options.key);
    return std::unexpected(kUsage);
  }
  if (found.size() > 1) {
    std::string names;
    for (const auto& f : found)
      names += (names.empty() ? "" : ", ") + f.name;
    context.err << fmt::format(
        "error: flag \"{}\" is defined by {} FeatureFlags in namespace {} ({}) (fix: name one "
        "with --feature-flag)\n",
        options.key, found.size(), config.namespace_name, names);
    return std::unexpected(kUsage);
  }
  return found.front();
}

int run_get(const CommandContext& context, const FlagsOptions& options) {
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  auto found = find_flag(context, *connection, options);
  if (!found)
    return found.error();
  const Json& flag = found->object["spec"]["flagSpec"]["flags"][options.key];
  const Bindings bindings =
      read_bindings(*connection->client, connection->config.namespace_name, false);
  const auto bound =
      bindings.find(binding_key(connection->config.namespace_name, found->name, options.key));
  const Json view = {{"namespace", connection->config.namespace_name},
                     {"featureFlag", found->name},
                     {"flag", options.key},
                     {"definition", flag},
                     {"split", describe_split(flag)},
                     {"boundBy", bound == bindings.end() ? Json::array() : Json(bound->second)}};
  print_structured(view,
                   context.globals.output_format() == Output::json ? Output::json : Output::yaml,
                   context.out);
  return kOk;
}

// "on=25" -> {"on", 25}.
std::optional<std::pair<std::string, std::int64_t>> parse_weight(const std::string& text) {
  const auto eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0)
    return std::nullopt;
  std::int64_t weight = 0;
  const char* begin = text.data() + eq + 1;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, weight);
  if (ec != std::errc{} || ptr != end || begin == end || weight < 0)
    return std::nullopt;
  return std::pair{text.substr(0, eq), weight};
}

int run_set_weight(const CommandContext& context, const FlagsOptions& options) {
  std::vector<std::pair<std::string, std::int64_t>> weights;
  for (const auto& text : options.weights) {
    const auto weight = parse_weight(text);
    if (!weight) {
      context.err << fmt::format(
          "error: weight \"{}\" is not VARIANT=N with N a whole number >= 0 (fix: e.g. on=25 "
          "off=75)\n",
          text);
      return kUsage;
    }
    weights.push_back(*weight);
  }
  if (weights.size() != 2 || weights[0].first == weights[1].first) {
    context.err << "error: set-weight takes two different variants with their weights (fix: "
                   "e.g. deploy flags set-weight new-checkout on=25 off=75)\n";
    return kUsage;
  }
  if (weights[0].second + weights[1].second <= 0) {
    context.err << fmt::format(
        "error: the weights of flag \"{}\" sum to 0, so no variant could be served (fix: give "
        "one of {} and {} a weight above 0)\n",
        options.key, weights[0].first, weights[1].first);
    return kUsage;
  }
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  const auto& config = connection->config;
  auto found = find_flag(context, *connection, options);
  if (!found)
    return found.error();
  const Bindings bindings = read_bindings(*connection->client, config.namespace_name, false);
  if (const auto bound =
          bindings.find(binding_key(config.namespace_name, found->name, options.key));
      bound != bindings.end() && !options.force) {
    context.err << fmt::format(
        "error: flag \"{}\" of FeatureFlag {}/{} is bound by {}: its release owns the split "
        "(fix: remove the binding, or --force to write it anyway)\n",
        options.key, config.namespace_name, found->name, describe_drivers(bound->second));
    return kUsage;
  }
  const flags::FlagSplitRef ref{config.namespace_name, found->name,      options.key,
                                weights[0].first,      weights[1].first, "set-weight"};
  const auto reading = flags::read_flag_split(found->object, ref);
  if (!reading.problem.empty()) {
    context.err << "error: " << reading.problem << "\n";
    return kUsage;
  }
  const Json body = flags::flag_split_apply(ref, reading, weights[0].second, weights[1].second);
  auto applied =
      connection->client->apply(feature_flags_ref(config.namespace_name), body,
                                {kCliManager, options.force ? kube::Force::yes : kube::Force::no});
  if (!applied) {
    if (applied.error().reason == kube::ErrorReason::conflict) {
      context.err << fmt::format(
          "error: the split of flag \"{}\" is owned by another field manager: {} (fix: --force "
          "takes it over)\n",
          options.key, applied.error().message);
      return kUsage;
    }
    return report_error(
        applied.error(), config,
        fmt::format("writing FeatureFlag {}/{}", config.namespace_name, found->name), context.err);
  }
  context.err << fmt::format(
      "FeatureFlag {}/{} flag {}: {}\n", config.namespace_name, found->name, options.key,
      describe_split(member(member(member(member(*applied, "spec"), "flagSpec"), "flags"),
                            options.key.c_str())));
  return kOk;
}

int run_evaluate(const CommandContext& context, const FlagsOptions& options) {
  const Json evaluation_context = Json::parse(options.context, nullptr, false);
  if (evaluation_context.is_discarded() || !evaluation_context.is_object()) {
    context.err << "error: --context must be a JSON object (fix: e.g. --context "
                   "'{\"targetingKey\": \"user-7\"}')\n";
    return kUsage;
  }
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  auto found = find_flag(context, *connection, options);
  if (!found)
    return found.error();
  auto source = flags::read_feature_flag(found->object);
  if (!source) {
    context.err << "error: " << source.error().describe() << "\n";
    return kUsage;
  }
  const flags::FlagSnapshot snapshot({std::make_shared<const flags::FlagSource>(*source)});
  const std::string body = Json{{"context", evaluation_context}}.dump();
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(context.clock.wall_now().time_since_epoch())
          .count();
  const auto response =
      flags::ofrep_evaluate_flag(snapshot, options.key, {.body = body, .now_unix_seconds = now});
  const Json answer = Json::parse(response.body, nullptr, false);
  if (context.globals.output_format() == Output::json) {
    context.out << answer.dump(2) << "\n";
  } else if (answer.contains("errorCode")) {
    context.out << fmt::format("{}: error {}: {}\n", options.key, string_or(answer, "errorCode"),
                               string_or(answer, "errorDetails"));
  } else {
    context.out << fmt::format(
        "{}: {} (variant {}, reason {})\n", options.key,
        answer.contains("value") ? answer["value"].dump() : "(the code default)",
        answer.contains("variant") ? answer["variant"].get<std::string>() : "-",
        string_or(answer, "reason"));
  }
  return response.status == 200 ? kOk : kFailed;
}

}  // namespace

void add_flag_commands(CLI::App& app, CommandContext& context, int& exit_code) {
  auto* group = app.add_subcommand(
      "flags", "OpenFeature FeatureFlags: list, get, set a split, evaluate as flagd does");
  group->require_subcommand(1);
  group->add_subcommand("list", "List every flag: state, default, split, the Rollout binding it")
      ->alias("ls")
      ->callback([&context, &exit_code] { exit_code = run_list(context); });

  const auto with_key = [](CLI::App* cmd, FlagsOptions& options) {
    cmd->add_option("key", options.key, "The flag's key")->required();
    cmd->add_option("--feature-flag", options.feature_flag,
                    "The FeatureFlag that defines it (needed when several do)");
  };
  auto get = std::make_shared<FlagsOptions>();
  auto* get_cmd = group->add_subcommand("get", "Show a flag's definition and split");
  with_key(get_cmd, *get);
  get_cmd->callback([&context, &exit_code, get] { exit_code = run_get(context, *get); });

  auto set = std::make_shared<FlagsOptions>();
  auto* set_cmd = group->add_subcommand(
      "set-weight",
      "Split a flag between two variants: targeting {\"fractional\": [[V, N], [W, M]]}");
  with_key(set_cmd, *set);
  set_cmd->add_option("weights", set->weights, "VARIANT=N VARIANT=M, e.g. on=25 off=75")
      ->required()
      ->expected(2);
  set_cmd->add_flag("--force", set->force,
                    "Write even when a Rollout binds the flag or another manager owns the split");
  set_cmd->callback([&context, &exit_code, set] { exit_code = run_set_weight(context, *set); });

  auto evaluate = std::make_shared<FlagsOptions>();
  auto* evaluate_cmd = group->add_subcommand(
      "evaluate", "Evaluate a flag for a context, by flagd's rules, as an OFREP answer");
  with_key(evaluate_cmd, *evaluate);
  evaluate_cmd->add_option("--context", evaluate->context, "The evaluation context, a JSON object")
      ->capture_default_str();
  evaluate_cmd->callback(
      [&context, &exit_code, evaluate] { exit_code = run_evaluate(context, *evaluate); });
}

}  // namespace cutover::cli
