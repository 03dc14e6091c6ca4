#include "analyze_command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <ostream>

#include "analysis/analysis_runner.hpp"
#include "analysis/prometheus_connection.hpp"
#include "analysis/run_builder.hpp"
#include "exit_code.hpp"
#include "rollout/analysis_driver.hpp"
#include "rollout/rollout_json.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/yaml_json.hpp"

namespace cutover::cli {

namespace {

struct AnalyzeOptions {
  std::string policy;
  std::vector<std::string> args;
  std::string rollout;
  std::string prometheus;
  bool once = false;
  bool cluster_scope = false;
};

// `--policy FILE[#NAME]`: the policy document named NAME (or the first) of a YAML file.
std::expected<kube::Json, std::string> policy_from_file(const std::string& spec) {
  const auto hash = spec.find('#');
  const std::string path = spec.substr(0, hash);
  const std::string name = hash == std::string::npos ? "" : spec.substr(hash + 1);
  auto text = read_file(path);
  if (!text)
    return std::unexpected(fmt::format("--policy {}: {}", path, text.error()));
  auto documents = cutover::parse_yaml_documents(*text);
  if (!documents) {
    return std::unexpected(fmt::format("{}:{}:{}: {}", path, documents.error().line,
                                       documents.error().column, documents.error().message));
  }
  for (const auto& doc : *documents) {
    const std::string doc_name =
        doc.is_object() && doc.contains("metadata") && doc["metadata"].is_object()
            ? doc["metadata"].value("name", std::string{})
            : std::string{};
    if (name.empty() || doc_name == name)
      return doc;
  }
  return std::unexpected(
      name.empty()
          ? fmt::format("{} holds no policy", path)
          : fmt::format("{} holds no policy named \"{}\" (fix: check metadata.name)", path, name));
}

int analyze(const CommandContext& context, const AnalyzeOptions& options) {
  const GlobalOptions& globals = context.globals;
  // The rollout values come from the cluster (--rollout) or from --arg rollout.X=...; a
  // rollout-less run reads its revision from an empty pod template, so it stays stable.
  analysis::GateTarget target{
      .rollout = "analyze",
      .namespace_name = globals.namespace_name.empty() ? "default" : globals.namespace_name,
      .current_revision = rollout::template_revision(kube::Json::object())};
  const std::string gate = "analyze";
  std::vector<analysis::GateArg> args;
  std::shared_ptr<kube::KubeClient> client;
  std::optional<kube::RestConfig> config;
  const bool from_file =
      std::filesystem::exists(options.policy.substr(0, options.policy.find('#')));
  if (!from_file || !options.rollout.empty()) {
    auto connection = context.connect();
    if (!connection)
      return connection.error();
    config = connection->config;
    client = std::move(connection->client);
    target.namespace_name = config->namespace_name;
  }
  if (!options.rollout.empty()) {
    auto object =
        client->get({"cutover.dev/v1alpha1", "Rollout", target.namespace_name}, options.rollout);
    if (!object)
      return report_error(object.error(), *config, "reading rollout " + options.rollout,
                          context.err);
    auto parsed = rollout::parse_rollout(*object);
    if (!parsed) {
      context.err << "error: " << parsed.error().describe() << "\n";
      return kUsage;
    }
    if (parsed->spec.pod_template.is_null())
      parsed->spec.pod_template = kube::Json::object();
    target = rollout::gate_target(*parsed, rollout::Observed{}, gate);
  }
  for (const auto& arg : options.args) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      context.err << fmt::format("error: --arg \"{}\": expected NAME=VALUE\n", arg);
      return kUsage;
    }
    const std::string key = arg.substr(0, eq);
    const std::string value = arg.substr(eq + 1);
    if (key == "rollout.name") {
      target.rollout = value;
    } else if (key == "rollout.namespace") {
      target.namespace_name = value;
    } else if (key == "rollout.stableRevision") {
      target.stable_revision = value;
    } else if (key == "rollout.stableSlot" || key == "rollout.canarySlot") {
      const auto slot = rollout::parse_slot(value);
      if (!slot) {
        context.err << fmt::format("error: --arg {}: must be a or b\n", key);
        return kUsage;
      }
      const rollout::Slot stable = key == "rollout.stableSlot" ? *slot : rollout::other(*slot);
      target.stable_slot = rollout::to_string(stable);
      target.canary_slot = rollout::to_string(rollout::other(stable));
    } else if (key.starts_with("rollout.")) {
      context.err << fmt::format(
          "error: --arg {}: unknown (use rollout.name, rollout.namespace, "
          "rollout.stableRevision, rollout.stableSlot or rollout.canarySlot)\n",
          key);
      return kUsage;
    } else {
      args.push_back({key, value});
    }
  }
  kube::Json object;
  if (from_file) {
    auto loaded = policy_from_file(options.policy);
    if (!loaded) {
      context.err << "error: " << loaded.error() << "\n";
      return kUsage;
    }
    object = std::move(*loaded);
  } else {
    const kube::ResourceRef kind{"cutover.dev/v1alpha1",
                                 options.cluster_scope ? "ClusterSLOPolicy" : "SLOPolicy",
                                 options.cluster_scope ? "" : target.namespace_name};
    auto fetched = client->get(kind, options.policy);
    if (!fetched) {
      return report_error(fetched.error(), *config,
                          fmt::format("reading {} {}", kind.kind, options.policy), context.err);
    }
    object = std::move(*fetched);
  }
  // Parsed once: the run is built from this, and its provider is what the queries go to.
  auto policy = analysis::parse_slo_policy(object);
  if (!policy) {
    context.err << "error: " << policy.error().describe() << "\n";
    return kUsage;
  }
  const analysis::PrometheusProvider& provider = policy->provider;
  if (!client && provider.reads_cluster()) {
    // A policy file may name Secrets (credentials, CA, header values): read them from the
    // namespace of -n or of the kubeconfig's context, as the operator reads the Rollout's.
    auto connection = context.connect();
    if (!connection) {
      context.err << fmt::format(
          "error: policy {} reads Secrets (spec.provider.prometheus), and they are read from "
          "the cluster (fix: set KUBECONFIG or --kubeconfig, and -n NAMESPACE of the "
          "Secrets)\n",
          policy->name);
      return connection.error();
    }
    config = connection->config;
    client = std::move(connection->client);
  }
  // Where Secrets are read: the namespace of -n or the kubeconfig's context (also the
  // Rollout's with --rollout), whatever --arg rollout.namespace says.
  const std::string secret_namespace = config ? config->namespace_name : target.namespace_name;
  analysis::AnalysisRun run;
  run.spec = analysis::build_run_spec(target, gate,
                                      {{{policy->cluster_scope, policy->name}, *policy}}, args);
  if (!run.spec.error.empty()) {
    context.err << "error: " << run.spec.error << "\n";
    return kUsage;
  }
  if (options.once) {
    for (auto& metric : run.spec.metrics) {
      metric.spec.limits.count = 1;
      metric.spec.initial_delay = std::chrono::milliseconds{0};
    }
    run.spec.no_data_timeout = std::chrono::milliseconds{0};
  }
  // Every metric of the run is this policy's: resolve its provider once. A missing Secret or
  // address is a configuration error that no retry fixes: exit 2 now rather than after every
  // error allowed.
  if (provider.address.empty() && options.prometheus.empty()) {
    context.err << fmt::format(
        "error: policy {}: no Prometheus address (fix: set spec.provider.prometheus.address in "
        "the policy, or pass --prometheus URL)\n",
        policy->name);
    return kUsage;
  }
  auto prometheus =
      analysis::prometheus_config(client.get(), provider, secret_namespace, options.prometheus);
  if (!prometheus) {
    context.err << "error: " << prometheus.error() << "\n";
    return kUsage;
  }
  const auto sources = [&](const analysis::PrometheusProvider&)
      -> std::expected<std::shared_ptr<analysis::MetricsSource>, std::string> {
    auto made = analysis::PrometheusClient::connect(*prometheus);
    if (!made)
      return std::unexpected(made.error().describe());
    return std::shared_ptr<analysis::MetricsSource>(std::move(*made));
  };
  context.out << fmt::format("policy {}: {} metric(s)\n", policy->name, run.spec.metrics.size());
  for (const auto& metric : run.spec.metrics) {
    context.out << fmt::format("  {}: ", metric.key());
    if (const auto* t = std::get_if<analysis::ThresholdSpec>(&metric.spec.judge)) {
      context.out << fmt::format("threshold\n    query: {}\n", t->query);
    } else if (std::holds_alternative<analysis::BurnRateSpec>(metric.spec.judge)) {
      context.out << "burnRate\n";
    } else {
      context.out << "compare\n";
    }
  }
  std::vector<std::size_t> shown(run.spec.metrics.size(), 0);
  while (true) {
    const auto now = context.clock.wall_now();
    const auto progress = analysis::advance_run(run, sources, now);
    for (std::size_t i = 0; i < run.status.metric_results.size(); ++i) {
      const auto& result = run.status.metric_results[i];
      const auto total = static_cast<std::size_t>(result.counts.measured + result.counts.error);
      if (i < shown.size() && total > shown[i] && !result.measurements.empty()) {
        const auto& m = result.measurements.back();
        context.out << fmt::format("{} {} {} value={}{}\n", format_rfc3339(m.finished_at),
                                   result.name, analysis::to_string(m.phase),
                                   m.value.empty() ? "-" : m.value,
                                   m.message.empty() ? "" : " (" + m.message + ")");
        shown[i] = total;
        if (m.phase == analysis::MeasurementPhase::error &&
            m.message.find("bad_data") != std::string::npos) {
          context.err << fmt::format(
              "error: Prometheus rejected the query of {} (fix the PromQL in policy {}): {}\n",
              result.name, policy->name, m.message);
          return kUsage;
        }
      } else if (i < shown.size() && result.waiting_for_data_since && total == shown[i]) {
        context.out << fmt::format("{} {} waiting: {}\n", format_rfc3339(now), result.name,
                                   result.message);
      }
    }
    if (run.finished())
      break;
    if (!progress.next_due)
      break;
    if (const auto wait = *progress.next_due - context.clock.wall_now();
        wait > std::chrono::nanoseconds{0}) {
      context.clock.sleep_for(wait);
    }
  }
  context.out << fmt::format("verdict: {}\n", analysis::describe_run(run));
  switch (run.status.phase) {
    case analysis::RunPhase::successful:
      return kOk;
    case analysis::RunPhase::inconclusive:
      return kPaused;
    default:
      return kFailed;
  }
}

}  // namespace

