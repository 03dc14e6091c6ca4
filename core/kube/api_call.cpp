#include "kube/api_call.hpp"

#include <nlohmann/json.hpp>
#include <vector>

namespace cutover::kube {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto part = path.substr(0, slash);
    if (!part.empty())
      parts.push_back(part);
    if (slash == std::string_view::npos)
      break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

bool has_watch_query(std::string_view query) {
  return query.find("watch=1") != std::string_view::npos ||
         query.find("watch=true") != std::string_view::npos;
}

}  // namespace

ApiTarget api_target(std::string_view method, std::string_view target) {
  ApiTarget out;
  const auto question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  auto parts = split_path(path);
  // /api/v1/... (core) or /apis/GROUP/VERSION/...
  std::size_t rest = 0;
  if (parts.size() >= 2 && parts[0] == "api") {
    rest = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    out.group = parts[1];
    rest = 3;
  } else {
    return out;  // not a resource path
  }
  std::vector<std::string_view> resource(parts.begin() + static_cast<std::ptrdiff_t>(rest),
                                         parts.end());
  // namespaces/NS/RESOURCE/... is namespaced; namespaces/NAME (and its status and finalize
  // subresources) is the Namespace itself.
  if (resource.size() >= 3 && resource[0] == "namespaces" && resource[2] != "status" &&
      resource[2] != "finalize") {
    out.namespace_name = resource[1];
    resource.erase(resource.begin(), resource.begin() + 2);
  }
  if (resource.empty())
    return out;
  out.resource = resource[0];
  if (resource.size() >= 2)
    out.name = resource[1];
  if (resource.size() >= 3)
    out.resource += "/" + std::string(resource[2]);
  if (resource[0] == "namespaces" && !out.name.empty())
    out.namespace_name = out.name;

  if (method == "WATCH" || (method == "GET" && has_watch_query(query))) {
    out.verb = "watch";
  } else if (method == "GET") {
    out.verb = out.name.empty() ? "list" : "get";
  } else if (method == "POST") {
    out.verb = "create";
  } else if (method == "PUT") {
    out.verb = "update";
  } else if (method == "PATCH") {
    out.verb = "patch";
  } else if (method == "DELETE") {
    out.verb = out.name.empty() ? "deletecollection" : "delete";
  } else {
    out.verb = std::string(method);
  }
  return out;
}

std::string status_message(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.value("kind", std::string{}) != "Status")
    return "";
  const auto message = json.find("message");
  return message != json.end() && message->is_string() ? message->get<std::string>() : "";
}

}  // namespace cutover::kube
