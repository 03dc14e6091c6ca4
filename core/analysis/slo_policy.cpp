#include "analysis/slo_policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "analysis/expression.hpp"
#include "analysis/query_template.hpp"
#include "util/duration.hpp"
#include "util/json_fields.hpp"

namespace cutover::analysis {

namespace {

using Result = std::expected<void, FieldError>;

// A query or condition template: present, well-formed placeholders.
Result check_template(const SpecReader& r, const Json& parent, const char* key,
                      const std::string& path, std::string& out, bool required) {
  if (auto ok = r.string(parent, key, path, out); !ok)
    return ok;
  const std::string field = path + "." + key;
  if (out.empty()) {
    if (required)
      return r.error(field, "is required");
    return {};
  }
  if (auto names = template_placeholders(out); !names)
    return r.error(field, names.error());
  return {};
}

// A condition is parsed now unless it has placeholders (then it is checked once rendered).
Result check_condition(const SpecReader& r, const std::string& field, const std::string& text) {
  if (text.empty() || text.find("{{") != std::string::npos)
    return {};
  if (auto parsed = Expression::parse(text); !parsed) {
    return r.error(field, parsed.error().message,
                   "write a condition over result, e.g. result < 0.01");
  }
  return {};
}

Result parse_threshold(const SpecReader& r, const Json& j, const std::string& path,
                       ThresholdSpec& out) {
  if (!j.is_object())
    return r.error(path, "must be an object");
  if (auto ok = check_template(r, j, "query", path, out.query, true); !ok)
    return ok;
  if (auto ok = check_template(r, j, "successCondition", path, out.success_condition, false); !ok)
    return ok;
  if (auto ok = check_template(r, j, "failureCondition", path, out.failure_condition, false); !ok)
    return ok;
  if (out.success_condition.empty() && out.failure_condition.empty()) {
    return r.error(path, "needs successCondition, failureCondition or both",
                   "e.g. successCondition: result < 0.01");
  }
  if (auto ok = check_condition(r, path + ".successCondition", out.success_condition); !ok)
    return ok;
  return check_condition(r, path + ".failureCondition", out.failure_condition);
}

Result parse_burn_rate(const SpecReader& r, const Json& j, const std::string& path,
                       BurnRateSpec& out) {
  if (!j.is_object())
    return r.error(path, "must be an object");
  if (!j.contains("objective"))
    return r.error(path + ".objective", "is required", "e.g. objective: 99.9");
  if (auto ok = r.number(j, "objective", path, out.objective, 0, 100); !ok)
    return ok;
  if (out.objective <= 0 || out.objective >= 100) {
    return r.error(path + ".objective", "must be a percentage above 0 and below 100",
                   "e.g. objective: 99.9");
  }
  for (auto [key, target] :
       {std::pair{"errorQuery", &out.error_query}, std::pair{"totalQuery", &out.total_query}}) {
    if (auto ok = check_template(r, j, key, path, *target, true); !ok)
      return ok;
    if (target->find("{{window}}") == std::string::npos &&
        target->find("{{ window }}") == std::string::npos) {
      return r.error(path + "." + key, "must contain {{window}} as its range",
                     "e.g. sum(rate(http_requests_total{code=~\"5..\"}[{{window}}]))");
    }
  }
  if (auto ok = r.number(j, "windowScale", path, out.window_scale, 1e-6, 1); !ok)
    return ok;
  if (const auto windows = j.find("windows"); windows != j.end() && !windows->is_null()) {
    if (!windows->is_array() || windows->empty())
      return r.error(path + ".windows", "must be a non-empty list");
    for (std::size_t i = 0; i < windows->size(); ++i) {
      const std::string wpath = fmt::format("{}.windows[{}]", path, i);
      const Json& w = (*windows)[i];
      if (!w.is_object())
        return r.error(wpath, "must be an object", "e.g. {long: 1h, short: 5m, burnRate: 14.4}");
      std::chrono::milliseconds long_window{0};
      std::chrono::milliseconds short_window{0};
      double rate = 0;
      if (auto ok = r.duration(w, "long", wpath, long_window); !ok)
        return ok;
      if (auto ok = r.duration(w, "short", wpath, short_window); !ok)
        return ok;
      if (auto ok = r.number(w, "burnRate", wpath, rate, 0, 1e6); !ok)
        return ok;
      if (long_window.count() <= 0 || short_window.count() <= 0 || rate <= 0) {
        return r.error(wpath, "needs long, short and burnRate, all above zero",
                       "e.g. {long: 1h, short: 5m, burnRate: 14.4}");
      }
      if (short_window > long_window)
        return r.error(wpath + ".short", "is longer than long");
      out.windows.push_back(
          BurnWindow{std::chrono::duration_cast<std::chrono::seconds>(long_window),
                     std::chrono::duration_cast<std::chrono::seconds>(short_window), rate});
    }
  }
  return {};
}

Result parse_compare(const SpecReader& r, const Json& j, const std::string& path,
                     CompareSpec& out) {
  if (!j.is_object())
    return r.error(path, "must be an object");
  if (auto ok = check_template(r, j, "canaryQuery", path, out.canary_query, true); !ok)
    return ok;
  if (auto ok = check_template(r, j, "baselineQuery", path, out.baseline_query, true); !ok)
    return ok;
  if (auto ok = r.duration(j, "lookback", path, out.lookback); !ok)
    return ok;
  if (auto ok = r.duration(j, "step", path, out.step); !ok)
    return ok;
  if (out.step.count() < 1000 || out.lookback < out.step) {
    return r.error(path + ".step", "must be at least 1s and no longer than lookback",
                   "e.g. lookback: 2m, step: 5s");
  }
  auto& o = out.options;
  std::string direction = "increase";
  if (auto ok = r.string(j, "direction", path, direction); !ok)
    return ok;
  if (direction == "increase") {
    o.direction = Direction::increase;
  } else if (direction == "decrease") {
    o.direction = Direction::decrease;
  } else if (direction == "either") {
    o.direction = Direction::either;
  } else {
    return r.error(path + ".direction", fmt::format("is \"{}\"", direction),
                   "use increase, decrease or either");
  }
  if (auto ok = r.number(j, "allowedIncrease", path, o.allowed_increase, 0, 1e9); !ok)
    return ok;
  if (auto ok = r.number(j, "allowedDecrease", path, o.allowed_decrease, 0, 1e9); !ok)
    return ok;
  for (auto [key, target] : {std::pair{"criticalIncrease", &o.critical_increase},
                             std::pair{"criticalDecrease", &o.critical_decrease}}) {
    if (j.contains(key) && !j[key].is_null()) {
      double value = 0;
      if (auto ok = r.number(j, key, path, value, 0, 1e9); !ok)
        return ok;
      *target = value;
    }
  }
  std::string nan = "remove";
  if (auto ok = r.string(j, "nanStrategy", path, nan); !ok)
    return ok;
  if (nan == "remove") {
    o.nan_strategy = NanStrategy::remove;
  } else if (nan == "replace") {
    o.nan_strategy = NanStrategy::replace;
  } else {
    return r.error(path + ".nanStrategy", fmt::format("is \"{}\"", nan), "use remove or replace");
  }
  std::string outliers = "keep";
  if (auto ok = r.string(j, "outliers", path, outliers); !ok)
    return ok;
  if (outliers != "keep" && outliers != "remove") {
    return r.error(path + ".outliers", fmt::format("is \"{}\"", outliers), "use keep or remove");
  }
  o.remove_outliers = outliers == "remove";
  if (auto ok = r.number(j, "outlierFactor", path, o.outlier_factor, 0, 100); !ok)
    return ok;
  if (auto ok = r.boolean(j, "mustHaveData", path, o.must_have_data); !ok)
    return ok;
  return r.number(j, "confidence", path, o.confidence, 0.5, 0.9999);
}

}  // namespace

bool same_header_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

namespace {

double default_window_scale(const BurnRateSpec& spec, const MetricSpec& metric) {
  if (metric.limits.count <= 0)
    return 1.0;  // a background gate runs as long as the release: no duration to fit
  const auto gate = metric.initial_delay + metric.interval * metric.limits.count;
  const auto first_long = spec.windows.empty() ? default_burn_windows().front().long_window
                                               : spec.windows.front().long_window;
  const double scale = std::chrono::duration<double>(gate).count() /
                       std::chrono::duration<double>(first_long).count();
  return std::clamp(scale, 1e-6, 1.0);
}

}  // namespace

std::expected<MetricSpec, FieldError> parse_metric(const SpecReader& r, const Json& j,
                                                   const std::string& path) {
  MetricSpec out;
  if (!j.is_object())
    return r.error(path, "must be an object");
  if (auto ok = r.string(j, "name", path, out.name); !ok)
    return std::unexpected(ok.error());
  static const std::regex name(R"([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)");
  if (!std::regex_match(out.name, name)) {
    return r.error(path + ".name", out.name.empty() ? "is required" : "is not a DNS label",
                   "use lower-case letters, digits and '-', e.g. error-rate");
  }
  if (auto ok = r.duration(j, "interval", path, out.interval); !ok)
    return std::unexpected(ok.error());
  if (out.interval.count() < 1000)
    return r.error(path + ".interval", "must be at least 1s");
  if (auto ok = r.duration(j, "initialDelay", path, out.initial_delay); !ok)
    return std::unexpected(ok.error());
  auto& l = out.limits;
  if (auto ok = r.integer(j, "count", path, l.count, 0, 10000); !ok)
    return std::unexpected(ok.error());
  if (auto ok = r.integer(j, "failureLimit", path, l.failure_limit, -1, 10000); !ok)
    return std::unexpected(ok.error());
  if (auto ok = r.integer(j, "inconclusiveLimit", path, l.inconclusive_limit, -1, 10000); !ok)
    return std::unexpected(ok.error());
  if (auto ok = r.integer(j, "consecutiveErrorLimit", path, l.consecutive_error_limit, -1, 10000);
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = r.boolean(j, "dryRun", path, out.dry_run); !ok)
    return std::unexpected(ok.error());
  int judges = 0;
  if (j.contains("threshold")) {
    ++judges;
    ThresholdSpec spec;
    if (auto ok = parse_threshold(r, j["threshold"], path + ".threshold", spec); !ok)
      return std::unexpected(ok.error());
    out.judge = std::move(spec);
  }
  if (j.contains("burnRate")) {
    ++judges;
    BurnRateSpec spec;
    if (auto ok = parse_burn_rate(r, j["burnRate"], path + ".burnRate", spec); !ok)
      return std::unexpected(ok.error());
    if (j["burnRate"].value("windowScale", Json()).is_null()) {
      spec.window_scale = default_window_scale(spec, out);
    }
    out.judge = std::move(spec);
  }
  if (j.contains("compare")) {
    ++judges;
    CompareSpec spec;
    if (auto ok = parse_compare(r, j["compare"], path + ".compare", spec); !ok)
      return std::unexpected(ok.error());
    out.judge = std::move(spec);
  }
  if (judges != 1) {
    return r.error(path, "must have exactly one judge: threshold, burnRate or compare",
                   "split it into one metric per judge");
  }
  return out;
}

namespace {

// `{name, key}` naming a Secret of the Rollout's namespace, at `path`.
Result parse_secret_ref(const SpecReader& r, const Json& j, const std::string& path, bool need_key,
                        SecretKeyRef& out) {
  if (!j.is_object())
    return r.error(path, need_key ? "must be {name, key}" : "must be {name}");
  if (auto ok = r.string(j, "name", path, out.name); !ok)
    return ok;
  if (auto ok = r.string(j, "key", path, out.key); !ok)
    return ok;
  if (out.name.empty() || (need_key && out.key.empty()))
    return r.error(path, need_key ? "needs name and key" : "needs name");
  return {};
}

// One entry of `headers`. In an AnalysisRun (`from_run`) a literal value reads "<redacted>".
Result parse_header(const SpecReader& r, const Json& h, const std::string& hpath, bool from_run,
                    PrometheusHeader& out) {
  constexpr const char* kExample =
      "e.g. {name: X-Scope-OrgID, value: team-a}, or for a credential {name: X-Api-Key, "
      "valueFrom: {secretKeyRef: {name: prometheus-auth, key: api-key}}}";
  if (!h.is_object())
    return r.error(hpath, "must be {name, value} or {name, valueFrom}", kExample);
  if (auto ok = r.string(h, "name", hpath, out.name); !ok)
    return ok;
  static const std::regex token(R"([!#$%&'*+.^_`|~0-9A-Za-z-]+)");
  if (!std::regex_match(out.name, token))
    return r.error(hpath + ".name", "is not an HTTP header name");
  const bool has_value = h.contains("value") && !h["value"].is_null();
  const bool has_value_from = h.contains("valueFrom") && !h["valueFrom"].is_null();
  if (has_value && has_value_from)
    return r.error(hpath, "sets both value and valueFrom", "keep one of them");
  if (!has_value && !has_value_from)
    return r.error(hpath, "needs value or valueFrom", kExample);
  if (has_value_from) {
    const Json& from = h["valueFrom"];
    const std::string fpath = hpath + ".valueFrom";
    if (!from.is_object() || !from.contains("secretKeyRef") || from["secretKeyRef"].is_null()) {
      return r.error(fpath, "must be {secretKeyRef: {name, key}}",
                     "e.g. valueFrom: {secretKeyRef: {name: prometheus-auth, key: api-key}}");
    }
    SecretKeyRef ref;
    if (auto ok = parse_secret_ref(r, from["secretKeyRef"], fpath + ".secretKeyRef", true, ref);
        !ok) {
      return ok;
    }
    out.secret = std::move(ref);
    return {};
  }
  if (auto ok = r.string(h, "value", hpath, out.value); !ok)
    return ok;
  if (out.value.find_first_of("\r\n") != std::string::npos)
    return r.error(hpath + ".value", "must be one line");
  if (same_header_name(out.name, "Authorization")) {
    // A policy is readable by everyone who writes Rollouts, and its headers used to be copied
    // into every AnalysisRun: a credential does not belong in it.
    return r.error(hpath + ".value",
                   "is a literal Authorization header: the credential would be stored in the "
                   "policy in plain text",
                   "put it in a Secret: bearerTokenSecretRef or basicAuthSecretRef, or "
                   "valueFrom.secretKeyRef for another scheme");
  }
  if (from_run && out.value == kRedacted) {
    out.value.clear();
    out.redacted = true;
  }
  return {};
}

}  // namespace

bool PrometheusProvider::reads_cluster() const {
  return bearer_token || !basic_auth_secret.empty() || ca ||
         std::any_of(headers.begin(), headers.end(),
                     [](const PrometheusHeader& h) { return h.secret || h.redacted; });
}

std::expected<PrometheusProvider, FieldError> parse_provider(const SpecReader& r, const Json& j,
                                                             const std::string& path) {
  PrometheusProvider out;
  if (j.is_null())
    return out;
  if (!j.is_object())
    return r.error(path, "must be an object");
  if (auto ok = r.string(j, "address", path, out.address); !ok)
    return std::unexpected(ok.error());
  if (!out.address.empty() && !out.address.starts_with("http://") &&
      !out.address.starts_with("https://")) {
    return r.error(path + ".address", fmt::format("\"{}\" is not an http(s) URL", out.address),
                   "e.g. http://prometheus.monitoring:9090");
  }
  if (auto ok = r.duration(j, "timeout", path, out.timeout); !ok)
    return std::unexpected(ok.error());
  if (out.timeout.count() < 1000 || out.timeout.count() > 300'000)
    return r.error(path + ".timeout", "must be between 1s and 5m");
  if (auto ok = r.boolean(j, "insecureSkipVerify", path, out.insecure_skip_verify); !ok)
    return std::unexpected(ok.error());
  // Only an AnalysisRun has policyRef (see provider_to_json); parse_slo_policy refuses it.
  if (const auto ref = j.find("policyRef"); ref != j.end() && !ref->is_null()) {
    const std::string rpath = path + ".policyRef";
    PolicyLocator policy;
    std::string kind;
    if (!ref->is_object())
      return r.error(rpath, "must be {kind, name}");
    if (auto ok = r.string(*ref, "kind", rpath, kind); !ok)
      return std::unexpected(ok.error());
    if (auto ok = r.string(*ref, "name", rpath, policy.name); !ok)
      return std::unexpected(ok.error());
    if ((kind != "SLOPolicy" && kind != "ClusterSLOPolicy") || policy.name.empty())
      return r.error(rpath, "needs kind (SLOPolicy or ClusterSLOPolicy) and name");
    policy.cluster_scope = kind == "ClusterSLOPolicy";
    out.policy = std::move(policy);
  }
  if (const auto headers = j.find("headers"); headers != j.end() && !headers->is_null()) {
    if (!headers->is_array())
      return r.error(path + ".headers", "must be a list of {name, value} or {name, valueFrom}");
    for (std::size_t i = 0; i < headers->size(); ++i) {
      const std::string hpath = fmt::format("{}.headers[{}]", path, i);
      PrometheusHeader header;
      if (auto ok = parse_header(r, (*headers)[i], hpath, out.policy.has_value(), header); !ok)
        return std::unexpected(ok.error());
      if (std::any_of(out.headers.begin(), out.headers.end(), [&](const PrometheusHeader& h) {
            return same_header_name(h.name, header.name);
          })) {
        return r.error(hpath + ".name", fmt::format("\"{}\" is set twice", header.name),
                       "keep one of them");
      }
      out.headers.push_back(std::move(header));
    }
  }
  for (auto [key, need_key] :
       {std::pair{"bearerTokenSecretRef", true}, std::pair{"basicAuthSecretRef", false},
        std::pair{"caSecretRef", true}}) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
      continue;
    SecretKeyRef ref;
    if (auto ok = parse_secret_ref(r, *it, path + "." + key, need_key, ref); !ok)
      return std::unexpected(ok.error());
    if (std::string_view(key) == "bearerTokenSecretRef") {
      out.bearer_token = ref;
    } else if (std::string_view(key) == "caSecretRef") {
      out.ca = ref;
    } else {
      out.basic_auth_secret = ref.name;
    }
  }
  if (out.bearer_token && !out.basic_auth_secret.empty()) {
    return r.error(path, "sets both bearerTokenSecretRef and basicAuthSecretRef",
                   "keep one of them");
  }
  if (out.bearer_token || !out.basic_auth_secret.empty()) {
    for (std::size_t i = 0; i < out.headers.size(); ++i) {
      if (same_header_name(out.headers[i].name, "Authorization")) {
        return r.error(
            fmt::format("{}.headers[{}]", path, i),
            fmt::format("sets Authorization, and so does {}",
                        out.bearer_token ? "bearerTokenSecretRef" : "basicAuthSecretRef"),
            "keep one of them");
      }
    }
  }
  if (out.ca && out.insecure_skip_verify) {
    // The same combination is refused in a kubeconfig (rest_config.cpp), as kubectl does.
    return r.error(path + ".insecureSkipVerify",
                   "is true although caSecretRef is set: the CA would never be checked",
                   "remove insecureSkipVerify to verify Prometheus against the CA (or remove "
                   "caSecretRef)");
  }
  return out;
}

std::expected<SloPolicy, FieldError> parse_slo_policy(const Json& object) {
  SloPolicy out;
  if (!object.is_object())
    return std::unexpected(FieldError{"SLOPolicy", "?", "", "must be an object", ""});
  // string_or, not value(): a kind or name of another type must be an error, not an exception.
  const std::string kind = string_or(object, "kind");
  const Json empty = Json::object();
  const Json& metadata = object.contains("metadata") ? object["metadata"] : empty;
  if (metadata.is_object()) {
    out.name = string_or(metadata, "name");
    out.namespace_name = string_or(metadata, "namespace");
  }
  out.cluster_scope = kind == "ClusterSLOPolicy";
  const SpecReader r(kind.empty() ? "SLOPolicy" : kind,
                     out.namespace_name.empty() ? out.name : out.namespace_name + "/" + out.name);
  if (kind != "SLOPolicy" && kind != "ClusterSLOPolicy") {
    return r.error("kind", fmt::format("is \"{}\"", kind), "use SLOPolicy or ClusterSLOPolicy");
  }
  if (out.name.empty())
    return r.error("metadata.name", "is required");
  const auto spec_it = object.find("spec");
  if (spec_it == object.end() || !spec_it->is_object())
    return r.error("spec", "is missing");
  const Json& spec = *spec_it;
  if (const auto args = spec.find("args"); args != spec.end() && !args->is_null()) {
    if (!args->is_array())
      return r.error("spec.args", "must be a list of {name, value}");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < args->size(); ++i) {
      const std::string path = fmt::format("spec.args[{}]", i);
      const Json& a = (*args)[i];
      if (!a.is_object())
        return r.error(path, "must be {name, value}");
      PolicyArg arg;
      if (auto ok = r.string(a, "name", path, arg.name); !ok)
        return std::unexpected(ok.error());
      static const std::regex name(R"([A-Za-z_][A-Za-z0-9_-]*)");
      if (!std::regex_match(arg.name, name)) {
        return r.error(path + ".name", "must be a name of letters, digits, '_' and '-'",
                       "e.g. service");
      }
      if (!seen.insert(arg.name).second)
        return r.error(path + ".name", fmt::format("\"{}\" is declared twice", arg.name));
      if (a.contains("value") && !a["value"].is_null()) {
        if (!a["value"].is_string()) {
          return r.error(path + ".value", "must be a string", "quote it, e.g. value: \"0.01\"");
        }
        arg.value = a["value"].get<std::string>();
      }
      out.args.push_back(std::move(arg));
    }
  }
  if (const auto provider = spec.find("provider"); provider != spec.end()) {
    if (!provider->is_object())
      return r.error("spec.provider", "must be an object");
    const Json prometheus = provider->value("prometheus", Json());
    if (prometheus.is_object() && prometheus.contains("policyRef")) {
      return r.error("spec.provider.prometheus.policyRef",
                     "is written by Cutover into AnalysisRuns, not set in a policy", "remove it");
    }
    auto parsed = parse_provider(r, prometheus, "spec.provider.prometheus");
    if (!parsed)
      return std::unexpected(parsed.error());
    out.provider = std::move(*parsed);
  }
  out.provider.policy = PolicyLocator{out.cluster_scope, out.name};
  if (auto ok = r.duration(spec, "noDataTimeout", "spec", out.no_data_timeout); !ok)
    return std::unexpected(ok.error());
  if (auto ok = r.integer(spec, "measurementRetention", "spec", out.measurement_retention, 1, 1000);
      !ok) {
    return std::unexpected(ok.error());
  }
  const auto metrics = spec.find("metrics");
  if (metrics == spec.end() || !metrics->is_array() || metrics->empty()) {
    return r.error("spec.metrics", "must list at least one metric", "see policies/ for examples");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < metrics->size(); ++i) {
    const std::string path = fmt::format("spec.metrics[{}]", i);
    auto metric = parse_metric(r, (*metrics)[i], path);
    if (!metric)
      return std::unexpected(metric.error());
    if (!names.insert(metric->name).second)
      return r.error(path + ".name", fmt::format("\"{}\" is used twice", metric->name));
    // Every {{args.X}} must be declared, so a typo fails at lint time, not mid-release.
    const auto texts = [&]() -> std::vector<std::string> {
      if (const auto* t = std::get_if<ThresholdSpec>(&metric->judge))
        return {t->query, t->success_condition, t->failure_condition};
      if (const auto* b = std::get_if<BurnRateSpec>(&metric->judge))
        return {b->error_query, b->total_query};
      const auto& c = std::get<CompareSpec>(metric->judge);
      return {c.canary_query, c.baseline_query};
    }();
    for (const auto& text : texts) {
      for (const auto& placeholder :
           template_placeholders(text).value_or(std::vector<std::string>{})) {
        if (!placeholder.starts_with("args."))
          continue;
        const auto arg = placeholder.substr(5);
        if (std::none_of(out.args.begin(), out.args.end(),
                         [&](const PolicyArg& a) { return a.name == arg; })) {
          return r.error(path,
                         fmt::format("uses {{{{{}}}}} but spec.args does not declare \"{}\"",
                                     placeholder, arg),
                         fmt::format("add {{name: {}}} to spec.args", arg));
        }
      }
    }
    out.metrics.push_back(std::move(*metric));
  }
  return out;
}

