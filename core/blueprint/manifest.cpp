#include "blueprint/manifest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>

#include "blueprint/template_renderer.hpp"
#include "util/yaml_json.hpp"

namespace cutover::blueprint {

namespace {

using Json = nlohmann::json;
using Error = std::unexpected<FieldError>;

const std::regex& blueprint_name_pattern() {
  static const std::regex pattern("[a-z0-9][a-z0-9-]{0,62}");
  return pattern;
}

const std::regex& parameter_name_pattern() {
  static const std::regex pattern("[A-Za-z_][A-Za-z0-9_-]{0,62}");
  return pattern;
}

const std::regex& semver_pattern() {
  static const std::regex pattern(
      R"((0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})(-[0-9A-Za-z.-]{1,64})?(\+[0-9A-Za-z.-]{1,64})?)");
  return pattern;
}

// Refuses keys that are not in `known`, so a typo (`requried`) is an error, not a silent no-op.
std::expected<void, FieldError> only_keys(const SpecReader& reader, const Json& object,
                                          const std::string& path,
                                          std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end())
      continue;
    std::string list;
    for (const auto name : known)
      list += (list.empty() ? "" : ", ") + std::string(name);
    const std::string name = key.empty() ? std::string("\"\"") : key;  // never an empty field
    return reader.error(path.empty() ? name : path + "." + name, "is not a known field",
                        "use one of: " + list);
  }
  return {};
}