void add_analyze_command(CLI::App& app, CommandContext& context, int& exit_code) {
  auto options = std::make_shared<AnalyzeOptions>();
  auto* cmd = app.add_subcommand(
      "analyze", "Run an SLO policy against Prometheus now and print every measurement");
  cmd->add_option("--policy", options->policy,
                  "A policy file (FILE or FILE#NAME for a multi-document file), or the name of "
                  "an SLOPolicy in the cluster")
      ->required();
  cmd->add_option("--arg", options->args,
                  "NAME=VALUE for a policy argument; rollout.name, rollout.namespace, "
                  "rollout.stableSlot, ... set the rollout values");
  cmd->add_option("--rollout", options->rollout,
                  "Take the rollout values (name, revisions, slots) from this Rollout");
  cmd->add_option("--prometheus", options->prometheus,
                  "Prometheus URL for policies without provider.prometheus.address (default: "
                  "$CUTOVER_PROMETHEUS_URL)")
      ->envname("CUTOVER_PROMETHEUS_URL");
  cmd->add_flag("--once", options->once, "One measurement per metric, then the verdict");
  cmd->add_flag("--cluster-scope", options->cluster_scope, "--policy names a ClusterSLOPolicy");
  cmd->callback([&context, &exit_code, options] { exit_code = analyze(context, *options); });
}

}  // namespace cutover::cli