Json provider_to_json(const PrometheusProvider& p) {
  Json out = Json::object();
  if (!p.address.empty())
    out["address"] = p.address;
  out["timeout"] = format_duration(p.timeout);
  if (!p.headers.empty()) {
    // An AnalysisRun is an audit record many can read: a header's value is never copied into
    // it, only its Secret reference, or where the literal is (policyRef).
    Json headers = Json::array();
    bool literal = false;
    for (const auto& h : p.headers) {
      if (h.secret) {
        headers.push_back(
            {{"name", h.name},
             {"valueFrom",
              {{"secretKeyRef", {{"name", h.secret->name}, {"key", h.secret->key}}}}}});
      } else {
        literal = true;
        headers.push_back({{"name", h.name}, {"value", kRedacted}});
      }
    }
    out["headers"] = headers;
    if (literal && p.policy) {
      out["policyRef"] = {{"kind", p.policy->cluster_scope ? "ClusterSLOPolicy" : "SLOPolicy"},
                          {"name", p.policy->name}};
    }
  }
  if (p.bearer_token)
    out["bearerTokenSecretRef"] = {{"name", p.bearer_token->name}, {"key", p.bearer_token->key}};
  if (!p.basic_auth_secret.empty())
    out["basicAuthSecretRef"] = {{"name", p.basic_auth_secret}};
  if (p.ca)
    out["caSecretRef"] = {{"name", p.ca->name}, {"key", p.ca->key}};
  if (p.insecure_skip_verify)
    out["insecureSkipVerify"] = true;
  return out;
}

