#include "install_commands.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <ostream>

#include "exit_code.hpp"
#include "install_plan.hpp"
#include "rollout/reconciler.hpp"
#include "rollout/slot.hpp"
#include "util/json_fields.hpp"
#include "version.hpp"
#include "yaml_json.hpp"

namespace cutover::cli {

namespace {

struct InstallOptions {
  std::string namespaced;
  bool dry_run = false;
  std::string version = kVersion;
  bool flags = false;
  bool dashboard = false;
};

kube::ResourceRef ref_of(const Json& object) {
  return {object.value("apiVersion", std::string{}), object.value("kind", std::string{}),
          string_or(member(object, "metadata"), "namespace")};
}

std::string object_name(const Json& object) {
  return string_or(member(object, "metadata"), "name");
}

std::string describe(const Json& object) {
  const std::string ns = string_or(member(object, "metadata"), "namespace");
  return fmt::format("{} {}{}", object.value("kind", std::string{}), ns.empty() ? "" : ns + "/",
                     object_name(object));
}

bool crd_established(const Json& crd) {
  for (const auto& condition : member(member(crd, "status"), "conditions")) {
    if (string_or(condition, "type") == "Established" && string_or(condition, "status") == "True")
      return true;
  }
  return false;
}

int run_install(const CommandContext& context, const InstallOptions& options) {
  if (options.dashboard && !options.namespaced.empty()) {
    context.err << "error: --dashboard with --namespaced: the dashboard checks tokens and access "
                   "with cluster-scoped TokenReviews and SubjectAccessReviews and lists releases "
                   "cluster-wide, which a namespaced install does not grant; install it without "
                   "--namespaced, or run `deploy dashboard` on a workstation\n";
    return kUsage;
  }
  auto objects =
      install_objects({options.namespaced, options.version, options.flags, options.dashboard});
  if (!objects) {
    context.err << "error: " << objects.error() << "\n";
    return kFailed;
  }
  if (options.dry_run) {
    bool first = true;
    for (const auto& object : *objects) {
      context.out << (first ? "" : "---\n") << to_yaml(object);
      first = false;
    }
    return kOk;
  }
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  auto& client = *connection->client;
  for (const auto& object : *objects) {
    if (is_borrowed(object)) {
      auto present = client.get(ref_of(object), object_name(object));
      if (present) {
        context.out << describe(object) << " present, kept as it is\n";
        continue;
      }
      if (present.error().reason != kube::ErrorReason::not_found) {
        return report_error(present.error(), connection->config, "reading " + describe(object),
                            context.err);
      }
    }
    auto applied = client.apply(ref_of(object), object, {"deploy", kube::Force::yes});
    if (!applied) {
      return report_error(applied.error(), connection->config, "applying " + describe(object),
                          context.err);
    }
    context.out << describe(object) << " applied\n";
  }
  // The CRDs serve Rollouts only once Established; say when they do not within a while.
  const auto deadline = context.clock.steady_now() + std::chrono::seconds{30};
  for (const auto& object : *objects) {
    if (!is_crd(object))
      continue;
    while (true) {
      auto crd = client.get(ref_of(object), object_name(object));
      if (crd && crd_established(*crd))
        break;
      if (context.clock.steady_now() >= deadline) {
        context.err << fmt::format(
            "warning: {} is not Established yet (see kubectl describe crd {})\n", describe(object),
            object_name(object));
        break;
      }
      context.clock.sleep_for(std::chrono::milliseconds{200});
    }
  }
  context.out << fmt::format(
      "cutover installed: deploy-operator {} in {} watching {} (deploy uninstall removes it)\n",
      options.version, kOperatorNamespace,
      options.namespaced.empty() ? std::string("every namespace")
                                 : "namespace " + options.namespaced);
  return kOk;
}

struct UninstallOptions {
  bool force = false;
  bool keep_crds = false;
  bool dry_run = false;
  bool workloads_only = false;
  std::string namespaced;
};

class Uninstaller {
 public:
  Uninstaller(const Cluster& connection, const UninstallOptions& options, std::ostream& out,
              std::ostream& err)
      : connection_(connection),
        client_(*connection.client),
        options_(options),
        out_(out),
        err_(err) {}

  // Deletes one object; a missing one is fine. Returns false after printing an error.
  bool remove(const Json& object) {
    if (options_.dry_run) {
      out_ << "would delete " << describe(object) << "\n";
      return true;
    }
    auto result = client_.remove(ref_of(object), object_name(object));
    if (!result && result.error().reason != kube::ErrorReason::not_found) {
      code_ =
          report_error(result.error(), connection_.config, "deleting " + describe(object), err_);
      return false;
    }
    out_ << describe(object) << (result ? " deleted\n" : " not found, skipped\n");
    return true;
  }

