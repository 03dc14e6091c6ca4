// The value rules of diegoholiveira/jsonlogic v3.9.1 and Go's standard library that flagd's
// answers depend on; each expectation is what the Go function named in the test returns.
#include "flags/go_jsonlogic_value.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace cutover::flags {
namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

// typing.IsTrue: NaN is true (NaN != 0); empty strings, arrays and objects are false.
TEST(GoJsonLogicValueTest, IsTrue) {
  EXPECT_TRUE(go::is_true(Json(std::nan(""))));
  EXPECT_TRUE(go::is_true(Json("0")));
  EXPECT_FALSE(go::is_true(Json::object()));
  EXPECT_FALSE(go::is_true(Json::array()));
  EXPECT_FALSE(go::is_true(Json()));
  EXPECT_FALSE(go::is_true(Json(0.0)));
}

// typing.ToNumber ignores ParseFloat's error (0, or ±Inf out of range) and panics on null;
// javascript.ToNumber answers NaN for both (its `err == strconv.ErrRange` never holds).
TEST(GoJsonLogicValueTest, ToNumber) {
  EXPECT_EQ(go::to_number(Json("1x")), 0);
  EXPECT_EQ(go::to_number(Json("1e400")), inf);
  EXPECT_EQ(go::to_number(Json("0x1p3")), 8);
  EXPECT_EQ(go::to_number(Json("1_000")), 1000);
  EXPECT_THROW(go::to_number(Json()), go::Panic);
  EXPECT_THROW(go::to_number(Json(true)), go::Panic);
  EXPECT_TRUE(std::isnan(go::js_to_number(Json("1e400"))));
  EXPECT_TRUE(std::isnan(go::js_to_number(Json(" 1"))));
  EXPECT_EQ(go::js_to_number(Json("  ")), 0);
  EXPECT_EQ(go::js_to_number(Json()), 0);
  EXPECT_EQ(go::js_to_number(Json(true)), 1);
  EXPECT_TRUE(std::isnan(go::js_to_number(Json::array({1}))));
}

// strconv.ParseFloat's syntax.
TEST(GoJsonLogicValueTest, ParseFloat) {
  EXPECT_EQ(go::parse_float("+Inf")->value, inf);
  EXPECT_EQ(go::parse_float("-infinity")->value, -inf);
  EXPECT_TRUE(std::isnan(go::parse_float("NaN")->value));
  EXPECT_FALSE(go::parse_float("+nan"));
  EXPECT_FALSE(go::parse_float("0x10"));  // a hexadecimal mantissa needs a 'p' exponent
  EXPECT_FALSE(go::parse_float(" 5"));
  EXPECT_FALSE(go::parse_float("1e"));
  EXPECT_FALSE(go::parse_float("_1"));
  EXPECT_EQ(go::parse_float(".5")->value, 0.5);
  EXPECT_EQ(go::parse_float("5.")->value, 5);
  EXPECT_EQ(go::parse_float("1e-400")->value, 0);
  EXPECT_TRUE(go::parse_float("-1e400")->out_of_range);
}

// typing.ToString: FormatFloat(f, 'f', -1) pads the shortest digits with zeros.
TEST(GoJsonLogicValueTest, ToString) {
  EXPECT_EQ(go::to_string(Json(1e21)), "1000000000000000000000");
  EXPECT_EQ(go::to_string(Json(1e-7)), "0.0000001");
  EXPECT_EQ(go::to_string(Json(123456789012345680000.0)), "123456789012345680000");
  EXPECT_EQ(go::to_string(Json(-2.5)), "-2.5");
  EXPECT_EQ(go::to_string(Json()), "");
  EXPECT_THROW(go::to_string(Json(true)), go::Panic);
  EXPECT_EQ(go::format_float(-inf), "-Inf");
}

// fmt's %v, as flagd's sem_ver (ensureString) prints a number.
TEST(GoJsonLogicValueTest, FormatV) {
  EXPECT_EQ(go::format_v(2), "2");
  EXPECT_EQ(go::format_v(1.2), "1.2");
  EXPECT_EQ(go::format_v(1e6), "1e+06");
  EXPECT_EQ(go::format_v(123456), "123456");
  EXPECT_EQ(go::format_v(1e-5), "1e-05");
  EXPECT_EQ(go::format_v(0.0001), "0.0001");
}

// strings.TrimSpace: Unicode white space.
TEST(GoJsonLogicValueTest, TrimSpace) {
  EXPECT_EQ(go::trim_space("\u00a0 x y\u3000\n"), "x y");
  EXPECT_EQ(go::trim_space(" \t "), "");
}

// comp.go less/equals and Go's interface ==.
TEST(GoJsonLogicValueTest, Comparisons) {
  EXPECT_TRUE(go::less(Json("10"), Json("9")));
  EXPECT_TRUE(go::less(Json(), Json(1.0)));
  EXPECT_FALSE(go::less(Json("a"), Json(1.0)));
  EXPECT_TRUE(go::equals(Json(false), Json(0.0)));
  EXPECT_FALSE(go::equals(Json(), Json(0.0)));
  EXPECT_FALSE(go::same_kind(Json(0), Json(0.0)));  // Go's int and float64
  EXPECT_FALSE(go::interface_equals(Json("1"), Json(1.0)));
  EXPECT_THROW(go::interface_equals(Json::array(), Json::array()), go::Panic);
}

// encoding/json's Encoder: HTML escapes, \b \f, sorted keys, exponent forms, NaN refused.
TEST(GoJsonLogicValueTest, EncodeJson) {
  EXPECT_EQ(go::encode_json(Json("a<b>&\"\\\b\f\n\x01\u2028é")),
            R"("a\u003cb\u003e\u0026\"\\\b\f\n\u0001\u2028é")");
  EXPECT_EQ(go::encode_json(Json::parse(R"({"b": [1, 2.5], "a": null})")),
            R"({"a":null,"b":[1,2.5]})");
  EXPECT_EQ(go::encode_json(Json(1e21)), "1e+21");
  EXPECT_EQ(go::encode_json(Json(1.5e-7)), "1.5e-7");
  EXPECT_EQ(go::encode_json(Json(1e20)), "100000000000000000000");
  EXPECT_EQ(go::encode_json(Json(std::nan(""))), std::nullopt);
  EXPECT_EQ(go::encode_json(Json("\xff")), R"("\ufffd")");
}

TEST(GoJsonLogicValueTest, ToIntAsAmd64) {
  EXPECT_EQ(go::to_int(-2.7), -2);
  EXPECT_EQ(go::to_int(std::nan("")), std::numeric_limits<long long>::min());
  EXPECT_EQ(go::to_int(1e300), std::numeric_limits<long long>::min());
}

}  // namespace
}  // namespace cutover::flags
