#include "util/encoding.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace cutover {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year;
using ::testing::HasSubstr;

constexpr sys_days kNov22 = sys_days{year{2026} / 11 / 22};

// Sets TZ for the lifetime of the guard, so a formatter that uses local time shows up.
class TimeZoneGuard {
 public:
  explicit TimeZoneGuard(const char* zone) {
    if (const char* old = std::getenv("TZ"); old != nullptr) {
      previous_ = old;
    }
    setenv("TZ", zone, 1);
    tzset();
  }
  ~TimeZoneGuard() {
    if (previous_) {
      setenv("TZ", previous_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  TimeZoneGuard(const TimeZoneGuard&) = delete;
  TimeZoneGuard& operator=(const TimeZoneGuard&) = delete;

 private:
  std::optional<std::string> previous_;
};

// --- base64 -----------------------------------------------------------------------------------

TEST(EncodingHex, EveryByteAsTwoLowerCaseDigits) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode(std::string("\x00\x01\xab\xff", 4)), "0001abff");
}

TEST(EncodingBase64, EncodesTheRfc4648TestVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(EncodingBase64, DecodesTheRfc4648TestVectors) {
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zm8="), "fo");
  EXPECT_EQ(base64_decode("Zm9v"), "foo");
  EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(base64_decode("Zm9vYmFy"), "foobar");
}

TEST(EncodingBase64, RoundTripsEveryLengthAndEveryByteValue) {
  std::string raw;
  for (int i = 0; i < 300; ++i) {
    raw.push_back(static_cast<char>(i % 256));
    const auto decoded = base64_decode(base64_encode(raw));
    ASSERT_TRUE(decoded.has_value()) << "length " << raw.size() << ": " << decoded.error();
    ASSERT_EQ(*decoded, raw) << "length " << raw.size();
  }
}

TEST(EncodingBase64, RoundTripsAPemCertificate) {
  const std::string pem =
      "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2V+/==\n-----END CERTIFICATE-----\n";
  EXPECT_EQ(base64_decode(base64_encode(pem)), pem);
}

TEST(EncodingBase64, DecodeIgnoresLineBreaksAndSpacesAsInWrappedOutput) {
  EXPECT_EQ(base64_decode("Zm9v\nYmFy\n"), "foobar");
  EXPECT_EQ(base64_decode("  Zm9v YmE=\r\n"), "fooba");
}

TEST(EncodingBase64, DecodeRejectsALengthThatIsNotAMultipleOfFour) {
  const auto decoded = base64_decode("Zm9vY");
  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error(), HasSubstr("multiple of 4"));
}

TEST(EncodingBase64, DecodeRejectsCharactersOutsideTheAlphabetAndNamesThem) {
  const auto decoded = base64_decode("Zm9*");
  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error(), HasSubstr("'*'"));
  EXPECT_FALSE(base64_decode("Zm9-").has_value()) << "URL-safe alphabet is not standard base64";
  EXPECT_FALSE(base64_decode("Zm9_").has_value());
}

TEST(EncodingBase64, DecodeRejectsPaddingAnywhereButTheEnd) {
  for (const std::string_view malformed : {"Zm=v", "Zg=a", "=Zg=", "====", "A===", "Zg==Zg=="}) {
    const auto decoded = base64_decode(malformed);
    EXPECT_FALSE(decoded.has_value())
        << malformed << " decoded to " << decoded.value_or("").size() << " bytes";
  }
}

// --- url_encode -------------------------------------------------------------------------------

