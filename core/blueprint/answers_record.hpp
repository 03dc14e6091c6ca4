#pragma once
// `.cutover/answers.yaml`: which blueprint a service came from and the answers it was rendered
// with, so that `deploy blueprint update` can render it again.
//
//     # Written by deploy new; read by deploy blueprint update.
//     blueprint: cpp-service
//     version: 1.0.0
//     source:
//       kind: git                 # builtin | path | git
//       location: https://example.com/blueprints.git
//       ref: v1.0.0               # git only; "" = the default branch
//       commit: 3f2a...           # git only: the commit rendered
//     answers:
//       name: demo
//       port: 8080
//
// `deploy new --answers FILE` reads this file too (its `answers:`), or a plain mapping of
// parameter names to values.

#include <expected>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "blueprint/manifest.hpp"
#include "blueprint/value.hpp"
#include "util/spec_reader.hpp"

namespace cutover::blueprint {

inline constexpr std::string_view kAnswersPath = ".cutover/answers.yaml";

struct SourceRecord {
  std::string kind = "builtin";  // builtin | path | git
  std::string location;          // the blueprint name, the folder, or the git URL
  std::string ref;
  std::string commit;
};

struct AnswersRecord {
  std::string blueprint;
  std::string version;
  SourceRecord source;
  nlohmann::json answers = nlohmann::json::object();  // name -> scalar
};

/// The record as YAML, answers in the manifest's parameter order. Strings are written as JSON
/// strings, which YAML reads back unchanged.
std::string answers_record_yaml(const AnswersRecord& record, const Manifest& manifest);

/// Parses `.cutover/answers.yaml`; `object` names the file in errors.
std::expected<AnswersRecord, FieldError> parse_answers_record(std::string_view text,
                                                              const std::string& object);

/// The answers of an --answers file: its `answers:` mapping when it is an answers record,
/// else the whole document, which must be a mapping.
std::expected<nlohmann::json, FieldError> parse_answers_file(std::string_view text,
                                                             const std::string& object);

/// The answers as JSON, by name.
nlohmann::json answers_json(const Answers& answers);

}  // namespace cutover::blueprint