Json metric_to_json(const MetricSpec& m) {
  Json out = {{"name", m.name},
              {"interval", format_duration(m.interval)},
              {"initialDelay", format_duration(m.initial_delay)},
              {"count", m.limits.count},
              {"failureLimit", m.limits.failure_limit},
              {"inconclusiveLimit", m.limits.inconclusive_limit},
              {"consecutiveErrorLimit", m.limits.consecutive_error_limit},
              {"dryRun", m.dry_run}};
  if (const auto* t = std::get_if<ThresholdSpec>(&m.judge)) {
    Json j = {{"query", t->query}};
    if (!t->success_condition.empty())
      j["successCondition"] = t->success_condition;
    if (!t->failure_condition.empty())
      j["failureCondition"] = t->failure_condition;
    out["threshold"] = j;
  } else if (const auto* b = std::get_if<BurnRateSpec>(&m.judge)) {
    Json windows = Json::array();
    for (const auto& w : b->windows) {
      windows.push_back({{"long", format_duration(w.long_window)},
                         {"short", format_duration(w.short_window)},
                         {"burnRate", w.burn_rate}});
    }
    out["burnRate"] = {{"objective", b->objective},
                       {"errorQuery", b->error_query},
                       {"totalQuery", b->total_query},
                       {"windowScale", b->window_scale}};
    if (!windows.empty())
      out["burnRate"]["windows"] = windows;
  } else {
    const auto& c = std::get<CompareSpec>(m.judge);
    const auto& o = c.options;
    Json j = {{"canaryQuery", c.canary_query},
              {"baselineQuery", c.baseline_query},
              {"lookback", format_duration(c.lookback)},
              {"step", format_duration(c.step)},
              {"direction", o.direction == Direction::increase   ? "increase"
                            : o.direction == Direction::decrease ? "decrease"
                                                                 : "either"},
              {"allowedIncrease", o.allowed_increase},
              {"allowedDecrease", o.allowed_decrease},
              {"nanStrategy", o.nan_strategy == NanStrategy::remove ? "remove" : "replace"},
              {"outliers", o.remove_outliers ? "remove" : "keep"},
              {"outlierFactor", o.outlier_factor},
              {"mustHaveData", o.must_have_data},
              {"confidence", o.confidence}};
    if (o.critical_increase)
      j["criticalIncrease"] = *o.critical_increase;
    if (o.critical_decrease)
      j["criticalDecrease"] = *o.critical_decrease;
    out["compare"] = j;
  }
  return out;
}

}  // namespace cutover::analysis
