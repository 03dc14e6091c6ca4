#include "dashboard/dashboard_api.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

#include "control_plan.hpp"
#include "dashboard/assets.hpp"
#include "dashboard/release_summary.hpp"
#include "dashboard/web_guard.hpp"
#include "rollout_access.hpp"
#include "util/log.hpp"

namespace cutover::dashboard {

namespace {

using nlohmann::json;

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kHtml = "text/html; charset=utf-8";

// The login page: a form that posts a token (a ServiceAccount token, an OIDC ID token). No
// script: nothing on it runs, so nothing on it can be injected.
std::string login_page(std::string_view notice) {
  return fmt::format(
      R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cutover: log in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/login.css"></head>
<body><main class="login"><h1>Cutover</h1>
{}<form method="post" action="/login">
<label for="token">Bearer token</label>
<textarea id="token" name="token" rows="6" required autocomplete="off" spellcheck="false"
 placeholder="kubectl create token SERVICEACCOUNT -n NAMESPACE"></textarea>
<button type="submit" id="login">Log in</button></form>
<p class="hint">A ServiceAccount token (<code>kubectl create token NAME -n NAMESPACE</code>) or an
OIDC ID token that the cluster's API server accepts. You see and do what its RBAC allows.</p>
</main></body></html>
)",
      notice.empty() ? std::string() : fmt::format("<p class=\"notice\">{}</p>\n", notice));
}

constexpr std::string_view kLoginCss =
    "body{font-family:system-ui,sans-serif;background:#f5f6f8;color:#1d2330;margin:0}"
    ".login{max-width:34rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:8px;"
    "box-shadow:0 1px 4px rgba(0,0,0,.12)}h1{margin-top:0}label{display:block;font-weight:600;"
    "margin-bottom:.4rem}textarea{width:100%;box-sizing:border-box;font-family:monospace}"
    "button{margin-top:1rem;padding:.5rem 1.4rem;font-size:1rem}.notice{color:#a4262c}"
    ".hint{color:#5a6270;font-size:.9rem}";

// A browser that opens a page without a session is sent to the login form; the status is still
// 401 and the body carries nothing but the way there.
const std::string kUnauthenticatedPage =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta http-equiv=\"refresh\" content=\"0;url=/login\"><title>Cutover</title></head>"
    "<body><a href=\"/login\">Log in</a></body></html>\n";

net::ServerResponse json_answer(int status, const json& body) {
  return {.status = status, .content_type = kJson, .body = body.dump()};
}

net::ServerResponse redirect(std::string location) {
  return {.status = 303, .headers = {{"Location", std::move(location)}}};
}

// A browser just logged in: its session cookie (Secure behind an HTTPS proxy, as long-lived as
// the session), and on to the lists.
net::ServerResponse logged_in(const net::ServerRequest& request, const Session& session) {
  net::ServerResponse answer = redirect("/");
  const auto lifetime =
      std::chrono::duration_cast<std::chrono::seconds>(SessionStore::kSessionLifetime).count();
  answer.headers.emplace_back("Set-Cookie",
                              session_cookie(session.id, static_cast<int>(lifetime),
                                             request.header("X-Forwarded-Proto") == "https"));
  return answer;
}

net::ServerResponse unauthenticated(bool api) {
  net::ServerResponse answer =
      api ? json_error(401, "unauthorized",
                       "a valid bearer token (Authorization: Bearer ...) or a session is "
                       "required: log in at /login")
          : net::ServerResponse{.status = 401, .content_type = kHtml, .body = kUnauthenticatedPage};
  answer.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"cutover-dashboard\"");
  return answer;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const std::size_t end = path.find('/');
    parts.emplace_back(path.substr(0, end));
    path = end == std::string_view::npos ? std::string_view{} : path.substr(end);
  }
  return parts;
}

