#include "ofrep_http.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <utility>

#include "flags/ofrep.hpp"
#include "util/file_io.hpp"

namespace cutover::flag_server {

namespace {

constexpr std::size_t kMaxBody = 1024 * 1024;
constexpr const char* kJson = "application/json";

bool is_ofrep(const std::string& path) {
  return path.starts_with("/ofrep/");
}

// Whether `presented` is one of `tokens`, in time that does not depend on where they differ.
bool token_accepted(std::string_view presented, const std::vector<std::string>& tokens) {
  bool accepted = false;
  for (const std::string& token : tokens) {
    if (token.size() == presented.size() &&
        CRYPTO_memcmp(token.data(), presented.data(), token.size()) == 0)
      accepted = true;
  }
  return accepted;
}

// The token of an `Authorization: Bearer <token>` header; empty when there is none.
std::string bearer(const httplib::Request& request) {
  const std::string value = request.get_header_value("Authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (value.size() <= scheme.size())
    return {};
  const std::string_view text(value);
  // The scheme is case-insensitive (RFC 9110).
  if (!std::ranges::equal(text.substr(0, scheme.size()), scheme, [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      }))
    return {};
  return std::string(text.substr(scheme.size()));
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void answer(httplib::Response& response, const flags::OfrepResponse& ofrep) {
  response.status = ofrep.status;
  if (!ofrep.etag.empty())
    response.set_header("ETag", ofrep.etag);
  if (!ofrep.body.empty())
    response.set_content(ofrep.body, kJson);
}

void error(httplib::Response& response, int status, const std::string& details) {
  response.status = status;
  response.set_content(flags::Json{{"errorDetails", details}}.dump(), kJson);
}

}  // namespace

std::expected<std::vector<std::string>, std::string> read_tokens(const std::string& path) {
  const auto text = read_file(path);
  if (!text)
    return std::unexpected(fmt::format("--token-file {}: {}", path, text.error()));
  std::vector<std::string> tokens;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#')
      continue;
    line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
    tokens.emplace_back(line);
  }
  if (tokens.empty()) {
    return std::unexpected(fmt::format(
        "--token-file {}: holds no token: write one token per line, or leave the flag out to "
        "serve without authentication",
        path));
  }
  return tokens;
}

void mount_ofrep(httplib::Server& server, const flags::FlagCatalog& catalog,
                 OfrepHttpOptions options, FlagsMetrics& metrics, std::function<bool()> ready) {
  auto shared = std::make_shared<const OfrepHttpOptions>(std::move(options));
  server.set_payload_max_length(kMaxBody);

  server.set_pre_routing_handler(
      [shared, &metrics](const httplib::Request& request, httplib::Response& response) {
        using Result = httplib::Server::HandlerResponse;
        if (!is_ofrep(request.path))
          return Result::Unhandled;
        const std::string origin = request.get_header_value("Origin");
        const auto& allowed = shared->cors_allowed_origins;
        const bool any = std::ranges::find(allowed, "*") != allowed.end();
        const bool cors =
            !origin.empty() && (any || std::ranges::find(allowed, origin) != allowed.end());
        if (cors) {
          response.set_header("Access-Control-Allow-Origin", any ? "*" : origin);
          if (!any)
            response.set_header("Vary", "Origin");
          response.set_header("Access-Control-Expose-Headers", "ETag");
        }
        if (request.method == "OPTIONS") {
          if (cors) {
            response.set_header("Access-Control-Allow-Methods", "POST, OPTIONS");
            response.set_header("Access-Control-Allow-Headers",
                                "Authorization, Content-Type, If-None-Match, Flagd-Selector");
            response.set_header("Access-Control-Max-Age", "600");
          }
          response.status = 204;
          return Result::Handled;
        }
        if (!shared->tokens.empty() && !token_accepted(bearer(request), shared->tokens)) {
          response.set_header("WWW-Authenticate", "Bearer realm=\"deploy-flags\"");
          error(response, 401,
                "no valid bearer token: send Authorization: Bearer <token> with a token from "
                "deploy-flags' --token-file");
          metrics.request(Endpoint::other, 401, std::chrono::duration<double>{0});
          return Result::Handled;
        }
        return Result::Unhandled;
      });

  const auto serve = [&catalog, &metrics, ready = std::move(ready)](Endpoint endpoint,
                                                                    const httplib::Request& request,
                                                                    httplib::Response& response) {
    const auto started = std::chrono::steady_clock::now();
    if (!ready()) {
      error(response, 503, "the FeatureFlags have not been listed yet: retry in a moment");
      response.set_header("Retry-After", "1");
    } else {
      const auto snapshot = catalog.snapshot();
      // get_header_value returns a copy: keep it alive while the request views it.
      const std::string selector = request.get_header_value("Flagd-Selector");
      const std::string if_none_match = request.get_header_value("If-None-Match");
      const flags::OfrepRequest ofrep{request.body, selector, if_none_match, unix_now()};
      answer(response, endpoint == Endpoint::flag
                           ? flags::ofrep_evaluate_flag(*snapshot, request.matches[1].str(), ofrep)
                           : flags::ofrep_evaluate_flags(*snapshot, ofrep));
    }
    metrics.request(endpoint, response.status, std::chrono::steady_clock::now() - started);
  };
  server.Post(R"(/ofrep/v1/evaluate/flags/(.+))",
              [serve](const httplib::Request& request, httplib::Response& response) {
                serve(Endpoint::flag, request, response);
              });
  server.Post(R"(/ofrep/v1/evaluate/flags/?)",
              [serve](const httplib::Request& request, httplib::Response& response) {
                serve(Endpoint::flags, request, response);
              });
  // Another method on an OFREP path: 405 naming the one it takes, as flagd answers.
  const auto post_only = [](const httplib::Request& request, httplib::Response& response) {
    response.set_header("Allow", "POST, OPTIONS");
    error(response, 405, request.method + " is not served here: OFREP evaluates with POST");
  };
  server.Get(R"(/ofrep/.*)", post_only);
  server.Put(R"(/ofrep/.*)", post_only);
  server.Delete(R"(/ofrep/.*)", post_only);
  server.Patch(R"(/ofrep/.*)", post_only);
}

}  // namespace cutover::flag_server
