// JavaScript's conversions, which JsonLogic's operations inherit from json-logic-js.
#include "flags/js_value.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace cutover::flags::js {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

TEST(JsonLogicCoercionTest, Truthy) {
  EXPECT_FALSE(truthy(Json()));
  EXPECT_FALSE(truthy(Json(0)));
  EXPECT_FALSE(truthy(Json(0.0)));
  EXPECT_FALSE(truthy(Json(nan)));
  EXPECT_FALSE(truthy(Json("")));
  EXPECT_FALSE(truthy(Json::array()));
  EXPECT_TRUE(truthy(Json("0")));
  EXPECT_TRUE(truthy(Json(-1)));
  EXPECT_TRUE(truthy(Json::object()));
  EXPECT_TRUE(truthy(Json::array({0})));
}

TEST(JsonLogicCoercionTest, NumberToString) {
  EXPECT_EQ(number_to_string(1), "1");
  EXPECT_EQ(number_to_string(-2.5), "-2.5");
  EXPECT_EQ(number_to_string(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(number_to_string(-0.0), "0");
  EXPECT_EQ(number_to_string(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(number_to_string(1e21), "1e+21");
  EXPECT_EQ(number_to_string(1.5e300), "1.5e+300");
  EXPECT_EQ(number_to_string(0.000001), "0.000001");
  EXPECT_EQ(number_to_string(1e-7), "1e-7");
  EXPECT_EQ(number_to_string(1.25e-8), "1.25e-8");
  EXPECT_EQ(number_to_string(nan), "NaN");
  EXPECT_EQ(number_to_string(-inf), "-Infinity");
}

TEST(JsonLogicCoercionTest, ToNumber) {
  EXPECT_EQ(to_number(Json()), 0);
  EXPECT_EQ(to_number(Json(true)), 1);
  EXPECT_EQ(to_number(Json("")), 0);
  EXPECT_EQ(to_number(Json(" 12 ")), 12);
  EXPECT_EQ(to_number(Json("-1.5e3")), -1500);
  EXPECT_EQ(to_number(Json(".5")), 0.5);
  EXPECT_EQ(to_number(Json("5.")), 5);
  EXPECT_EQ(to_number(Json("0x1F")), 31);
  EXPECT_EQ(to_number(Json("0b101")), 5);
  EXPECT_EQ(to_number(Json("Infinity")), inf);
  EXPECT_EQ(to_number(Json("1e400")), inf);
  EXPECT_EQ(to_number(Json("1e-400")), 0);
  EXPECT_EQ(to_number(Json::array()), 0);
  EXPECT_EQ(to_number(Json::array({5})), 5);
  EXPECT_TRUE(std::isnan(to_number(Json::array({1, 2}))));
  EXPECT_TRUE(std::isnan(to_number(Json::object())));
  EXPECT_TRUE(std::isnan(to_number(Json("12px"))));
  EXPECT_TRUE(std::isnan(to_number(Json("."))));
  EXPECT_TRUE(std::isnan(to_number(Json("0x"))));
}

TEST(JsonLogicCoercionTest, ParseFloat) {
  EXPECT_EQ(parse_float(Json("3.5abc")), 3.5);
  EXPECT_EQ(parse_float(Json("  -2e2x")), -200);
  EXPECT_EQ(parse_float(Json("1e")), 1);
  EXPECT_EQ(parse_float(Json("0x10")), 0);
  EXPECT_EQ(parse_float(Json(7)), 7);
  EXPECT_EQ(parse_float(Json::array({4, 5})), 4);  // "4,5"
  EXPECT_TRUE(std::isnan(parse_float(Json("abc"))));
  EXPECT_TRUE(std::isnan(parse_float(Json(true))));
  EXPECT_TRUE(std::isnan(parse_float(Json())));
}

TEST(JsonLogicCoercionTest, ToString) {
  EXPECT_EQ(to_string(Json()), "null");
  EXPECT_EQ(to_string(Json(false)), "false");
  EXPECT_EQ(to_string(Json(42)), "42");
  EXPECT_EQ(to_string(Json(2.0)), "2");
  EXPECT_EQ(to_string(Json::parse(R"([1, null, [2, "a"]])")), "1,,2,a");
  EXPECT_EQ(to_string(Json::parse(R"({"a": 1})")), "[object Object]");
}

TEST(JsonLogicCoercionTest, Equality) {
  EXPECT_TRUE(loose_equals(Json(1), Json("1.0")));
  EXPECT_TRUE(loose_equals(Json(true), Json("1")));
  EXPECT_TRUE(loose_equals(Json::array({"a"}), Json("a")));
  EXPECT_FALSE(loose_equals(Json(), Json(false)));
  EXPECT_FALSE(loose_equals(Json(nan), Json(nan)));
  EXPECT_FALSE(loose_equals(Json::object(), Json("[object Object]x")));
  EXPECT_TRUE(strict_equals(Json(1), Json(1.0)));
  EXPECT_FALSE(strict_equals(Json(1), Json(true)));
  EXPECT_TRUE(strict_equals(Json::array({1}), Json::array({1})));
}

TEST(JsonLogicCoercionTest, Ordering) {
  EXPECT_TRUE(less_than(Json("a"), Json("b")));
  EXPECT_TRUE(less_than(Json("10"), Json("9")));  // text
  EXPECT_FALSE(less_than(Json("10"), Json(9)));   // numbers
  EXPECT_TRUE(less_than(Json(), Json(1)));        // null is 0
  EXPECT_FALSE(less_than(Json("x"), Json(1)));    // NaN
  EXPECT_FALSE(less_or_equal(Json("x"), Json(1)));
  EXPECT_TRUE(less_or_equal(Json(false), Json(0)));
  EXPECT_TRUE(less_than(Json::array({1}), Json(2)));
}

}  // namespace
}  // namespace cutover::flags::js
