#include "dashboard/dashboard_server.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <ostream>
#include <random>
#include <thread>

#include "dashboard/dashboard_api.hpp"
#include "dashboard/release_summary.hpp"
#include "kube/informer.hpp"
#include "kube/rest_client.hpp"
#include "util/listen_address.hpp"
#include "util/log.hpp"

namespace cutover::dashboard {

namespace {

using namespace std::chrono_literals;

constexpr auto kHeartbeat = 15s;

class InformerReleases final : public ReleaseSource {
 public:
  explicit InformerReleases(std::vector<std::unique_ptr<kube::Informer>>& informers)
      : informers_(informers) {}
  [[nodiscard]] std::vector<nlohmann::json> list(const ReleaseKind& kind) const override {
    for (const auto& informer : informers_)
      if (informer->ref().kind == kind.api_kind)
        return informer->store().list();
    return {};
  }

 private:
  std::vector<std::unique_ptr<kube::Informer>>& informers_;
};

// A client that acts with `token`: the dashboard's API server and trust, the caller's
// credentials and nothing of the kubeconfig's own.
std::shared_ptr<kube::KubeClient> client_with_token(const kube::RestConfig& config,
                                                    const std::string& token) {
  kube::RestConfig as_user = config;
  as_user.auth = kube::AuthConfig{.method = kube::AuthMethod::token, .token = token};
  as_user.tls.client_certificate_pem.clear();
  as_user.tls.client_key_pem.clear();
  kube::ClientOptions options;
  options.user_agent = "cutover-dashboard";
  auto client = kube::RestClient::create(as_user, options);
  if (!client) {
    log::warn("cannot build a client for a dashboard caller",
              {{"error", client.error().describe()}});
    return nullptr;
  }
  return std::shared_ptr<kube::KubeClient>(std::move(*client));
}

}  // namespace

int serve_dashboard(const DashboardOptions& options, const kube::RestConfig& config,
                    std::shared_ptr<kube::KubeClient> own, std::ostream& out, std::ostream& err) {
  const auto at = parse_listen_address(options.address, "--address");
  if (!at) {
    err << "error: " << at.error() << "\n";
    return 2;
  }
  const bool loopback = at->host == "127.0.0.1" || at->host == "localhost" || at->host == "::1" ||
                        at->host == "[::1]";

  // Block the signals in every thread (threads inherit the mask), then wait for them here.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Cluster-wide when the dashboard's identity may list so; else the kubeconfig's namespace.
  kube::AllNamespaces all = kube::AllNamespaces::yes;
  std::string watched = "(all)";
  if (auto probe = own->list({kApiVersion, "Rollout", ""},
                             {.limit = 1, .all_namespaces = kube::AllNamespaces::yes});
      !probe) {
    if (probe.error().reason != kube::ErrorReason::forbidden) {
      err << "error: cannot list Rollouts at " << config.server << ": " << probe.error().describe()
          << "\n";
      return 3;
    }
    all = kube::AllNamespaces::no;
    watched = config.namespace_name;
    err << fmt::format(
        "warning: {} may not list Rollouts in every namespace; the dashboard shows namespace {} "
        "only\n",
        config.user_name.empty() ? std::string("this identity") : config.user_name, watched);
  }

  AccessControl access(
      own, [config](const std::string& token) { return client_with_token(config, token); });
  SessionStore sessions;
  EventHub hub(access);
  std::vector<std::unique_ptr<kube::Informer>> informers;
  for (const auto& kind : kReleaseKinds) {
    informers.push_back(std::make_unique<kube::Informer>(
        *own,
        kube::ResourceRef{kApiVersion, kind.api_kind,
                          all == kube::AllNamespaces::yes ? "" : config.namespace_name},
        kube::ReflectorOptions{.all_namespaces = all,
                               .transform = kube::transform::drop_managed_fields},
        [engine = std::mt19937_64(std::random_device{}())]() mutable {
          return std::uniform_real_distribution<double>(0, 1)(engine);
        }));
  }
  InformerReleases releases(informers);
  DashboardApi api(access, sessions, releases, hub,
                   {.read_only = options.read_only, .loopback_only = loopback});

  std::string link;
  if (options.login_link) {
    if (auto me = access.own_caller()) {
      api.set_link_caller(*me);
      link = sessions.add_login_link();
    } else {
      err << "warning: no login link: the API server did not say who this kubeconfig's user is ("
          << me.error().describe() << "); log in with a token\n";
    }
  }

  auto listener = net::HttpListener::start(
      [&api](const net::ServerRequest& request) { return api.handle(request); }, options.address,
      "--address",
      {.threads = options.threads,
       .max_body = 64 * 1024,
       .connection_memory = 32 * 1024,
       .idle_seconds = 60,
       .log_name = "dashboard listener"});
  if (!listener) {
    err << "error: " << listener.error() << "\n";
    return 2;
  }
  const int port = (*listener)->port();
  api.set_port(port);

  std::vector<std::jthread> watches;
  for (std::size_t i = 0; i < informers.size(); ++i) {
    watches.emplace_back([&, i](std::stop_token stop) {
      const ReleaseKind& kind = kReleaseKinds.at(i);
      informers[i]->run(
          [&](const kube::WatchEvent& event) {
            if (event.type == kube::WatchEventType::bookmark ||
                event.type == kube::WatchEventType::error)
              return;
            hub.publish(kind, event.object["metadata"].value("namespace", ""),
                        kube::to_string(event.type), release_summary(event.object));
          },
          stop);
    });
  }
  std::jthread heartbeat([&hub](std::stop_token stop) {
    while (!stop.stop_requested()) {
      SystemClock::instance().sleep_for(kHeartbeat, stop);
      hub.heartbeat();
    }
  });

  const std::string host = loopback ? "127.0.0.1" : (at->host.empty() ? "0.0.0.0" : at->host);
  out << fmt::format("Cutover dashboard: http://{}:{}/\n", host, port);
  if (!link.empty())
    out << fmt::format(
        "Log in as {} (one-time link): http://{}:{}/login?token={}\n",
        config.user_name.empty() ? std::string("this kubeconfig's user") : config.user_name, host,
        port, link);
  out << "Or log in with a token: kubectl create token SERVICEACCOUNT -n NAMESPACE\n";
  out.flush();
  log::info("dashboard serving", {{"address", options.address},
                                  {"port", port},
                                  {"namespaces", watched},
                                  {"read_only", options.read_only}});

  int received = 0;
  sigwait(&signals, &received);
  log::info("dashboard stopping", {{"signal", received}});
  for (auto& watch : watches)
    watch.request_stop();
  heartbeat.request_stop();
  hub.close_all();
  listener->reset();
  return 0;
}

}  // namespace cutover::dashboard