// A refusal that names the user, what they may not do and where, and the fix.
net::ServerResponse forbidden(const Caller& caller, const ResourceAttributes& a) {
  const std::string what = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  return json_error(
      403, "forbidden",
      fmt::format("{} may not {} {}{} in namespace {}: that needs a Role or ClusterRole bound to "
                  "them that grants verb \"{}\" on resource \"{}\" in API group \"{}\"",
                  caller.user.username, a.verb, what,
                  a.name.empty() ? std::string() : " \"" + a.name + "\"", a.namespace_name, a.verb,
                  what, a.group));
}

// The answer for a failed call made as the caller: the API server's own status where it is one
// the user can act on.
net::ServerResponse api_failure(const kube::Error& error, std::string_view doing) {
  switch (error.reason) {
    case kube::ErrorReason::not_found:
      return json_error(404, "not_found", fmt::format("{}: not found", doing));
    case kube::ErrorReason::forbidden:
      return json_error(403, "forbidden", fmt::format("{}: {}", doing, error.message));
    case kube::ErrorReason::unauthorized:
      return json_error(401, "unauthorized",
                        fmt::format("{}: the API server refused the token", doing));
    case kube::ErrorReason::conflict:
      return json_error(409, "conflict", fmt::format("{}: {}; try again", doing, error.message));
    default:
      return json_error(502, "api_server",
                        fmt::format("{}: the API server answered {}", doing, error.describe()));
  }
}

json items_or_empty(kube::Result<json> list) {
  if (!list || !list->contains("items"))
    return json::array();
  return (*list)["items"];
}

}  // namespace

net::ServerResponse json_error(int status, std::string_view reason, std::string_view message) {
  return json_answer(status, {{"error", reason}, {"message", message}});
}

DashboardApi::DashboardApi(AccessControl& access, SessionStore& sessions,
                           const ReleaseSource& releases, EventHub& hub, DashboardSettings settings)
    : access_(access), sessions_(sessions), releases_(releases), hub_(hub), settings_(settings) {}

void DashboardApi::set_link_caller(Caller caller) {
  const std::scoped_lock lock(mutex_);
  link_caller_ = std::move(caller);
}

net::ServerResponse DashboardApi::handle(const net::ServerRequest& request) {
  net::ServerResponse answer = route(request);
  for (const auto& header : security_headers())
    answer.headers.push_back(header);
  return answer;
}

net::ServerResponse DashboardApi::route(const net::ServerRequest& request) {
  if (settings_.loopback_only && !loopback_host(request.header("Host"), port_.load()))
    return json_error(421, "misdirected",
                      fmt::format("this dashboard listens on loopback and answers only at "
                                  "http://127.0.0.1:{0} or http://localhost:{0}",
                                  port_.load()));
  const std::string_view path = request.path();
  const std::string_view method = request.method();
  if (path == "/healthz")
    return {.content_type = "text/plain", .body = "ok"};
  if (path == "/login.css")
    return {.content_type = "text/css", .body = std::string(kLoginCss)};
  if (path == "/login")
    return login(request);
  if (path == "/logout")
    return logout(request);

  const bool is_api = path.starts_with("/api/");
  auto who = identify(request, is_api);
  if (!who)
    return std::move(who.error());
  if (request.body_too_large())
    return json_error(413, "too_large", "request bodies are limited to 64 KiB");
  if (method != "GET" && method != "HEAD") {
    if (auto refused = cross_site(request.header("Origin"), request.header("Sec-Fetch-Site"),
                                  request.header("Host")))
      return json_error(403, "cross_site", *refused);
    // A session's cookie comes with every request the browser makes, from any page: a write
    // must also carry the session's CSRF token, which only this dashboard's pages can read.
    if (who->session && !same_secret(request.header("X-CSRF-Token"), who->session->csrf))
      return json_error(403, "csrf",
                        "a write with a session cookie needs the session's CSRF token in the "
                        "X-CSRF-Token header (GET /api/v1/session returns it)");
  }
  if (is_api)
    return api(request, *who);
  if (method != "GET" && method != "HEAD")
    return json_error(405, "method_not_allowed", "pages are read with GET");
  return page(request);
}

