#include "dashboard/user_info.hpp"

namespace cutover::dashboard {

namespace {

std::expected<UserInfo, std::string> user_of(const Json& user) {
  if (!user.is_object() || !user.contains("username") || !user["username"].is_string() ||
      user["username"].get<std::string>().empty())
    return std::unexpected("the review names no user");
  UserInfo info;
  info.username = user["username"].get<std::string>();
  if (user.contains("uid") && user["uid"].is_string())
    info.uid = user["uid"].get<std::string>();
  if (user.contains("groups") && user["groups"].is_array()) {
    for (const auto& group : user["groups"])
      if (group.is_string())
        info.groups.push_back(group.get<std::string>());
  }
  if (user.contains("extra") && user["extra"].is_object()) {
    for (const auto& [key, values] : user["extra"].items()) {
      if (!values.is_array())
        continue;
      auto& kept = info.extra[key];
      for (const auto& value : values)
        if (value.is_string())
          kept.push_back(value.get<std::string>());
    }
  }
  return info;
}

Json attributes_json(const ResourceAttributes& a) {
  Json out = {{"verb", a.verb}, {"group", a.group}, {"resource", a.resource}};
  if (!a.subresource.empty())
    out["subresource"] = a.subresource;
  if (!a.namespace_name.empty())
    out["namespace"] = a.namespace_name;
  if (!a.name.empty())
    out["name"] = a.name;
  return out;
}

}  // namespace

Json token_review(std::string_view token) {
  return {{"apiVersion", "authentication.k8s.io/v1"},
          {"kind", "TokenReview"},
          {"spec", {{"token", token}}}};
}

std::expected<UserInfo, std::string> reviewed_user(const Json& review) {
  const Json* status =
      review.is_object() && review.contains("status") ? &review["status"] : nullptr;
  if (status == nullptr || !status->is_object())
    return std::unexpected("the TokenReview has no status");
  if (!status->contains("authenticated") || !(*status)["authenticated"].is_boolean() ||
      !(*status)["authenticated"].get<bool>()) {
    const auto error = status->find("error");
    return std::unexpected(error != status->end() && error->is_string()
                               ? error->get<std::string>()
                               : std::string("the token is not authenticated"));
  }
  return user_of(status->value("user", Json::object()));
}

std::expected<UserInfo, std::string> self_reviewed_user(const Json& review) {
  if (!review.is_object() || !review.contains("status") || !review["status"].is_object())
    return std::unexpected("the SelfSubjectReview has no status");
  return user_of(review["status"].value("userInfo", Json::object()));
}

Json subject_access_review(const UserInfo& user, const ResourceAttributes& attributes) {
  Json spec = {{"resourceAttributes", attributes_json(attributes)}, {"user", user.username}};
  if (!user.uid.empty())
    spec["uid"] = user.uid;
  if (!user.groups.empty())
    spec["groups"] = user.groups;
  if (!user.extra.empty())
    spec["extra"] = user.extra;
  return {{"apiVersion", "authorization.k8s.io/v1"},
          {"kind", "SubjectAccessReview"},
          {"spec", std::move(spec)}};
}

Json self_subject_access_review(const ResourceAttributes& attributes) {
  return {{"apiVersion", "authorization.k8s.io/v1"},
          {"kind", "SelfSubjectAccessReview"},
          {"spec", {{"resourceAttributes", attributes_json(attributes)}}}};
}

bool access_allowed(const Json& review) {
  if (!review.is_object() || !review.contains("status") || !review["status"].is_object())
    return false;
  const auto allowed = review["status"].find("allowed");
  return allowed != review["status"].end() && allowed->is_boolean() && allowed->get<bool>();
}

}  // namespace cutover::dashboard
