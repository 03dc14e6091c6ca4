#include "delete_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <ostream>
#include <vector>

#include "exit_code.hpp"
#include "rollout/plan.hpp"
#include "rollout/reconciler.hpp"
#include "rollout/rollout_json.hpp"
#include "rollout_access.hpp"
#include "util/duration.hpp"
#include "util/json_fields.hpp"

namespace cutover::cli {

namespace {

constexpr auto kPollDelay = std::chrono::milliseconds{250};
// Failures other than a conflict (which only means someone else wrote first) in a row.
constexpr int kMaxFailures = 5;

bool terminating(const Json& object) {
  const Json& metadata = member(object, "metadata");
  return metadata.contains("deletionTimestamp") && !metadata["deletionTimestamp"].is_null();
}

std::vector<std::string> finalizers_of(const Json& object) {
  std::vector<std::string> out;
  const Json& list = member(member(object, "metadata"), "finalizers");
  for (const auto& finalizer : list.is_array() ? list : Json::array()) {
    if (finalizer.is_string())
      out.push_back(finalizer.get<std::string>());
  }
  return out;
}

bool has_ours(const Json& object) {
  const auto finalizers = finalizers_of(object);
  return std::find(finalizers.begin(), finalizers.end(), rollout::kFinalizer) != finalizers.end();
}

std::string uid_of(const Json& object) {
  return string_or(member(object, "metadata"), "uid");
}

bool owned_by(const Json& object, const std::string& uid) {
  const Json& owners = member(member(object, "metadata"), "ownerReferences");
  for (const auto& owner : owners.is_array() ? owners : Json::array()) {
    if (string_or(owner, "uid") == uid)
      return true;
  }
  return false;
}

struct Deleter {
  kube::KubeClient& client;
  const kube::RestConfig& config;
  Clock& clock;
  const DeleteRequest& request;
  std::ostream& out;
  std::ostream& err;
  SteadyTime deadline;
  std::string id = fmt::format("{}/{}", request.namespace_name, request.name);

  int timed_out(const std::string& waiting_for) const {
    err << fmt::format(
        "error: rollout {}: {} after --timeout {} (fix: run deploy delete {} again, or give it a "
        "longer --timeout)\n",
        id, waiting_for, format_duration(request.timeout), request.name);
    return kTimedOut;
  }

  // The Services get their selectors back and our finalizer goes, through the reconciler's
  // deletion path (the one the operator runs), until the Rollout is gone or carries no
  // finalizer of ours. nullopt when done, else the exit code.
  std::optional<int> restore(const std::string& uid) {
    rollout::Reconciler reconciler(client, clock, "cutover-cli");
    int failures = 0;
    for (;;) {
      std::optional<kube::Error> error;
      auto current = client.get(rollouts_ref(request.namespace_name), request.name);
      if (!current && current.error().reason == kube::ErrorReason::not_found)
        return std::nullopt;  // gone (an operator may have finished it)
      if (!current) {
        error = current.error();
      } else if (uid_of(*current) != uid) {
        err << fmt::format(
            "error: rollout {} was deleted, and a new Rollout of that name exists now; it is left "
            "alone (fix: run deploy delete {} again to delete the new one too)\n",
            id, request.name);
        return kFailed;
      } else if (!has_ours(*current)) {
        return std::nullopt;  // only other controllers' finalizers are left
      } else if (terminating(*current)) {
        // Never reconciled unless Terminating: a reconcile of a live Rollout drives a release.
        auto outcome = reconciler.reconcile(request.namespace_name, request.name);
        if (!outcome) {
          error = outcome.error();
        } else if (outcome->invalid) {
          err << fmt::format(
              "error: rollout {} is Terminating but its spec is invalid, so its Services cannot be "
              "told apart: {} (fix: correct the spec with kubectl -n {} edit rollout {}, then run "
              "deploy delete {} again)\n",
              id, outcome->message, request.namespace_name, request.name, request.name);
          return kUsage;
        } else if (!outcome->found) {
          return std::nullopt;
        }
      }
      if (error) {
        const bool conflict = error->reason == kube::ErrorReason::conflict;
        failures = conflict ? 0 : failures + 1;
        if (is_unreachable(*error) || failures > kMaxFailures) {
          return report_error(*error, config,
                              fmt::format("restoring the Services of rollout {}", id), err);
        }
      }
      if (clock.steady_now() >= deadline)
        return timed_out("the finalizer " + std::string(rollout::kFinalizer) + " is still there");
      clock.sleep_for(kPollDelay);
    }
  }