net::ServerResponse DashboardApi::login(const net::ServerRequest& request) {
  if (request.method() == "GET") {
    const std::string_view link = request.query("token");
    if (link.empty())
      return {.content_type = kHtml, .body = login_page("")};
    std::optional<Caller> caller;
    {
      const std::scoped_lock lock(mutex_);
      caller = link_caller_;
    }
    auto session = caller ? sessions_.redeem_login_link(link) : std::nullopt;
    if (!session)
      return {.status = 401,
              .content_type = kHtml,
              .body = login_page("This login link was used already or has expired. Run "
                                 "<code>deploy dashboard</code> again for a new one, or log in "
                                 "with a token.")};
    return logged_in(request, *session);
  }
  if (request.method() != "POST")
    return json_error(405, "method_not_allowed", "/login takes GET (the form) or POST (a token)");
  if (request.body_too_large())
    return json_error(413, "too_large", "request bodies are limited to 64 KiB");
  // A login from another site would log the browser in as someone else: refused like any write.
  if (auto refused = cross_site(request.header("Origin"), request.header("Sec-Fetch-Site"),
                                request.header("Host")))
    return json_error(403, "cross_site", *refused);
  std::string token = form_value(request.body(), "token");
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  auto caller = access_.authenticate(token);
  if (!caller) {
    if (caller.error() == AuthFailure::unavailable)
      return {.status = 503,
              .content_type = kHtml,
              .body = login_page("The API server could not be asked about the token. Try again "
                                 "in a moment.")};
    return {.status = 401,
            .content_type = kHtml,
            .body = login_page("The API server did not accept this token.")};
  }
  const Session session = sessions_.open(std::move(token));
  log::info("dashboard login", {{"user", caller->user.username}});
  return logged_in(request, session);
}

net::ServerResponse DashboardApi::logout(const net::ServerRequest& request) {
  if (request.method() != "POST")
    return json_error(405, "method_not_allowed", "log out with POST /logout");
  if (auto refused = cross_site(request.header("Origin"), request.header("Sec-Fetch-Site"),
                                request.header("Host")))
    return json_error(403, "cross_site", *refused);
  sessions_.close(request.cookie(kSessionCookie));
  net::ServerResponse answer = redirect("/login");
  answer.headers.emplace_back("Set-Cookie", cleared_session_cookie());
  return answer;
}

std::expected<DashboardApi::Identified, net::ServerResponse> DashboardApi::identify(
    const net::ServerRequest& request, bool api) {
  const std::string_view authorization = request.header("Authorization");
  std::optional<Session> session;
  std::string token;
  if (!authorization.empty()) {
    token = std::string(bearer_token(authorization));
    if (token.empty())
      return std::unexpected(unauthenticated(api));
  } else {
    session = sessions_.find(request.cookie(kSessionCookie));
    if (!session)
      return std::unexpected(unauthenticated(api));
    if (session->token.empty()) {
      const std::scoped_lock lock(mutex_);
      if (!link_caller_)
        return std::unexpected(unauthenticated(api));
      return Identified{*link_caller_, session};
    }
    token = session->token;
  }
  auto caller = access_.authenticate(token);
  if (!caller) {
    if (caller.error() == AuthFailure::unavailable)
      return std::unexpected(json_error(503, "unavailable",
                                        "the API server could not be asked about the token; try "
                                        "again in a moment"));
    if (session)
      sessions_.close(session->id);
    return std::unexpected(unauthenticated(api));
  }
  return Identified{std::move(*caller), session};
}