  // Detaches the slot Deployments of `rollout` and removes our finalizer from it.
  bool release(const Json& rollout) {
    const std::string ns = string_or(member(rollout, "metadata"), "namespace");
    const std::string name = object_name(rollout);
    kube::ListOptions list_options;
    list_options.label_selector = fmt::format("{}={}", rollout::kRolloutLabel, name);
    auto deployments = client_.list_all({"apps/v1", "Deployment", ns}, list_options);
    if (!deployments) {
      code_ = report_error(deployments.error(), connection_.config,
                           fmt::format("listing the Deployments of rollout {}/{}", ns, name), err_);
      return false;
    }
    for (const auto& deployment : member(*deployments, "items")) {
      const Json& metadata = member(deployment, "metadata");
      const Json& owners = member(metadata, "ownerReferences");
      const Json kept = without_rollout_owners(owners);
      if (!owners.is_array() || kept.size() == owners.size())
        continue;
      const std::string what = fmt::format("Deployment {}/{}", ns, object_name(deployment));
      if (options_.dry_run) {
        out_ << fmt::format("would detach {} from rollout {} (it keeps running)\n", what, name);
        continue;
      }
      const Json patch = Json::array(
          {{{"op", "test"},
            {"path", "/metadata/resourceVersion"},
            {"value", string_or(metadata, "resourceVersion")}},
           {{"op", "replace"}, {"path", "/metadata/ownerReferences"}, {"value", kept}}});
      auto patched = client_.patch({"apps/v1", "Deployment", ns}, object_name(deployment),
                                   kube::PatchType::json_patch, patch);
      if (!patched) {
        code_ = report_error(patched.error(), connection_.config, "detaching " + what, err_);
        return false;
      }
      out_ << fmt::format("{} detached from rollout {}: it keeps running\n", what, name);
    }
    const Json& metadata = member(rollout, "metadata");
    const Json& finalizers = member(metadata, "finalizers");
    const Json kept = without_our_finalizer(finalizers);
    if (finalizers.is_array() && kept.size() != finalizers.size()) {
      if (options_.dry_run) {
        out_ << fmt::format("would remove finalizer {} from rollout {}/{}\n", rollout::kFinalizer,
                            ns, name);
        return true;
      }
      const Json patch =
          Json::array({{{"op", "test"},
                        {"path", "/metadata/resourceVersion"},
                        {"value", string_or(metadata, "resourceVersion")}},
                       {{"op", "replace"}, {"path", "/metadata/finalizers"}, {"value", kept}}});
      auto patched = client_.patch({"cutover.dev/v1alpha1", "Rollout", ns}, name,
                                   kube::PatchType::json_patch, patch);
      if (!patched) {
        code_ =
            report_error(patched.error(), connection_.config,
                         fmt::format("removing the finalizer of rollout {}/{}", ns, name), err_);
        return false;
      }
      out_ << fmt::format(
          "rollout {}/{}: finalizer {} removed (its Services keep their selectors)\n", ns, name,
          rollout::kFinalizer);
    }
    return true;
  }

  [[nodiscard]] int code() const { return code_; }

