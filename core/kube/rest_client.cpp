#include "kube/rest_client.hpp"

#include <fmt/format.h>

#include "util/encoding.hpp"
#include "util/json_fields.hpp"
#include "version.hpp"

namespace cutover::kube {

namespace {

Error decode_error(std::string what) {
  return Error{ErrorReason::decode, 0, std::move(what), {}, std::nullopt};
}

const char* patch_content_type(PatchType type) {
  switch (type) {
    case PatchType::json_merge:
      return "application/merge-patch+json";
    case PatchType::strategic_merge:
      return "application/strategic-merge-patch+json";
    case PatchType::json_patch:
      return "application/json-patch+json";
  }
  return "application/merge-patch+json";
}

void add_param(std::string& query, std::string_view name, std::string_view value) {
  query += query.empty() ? '?' : '&';
  query += name;
  query += '=';
  query += url_encode(value);
}

}  // namespace

std::string list_query(const ListOptions& options) {
  std::string query;
  if (!options.label_selector.empty())
    add_param(query, "labelSelector", options.label_selector);
  if (!options.field_selector.empty())
    add_param(query, "fieldSelector", options.field_selector);
  if (options.limit > 0)
    add_param(query, "limit", std::to_string(options.limit));
  if (!options.continue_token.empty())
    add_param(query, "continue", options.continue_token);
  if (!options.resource_version.empty()) {
    add_param(query, "resourceVersion", options.resource_version);
  }
  return query;
}

RestClient::RestClient(RestConfig config, std::unique_ptr<HttpTransport> transport,
                       ClientOptions options, Clock& clock, ProcessRunner& runner)
    : config_(std::move(config)),
      transport_(std::move(transport)),
      options_(std::move(options)),
      clock_(clock),
      credentials_(config_, clock, runner),
      limiter_(options_.qps, options_.burst, clock),
      discovery_([this](const std::string& path) { return get_path(path); }) {
  if (options_.user_agent.empty()) {
    options_.user_agent = fmt::format("cutover/{} (linux/amd64)", kVersion);
  }
}

Result<std::unique_ptr<RestClient>> RestClient::create(const RestConfig& config,
                                                       ClientOptions options) {
  auto transport = make_http_transport(config);
  if (!transport)
    return std::unexpected(transport.error());
  return std::make_unique<RestClient>(config, std::move(*transport), std::move(options),
                                      SystemClock::instance(), SystemProcessRunner::instance());
}

Result<HttpResponse> RestClient::send_authorized(HttpRequest request) {
  request.headers.emplace_back("User-Agent", options_.user_agent);
  request.headers.emplace_back("Accept", "application/json");
  const std::size_t base_headers = request.headers.size();
  bool reauthenticated = false;
  int throttled = 0;
  while (true) {
    limiter_.wait();
    request.headers.resize(base_headers);
    auto authorization = credentials_.authorization();
    if (!authorization)
      return std::unexpected(authorization.error());
    if (*authorization) {
      request.headers.emplace_back("Authorization", **authorization);
    }
    auto response = transport_->send(request);
    if (options_.on_response) {
      options_.on_response({request.method, request.target, response ? response->status : 0,
                            response ? std::string_view(response->body) : std::string_view()});
    }
    if (!response)
      return std::unexpected(response.error());
    // A rotated token or an expired exec credential: refresh once and retry.
    if (response->status == 401 && !reauthenticated && credentials_.invalidate()) {
      reauthenticated = true;
      continue;
    }
    // The server shed load before doing anything: honour Retry-After a few times.
    if (response->status == 429 && throttled < options_.max_retries_on_429) {
      const auto error = decode_status(429, response->body, response->retry_after);
      const auto wait =
          std::min(error.retry_after.value_or(std::chrono::seconds{1}), std::chrono::seconds{10});
      ++throttled;
      clock_.sleep_for(wait);
      continue;
    }
    return response;
  }
}

Result<Json> RestClient::request(const std::string& method, const std::string& target,
                                 const std::string& body, const std::string& content_type) {
  HttpRequest request;
  request.method = method;
  request.target = target;
  request.body = body;
  request.content_type = content_type;
  request.timeout = options_.timeout;
  auto response = send_authorized(std::move(request));
  if (!response)
    return std::unexpected(response.error());
  if (response->status < 200 || response->status >= 300) {
    return std::unexpected(decode_status(response->status, response->body, response->retry_after));
  }
  auto json = Json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return std::unexpected(
        decode_error(fmt::format("{} {}: the response is not JSON", method, target)));
  }
  return json;
}

Result<Json> RestClient::get_path(const std::string& path) {
  return request("GET", path);
}

Result<std::string> RestClient::collection_path(const ResourceRef& ref, AllNamespaces all) {
  auto info = discovery_.resolve(ref.api_version, ref.kind);
  if (!info)
    return std::unexpected(info.error());
  std::string path = info->group.empty() ? "/api/" + info->version
                                         : fmt::format("/apis/{}/{}", info->group, info->version);
  if (info->namespaced && all == AllNamespaces::no) {
    const std::string& ns =
        ref.namespace_name.empty() ? config_.namespace_name : ref.namespace_name;
    path += "/namespaces/" + url_encode(ns);
  }
  return path + "/" + info->resource;
}

Result<std::string> RestClient::object_path(const ResourceRef& ref, const std::string& name,
                                            const std::string& subresource) {
  if (name.empty()) {
    return std::unexpected(Error{ErrorReason::invalid,
                                 0,
                                 fmt::format("{} {}: metadata.name is empty (fix: name the "
                                             "object)",
                                             ref.api_version, ref.kind),
                                 {},
                                 std::nullopt});
  }
  auto path = collection_path(ref);
  if (!path)
    return path;
  *path += "/" + url_encode(name);
  if (!subresource.empty()) {
    *path += "/" + subresource;
  }
  return path;
}