TEST(EncodingUrlEncode, KeepsUnreservedCharacters) {
  EXPECT_EQ(url_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(url_encode(""), "");
}

TEST(EncodingUrlEncode, PercentEncodesReservedCharactersInUppercaseHex) {
  EXPECT_EQ(url_encode("app=web,tier!=db"), "app%3Dweb%2Ctier%21%3Ddb");
  EXPECT_EQ(url_encode("a b/c?d&e#f+g%"), "a%20b%2Fc%3Fd%26e%23f%2Bg%25");
}

TEST(EncodingUrlEncode, PercentEncodesEachUtf8Byte) {
  EXPECT_EQ(url_encode("caf\xC3\xA9"), "caf%C3%A9");
  EXPECT_EQ(url_encode(std::string_view("\0\xFF", 2)), "%00%FF");
}

// --- RFC 3339 ---------------------------------------------------------------------------------

TEST(EncodingRfc3339, ParsesUtcWithZ) {
  EXPECT_EQ(parse_rfc3339("2026-11-22T01:02:03Z"), kNov22 + hours{1} + minutes{2} + seconds{3});
}

TEST(EncodingRfc3339, AcceptsLowercaseSeparatorAndZone) {
  EXPECT_EQ(parse_rfc3339("2026-11-22t01:02:03z"), kNov22 + hours{1} + minutes{2} + seconds{3});
}

TEST(EncodingRfc3339, PositiveOffsetIsSubtractedToGetUtc) {
  EXPECT_EQ(parse_rfc3339("2026-11-22T01:02:03+01:00"), kNov22 + minutes{2} + seconds{3});
}

TEST(EncodingRfc3339, NegativeOffsetWithMinutesIsAddedToGetUtc) {
  EXPECT_EQ(parse_rfc3339("2026-11-21T18:32:03-05:30"), kNov22 + minutes{2} + seconds{3});
}

TEST(EncodingRfc3339, OffsetCrossesMidnightAndYear) {
  EXPECT_EQ(parse_rfc3339("2026-12-31T23:30:00-01:00"), sys_days{year{2027} / 1 / 1} + minutes{30});
}

TEST(EncodingRfc3339, AcceptsFractionalSecondsOfAnyLength) {
  const auto expected = kNov22 + hours{1} + minutes{2} + seconds{3};
  for (const std::string_view text : {"2026-11-22T01:02:03.5Z", "2026-11-22T01:02:03.123456789Z",
                                      "2026-11-22T02:02:03.000001+01:00"}) {
    const auto parsed = parse_rfc3339(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(std::chrono::floor<seconds>(*parsed), expected) << text;
  }
}

TEST(EncodingRfc3339, AcceptsALeapDayAndRejectsAMissingOne) {
  EXPECT_EQ(parse_rfc3339("2028-02-29T00:00:00Z"), sys_days{year{2028} / 2 / 29});
  EXPECT_EQ(parse_rfc3339("2026-02-29T00:00:00Z"), std::nullopt);
}

TEST(EncodingRfc3339, RejectsGarbage) {
  for (const std::string_view garbage : {
           "",
           "yesterday",
           "2026-11-22",
           "2026-11-22T01:02:03",        // no zone
           "2026-11-22T01:02:03+0100",   // offset without colon
           "2026-11-22T01:02:03ZZ",      // trailing junk
           "2026-11-22T01:02:03 UTC",    // zone name
           "2026-11-22T1:02:03Z",        // one-digit hour
           "2026/11/22T01:02:03Z",       // wrong date separators
           "abcd-11-22T01:02:03Z",       // letters for the year
           "2026-13-01T00:00:00Z",       // month 13
           "2026-02-30T00:00:00Z",       // no such day
           "2026-11-22T24:00:00Z",       // hour 24
           "2026-11-22T23:60:00Z",       // minute 60
           "2026-11-22T-1:00:00Z",       // negative hour
           "2026-11-22T01:-2:03Z",       // negative minute
           "-001-11-22T00:00:00Z",       // negative year
           "2026-11-22T01:02:03.Z",      // fraction without digits
           "2026-11-22T01:02:03.5",      // fraction without zone
           "2026-11-22T01:02:03+25:00",  // offset hour out of range
           "2026-11-22T01:02:03+01:75",  // offset minute out of range
           "2026-11-22T01:02:03+-1:00",  // signed offset hour
       }) {
    const auto parsed = parse_rfc3339(garbage);
    EXPECT_EQ(parsed, std::nullopt)
        << "\"" << garbage << "\" parsed as " << (parsed ? format_rfc3339(*parsed) : "");
  }
}

TEST(EncodingRfc3339, FormatsUtcAtSecondPrecision) {
  EXPECT_EQ(format_rfc3339(kNov22 + hours{1} + minutes{2} + seconds{3} + milliseconds{999}),
            "2026-11-22T01:02:03Z");
  EXPECT_EQ(format_rfc3339(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00Z");
}

TEST(EncodingRfc3339, FormatsInUtcWhateverTheLocalTimeZone) {
  const TimeZoneGuard zone("XYZ-05:00");  // POSIX TZ: five hours east of UTC, no tzdata needed
  EXPECT_EQ(format_rfc3339(kNov22 + hours{1}), "2026-11-22T01:00:00Z");
}

TEST(EncodingRfc3339, FormatThenParseRoundTrips) {
  for (const std::chrono::sys_seconds time :
       {sys_seconds{kNov22}, kNov22 + hours{23} + minutes{59} + seconds{59},
        sys_days{year{2000} / 2 / 29} + seconds{1}}) {
    const std::string text = format_rfc3339(time);
    EXPECT_EQ(parse_rfc3339(text), time) << text;
  }
}

}  // namespace
}  // namespace cutover
