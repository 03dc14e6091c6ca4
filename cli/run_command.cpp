#include "run_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <ostream>
#include <thread>

#include "exit_code.hpp"
#include "kube/leader_elector.hpp"
#include "rollout/reconciler.hpp"
#include "rollout/run_lease.hpp"
#include "rollout_access.hpp"
#include "util/duration.hpp"
#include "util/json_fields.hpp"

namespace cutover::cli {

namespace {

struct RunOptions {
  std::string rollout;
  std::string timeout = "30m";
  std::string prometheus_url;
  std::string lease_duration = "15s";
};

// SIGINT/SIGTERM only set this (a lock-free atomic store is async-signal-safe); the run loop
// polls it, stops between two reconciles and releases the Lease.
std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void record_stop_signal(int signal) {
  g_stop_signal.store(signal);
}

/// Installs the SIGINT/SIGTERM handlers for the lifetime of a run and restores the previous
/// ones afterwards (the command also runs inside unit tests). SA_RESTART lets an API request
/// in flight finish rather than fail with EINTR.
class StopSignals {
 public:
  StopSignals() {
    g_stop_signal = 0;
    struct sigaction action {};
    action.sa_handler = record_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
  [[nodiscard]] int received() const { return g_stop_signal.load(); }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

/// Sleeps up to `duration` in short slices of `clock`; false if a stop signal arrived meanwhile.
bool sleep_unless_stopped(std::chrono::milliseconds duration, const StopSignals& signals,
                          Clock& clock) {
  const auto until = clock.steady_now() + duration;
  while (signals.received() == 0) {
    const auto left = until - clock.steady_now();
    if (left <= std::chrono::nanoseconds{0})
      return true;
    clock.sleep_for(std::min<std::chrono::nanoseconds>(left, std::chrono::milliseconds{100}));
  }
  return false;
}

std::string this_host() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0)
    return "";
  return host.data();
}

/// Holds the run Lease from construction (after it was acquired) until `release` or
/// destruction, so it is given up on every exit path: a thread renews it every retry period;
/// when a renewal finds another holder, or renewals fail for the renew deadline (shorter than
/// the lease duration, so we stop before anyone may take over), the Lease counts as lost and
/// the run loop must stop writing. The renew deadline is measured on `clock`; the wait between
/// two renewals is the thread's own (real time), so that `release` can cut it short.
class HeldLease {
 public:
  HeldLease(kube::LeaderElector& elector, const kube::LeaseConfig& config, Clock& clock)
      : elector_(elector),
        config_(config),
        clock_(clock),
        renewer_([this](std::stop_token stop) { renew_until(stop); }) {}
  ~HeldLease() { (void)release(); }
  HeldLease(const HeldLease&) = delete;
  HeldLease& operator=(const HeldLease&) = delete;

  /// Empty while we hold it; otherwise why we lost it.
  [[nodiscard]] std::string lost() const {
    std::lock_guard lock(mutex_);
    return lost_;
  }

  /// Stops renewing and gives the Lease up (once), so the operator takes over at once.
  kube::Result<void> release() {
    if (released_)
      return {};
    released_ = true;
    renewer_.request_stop();
    if (renewer_.joinable())
      renewer_.join();
    return elector_.release();
  }

 private:
  void renew_until(std::stop_token stop) {
    auto last_renewal = clock_.steady_now();
    std::mutex m;
    std::condition_variable_any cv;
    while (!stop.stop_requested()) {
      {
        std::unique_lock lock(m);
        cv.wait_for(lock, stop, config_.retry_period, [] { return false; });
      }
      if (stop.stop_requested())
        return;
      auto renewed = elector_.try_acquire_or_renew();
      if (renewed && *renewed) {
        last_renewal = clock_.steady_now();
        continue;
      }
      std::string why;
      if (renewed) {
        const auto& seen = elector_.observed();
        why = fmt::format("{} holds it now", seen ? seen->holder : std::string("someone else"));
      } else if (clock_.steady_now() - last_renewal >= config_.renew_deadline) {
        why = fmt::format("no renewal succeeded for {}: {}",
                          format_duration(config_.renew_deadline), renewed.error().describe());
      }
      if (!why.empty()) {
        std::lock_guard lock(mutex_);
        lost_ = why;
        return;
      }
    }
  }