Result<Json> RestClient::get(const ResourceRef& ref, const std::string& name,
                             const std::string& subresource) {
  auto path = object_path(ref, name, subresource);
  if (!path)
    return std::unexpected(path.error());
  return request("GET", *path);
}

Result<Json> RestClient::list(const ResourceRef& ref, const ListOptions& options) {
  auto path = collection_path(ref, options.all_namespaces);
  if (!path)
    return std::unexpected(path.error());
  return request("GET", *path + list_query(options));
}

Result<Json> RestClient::list_all(const ResourceRef& ref, ListOptions options) {
  constexpr std::int64_t kPage = 500;
  if (options.limit <= 0)
    options.limit = kPage;
  Json merged;
  while (true) {
    auto page = list(ref, options);
    if (!page)
      return page;
    if (merged.is_null()) {
      merged = std::move(*page);
      if (!merged.contains("items") || !merged["items"].is_array())
        merged["items"] = Json::array();
    } else if (page->contains("items") && (*page)["items"].is_array()) {
      for (auto& item : (*page)["items"])
        merged["items"].push_back(std::move(item));
      merged["metadata"] = (*page)["metadata"];
    }
    const auto& metadata = merged["metadata"];
    const std::string next =
        metadata.is_object() && metadata.contains("continue") && metadata["continue"].is_string()
            ? metadata["continue"].get<std::string>()
            : "";
    if (next.empty())
      break;
    options.continue_token = next;
    options.resource_version.clear();  // a continue token carries its own snapshot
  }
  if (merged["metadata"].is_object())
    merged["metadata"].erase("continue");
  return merged;
}

Result<Json> RestClient::create(const ResourceRef& ref, const Json& object) {
  auto path = collection_path(ref);
  if (!path)
    return std::unexpected(path.error());
  return request("POST", *path, object.dump(), "application/json");
}

Result<Json> RestClient::create_subresource(const ResourceRef& ref, const std::string& name,
                                            const std::string& subresource, const Json& body) {
  auto path = object_path(ref, name, subresource);
  if (!path)
    return std::unexpected(path.error());
  return request("POST", *path, body.dump(), "application/json");
}

namespace {

std::string name_of(const Json& object) {
  return string_or(member(object, "metadata"), "name");
}

}  // namespace

Result<Json> RestClient::update(const ResourceRef& ref, const Json& object,
                                const std::string& subresource) {
  auto path = object_path(ref, name_of(object), subresource);
  if (!path)
    return std::unexpected(path.error());
  return request("PUT", *path, object.dump(), "application/json");
}

Result<Json> RestClient::patch(const ResourceRef& ref, const std::string& name, PatchType type,
                               const Json& patch, const std::string& subresource) {
  auto path = object_path(ref, name, subresource);
  if (!path)
    return std::unexpected(path.error());
  return request("PATCH", *path, patch.dump(), patch_content_type(type));
}

Result<Json> RestClient::apply(const ResourceRef& ref, const Json& object,
                               const ApplyOptions& options, const std::string& subresource) {
  auto path = object_path(ref, name_of(object), subresource);
  if (!path)
    return std::unexpected(path.error());
  std::string query;
  add_param(query, "fieldManager", options.field_manager);
  if (options.force == Force::yes)
    add_param(query, "force", "true");
  // JSON is YAML, so the apply-patch content type takes the object as it is.
  return request("PATCH", *path + query, object.dump(), "application/apply-patch+yaml");
}

Result<Json> RestClient::remove(const ResourceRef& ref, const std::string& name,
                                const DeleteOptions& options) {
  auto path = object_path(ref, name, "");
  if (!path)
    return std::unexpected(path.error());
  Json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  switch (options.propagation) {
    case Propagation::background:
      body["propagationPolicy"] = "Background";
      break;
    case Propagation::foreground:
      body["propagationPolicy"] = "Foreground";
      break;
    case Propagation::orphan:
      body["propagationPolicy"] = "Orphan";
      break;
  }
  if (!options.precondition_resource_version.empty()) {
    body["preconditions"] = {{"resourceVersion", options.precondition_resource_version}};
  }
  return request("DELETE", *path, body.dump(), "application/json");
}

Result<HttpResponse> RestClient::watch(const ResourceRef& ref, const std::string& query,
                                       const ChunkHandler& on_chunk, std::stop_token stop,
                                       std::chrono::milliseconds timeout, AllNamespaces all) {
  auto path = collection_path(ref, all);
  if (!path)
    return std::unexpected(path.error());
  limiter_.wait();
  HttpRequest request;
  request.target = *path + query;
  request.timeout = timeout;
  request.headers.emplace_back("User-Agent", options_.user_agent);
  request.headers.emplace_back("Accept", "application/json");
  auto authorization = credentials_.authorization();
  if (!authorization)
    return std::unexpected(authorization.error());
  if (*authorization)
    request.headers.emplace_back("Authorization", **authorization);
  auto response = transport_->stream(request, on_chunk, stop);
  if (options_.on_response)
    options_.on_response({"WATCH", request.target, response ? response->status : 0,
                          response ? std::string_view(response->body) : std::string_view()});
  if (response && response->status == 401) {
    credentials_.invalidate();  // the watcher reconnects with fresh credentials
  }
  return response;
}

}  // namespace cutover::kube