std::expected<std::vector<std::string>, FieldError> string_list(const SpecReader& reader,
                                                                const Json& parent, const char* key,
                                                                const std::string& path) {
  std::vector<std::string> out;
  const auto it = parent.find(key);
  if (it == parent.end() || it->is_null())
    return out;
  const std::string field = path.empty() ? std::string(key) : path + "." + key;
  if (!it->is_array())
    return reader.error(field, "must be a list of strings", fmt::format("{}: ['a', 'b']", key));
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& item = (*it)[i];
    if (!item.is_string()) {
      return reader.error(fmt::format("{}[{}]", field, i), "must be a string", "quote the value");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

// The answers a derived default may read: every earlier parameter, with a placeholder value.
Answers earlier_answers(const std::vector<Parameter>& parameters) {
  Answers answers;
  for (const auto& parameter : parameters)
    answers[parameter.name] = std::string("x");
  return answers;
}

std::expected<ParameterType, FieldError> parse_type(const SpecReader& reader, const Json& item,
                                                    const std::string& path) {
  std::string type = "string";
  if (auto read = reader.string(item, "type", path, type); !read)
    return std::unexpected(read.error());
  if (type == "string")
    return ParameterType::string;
  if (type == "int")
    return ParameterType::integer;
  if (type == "bool")
    return ParameterType::boolean;
  if (type == "enum")
    return ParameterType::enumeration;
  return reader.error(path + ".type", fmt::format("is '{}'", type),
                      "use one of: string, int, bool, enum");
}

// A literal default must satisfy the parameter's own rules; a template one is checked when it
// is rendered.
std::expected<void, FieldError> check_default(const SpecReader& reader, const Parameter& p,
                                              const std::vector<Parameter>& earlier,
                                              const std::string& path) {
  const Json& value = p.default_value;
  if (value.is_null())
    return {};
  const std::string field = path + ".default";
  if (value.is_string() && value.get<std::string>().find("{{") != std::string::npos) {
    auto prepared = prepare_template(value.get<std::string>(), earlier_answers(earlier));
    if (!prepared) {
      return reader.error(field, prepared.error(),
                          "a derived default may only use parameters declared before it");
    }
    return {};
  }
  switch (p.type) {
    case ParameterType::string:
      if (!value.is_string() && !value.is_number())
        return reader.error(field, "must be a string", "quote the value");
      if (value.is_string() && !p.pattern.empty() &&
          !std::regex_match(value.get<std::string>(), std::regex(p.pattern))) {
        return reader.error(field, fmt::format("does not match pattern {}", p.pattern),
                            "change the default or the pattern");
      }
      return {};
    case ParameterType::integer: {
      if (!value.is_number_integer())
        return reader.error(field, "must be an integer", "e.g. default: 8080");
      const auto number = value.get<long long>();
      if ((p.min && number < *p.min) || (p.max && number > *p.max)) {
        return reader.error(field, fmt::format("is {}, outside min/max", number),
                            "change the default or the limits");
      }
      return {};
    }
    case ParameterType::boolean:
      if (!value.is_boolean())
        return reader.error(field, "must be true or false", "default: false");
      return {};
    case ParameterType::enumeration: {
      const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      if (std::find(p.values.begin(), p.values.end(), text) == p.values.end()) {
        return reader.error(field, fmt::format("'{}' is not one of the values", text),
                            "use one of the values listed in values:");
      }
      return {};
    }
  }
  return {};
}

std::expected<Parameter, FieldError> parse_parameter(const SpecReader& reader, const Json& item,
                                                     const std::string& path,
                                                     const std::vector<Parameter>& earlier) {
  if (!item.is_object()) {
    return reader.error(path, "must be a mapping",
                        "- {name: port, type: int, default: 8080, help: ...}");
  }
  if (auto keys = only_keys(
          reader, item, path,
          {"name", "type", "required", "default", "pattern", "min", "max", "values", "help"});
      !keys)
    return std::unexpected(keys.error());
  Parameter p;
  if (auto read = reader.string(item, "name", path, p.name); !read)
    return std::unexpected(read.error());
  if (p.name.empty())
    return reader.error(path + ".name", "is required", "name: port");
  if (!std::regex_match(p.name, parameter_name_pattern())) {
    return reader.error(path + ".name", fmt::format("'{}' is not a valid parameter name", p.name),
                        "a letter or '_', then letters, digits, '_' or '-' (at most 63)");
  }
  for (const auto& other : earlier) {
    if (other.name == p.name)
      return reader.error(path + ".name", fmt::format("'{}' is declared twice", p.name),
                          "rename or remove one of them");
  }
  auto type = parse_type(reader, item, path);
  if (!type)
    return std::unexpected(type.error());
  p.type = *type;
  if (auto read = reader.boolean(item, "required", path, p.required); !read)
    return std::unexpected(read.error());
  if (auto read = reader.string(item, "help", path, p.help); !read)
    return std::unexpected(read.error());
  if (auto read = reader.string(item, "pattern", path, p.pattern); !read)
    return std::unexpected(read.error());
  if (!p.pattern.empty()) {
    if (p.type != ParameterType::string)
      return reader.error(path + ".pattern", "applies to string parameters only",
                          "remove it or use type: string");
    if (p.pattern.size() > kMaxPatternLength) {
      return reader.error(path + ".pattern",
                          fmt::format("is longer than {} characters", kMaxPatternLength),
                          "shorten it");
    }
    try {
      [[maybe_unused]] const std::regex compiled(p.pattern);  // compiling it is the check
    } catch (const std::regex_error& e) {
      return reader.error(path + ".pattern", fmt::format("is not a valid regex: {}", e.what()),
                          "use ECMAScript syntax, e.g. '^[a-z][a-z0-9-]*$'");
    }
  }
  for (const char* bound : {"min", "max"}) {
    const auto it = item.find(bound);
    if (it == item.end() || it->is_null())
      continue;
    if (p.type != ParameterType::integer)
      return reader.error(path + "." + bound, "applies to int parameters only",
                          "remove it or use type: int");
    if (!it->is_number_integer())
      return reader.error(path + "." + bound, "must be an integer", fmt::format("{}: 1", bound));
    (std::string_view(bound) == "min" ? p.min : p.max) = it->get<long long>();
  }
  if (p.min && p.max && *p.min > *p.max) {
    return reader.error(path + ".min", fmt::format("{} is above max {}", *p.min, *p.max),
                        "swap them");
  }
  auto values = string_list(reader, item, "values", path);
  if (!values)
    return std::unexpected(values.error());
  p.values = std::move(*values);
  if (p.type == ParameterType::enumeration && p.values.empty()) {
    return reader.error(path + ".values", "an enum needs at least one value",
                        "values: [critical, standard]");
  }
  if (p.type != ParameterType::enumeration && !p.values.empty()) {
    return reader.error(path + ".values", "applies to enum parameters only",
                        "remove it or use type: enum");
  }
  if (const auto it = item.find("default"); it != item.end()) {
    if (!it->is_null() && !it->is_primitive())
      return reader.error(path + ".default", "must be a scalar", "default: 8080");
    p.default_value = *it;
  }
  if (auto checked = check_default(reader, p, earlier, path); !checked)
    return std::unexpected(checked.error());
  return p;
}

std::expected<FileRule, FieldError> parse_file_rule(const SpecReader& reader, const Json& item,
                                                    const std::string& path,
                                                    const std::vector<Parameter>& parameters) {
  if (!item.is_object())
    return reader.error(path, "must be a mapping", "- {path: 'docs/**', when: 'docs'}");
  if (auto keys = only_keys(reader, item, path, {"path", "when"}); !keys)
    return std::unexpected(keys.error());
  FileRule rule;
  std::string when;
  if (auto read = reader.string(item, "path", path, rule.path); !read)
    return std::unexpected(read.error());
  if (rule.path.empty())
    return reader.error(path + ".path", "is required", "path: 'deploy/ingress.yaml'");
  if (auto read = reader.string(item, "when", path, when); !read)
    return std::unexpected(read.error());
  if (when.empty())
    return reader.error(path + ".when", "is required", "when: 'ingress'");
  auto condition = Condition::parse(when);
  if (!condition) {
    return reader.error(path + ".when", condition.error().message,
                        "e.g. ingress, !ingress, tier == 'critical', a && (b || c)");
  }
  for (const auto& name : condition->identifiers()) {
    const bool known = std::any_of(parameters.begin(), parameters.end(),
                                   [&](const Parameter& p) { return p.name == name; });
    if (!known) {
      std::string names;
      for (const auto& p : parameters)
        names += (names.empty() ? "" : ", ") + p.name;
      return reader.error(path + ".when", fmt::format("unknown parameter '{}'", name),
                          fmt::format("declare it under parameters, or use one of: {}", names));
    }
  }
  rule.when = std::move(*condition);
  return rule;
}

std::expected<Hook, FieldError> parse_hook(const SpecReader& reader, const Json& item,
                                           const std::string& path) {
  if (!item.is_object())
    return reader.error(path, "must be a mapping", "- {name: format, run: ['npm', 'install']}");
  if (auto keys = only_keys(reader, item, path, {"name", "run"}); !keys)
    return std::unexpected(keys.error());
  Hook hook;
  if (auto read = reader.string(item, "name", path, hook.name); !read)
    return std::unexpected(read.error());
  if (hook.name.empty())
    return reader.error(path + ".name", "is required", "name: format");
  const auto run = item.find("run");
  if (run == item.end() || !run->is_array() || run->empty()) {
    return reader.error(path + ".run", "must be a non-empty list (argv, never a shell line)",
                        "run: ['npm', 'install']");
  }
  auto argv = string_list(reader, item, "run", path);
  if (!argv)
    return std::unexpected(argv.error());
  if ((*argv)[0].empty())
    return reader.error(path + ".run[0]", "is empty", "name the program to run");
  hook.run = std::move(*argv);
  return hook;
}

}  // namespace

std::string_view type_name(ParameterType type) {
  switch (type) {
    case ParameterType::string:
      return "string";
    case ParameterType::integer:
      return "int";
    case ParameterType::boolean:
      return "bool";
    case ParameterType::enumeration:
      return "enum";
  }
  return "string";
}

const Parameter* Manifest::parameter(std::string_view parameter_name) const {
  for (const auto& p : parameters) {
    if (p.name == parameter_name)
      return &p;
  }
  return nullptr;
}

std::expected<Manifest, FieldError> parse_manifest(const Json& document,
                                                   const std::string& object) {
  const SpecReader reader("blueprint", object);
  if (!document.is_object())
    return reader.error("(document)", "must be a mapping", "start from a shipped blueprint.yaml");
  if (auto keys = only_keys(reader, document, "",
                            {"apiVersion", "kind", "name", "description", "version", "parameters",
                             "files", "copyWithoutRender", "hooks"});
      !keys)
    return std::unexpected(keys.error());
  std::string api_version, kind;
  if (auto read = reader.string(document, "apiVersion", "", api_version); !read)
    return std::unexpected(read.error());
  if (api_version != kApiVersion) {
    return reader.error("apiVersion", fmt::format("is '{}'", api_version),
                        fmt::format("apiVersion: {}", kApiVersion));
  }
  if (auto read = reader.string(document, "kind", "", kind); !read)
    return std::unexpected(read.error());
  if (kind != "Blueprint")
    return reader.error("kind", fmt::format("is '{}'", kind), "kind: Blueprint");
  Manifest manifest;
  // SpecReader names a top-level field ".name"; read the top level by hand for clean paths.
  auto top_string = [&](const char* key, std::string& out) -> std::expected<void, FieldError> {
    const auto it = document.find(key);
    if (it == document.end() || it->is_null())
      return {};
    if (!it->is_string())
      return reader.error(key, "must be a string", "quote the value");
    out = it->get<std::string>();
    return {};
  };
  for (auto [key, out] :
       {std::pair{"name", &manifest.name}, std::pair{"description", &manifest.description},
        std::pair{"version", &manifest.version}}) {
    if (auto read = top_string(key, *out); !read)
      return std::unexpected(read.error());
  }
  if (!std::regex_match(manifest.name, blueprint_name_pattern())) {
    return reader.error("name", fmt::format("'{}' is not a valid blueprint name", manifest.name),
                        "lowercase letters, digits and '-', e.g. name: cpp-service");
  }
  if (!std::regex_match(manifest.version, semver_pattern())) {
    return reader.error("version", fmt::format("'{}' is not a semantic version", manifest.version),
                        "version: 1.0.0 (quoted if YAML would read it as a number)");
  }
  const Json empty = Json::array();
  const auto list_of = [&](const char* key) -> std::expected<const Json*, FieldError> {
    const auto it = document.find(key);
    if (it == document.end() || it->is_null())
      return &empty;
    if (!it->is_array())
      return reader.error(key, "must be a list", fmt::format("{}: [...]", key));
    return &*it;
  };
  auto parameters = list_of("parameters");
  if (!parameters)
    return std::unexpected(parameters.error());
  if ((*parameters)->size() > kMaxParameters) {
    return reader.error("parameters", fmt::format("has more than {} entries", kMaxParameters),
                        "split the blueprint");
  }
  for (std::size_t i = 0; i < (*parameters)->size(); ++i) {
    auto parameter = parse_parameter(reader, (**parameters)[i], fmt::format("parameters[{}]", i),
                                     manifest.parameters);
    if (!parameter)
      return std::unexpected(parameter.error());
    manifest.parameters.push_back(std::move(*parameter));
  }
  if (!manifest.parameter("name")) {
    return reader.error("parameters", "has no parameter called 'name' (deploy new NAME fills it)",
                        "add - {name: name, type: string, required: true}");
  }
  auto files = list_of("files");
  if (!files)
    return std::unexpected(files.error());
  for (std::size_t i = 0; i < (*files)->size(); ++i) {
    auto rule =
        parse_file_rule(reader, (**files)[i], fmt::format("files[{}]", i), manifest.parameters);
    if (!rule)
      return std::unexpected(rule.error());
    manifest.files.push_back(std::move(*rule));
  }
  auto copy = string_list(reader, document, "copyWithoutRender", "");
  if (!copy)
    return std::unexpected(copy.error());
  manifest.copy_without_render = std::move(*copy);
  auto hooks = list_of("hooks");
  if (!hooks)
    return std::unexpected(hooks.error());
  for (std::size_t i = 0; i < (*hooks)->size(); ++i) {
    auto hook = parse_hook(reader, (**hooks)[i], fmt::format("hooks[{}]", i));
    if (!hook)
      return std::unexpected(hook.error());
    manifest.hooks.push_back(std::move(*hook));
  }
  return manifest;
}

std::expected<Manifest, FieldError> parse_manifest_text(std::string_view text,
                                                        const std::string& object) {
  const SpecReader reader("blueprint", object);
  auto documents = parse_yaml_documents(text);
  if (!documents) {
    return reader.error(
        fmt::format("(line {}, column {})", documents.error().line, documents.error().column),
        documents.error().message, "fix the YAML syntax");
  }
  if (documents->size() != 1) {
    return reader.error("(document)",
                        fmt::format("has {} YAML documents, want exactly one", documents->size()),
                        "keep one document in blueprint.yaml");
  }
  return parse_manifest(documents->front(), object);
}

}  // namespace cutover::blueprint