net::ServerResponse DashboardApi::api(const net::ServerRequest& request, const Identified& who) {
  const auto parts = split_path(request.path());
  const bool get = request.method() == "GET" || request.method() == "HEAD";
  if (parts.size() < 3 || parts[1] != "v1")
    return json_error(404, "not_found", "the API is under /api/v1 (docs/dashboard.md)");
  if (parts.size() == 3 && get) {
    if (parts[2] == "session") {
      return json_answer(
          200,
          {{"user", {{"username", who.caller.user.username}, {"groups", who.caller.user.groups}}},
           {"csrfToken", who.session ? json(who.session->csrf) : json(nullptr)},
           {"readOnly", settings_.read_only}});
    }
    if (parts[2] == "stream")
      return stream(who.caller);
    if (auto kind = release_kind(parts[2]))
      return list(*kind, who.caller);
  }
  if (parts.size() >= 6 && parts.size() <= 7 && parts[2] == "namespaces") {
    const auto kind = release_kind(parts[4]);
    if (kind) {
      if (parts.size() == 6 && get)
        return detail(*kind, parts[3], parts[5], who.caller);
      if (parts.size() == 7 && request.method() == "POST")
        return act(*kind, parts[3], parts[5], parts[6], request, who.caller);
      return json_error(405, "method_not_allowed",
                        "read an object with GET, act on it with POST .../{verb}");
    }
  }
  return json_error(404, "not_found",
                    fmt::format("no API path {} (docs/dashboard.md lists them)", request.path()));
}

json DashboardApi::visible(const Caller& caller, const std::vector<const ReleaseKind*>& kinds) {
  json items = json::array();
  for (const ReleaseKind* kind : kinds) {
    std::map<std::string, bool> namespaces;  // each asked once per list
    for (const json& object : releases_.list(*kind)) {
      const std::string ns = object["metadata"].value("namespace", "");
      auto [at, fresh] = namespaces.try_emplace(ns, false);
      if (fresh)
        at->second = access_.allowed(
            caller,
            {.verb = "list", .group = kGroup, .resource = kind->resource, .namespace_name = ns});
      if (at->second)
        items.push_back(release_summary(object));
    }
  }
  return items;
}

net::ServerResponse DashboardApi::list(const ReleaseKind& kind, const Caller& caller) {
  return json_answer(
      200, {{"kind", std::string(kind.api_kind) + "List"}, {"items", visible(caller, {&kind})}});
}

net::ServerResponse DashboardApi::detail(const ReleaseKind& kind, const std::string& ns,
                                         const std::string& name, const Caller& caller) {
  const ResourceAttributes get{.verb = "get",
                               .group = kGroup,
                               .resource = kind.resource,
                               .namespace_name = ns,
                               .name = name};
  if (!access_.allowed(caller, get))
    return forbidden(caller, get);
  const std::string what = fmt::format("reading {} {}/{}", kind.api_kind, ns, name);
  auto object = caller.client->get({kApiVersion, kind.api_kind, ns}, name);
  if (!object)
    return api_failure(object.error(), what);
  // AnalysisRuns and Events are read as the caller too: what RBAC hides from them stays hidden
  // (an empty list), and the object itself still shows.
  json runs = items_or_empty(
      caller.client->list({kApiVersion, "AnalysisRun", ns},
                          {.label_selector = fmt::format("{}={}", kind.owner_label, name)}));
  json events = items_or_empty(caller.client->list(
      {"v1", "Event", ns},
      {.field_selector =
           fmt::format("involvedObject.name={},involvedObject.kind={}", name, kind.api_kind)}));
  const ResourceAttributes act_status{.verb = "patch",
                                      .group = kGroup,
                                      .resource = kind.resource,
                                      .subresource = "status",
                                      .namespace_name = ns,
                                      .name = name};
  ResourceAttributes act_spec = act_status;
  act_spec.subresource.clear();
  const bool can_request = !settings_.read_only && access_.allowed(caller, act_status);
  const bool can_pause = !settings_.read_only && kind.pausable && access_.allowed(caller, act_spec);
  return json_answer(200, {{"summary", release_summary(*object)},
                           {"object", *object},
                           {"analysisRuns", runs},
                           {"events", events},
                           {"actions",
                            {{"promote", can_request},
                             {"abort", can_request},
                             {"retry", can_request},
                             {"pause", can_pause},
                             {"resume", can_pause}}}});
}