  // Waits until `name` is gone, or (with `owner_uid`) is no longer owned by it. nullopt when
  // it is, else the exit code.
  std::optional<int> wait_gone(const kube::ResourceRef& ref, const std::string& name,
                               const std::string& owner_uid) {
    for (;;) {
      auto object = client.get(ref, name);
      if (!object && object.error().reason == kube::ErrorReason::not_found)
        return std::nullopt;
      if (object && !owner_uid.empty() && !owned_by(*object, owner_uid))
        return std::nullopt;  // a Deployment of that name that is not this Rollout's slot
      if (!object && is_unreachable(object.error())) {
        return report_error(object.error(), config,
                            fmt::format("waiting for {} {} to go", ref.kind, name), err);
      }
      if (clock.steady_now() >= deadline)
        return timed_out(fmt::format("{} {} is still there", ref.kind, name));
      clock.sleep_for(kPollDelay);
    }
  }

  int run() {
    const std::string& ns = request.namespace_name;
    auto object = get_rollout_object(client, config, ns, request.name, err);
    if (!object)
      return object.error();
    const std::string uid = uid_of(*object);
    std::vector<std::string> services;
    std::string pinned_kind = "Services";
    if (const auto parsed = rollout::parse_rollout(*object)) {
      services = rollout::strategy_services(parsed->spec);
      if (parsed->spec.is_canary() && !parsed->spec.canary().destination_rule.empty()) {
        pinned_kind = fmt::format("DestinationRule {}/{}'s subsets", ns,
                                  parsed->spec.canary().destination_rule);
      }
    }
    const bool pinned = has_ours(*object);
    if (!terminating(*object)) {
      kube::DeleteOptions options;
      options.propagation = kube::Propagation::background;  // the slot Deployments follow
      auto removed = client.remove(rollouts_ref(ns), request.name, options);
      if (!removed && removed.error().reason != kube::ErrorReason::not_found) {
        return report_error(removed.error(), config, fmt::format("deleting rollout {}", id), err);
      }
    }
    if (auto failed = restore(uid))
      return *failed;
    if (pinned && !services.empty()) {
      out << fmt::format("rollout {}: {} {} restored ({} removed from their {})\n", id, pinned_kind,
                         fmt::join(services, ", "), rollout::kSlotLabel,
                         pinned_kind == "Services" ? "selectors" : "labels");
    }
    const std::string slot_a = rollout::slot_deployment_name(request.name, rollout::Slot::a);
    const std::string slot_b = rollout::slot_deployment_name(request.name, rollout::Slot::b);
    if (request.wait == WaitForGone::no) {
      auto left = client.get(rollouts_ref(ns), request.name);
      if (left && uid_of(*left) == uid) {
        out << fmt::format(
            "rollout {} is Terminating: waiting for finalizers {} (not Cutover's; --wait waits "
            "for them)\n",
            id, fmt::join(finalizers_of(*left), ", "));
        return kOk;
      }
      out << fmt::format(
          "rollout {} deleted; its slot Deployments {} and {} go by garbage collection\n", id,
          slot_a, slot_b);
      return kOk;
    }
    if (auto failed = wait_gone(rollouts_ref(ns), request.name, ""))
      return *failed;
    for (const auto& slot : {slot_a, slot_b}) {
      if (auto failed = wait_gone(deployments_ref(ns), slot, uid))
        return *failed;
    }
    out << fmt::format("rollout {} deleted, and its slot Deployments {} and {}\n", id, slot_a,
                       slot_b);
    return kOk;
  }
};

struct DeleteOptions {
  std::string rollout;
  bool wait = false;
  std::string timeout = "1m";
};

}  // namespace

int delete_rollout(kube::KubeClient& client, const kube::RestConfig& config, Clock& clock,
                   const DeleteRequest& request, std::ostream& out, std::ostream& err) {
  Deleter deleter{client, config, clock, request, out, err, clock.steady_now() + request.timeout};
  return deleter.run();
}

void add_delete_command(CLI::App& app, CommandContext& context, int& exit_code) {
  auto options = std::make_shared<DeleteOptions>();
  auto* cmd = app.add_subcommand(
      "delete",
      "Delete a Rollout, with or without an operator: its Services get their selectors back, "
      "its slot Deployments go");
  cmd->add_option("rollout", options->rollout, "Name of the Rollout")->required();
  cmd->add_flag("--wait", options->wait,
                "Return once the Rollout and its slot Deployments are gone");
  cmd->add_option("--timeout", options->timeout, "Give up after this long (exit 4)")
      ->capture_default_str();
  cmd->callback([&context, &exit_code, options] {
    const auto timeout = parse_duration(options->timeout);
    if (!timeout) {
      context.err << "error: --timeout " << timeout.error() << " (fix: e.g. --timeout 2m)\n";
      exit_code = kUsage;
      return;
    }
    auto connection = context.connect();
    if (!connection) {
      exit_code = connection.error();
      return;
    }
    const DeleteRequest request{connection->config.namespace_name, options->rollout,
                                options->wait ? WaitForGone::yes : WaitForGone::no, *timeout};
    exit_code = delete_rollout(*connection->client, connection->config, context.clock, request,
                               context.out, context.err);
  });
}

}  // namespace cutover::cli
