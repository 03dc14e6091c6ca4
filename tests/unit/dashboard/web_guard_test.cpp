// The dashboard's web protections: headers, the cross-site refusal, the loopback Host check, the
// session cookie, and the secrets' values, comparison and digest.
#include "dashboard/web_guard.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace cutover::dashboard {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

std::optional<std::string> header(std::string_view name) {
  for (const auto& [key, value] : security_headers())
    if (key == name)
      return value;
  return std::nullopt;
}

TEST(WebGuardTest, ContentSecurityPolicyAllowsScriptsFromThisOriginOnly) {
  const auto csp = header("Content-Security-Policy");
  ASSERT_TRUE(csp.has_value());
  EXPECT_THAT(*csp, HasSubstr("script-src 'self'"));
  EXPECT_THAT(*csp, HasSubstr("default-src 'none'"));
  EXPECT_THAT(*csp, HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(*csp, Not(HasSubstr("unsafe-inline")));
  EXPECT_THAT(*csp, Not(HasSubstr("unsafe-eval")));
  EXPECT_THAT(*csp, Not(HasSubstr("*")));
}

TEST(WebGuardTest, SecurityHeadersForbidSniffingFramingReferrersAndCaching) {
  EXPECT_THAT(header("X-Content-Type-Options"), Optional(std::string("nosniff")));
  EXPECT_THAT(header("X-Frame-Options"), Optional(std::string("DENY")));
  // No Referer to other sites (a login link's token never leaves in one); a same-origin form
  // keeps its real Origin.
  EXPECT_THAT(header("Referrer-Policy"), Optional(std::string("same-origin")));
  EXPECT_THAT(header("Cache-Control"), Optional(std::string("no-store")));
}

TEST(WebGuardTest, SecurityHeadersNameEachHeaderOnce) {
  const auto& headers = security_headers();
  for (const auto& [name, value] : headers) {
    EXPECT_EQ(std::ranges::count_if(headers, [&](const auto& h) { return h.first == name; }), 1)
        << name;
    EXPECT_FALSE(value.empty()) << name;
  }
}

TEST(WebGuardTest, CrossSitePassesClientsThatSayNothing) {
  EXPECT_EQ(cross_site("", "", "dash.example:8080"), std::nullopt);
  EXPECT_EQ(cross_site("", "", ""), std::nullopt);
}

TEST(WebGuardTest, CrossSitePassesSameOriginAndUserTypedRequests) {
  EXPECT_EQ(cross_site("", "same-origin", "127.0.0.1:8080"), std::nullopt);
  EXPECT_EQ(cross_site("", "none", "127.0.0.1:8080"), std::nullopt);
  EXPECT_EQ(cross_site("http://127.0.0.1:8080", "same-origin", "127.0.0.1:8080"), std::nullopt);
}

TEST(WebGuardTest, CrossSiteRefusesOtherSitesByFetchSite) {
  for (const char* fetch_site : {"cross-site", "same-site", "Same-Origin", "bogus"}) {
    const auto reason = cross_site("", fetch_site, "127.0.0.1:8080");
    ASSERT_TRUE(reason.has_value()) << fetch_site;
    EXPECT_THAT(*reason, HasSubstr("Sec-Fetch-Site")) << fetch_site;
    EXPECT_THAT(*reason, HasSubstr(fetch_site));
  }
  // Even with this server's own Origin.
  EXPECT_TRUE(cross_site("http://127.0.0.1:8080", "cross-site", "127.0.0.1:8080").has_value());
}

TEST(WebGuardTest, CrossSitePassesThisServersOwnOrigin) {
  EXPECT_EQ(cross_site("http://dash.example", "", "dash.example"), std::nullopt);
  EXPECT_EQ(cross_site("https://dash.example", "", "dash.example"), std::nullopt);
  EXPECT_EQ(cross_site("http://localhost:7000", "same-origin", "localhost:7000"), std::nullopt);
}

TEST(WebGuardTest, CrossSiteRefusesAnotherOrigin) {
  for (const char* origin : {
           "https://evil.example",
           "http://dash.example.evil.example",
           "http://dash.example:8443",
           "https://dash.example/",
           "ftp://dash.example",
           "dash.example",
           "null",
       }) {
    const auto reason = cross_site(origin, "", "dash.example");
    ASSERT_TRUE(reason.has_value()) << origin;
    EXPECT_THAT(*reason, HasSubstr("Origin")) << origin;
  }
}

TEST(WebGuardTest, CrossSiteRefusesAnOriginWhenThereIsNoHost) {
  EXPECT_TRUE(cross_site("http://", "", "").has_value());
  EXPECT_TRUE(cross_site("https://", "", "").has_value());
  EXPECT_TRUE(cross_site("http://dash.example", "", "").has_value());
}

TEST(WebGuardTest, CrossSiteLetsSecFetchSiteDecideAlone) {
  // A same-origin form may send Origin "null" (a referrer policy can do that).
  EXPECT_EQ(cross_site("null", "same-origin", "127.0.0.1:8080"), std::nullopt);
  EXPECT_EQ(cross_site("null", "none", "127.0.0.1:8080"), std::nullopt);
  // Without Sec-Fetch-Site, "null" is refused.
  EXPECT_TRUE(cross_site("null", "", "127.0.0.1:8080").has_value());
  // And a cross-site Sec-Fetch-Site is refused whatever the Origin says.
  const auto reason = cross_site("http://127.0.0.1:8080", "same-site", "127.0.0.1:8080");
  ASSERT_TRUE(reason.has_value());
  EXPECT_THAT(*reason, HasSubstr("Sec-Fetch-Site"));
}

TEST(WebGuardTest, LoopbackHostAcceptsTheLoopbackNamesOnThePort) {
  EXPECT_TRUE(loopback_host("127.0.0.1:8080", 8080));
  EXPECT_TRUE(loopback_host("localhost:8080", 8080));
  EXPECT_TRUE(loopback_host("[::1]:8080", 8080));
  EXPECT_TRUE(loopback_host("localhost:1", 1));
}

TEST(WebGuardTest, LoopbackHostRefusesOtherNamesAndPorts) {
  EXPECT_FALSE(loopback_host("127.0.0.1:8081", 8080));
  EXPECT_FALSE(loopback_host("127.0.0.1:18080", 8080));
  EXPECT_FALSE(loopback_host("localhost:80", 8080));
  EXPECT_FALSE(loopback_host("evil.example:8080", 8080));
  EXPECT_FALSE(loopback_host("127.0.0.1.evil.com:8080", 8080));
  EXPECT_FALSE(loopback_host("localhost.evil.com:8080", 8080));
  EXPECT_FALSE(loopback_host("evil-localhost:8080", 8080));
  EXPECT_FALSE(loopback_host("::1:8080", 8080));
  EXPECT_FALSE(loopback_host("127.0.0.2:8080", 8080));
  EXPECT_FALSE(loopback_host("0.0.0.0:8080", 8080));
  EXPECT_FALSE(loopback_host("127.0.0.1", 8080));
  EXPECT_FALSE(loopback_host("localhost", 8080));
  EXPECT_FALSE(loopback_host("[::1]", 8080));
  EXPECT_FALSE(loopback_host(":8080", 8080));
  EXPECT_FALSE(loopback_host("", 8080));
}

TEST(WebGuardTest, SessionCookieIsHttpOnlyStrictAndScopedToTheSite) {
  const std::string cookie = session_cookie("abc", 28800, false);
  EXPECT_TRUE(cookie.starts_with(std::string(kSessionCookie) + "=abc;")) << cookie;
  EXPECT_THAT(cookie, HasSubstr("; HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("; SameSite=Strict"));
  EXPECT_THAT(cookie, HasSubstr("; Path=/"));
  EXPECT_THAT(cookie, HasSubstr("; Max-Age=28800"));
  EXPECT_THAT(cookie, Not(HasSubstr("Secure")));
}

TEST(WebGuardTest, SessionCookieIsSecureWhenAsked) {
  const std::string cookie = session_cookie("abc", 60, true);
  EXPECT_THAT(cookie, HasSubstr("; Secure"));
  EXPECT_THAT(cookie, HasSubstr("; HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("; SameSite=Strict"));
  EXPECT_THAT(cookie, HasSubstr("; Max-Age=60"));
}

TEST(WebGuardTest, ClearedSessionCookieExpiresAtOnce) {
  const std::string cookie = cleared_session_cookie();
  EXPECT_TRUE(cookie.starts_with(std::string(kSessionCookie) + "=;")) << cookie;
  EXPECT_THAT(cookie, HasSubstr("; Max-Age=0"));
  EXPECT_THAT(cookie, HasSubstr("; Path=/"));
}

TEST(WebGuardTest, RandomTokenIs32BytesOfBase64Url) {
  const std::string token = random_token();
  EXPECT_EQ(token.size(), 43U) << token;
  EXPECT_TRUE(std::ranges::all_of(token, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  })) << token;
}

TEST(WebGuardTest, RandomTokensDiffer) {
  EXPECT_NE(random_token(), random_token());
}

TEST(WebGuardTest, SameSecretComparesWholeValues) {
  EXPECT_TRUE(same_secret("s3cret", "s3cret"));
  EXPECT_FALSE(same_secret("s3cret", "s3creT"));
  EXPECT_FALSE(same_secret("s3cret", "s3cre"));
  EXPECT_FALSE(same_secret("s3cre", "s3cret"));
  EXPECT_FALSE(same_secret("s3cret", ""));
  EXPECT_FALSE(same_secret("", "s3cret"));
}

TEST(WebGuardTest, SameSecretNeverMatchesTwoEmptyValues) {
  EXPECT_FALSE(same_secret("", ""));
}

TEST(WebGuardTest, SecretDigestIsHexSha256) {
  EXPECT_EQ(secret_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(secret_digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string digest = secret_digest("a token");
  EXPECT_EQ(digest.size(), 64U);
  EXPECT_TRUE(std::ranges::all_of(digest, [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  })) << digest;
  EXPECT_NE(secret_digest("a token"), secret_digest("a token "));
}

TEST(WebGuardTest, BearerTokenReadsTheBearerScheme) {
  EXPECT_EQ(bearer_token("Bearer x"), "x");
  EXPECT_EQ(bearer_token("bearer x"), "x");
  EXPECT_EQ(bearer_token("BeArEr eyJhbGciOi.J9.x"), "eyJhbGciOi.J9.x");
}

TEST(WebGuardTest, BearerTokenTrimsSpaces) {
  EXPECT_EQ(bearer_token("BEARER  x  "), "x");
  EXPECT_EQ(bearer_token("Bearer   "), "");
}

TEST(WebGuardTest, BearerTokenIsEmptyForOtherSchemesOrNone) {
  EXPECT_EQ(bearer_token("Basic x"), "");
  EXPECT_EQ(bearer_token("Bearer"), "");
  EXPECT_EQ(bearer_token("Bearer "), "");
  EXPECT_EQ(bearer_token("Bearerx"), "");
  EXPECT_EQ(bearer_token("Bearer:x"), "");
  EXPECT_EQ(bearer_token(" Bearer x"), "");
  EXPECT_EQ(bearer_token("x"), "");
  EXPECT_EQ(bearer_token(""), "");
}

TEST(WebGuardTest, FormValueReadsAPlainValue) {
  EXPECT_EQ(form_value("token=abc", "token"), "abc");
  EXPECT_EQ(form_value("a=1&token=abc&b=2", "token"), "abc");
  EXPECT_EQ(form_value("a=1&b=2", "b"), "2");
}

TEST(WebGuardTest, FormValueDecodesPlusAndPercent) {
  EXPECT_EQ(form_value("q=a+b", "q"), "a b");
  EXPECT_EQ(form_value("path=%2Fapi%2fv1", "path"), "/api/v1");
  EXPECT_EQ(form_value("q=100%25", "q"), "100%");
  EXPECT_EQ(form_value("q=%2B", "q"), "+");
  EXPECT_EQ(form_value("q=%26x%3D1", "q"), "&x=1");
}

TEST(WebGuardTest, FormValueIsEmptyWhenTheNameIsAbsent) {
  EXPECT_EQ(form_value("a=1&b=2", "token"), "");
  EXPECT_EQ(form_value("token", "token"), "");
  EXPECT_EQ(form_value("token=", "token"), "");
}

TEST(WebGuardTest, FormValueMatchesTheWholeName) {
  EXPECT_EQ(form_value("tokenx=1&token=2", "token"), "2");
  EXPECT_EQ(form_value("xtoken=1&token=2", "token"), "2");
  EXPECT_EQ(form_value("tok=1&token=2", "tok"), "1");
  EXPECT_EQ(form_value("tokenx=1", "token"), "");
}

TEST(WebGuardTest, FormValueTakesTheFirstOccurrence) {
  EXPECT_EQ(form_value("token=1&token=2", "token"), "1");
}

TEST(WebGuardTest, FormValueIsEmptyWhenMalformed) {
  EXPECT_EQ(form_value("q=%zz", "q"), "");
  EXPECT_EQ(form_value("q=a%4", "q"), "");
  EXPECT_EQ(form_value("q=a%", "q"), "");
  EXPECT_EQ(form_value("q=%g1", "q"), "");
  EXPECT_EQ(form_value("q=%4&r=1", "q"), "");
  EXPECT_EQ(form_value("q=%zz&r=1", "r"), "1");
}

TEST(WebGuardTest, FormValueOfAnEmptyBodyIsEmpty) {
  EXPECT_EQ(form_value("", "token"), "");
  EXPECT_EQ(form_value("&&&", "token"), "");
}

}  // namespace
}  // namespace cutover::dashboard
