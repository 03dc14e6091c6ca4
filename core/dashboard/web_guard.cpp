#include "dashboard/web_guard.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "util/encoding.hpp"

namespace cutover::dashboard {

const std::vector<std::pair<std::string, std::string>>& security_headers() {
  static const std::vector<std::pair<std::string, std::string>> kHeaders = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "same-origin"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
      {"Cache-Control", "no-store"},
  };
  return kHeaders;
}

std::optional<std::string> cross_site(std::string_view origin, std::string_view fetch_site,
                                      std::string_view host) {
  // A browser that sends Sec-Fetch-Site says exactly where the request comes from; its Origin
  // may be "null" for a same-origin form (a referrer policy can do that), so it decides alone.
  if (!fetch_site.empty()) {
    if (fetch_site == "same-origin" || fetch_site == "none")
      return std::nullopt;
    return "the browser says this request comes from another site (Sec-Fetch-Site: " +
           std::string(fetch_site) + ")";
  }
  if (!origin.empty()) {
    const std::string http = "http://" + std::string(host);
    const std::string https = "https://" + std::string(host);
    if (host.empty() || (origin != http && origin != https))
      return "the request's Origin " + std::string(origin) + " is not this dashboard's";
  }
  return std::nullopt;
}

bool loopback_host(std::string_view host, int port) {
  const std::string suffix = ":" + std::to_string(port);
  if (!host.ends_with(suffix))
    return false;
  host.remove_suffix(suffix.size());
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

std::string session_cookie(std::string_view id, int max_age_seconds, bool secure) {
  std::string cookie =
      std::string(kSessionCookie) + "=" + std::string(id) +
      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_seconds);
  if (secure)
    cookie += "; Secure";
  return cookie;
}

std::string cleared_session_cookie() {
  return std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
}

std::string random_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("OpenSSL could not produce random bytes");
  std::string token =
      base64_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  for (char& c : token) {
    if (c == '+')
      c = '-';
    else if (c == '/')
      c = '_';
  }
  while (token.ends_with('='))
    token.pop_back();
  return token;
}

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string secret_digest(std::string_view secret) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(secret.data(), secret.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), size));
}

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size())
    return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kScheme[i])
      return {};
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ')
    token.remove_suffix(1);
  return token;
}

}  // namespace cutover::dashboard

namespace cutover::dashboard {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string form_value(std::string_view body, std::string_view name) {
  while (!body.empty()) {
    const std::size_t end = body.find('&');
    std::string_view pair = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos || pair.substr(0, equals) != name)
      continue;
    std::string value;
    const std::string_view raw = pair.substr(equals + 1);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '+') {
        value.push_back(' ');
      } else if (raw[i] == '%') {
        const int high = i + 1 < raw.size() ? hex_digit(raw[i + 1]) : -1;
        const int low = i + 2 < raw.size() ? hex_digit(raw[i + 2]) : -1;
        if (high < 0 || low < 0)
          return {};
        value.push_back(static_cast<char>(high * 16 + low));
        i += 2;
      } else {
        value.push_back(raw[i]);
      }
    }
    return value;
  }
  return {};
}

}  // namespace cutover::dashboard