net::ServerResponse DashboardApi::act(const ReleaseKind& kind, const std::string& ns,
                                      const std::string& name, std::string_view verb_word,
                                      const net::ServerRequest& request, const Caller& caller) {
  auto verb = cli::parse_control_verb(verb_word);
  if (!verb ||
      (!kind.pausable && (*verb == cli::ControlVerb::pause || *verb == cli::ControlVerb::resume)))
    return json_error(
        404, "not_found",
        fmt::format("{} has no action \"{}\": the actions are promote, abort, retry{}",
                    kind.api_kind, verb_word, kind.pausable ? ", pause, resume" : ""));
  if (settings_.read_only)
    return json_error(403, "read_only",
                      "this dashboard is read-only (started with --read-only): act with `deploy` "
                      "or a dashboard started without it");
  if (*verb == cli::ControlVerb::promote) {
    bool full = request.query("full") == "true";
    if (!request.body().empty()) {
      const json body = json::parse(request.body(), nullptr, false);
      if (body.is_discarded() || !body.is_object())
        return json_error(400, "bad_request",
                          "the body of an action is empty or a JSON object, e.g. {\"full\": true}");
      full = full || body.value("full", false);
    }
    if (full)
      verb = cli::ControlVerb::promote_full;
  }
  const bool on_spec = *verb == cli::ControlVerb::pause || *verb == cli::ControlVerb::resume;
  const ResourceAttributes patch{.verb = "patch",
                                 .group = kGroup,
                                 .resource = kind.resource,
                                 .subresource = on_spec ? "" : "status",
                                 .namespace_name = ns,
                                 .name = name};
  if (!access_.allowed(caller, patch))
    return forbidden(caller, patch);
  const std::string what = fmt::format("{} {} {}/{}", verb_word, kind.api_kind, ns, name);
  auto object = caller.client->get({kApiVersion, kind.api_kind, ns}, name);
  if (!object)
    return api_failure(object.error(), what);
  auto parsed = cli::parse_any(*object);
  if (!parsed)
    return json_error(409, "invalid", fmt::format("{}: {}", what, parsed.error().describe()));
  auto plan = cli::plan_control(
      *verb, *parsed, caller.user.username,
      kind.pausable ? "it is resumed" : "spec.paused is set to false",
      *verb == cli::ControlVerb::promote_full ? "the dashboard (promote full)" : "the dashboard");
  if (!plan)
    return json_error(409, "conflict", fmt::format("{}: {}", what, plan.error()));
  if (plan->patch.is_null())
    return json_answer(200, json{{"changed", false}, {"outcome", plan->outcome}});
  auto patched = caller.client->patch({kApiVersion, kind.api_kind, ns}, name,
                                      kube::PatchType::json_merge, plan->patch, plan->subresource);
  if (!patched)
    return api_failure(patched.error(), what);
  log::info("dashboard action", json{{"user", caller.user.username},
                                     {"action", std::string(verb_word)},
                                     {"kind", kind.api_kind},
                                     {"namespace", ns},
                                     {"name", name}});
  return json_answer(
      200, json{{"changed", true}, {"outcome", plan->outcome}, {"warning", plan->warning}});
}

net::ServerResponse DashboardApi::stream(const Caller& caller) {
  std::vector<const ReleaseKind*> kinds;
  for (const auto& kind : kReleaseKinds)
    kinds.push_back(&kind);
  auto events = hub_.subscribe(caller, [&] { return json{{"items", visible(caller, kinds)}}; });
  return {.content_type = "text/event-stream",
          .headers = {{"X-Accel-Buffering", "no"}},
          .stream = std::move(events)};
}

net::ServerResponse DashboardApi::page(const net::ServerRequest& request) {
  std::string_view path = request.path();
  const Asset* asset = find_asset(path);
  // Every other path is a page of the single-page app: the same shell, which reads the path.
  if (asset == nullptr && !path.starts_with("/assets/"))
    asset = find_asset("/index.html");
  if (asset == nullptr)
    return json_error(404, "not_found", fmt::format("no asset {}", path));
  net::ServerResponse answer{.content_type = std::string(asset->content_type)};
  answer.headers.emplace_back("ETag", std::string(asset->etag));
  if (request.header("If-None-Match") == asset->etag) {
    answer.status = 304;
    answer.content_type.clear();
    return answer;
  }
  answer.body = std::string(asset->body);
  return answer;
}

}  // namespace cutover::dashboard
