#pragma once
// The dashboard's HTTP surface, as one function from a request to an answer (net::HttpListener
// moves the bytes): the JSON API the pages use, the event stream, the pages themselves and the
// login. Every path but /login, /login.css and /healthz needs a valid bearer token or session,
// and every read and action is checked with a SubjectAccessReview for that user on that object
// before it is carried out with the user's own credentials.
//
// API (docs/dashboard.md has the shapes):
//   GET  /api/v1/{rollouts|migrations|flagrollouts}          every namespace the caller may list
//   GET  /api/v1/namespaces/{ns}/{kind}/{name}               the object, its AnalysisRuns, Events
//   POST /api/v1/namespaces/{ns}/{kind}/{name}/{verb}        promote[?full=true], abort, retry,
//                                                            pause, resume
//   GET  /api/v1/stream                                      Server-Sent Events (event_hub.hpp)
//   GET  /api/v1/session                                     who, the CSRF token, read-only

#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "dashboard/access_control.hpp"
#include "dashboard/event_hub.hpp"
#include "dashboard/release_kind.hpp"
#include "dashboard/session_store.hpp"
#include "net/http_listener.hpp"

namespace cutover::dashboard {

/// The informers' caches, as the API reads them.
class ReleaseSource {
 public:
  virtual ~ReleaseSource() = default;
  /// Every cached object of `kind`, in every namespace the dashboard watches.
  [[nodiscard]] virtual std::vector<nlohmann::json> list(const ReleaseKind& kind) const = 0;
};

struct DashboardSettings {
  /// Actions answer 403: the dashboard only shows.
  bool read_only = false;
  /// The listener is on loopback: answer only Host headers that name it (127.0.0.1, localhost,
  /// [::1] on `port`), so that no other site's page reaches it through DNS rebinding.
  bool loopback_only = true;
};

class DashboardApi {
 public:
  DashboardApi(AccessControl& access, SessionStore& sessions, const ReleaseSource& releases,
               EventHub& hub, DashboardSettings settings);

  net::ServerResponse handle(const net::ServerRequest& request);

  /// The port the listener got (for the Host check); set once it listens.
  void set_port(int port) { port_ = port; }
  /// Who a login link logs in: the kubeconfig's own user. Unset: links are refused.
  void set_link_caller(Caller caller);

 private:
  struct Identified {
    Caller caller;
    std::optional<Session> session;  // set when the request came with the session cookie
  };

  net::ServerResponse route(const net::ServerRequest& request);
  net::ServerResponse login(const net::ServerRequest& request);
  net::ServerResponse logout(const net::ServerRequest& request);
  std::expected<Identified, net::ServerResponse> identify(const net::ServerRequest& request,
                                                          bool api);
  net::ServerResponse api(const net::ServerRequest& request, const Identified& who);
  net::ServerResponse list(const ReleaseKind& kind, const Caller& caller);
  net::ServerResponse detail(const ReleaseKind& kind, const std::string& ns,
                             const std::string& name, const Caller& caller);
  net::ServerResponse act(const ReleaseKind& kind, const std::string& ns, const std::string& name,
                          std::string_view verb, const net::ServerRequest& request,
                          const Caller& caller);
  net::ServerResponse stream(const Caller& caller);
  net::ServerResponse page(const net::ServerRequest& request);
  nlohmann::json visible(const Caller& caller, const std::vector<const ReleaseKind*>& kinds);

  AccessControl& access_;
  SessionStore& sessions_;
  const ReleaseSource& releases_;
  EventHub& hub_;
  DashboardSettings settings_;
  std::atomic<int> port_{0};
  std::mutex mutex_;
  std::optional<Caller> link_caller_;
};

/// A JSON error answer: `{"error": reason, "message": message}` with `status`.
net::ServerResponse json_error(int status, std::string_view reason, std::string_view message);

}  // namespace cutover::dashboard
