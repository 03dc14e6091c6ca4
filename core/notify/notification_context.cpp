#include "notify/notification_context.hpp"

#include <algorithm>
#include <kainjow/mustache.hpp>

namespace cutover::notify {

namespace {

namespace mustache = kainjow::mustache;

std::string text_of(const Json& value) {
  if (value.is_string())
    return value.get<std::string>();
  if (value.is_null())
    return "";
  return value.dump();
}

const Json& member(const Json& object, const char* key) {
  static const Json kNull;
  if (!object.is_object())
    return kNull;
  const auto found = object.find(key);
  return found == object.end() ? kNull : *found;
}

std::string condition_of(const Json& metric) {
  if (const Json& t = member(metric, "threshold"); t.is_object()) {
    if (t.contains("successCondition"))
      return text_of(t["successCondition"]);
    if (t.contains("failureCondition"))
      return "not (" + text_of(t["failureCondition"]) + ")";
  }
  if (const Json& b = member(metric, "burnRate"); b.is_object())
    return "the error budget of a " + text_of(member(b, "objective")) +
           "% objective burns no faster than each window allows";
  if (const Json& c = member(metric, "compare"); c.is_object())
    return "the canary is not worse than the baseline (" + text_of(member(c, "direction")) + ")";
  return "";
}

std::string query_of(const Json& metric) {
  if (const Json& t = member(metric, "threshold"); t.is_object())
    return text_of(member(t, "query"));
  if (const Json& b = member(metric, "burnRate"); b.is_object())
    return text_of(member(b, "errorQuery")) + " / " + text_of(member(b, "totalQuery"));
  if (const Json& c = member(metric, "compare"); c.is_object())
    return text_of(member(c, "canaryQuery")) + " vs " + text_of(member(c, "baselineQuery"));
  return "";
}

Json evidence(const Json& run) {
  const Json& spec = member(run, "spec");
  const Json& status = member(run, "status");
  Json metrics = Json::array();
  const Json& specs = member(spec, "metrics");
  for (const Json& result : member(status, "metricResults").is_array()
                                ? member(status, "metricResults")
                                : Json::array()) {
    const std::string name = text_of(member(result, "name"));
    Json metric_spec;
    if (specs.is_array()) {
      for (const Json& m : specs)
        if (text_of(member(m, "policy")) + "/" + text_of(member(m, "name")) == name)
          metric_spec = m;
    }
    const Json& measurements = member(result, "measurements");
    Json values = Json::array();
    std::string value = "no data";
    std::string verdict = text_of(member(result, "phase"));
    std::string message;
    if (measurements.is_array() && !measurements.empty()) {
      const Json& last = measurements.back();
      value = text_of(member(last, "value"));
      if (value.empty())
        value = "no data";
      verdict = text_of(member(last, "phase"));
      message = text_of(member(last, "message"));
      const std::size_t from = measurements.size() > 6 ? measurements.size() - 6 : 0;
      for (std::size_t i = from; i + 1 < measurements.size(); ++i)
        values.push_back(text_of(member(measurements[i], "value")));
    }
    metrics.push_back({{"name", name},
                       {"phase", text_of(member(result, "phase"))},
                       {"verdict", verdict},
                       {"value", value},
                       {"values", values},
                       {"condition", condition_of(metric_spec)},
                       {"query", query_of(metric_spec)},
                       {"message", message}});
  }
  return {{"run", text_of(member(member(run, "metadata"), "name"))},
          {"gate", text_of(member(spec, "gate"))},
          {"phase", text_of(member(status, "phase"))},
          {"message", text_of(member(status, "message"))},
          {"metrics", metrics}};
}

mustache::data to_data(const Json& value) {
  if (value.is_object()) {
    mustache::data out{mustache::data::type::object};
    for (const auto& [key, item] : value.items())
      out.set(key, to_data(item));
    return out;
  }
  if (value.is_array()) {
    mustache::data out{mustache::data::type::list};
    for (const auto& item : value)
      out.push_back(to_data(item));
    return out;
  }
  if (value.is_boolean())
    return mustache::data(value.get<bool>());
  if (value.is_null())
    return mustache::data(false);
  const std::string text = text_of(value);
  return text.empty() ? mustache::data(false) : mustache::data(text);
}

}  // namespace

Json notification_context(const std::string& trigger, const Json& object,
                          const std::vector<Json>& analysis_runs) {
  const Json& metadata = member(object, "metadata");
  const Json& status = member(object, "status");
  const Json& template_metadata = member(member(member(object, "spec"), "template"), "metadata");
  std::string images;
  const Json& containers =
      member(member(member(member(object, "spec"), "template"), "spec"), "containers");
  if (containers.is_array()) {
    for (const Json& c : containers) {
      if (!images.empty())
        images += ", ";
      images += text_of(member(c, "name")) + "=" + text_of(member(c, "image"));
    }
  }
  Json context = {
      {"trigger", trigger},
      {"kind", text_of(member(object, "kind"))},
      {"namespace", text_of(member(metadata, "namespace"))},
      {"name", text_of(member(metadata, "name"))},
      {"phase", text_of(member(status, "phase"))},
      {"message", text_of(member(status, "message"))},
      {"revision", text_of(member(status, "currentRevision"))},
      {"images", images},
      {"promotedBy", text_of(member(status, "promotedBy"))},
      {"abortReason", text_of(member(status, "abortReason"))},
      {"step", text_of(member(status, "currentStepIndex"))},
      {"weight", text_of(member(member(status, "canary"), "weight"))},
      {"gitSha", text_of(member(member(template_metadata, "annotations"), "cutover.dev/git-sha"))},
      {"rollout", object},
  };
  // The newest run of the current revision (else the newest of all): the gate that decided.
  const std::string revision = context["revision"];
  const Json* newest = nullptr;
  for (const Json& run : analysis_runs) {
    const bool current = text_of(member(member(run, "spec"), "revision")) == revision;
    const std::string created = text_of(member(member(run, "metadata"), "creationTimestamp"));
    if (newest == nullptr) {
      newest = &run;
      continue;
    }
    const bool newest_current = text_of(member(member(*newest, "spec"), "revision")) == revision;
    const std::string newest_created =
        text_of(member(member(*newest, "metadata"), "creationTimestamp"));
    if ((current && !newest_current) ||
        (current == newest_current &&
         (created > newest_created ||
          (created == newest_created && text_of(member(member(run, "metadata"), "name")) >
                                            text_of(member(member(*newest, "metadata"), "name"))))))
      newest = &run;
  }
  if (newest != nullptr)
    context["analysis"] = evidence(*newest);
  return context;
}

std::expected<std::string, std::string> render_text(const std::string& text, const Json& context) {
  mustache::mustache renderer(text);
  if (!renderer.is_valid())
    return std::unexpected(renderer.error_message());
  renderer.set_custom_escape([](const std::string& raw) { return raw; });
  std::string out = renderer.render(to_data(context));
  if (!renderer.is_valid())
    return std::unexpected(renderer.error_message());
  return out;
}

std::string context_value(const Json& context, const std::string& path) {
  const Json* at = &context;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!at->is_object() || !at->contains(key))
      return "";
    at = &(*at)[key];
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  return text_of(*at);
}

}  // namespace cutover::notify