 private:
  const Cluster& connection_;
  kube::KubeClient& client_;
  const UninstallOptions& options_;
  std::ostream& out_;
  std::ostream& err_;
  int code_ = kOk;
};

int run_uninstall(const CommandContext& context, const UninstallOptions& options) {
  const GlobalOptions& globals = context.globals;
  auto connection = context.connect();
  if (!connection)
    return connection.error();
  auto& client = *connection->client;
  const auto& config = connection->config;
  kube::ListOptions list_options;
  // An operator installed --namespaced NS only ever managed the Rollouts of NS.
  const bool namespaced = !options.namespaced.empty();
  const bool one_namespace = namespaced || (options.workloads_only && !globals.all_namespaces);
  list_options.all_namespaces = one_namespace ? kube::AllNamespaces::no : kube::AllNamespaces::yes;
  auto rollouts = client.list_all(
      {"cutover.dev/v1alpha1", "Rollout",
       namespaced ? options.namespaced : (one_namespace ? config.namespace_name : "")},
      list_options);
  Json items = Json::array();
  if (rollouts) {
    items = member(*rollouts, "items");
  } else if (rollouts.error().reason != kube::ErrorReason::not_found) {
    return report_error(rollouts.error(), config, "listing rollouts", context.err);
  }
  std::vector<std::string> names;
  for (const auto& item : items) {
    names.push_back(
        fmt::format("{}/{}", string_or(member(item, "metadata"), "namespace"), object_name(item)));
  }
  if (!names.empty() && !options.force && !options.workloads_only) {
    context.err << fmt::format(
        "error: {} Rollout{} left ({}{}); uninstalling would stop managing them (fix: delete "
        "them first, or pass --force: their slot Deployments are detached and keep running, "
        "their Services keep pointing at them)\n",
        names.size(), names.size() == 1 ? " is" : "s are",
        fmt::join(names.begin(), names.begin() + std::min<std::ptrdiff_t>(5, std::ssize(names)),
                  ", "),
        names.size() > 5 ? ", ..." : "");
    return kFailed;
  }
  Uninstaller uninstaller(*connection, options, context.out, context.err);
  // With deploy-flags and deploy-dashboard: their objects go too when they are there (absent
  // ones are skipped). The dashboard exists only in a cluster-wide install.
  auto objects = install_objects(
      {options.namespaced, kVersion, /*flags=*/true, /*dashboard=*/options.namespaced.empty()});
  if (!objects) {
    context.err << "error: " << objects.error() << "\n";
    return kFailed;
  }
  // The operator first, so that it does not re-attach what we detach.
  if (!options.workloads_only) {
    for (const auto& object : *objects) {
      if (object.value("kind", std::string{}) == "Deployment" && !uninstaller.remove(object))
        return uninstaller.code();
    }
  }
  // Deleting the Rollout CRD deletes every Rollout, and garbage collection would take their
  // slot Deployments with them.
  if (options.workloads_only || !options.keep_crds) {
    for (const auto& item : items) {
      if (!uninstaller.release(item))
        return uninstaller.code();
    }
  }
  if (options.workloads_only) {
    context.out << fmt::format("{} rollout{} released; nothing deleted\n", items.size(),
                               items.size() == 1 ? "" : "s");
    return kOk;
  }
  // RBAC and the Namespace, then the CRDs, in reverse order of installation.
  for (auto it = objects->rbegin(); it != objects->rend(); ++it) {
    const std::string kind = it->value("kind", std::string{});
    if (kind == "Deployment" || is_crd(*it))
      continue;
    if (!uninstaller.remove(*it))
      return uninstaller.code();
  }
  if (!options.keep_crds) {
    // Never the FeatureFlag CRD: deleting it would delete every FeatureFlag, ours or not.
    for (const auto& object : *objects) {
      if (is_crd(object) && !is_borrowed(object) && !uninstaller.remove(object))
        return uninstaller.code();
    }
  } else {
    context.out << "CustomResourceDefinitions kept (--keep-crds)\n";
  }
  context.out << (options.dry_run ? "dry run: nothing was changed\n"
                                  : "cutover uninstalled; the workloads of its Rollouts keep "
                                    "running\n");
  return kOk;
}

}  // namespace

void add_install_commands(CLI::App& app, CommandContext& context, int& exit_code) {
  auto install = std::make_shared<InstallOptions>();
  auto* install_cmd = app.add_subcommand(
      "install", "Install the CRDs, RBAC and deploy-operator (server-side apply)");
  install_cmd->add_option("--namespaced", install->namespaced,
                          "Watch only this namespace: a Role there instead of a ClusterRole");
  install_cmd->add_flag("--dry-run", install->dry_run,
                        "Print the objects as YAML instead of applying them");
  install_cmd->add_option("--version", install->version, "The deploy-operator image tag")
      ->capture_default_str();
  install_cmd->add_flag("--flags", install->flags,
                        "Also install deploy-flags, the OFREP server for FeatureFlags "
                        "(Service cutover-flags.cutover-system:8016)");
  install_cmd->add_flag("--dashboard", install->dashboard,
                        "Also install deploy-dashboard, the dashboard for every user with a token "
                        "(Service deploy-dashboard.cutover-system:3100)");
  install_cmd->callback(
      [&context, &exit_code, install] { exit_code = run_install(context, *install); });

  auto uninstall = std::make_shared<UninstallOptions>();
  auto* uninstall_cmd = app.add_subcommand(
      "uninstall",
      "Remove deploy-operator, its RBAC and the CRDs; the Rollouts' workloads keep running");
  uninstall_cmd->add_flag("--force", uninstall->force,
                          "Go ahead although Rollouts exist: detach their slot Deployments first");
  uninstall_cmd->add_flag("--keep-crds", uninstall->keep_crds,
                          "Keep the CustomResourceDefinitions (and so the Rollouts)");
  uninstall_cmd->add_flag("--dry-run", uninstall->dry_run,
                          "Say what would be done; change nothing");
  uninstall_cmd->add_option("--namespaced", uninstall->namespaced,
                            "Also remove the Role of an install --namespaced NS");
  uninstall_cmd->add_flag(
      "--workloads-only", uninstall->workloads_only,
      "Only detach the slot Deployments of the Rollouts in -n NAMESPACE (or -A) and remove our "
      "finalizer; delete nothing");
  uninstall_cmd->callback(
      [&context, &exit_code, uninstall] { exit_code = run_uninstall(context, *uninstall); });
}

}  // namespace cutover::cli