  kube::LeaderElector& elector_;
  kube::LeaseConfig config_;
  Clock& clock_;
  mutable std::mutex mutex_;
  std::string lost_;
  bool released_ = false;
  std::jthread renewer_;  // last: starts after the members it uses
};

enum class Acquired { yes, refused, stopped };

/// Takes the run Lease, or says who holds it. A Lease whose renewTime is recent by our clock
/// refuses at once (exit 2). One that looks stale is watched for up to a lease duration: if
/// it is renewed its holder is alive (refused); if not, it has expired by our own observation
/// (as the operator judges it) and we take it. So clock skew can delay a run, never let two
/// drive.
kube::Result<Acquired> acquire(kube::LeaderElector& elector, const kube::LeaseConfig& config,
                               const std::string& rollout, const StopSignals& signals,
                               const CommandContext& context) {
  auto acquired = elector.try_acquire_or_renew();
  if (!acquired)
    return std::unexpected(acquired.error());
  if (*acquired)
    return Acquired::yes;
  const kube::LeaseRecord first = elector.observed().value_or(kube::LeaseRecord{});
  const auto refuse = [&](const kube::LeaseRecord& record) {
    context.err << "error: "
                << rollout::describe_refusal(config.namespace_name, rollout,
                                             rollout::run_lease_view(record),
                                             context.clock.wall_now())
                << "\n";
    return Acquired::refused;
  };
  const auto view = rollout::run_lease_view(first);
  if (view.held_at(context.clock.wall_now()))
    return refuse(first);
  const auto patience =
      std::chrono::seconds{std::max(1, first.lease_duration_seconds)} + config.retry_period;
  context.err << fmt::format(
      "Lease {}/{} names {}, last renewed {} by this machine's clock: waiting up to {} for it "
      "to be renewed before taking it over\n",
      config.namespace_name, config.name, first.holder, first.renew_time,
      format_duration(patience));
  const auto until = context.clock.steady_now() + patience + std::chrono::seconds{1};
  while (context.clock.steady_now() < until) {
    if (!sleep_unless_stopped(config.retry_period, signals, context.clock))
      return Acquired::stopped;
    acquired = elector.try_acquire_or_renew();
    if (!acquired)
      return std::unexpected(acquired.error());
    if (*acquired)
      return Acquired::yes;
    if (elector.observed() && !(*elector.observed() == first))
      return refuse(*elector.observed());  // renewed or taken: its holder is alive
  }
  return refuse(elector.observed().value_or(first));
}

int run_rollout(const CommandContext& context, const RunOptions& options) {
  const auto timeout = parse_duration(options.timeout);
  if (!timeout) {
    context.err << "error: --timeout " << timeout.error() << "\n";
    return kUsage;
  }
  const auto lease_duration = parse_duration(options.lease_duration);
  if (!lease_duration || *lease_duration < std::chrono::seconds{3} ||
      *lease_duration > std::chrono::hours{1}) {
    context.err << "error: --lease-duration "
                << (lease_duration ? options.lease_duration + " is out of range"
                                   : lease_duration.error())
                << " (fix: a duration from 3s to 1h, e.g. --lease-duration 15s)\n";
    return kUsage;
  }
  // Status writes (PUT) carry no fieldManager, so the API server names their manager after the
  // User-Agent: "cutover-cli", as the server-side applies of the same run. managedFields then
  // tell the CLI's writes from the operator's ("cutover" and "cutover-operator").
  kube::ClientOptions client_options;
  client_options.user_agent = fmt::format("cutover-cli/{} (deploy run)", CUTOVER_VERSION);
  auto connection = context.connect(std::move(client_options));
  if (!connection)
    return connection.error();
  const kube::RestConfig* config = &connection->config;
  const std::string& ns = config->namespace_name;
  auto object = get_rollout_object(*connection->client, *config, ns, options.rollout, context.err);
  if (!object)
    return object.error();

  // One driver per Rollout: hold its run Lease for the whole run (DESIGN.md, "Only the holder
  // of a Lease drives a Rollout").
  StopSignals signals;
  const auto lease_config = rollout::run_lease_config(
      ns, options.rollout, string_or(member(*object, "metadata"), "uid"),
      rollout::run_lease_identity(this_host(), static_cast<long>(getpid()),
                                  [](const char* name) {
                                    const char* value = std::getenv(name);
                                    return std::string(value != nullptr ? value : "");
                                  }),
      std::chrono::duration_cast<std::chrono::seconds>(*lease_duration));
  const std::string lease_name = ns + "/" + lease_config.name;
  kube::LeaderElector elector(*connection->client, lease_config, context.clock);
  auto acquired = acquire(elector, lease_config, options.rollout, signals, context);
  if (!acquired) {
    return report_error(acquired.error(), *config,
                        fmt::format("taking Lease {} for rollout {}/{} (deploy run needs get, "
                                    "create and update on leases.coordination.k8s.io in {})",
                                    lease_name, ns, options.rollout, ns),
                        context.err);
  }
  if (*acquired == Acquired::refused)
    return kUsage;
  if (*acquired == Acquired::stopped) {
    context.err << "interrupted before taking the Lease; nothing was changed\n";
    return kPaused;
  }
  HeldLease held(elector, lease_config, context.clock);
  context.err << fmt::format(
      "Holding Lease {} as {}: the operator leaves rollout {}/{} alone until this run ends\n",
      lease_name, lease_config.identity, ns, options.rollout);

  rollout::Reconciler reconciler(*connection->client, context.clock, "cutover-cli",
                                 {.default_prometheus = options.prometheus_url});
  const auto deadline = context.clock.steady_now() + *timeout;
  std::string last_line;
  int transient_errors = 0;
  bool answered = false;
  const auto stopped = [&]() -> std::optional<int> {
    if (const int signal = signals.received(); signal != 0) {
      auto released = held.release();
      context.err << fmt::format(
          "interrupted ({}): stopped driving rollout {}/{} {}; it is left as it is, and the "
          "operator (if installed) or the next deploy run continues from there\n",
          signal == SIGINT ? "SIGINT" : "SIGTERM", ns, options.rollout,
          released
              ? "and released Lease " + lease_name
              : "but could not release Lease " + lease_name + " (" + released.error().describe() +
                    "); it expires in " + format_duration(lease_config.lease_duration));
      return kPaused;
    }
    if (const std::string lost = held.lost(); !lost.empty()) {
      context.err << fmt::format(
          "error: lost Lease {} ({}); stopped driving rollout {}/{} so that only one driver "
          "writes to it (fix: check the connection to the API server, then run deploy run "
          "again)\n",
          lease_name, lost, ns, options.rollout);
      return kFailed;
    }
    return std::nullopt;
  };
  while (context.clock.steady_now() < deadline) {
    if (const auto code = stopped())
      return *code;
    auto outcome = reconciler.reconcile(ns, options.rollout);
    if (!outcome && !answered && is_unreachable(outcome.error())) {
      return report_error(outcome.error(), *config, "reading rollout " + options.rollout,
                          context.err);
    }
    if (!outcome) {
      // Conflicts and network blips are expected; persistent failure is not.
      if (++transient_errors > 30) {
        context.err << "error: " << outcome.error().describe() << "\n";
        return kFailed;
      }
      sleep_unless_stopped(std::chrono::milliseconds{500}, signals, context.clock);
      continue;
    }
    transient_errors = 0;
    answered = true;
    if (!outcome->found) {
      context.err << fmt::format("error: rollout {}/{} not found\n", ns, options.rollout);
      return kFailed;
    }
    const std::string line = fmt::format("{}: {}{}", rollout::to_string(outcome->phase),
                                         outcome->message.empty() ? "ok" : outcome->message,
                                         outcome->aborted ? " (aborted)" : "");
    if (line != last_line) {
      context.out << line << std::endl;
      last_line = line;
    }
    if (outcome->invalid || outcome->aborted)
      return kFailed;
    // Healthy is not the end while the old slot waits out its scale-down delay: with no
    // operator installed, nobody else would scale it down.
    if (outcome->settled)
      return kOk;
    const auto wait = std::clamp(outcome->requeue_after.value_or(std::chrono::milliseconds{1000}),
                                 std::chrono::milliseconds{0}, std::chrono::milliseconds{1000});
    sleep_unless_stopped(wait, signals, context.clock);
  }
  context.err << fmt::format("error: rollout {} did not finish within {}\n", options.rollout,
                             options.timeout);
  return kTimedOut;
}

}  // namespace

void add_run_command(CLI::App& app, CommandContext& context, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand(
      "run",
      "Drive one Rollout to completion (for pipelines). Holds Lease cutover-run-<rollout> while "
      "it runs, so the operator (if installed) stands aside; a second run on the same Rollout "
      "exits 2 naming the holder");
  cmd->add_option("rollout", options->rollout, "Name of the Rollout")->required();
  cmd->add_option("--prometheus-url", options->prometheus_url,
                  "Prometheus for SLO policies that set no address (default: "
                  "$CUTOVER_PROMETHEUS_URL)")
      ->envname("CUTOVER_PROMETHEUS_URL");
  cmd->add_option("--timeout", options->timeout, "Give up after this long (exit 4)")
      ->capture_default_str();
  cmd->add_option("--lease-duration", options->lease_duration,
                  "If this run dies without releasing its Lease, others take over after this "
                  "long")
      ->capture_default_str();
  cmd->callback([&context, &exit_code, options] { exit_code = run_rollout(context, *options); });
}

}  // namespace cutover::cli
