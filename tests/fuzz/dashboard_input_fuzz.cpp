// libFuzzer target: what a browser or the API server hands the dashboard. The whole input is a
// form body, an Authorization header, a Host header and, when it is JSON, a TokenReview,
// SelfSubjectReview or SubjectAccessReview answer; its first three lines are the Origin,
// Sec-Fetch-Site and Host headers of the cross-site check. Nothing may crash or throw, and each
// answer must keep its contract.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "dashboard/user_info.hpp"
#include "dashboard/web_guard.hpp"

namespace {

namespace dashboard = cutover::dashboard;

std::string_view line(std::string_view& input) {
  const auto end = input.find('\n');
  const std::string_view first = input.substr(0, end);
  input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
  return first;
}

void check_form(std::string_view body) {
  for (const std::string_view name : {"token", "csrf", "next", ""}) {
    // Decoding never lengthens a value.
    if (dashboard::form_value(body, name).size() > body.size())
      std::abort();
  }
}

void check_bearer(std::string_view authorization) {
  const std::string_view token = dashboard::bearer_token(authorization);
  if (token.empty())
    return;
  // A view into the header, after the scheme, trimmed.
  if (token.data() < authorization.data() + 7 ||
      token.data() + token.size() > authorization.data() + authorization.size())
    std::abort();
  if (token.front() == ' ' || token.back() == ' ')
    std::abort();
}

void check_cross_site(std::string_view input) {
  const std::string_view origin = line(input);
  const std::string_view fetch_site = line(input);
  const std::string_view host = line(input);
  const auto refused = dashboard::cross_site(origin, fetch_site, host);
  // Sec-Fetch-Site, when sent, decides alone; else the Origin must be this server's.
  if (!fetch_site.empty()) {
    if (refused.has_value() != (fetch_site != "same-origin" && fetch_site != "none"))
      std::abort();
    return;
  }
  const bool own_origin = !host.empty() && (origin == "http://" + std::string(host) ||
                                            origin == "https://" + std::string(host));
  // A client other than a browser sends neither and passes.
  if (refused.has_value() != (!origin.empty() && !own_origin))
    std::abort();
}

void check_loopback(std::string_view host) {
  for (const int port : {8080, 0, 1}) {
    if (!dashboard::loopback_host(host, port))
      continue;
    const std::string suffix = ":" + std::to_string(port);
    if (host != "127.0.0.1" + suffix && host != "localhost" + suffix && host != "[::1]" + suffix)
      std::abort();
  }
}

void check_user(const std::expected<dashboard::UserInfo, std::string>& user) {
  if (!user)
    return;
  if (user->username.empty())
    std::abort();
  // Whatever was read goes on into a SubjectAccessReview that can be sent.
  (void)dashboard::subject_access_review(
      *user,
      {.verb = "list", .group = "cutover.dev", .resource = "rollouts", .namespace_name = "shop"})
      .dump();
}

void check_reviews(std::string_view text) {
  const auto review = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (review.is_discarded())
    return;
  check_user(dashboard::reviewed_user(review));
  check_user(dashboard::self_reviewed_user(review));
  if (!dashboard::access_allowed(review))
    return;
  // Allowed only by a boolean status.allowed that is true.
  if (!review.is_object() || !review.contains("status") || !review["status"].is_object())
    std::abort();
  const auto allowed = review["status"].find("allowed");
  if (allowed == review["status"].end() || *allowed != true)
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_form(input);
  check_bearer(input);
  check_cross_site(input);
  check_loopback(input);
  check_reviews(input);
  return 0;
}
