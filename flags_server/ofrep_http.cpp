#include "ofrep_http.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "flags/ofrep.hpp"
#include "util/file_io.hpp"

namespace cutover::flag_server {

namespace {

constexpr std::string_view kBulkPath = "/ofrep/v1/evaluate/flags";

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
std::string_view bearer(std::string_view value) {
  constexpr std::string_view scheme = "Bearer ";
  if (value.size() <= scheme.size())
    return {};
  // The scheme is case-insensitive (RFC 9110).
  if (!std::ranges::equal(value.substr(0, scheme.size()), scheme, [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      }))
    return {};
  return value.substr(scheme.size());
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void fail(OfrepHttpResponse& response, int status, const std::string& details) {
  response.status = status;
  response.body = flags::Json{{"errorDetails", details}}.dump();
}

// Which endpoint a path names, and the flag key for the single one (not empty).
Endpoint endpoint_of(std::string_view path, std::string_view& key) {
  if (!path.starts_with(kBulkPath))
    return Endpoint::other;
  const std::string_view rest = path.substr(kBulkPath.size());
  // flagd accepts the bulk path with a trailing slash too.
  if (rest.empty() || rest == "/")
    return Endpoint::flags;
  if (rest.front() != '/')
    return Endpoint::other;
  key = rest.substr(1);
  return Endpoint::flag;
}

}  // namespace

OfrepHttp::OfrepHttp(const flags::FlagCatalog& catalog, OfrepHttpOptions options,
                     FlagsMetrics& metrics, std::function<bool()> ready)
    : catalog_(catalog),
      options_(std::move(options)),
      metrics_(metrics),
      ready_(std::move(ready)) {}

OfrepHttpResponse OfrepHttp::handle(const OfrepHttpRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  OfrepHttpResponse response;
  std::string_view key;
  const Endpoint endpoint = endpoint_of(request.path, key);
  const auto done = [&] {
    metrics_.request(endpoint, response.status, std::chrono::steady_clock::now() - started);
    return std::move(response);
  };
  if (!request.path.starts_with("/ofrep/")) {
    fail(response, 404, "not found: OFREP is served under /ofrep/v1/evaluate/flags");
    return done();
  }
  const auto& allowed = options_.cors_allowed_origins;
  const bool any = std::ranges::find(allowed, "*") != allowed.end();
  const bool cors = !request.origin.empty() &&
                    (any || std::ranges::find(allowed, request.origin) != allowed.end());
  if (cors) {
    response.headers.emplace_back("Access-Control-Allow-Origin",
                                  any ? std::string("*") : std::string(request.origin));
    if (!any)
      response.headers.emplace_back("Vary", "Origin");
    response.headers.emplace_back("Access-Control-Expose-Headers", "ETag");
  }
  if (request.method == "OPTIONS") {
    if (cors) {
      response.headers.emplace_back("Access-Control-Allow-Methods", "POST, OPTIONS");
      response.headers.emplace_back("Access-Control-Allow-Headers",
                                    "Authorization, Content-Type, If-None-Match, Flagd-Selector");
      response.headers.emplace_back("Access-Control-Max-Age", "600");
    }
    response.status = 204;
    return done();
  }
  if (!options_.tokens.empty() && !token_accepted(bearer(request.authorization), options_.tokens)) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"deploy-flags\"");
    fail(response, 401,
         "no valid bearer token: send Authorization: Bearer <token> with a token from "
         "deploy-flags' --token-file");
    return done();
  }
  if (request.method != "POST") {
    // As flagd answers: 405 naming the method it takes.
    response.headers.emplace_back("Allow", "POST, OPTIONS");
    fail(response, 405,
         fmt::format("{} is not served here: OFREP evaluates with POST", request.method));
    return done();
  }
  if (endpoint == Endpoint::other) {
    fail(response, 404,
         fmt::format("no OFREP endpoint at {}: POST to {} or {}/KEY", request.path, kBulkPath,
                     kBulkPath));
    return done();
  }
  if (request.body_too_large) {
    fail(response, 413,
         fmt::format("the request body is over {} bytes: send the evaluation context only",
                     kMaxOfrepBody));
    return done();
  }
  if (!ready_()) {
    fail(response, 503, "the FeatureFlags have not been listed yet: retry in a moment");
    response.headers.emplace_back("Retry-After", "1");
    return done();
  }
  const auto snapshot = catalog_.snapshot();
  const flags::OfrepRequest ofrep{request.body, request.selector, request.if_none_match,
                                  unix_now()};
  flags::OfrepResponse answer = endpoint == Endpoint::flag
                                    ? flags::ofrep_evaluate_flag(*snapshot, key, ofrep)
                                    : flags::ofrep_evaluate_flags(*snapshot, ofrep);
  response.status = answer.status;
  if (!answer.etag.empty())
    response.headers.emplace_back("ETag", std::move(answer.etag));
  response.body = std::move(answer.body);
  return done();
}

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

}  // namespace cutover::flag_server
