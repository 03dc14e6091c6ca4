#pragma once
// `blueprint.yaml`: a blueprint's name, version, typed parameters, file rules and hooks.
//
// **Example**:
//
//     apiVersion: cutover.dev/v1alpha1
//     kind: Blueprint
//     name: cpp-service
//     description: A C++ HTTP service
//     version: 1.0.0
//     parameters:
//       - {name: name, type: string, required: true, pattern: '^[a-z][a-z0-9-]{1,40}$'}
//       - {name: namespace, type: string, default: '{{name | kebab}}'}
//       - {name: port, type: int, min: 1024, max: 65535, default: 8080}
//       - {name: tier, type: enum, values: [critical, standard], default: standard}
//       - {name: ingress, type: bool, default: false}
//     files:
//       - {path: 'deploy/ingress.yaml', when: 'ingress'}
//     copyWithoutRender: ['**/*.png']
//     hooks:
//       - {name: format, run: ['npm', 'install']}
//
// Every error is a FieldError naming the file, the field path (`parameters[2].default`) and
// the fix. The parser is pure: it reads the parsed YAML, nothing else.

#include <expected>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blueprint/condition.hpp"
#include "blueprint/value.hpp"
#include "util/spec_reader.hpp"

namespace cutover::blueprint {

inline constexpr std::string_view kApiVersion = "cutover.dev/v1alpha1";

enum class ParameterType { string, integer, boolean, enumeration };

/// "string", "int", "bool", "enum".
std::string_view type_name(ParameterType type);

struct Parameter {
  std::string name;
  ParameterType type = ParameterType::string;
  bool required = false;
  /// The default as written: a YAML scalar, where a string may be a template over earlier
  /// answers (`{{name | kebab}}`). Null when there is none.
  nlohmann::json default_value;
  std::string pattern;  // ECMAScript regex that a string must match (whole); "" = any
  std::optional<long long> min;
  std::optional<long long> max;
  std::vector<std::string> values;  // the choices of an enum
  std::string help;
};

struct FileRule {
  std::string path;  // a glob over template-relative paths (glob.hpp)
  Condition when;
};

struct Hook {
  std::string name;
  std::vector<std::string> run;  // argv; run[0] is looked up on PATH
};

struct Manifest {
  std::string name;
  std::string description;
  std::string version;
  std::vector<Parameter> parameters;
  std::vector<FileRule> files;
  std::vector<std::string> copy_without_render;
  std::vector<Hook> hooks;

  /// The parameter called `name`, or nullptr.
  [[nodiscard]] const Parameter* parameter(std::string_view parameter_name) const;
};

/// Limits that keep a hostile manifest (or the fuzzer) cheap.
inline constexpr std::size_t kMaxParameters = 200;
inline constexpr std::size_t kMaxPatternLength = 256;

/// Parses one `blueprint.yaml` document; `object` names it in errors (usually its path).
std::expected<Manifest, FieldError> parse_manifest(const nlohmann::json& document,
                                                   const std::string& object);

/// Parses the text of a `blueprint.yaml` (exactly one YAML document).
std::expected<Manifest, FieldError> parse_manifest_text(std::string_view text,
                                                        const std::string& object);

}  // namespace cutover::blueprint
