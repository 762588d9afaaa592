// src/core/json_reader.cpp
#include "ccsim/core/json_reader.hpp"

#include "ccsim/core/line_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace ccsim {

namespace {
//! "line L, column C" of byte offset `offset` (0-based) in `text`.
std::string line_column(std::string_view text, std::size_t offset)
{
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < std::min(offset, text.size()); i++) {
    if (text[i] == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return fmt::format("line {}, column {}", line, column);
}

//! nlohmann's message without its "[json.exception.x.N] parse error at line 1, column 2: " prefix.
std::string strip_prefix(const std::string& what)
{
  const auto colon = what.find(": ");
  if (what.starts_with("[json.exception.parse_error") && colon != std::string::npos)
    return what.substr(colon + 2);
  const auto bracket = what.find("] ");
  return bracket == std::string::npos ? what : what.substr(bracket + 2);
}
//! nlohmann's DOM builder, plus a refusal of duplicate keys (nlohmann keeps the last silently, so a scenario with
//! "seed" twice ran with the second). Each open container's address is kept: the object a key lands in is a lookup.
class StrictDomBuilder {
public:
  using json = nlohmann::json;
  StrictDomBuilder(json& result, bool syntax_errors_throw)
      : dom_(result, syntax_errors_throw)
      , result_(&result)
  {
  }
  //! The pointer to the object holding the first duplicate key and the key, if any.
  const std::optional<std::pair<std::string, std::string>>& duplicate() const { return duplicate_; }

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) { return dom_.number_float(v, s); }
  bool string(json::string_t& v) { return dom_.string(v); }
  bool binary(json::binary_t& v) { return dom_.binary(v); }
  bool start_object(std::size_t n) { return opened(dom_.start_object(n)); }
  bool start_array(std::size_t n) { return opened(dom_.start_array(n)); }
  bool end_object()
  {
    open_.pop_back();
    return dom_.end_object();
  }
  bool end_array()
  {
    open_.pop_back();
    return dom_.end_array();
  }
  bool key(json::string_t& k)
  {
    if (open_.back().container->contains(k)) {
      duplicate_.emplace(pointer(), k);
      return false; // stops the parse
    }
    open_.back().key = k;
    return dom_.key(k);
  }
  template <typename Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& e)
  {
    return dom_.parse_error(position, token, e);
  }

private:
  struct Open {
    json* container;
    std::string key; // an object's current key
  };
  //! Records the container just opened: the root, the last element of an array, or the current key's value.
  bool opened(bool ok)
  {
    if (open_.empty()) {
      open_.push_back({result_, {}});
    } else {
      json& parent = *open_.back().container;
      open_.push_back({parent.is_array() ? &parent.back() : &parent[open_.back().key], {}});
    }
    return ok;
  }
  //! JSON pointer of the innermost open container.
  std::string pointer() const
  {
    std::string out;
    for (std::size_t i = 0; i + 1 < open_.size(); i++)
      out = open_[i].container->is_array() ? out + "/" + std::to_string(open_[i].container->size() - 1)
                                           : pointer_append(out, open_[i].key);
    return out.empty() ? "/" : out;
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  json* result_;
  std::vector<Open> open_;
  std::optional<std::pair<std::string, std::string>> duplicate_;
};
} // namespace

void check_json_nesting(std::string_view text, const std::string& file)
{
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); i++) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > MAX_JSON_DEPTH)
        throw InputError(file, line_column(text, i),
                         fmt::format("JSON nested deeper than {} levels (expected the shallow structure of a ccsim "
                                     "input)",
                                     MAX_JSON_DEPTH));
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
}

namespace {
//! The document, or nullopt if `text` is not JSON (with `syntax_errors_throw` false); a duplicate key throws.
std::optional<nlohmann::json> parse_strict(std::string_view text, const std::string& file, bool syntax_errors_throw)
{
  nlohmann::json result;
  StrictDomBuilder builder(result, syntax_errors_throw);
  const bool parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &builder);
  if (const auto& dup = builder.duplicate())
    throw InputError(file, dup->first,
                     fmt::format("the key \"{}\" appears twice in this object (expected each key once: JSON readers "
                                 "disagree on which one counts)",
                                 printable(dup->second, 200)));
  if (not parsed)
    return std::nullopt;
  return result;
}
} // namespace

std::optional<nlohmann::json> try_parse_json_text(std::string_view text, const std::string& file)
{
  check_json_nesting(text, file);
  return parse_strict(text, file, false);
}

nlohmann::json parse_json_text(std::string_view text, const std::string& file)
{
  check_json_nesting(text, file);
  try {
    return *parse_strict(text, file, true);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann's byte offset is 1-based and points one past the culprit.
    throw InputError(file, line_column(text, e.byte == 0 ? 0 : e.byte - 1),
                     "malformed JSON: " + strip_prefix(e.what()));
  } catch (const nlohmann::json::exception& e) {
    // e.g. out_of_range 406 "number overflow parsing '1e400'": locate the quoted token.
    const std::string message = strip_prefix(e.what());
    std::string location;
    if (const auto q = message.find('\''); q != std::string::npos) {
      const auto q2 = message.find('\'', q + 1);
      if (const auto at = text.find(message.substr(q + 1, q2 - q - 1)); q2 != std::string::npos && at != text.npos)
        location = line_column(text, at);
    }
    throw InputError(file, location, "malformed JSON: " + message + " (expected a finite number)");
  }
}

nlohmann::json parse_json_file(const std::string& path, std::string* bytes_out)
{
  std::string bytes = read_file_text(path, "JSON file");
  nlohmann::json value = parse_json_text(bytes, path);
  if (bytes_out != nullptr)
    *bytes_out = std::move(bytes);
  return value;
}

std::string pointer_append(const std::string& pointer, std::string_view key)
{
  std::string out = pointer;
  out += '/';
  for (const char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string describe_json(const nlohmann::json& value)
{
  static constexpr std::size_t MAX_SHOWN = 40;
  std::string shown = value.dump();
  if (shown.size() > MAX_SHOWN)
    shown = shown.substr(0, MAX_SHOWN) + "...";
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "string " + shown;
    case nlohmann::json::value_t::boolean:
      return "boolean " + shown;
    default:
      return "number " + shown;
  }
}

ObjectReader::ObjectReader(const nlohmann::json& value, std::string pointer, std::string file, Diagnostics& diags,
                           std::initializer_list<std::string_view> known_keys)
    : pointer_(std::move(pointer))
    , file_(std::move(file))
    , diags_(&diags)
{
  if (not value.is_object()) {
    diags_->add(file_, pointer_.empty() ? "/" : pointer_, "expected an object, found " + describe_json(value));
    return;
  }
  object_ = &value;
  for (const auto& [key, _] : value.items()) {
    bool known = false;
    for (const auto k : known_keys)
      known = known || k == key;
    if (not known) {
      std::string expected;
      for (const auto k : known_keys)
        expected += (expected.empty() ? "" : ", ") + std::string(k);
      diags_->add(file_, pointer_of(key), "unknown field \"" + key + "\" (expected one of: " + expected + ")");
    }
  }
}

bool ObjectReader::has(std::string_view key) const
{
  return object_ != nullptr && object_->contains(key);
}

const nlohmann::json* ObjectReader::value(std::string_view key, Need need) const
{
  if (object_ == nullptr)
    return nullptr;
  const auto it = object_->find(key);
  if (it == object_->end()) {
    if (need == Need::REQUIRED)
      diags_->add(file_, pointer_of(key), "missing required field \"" + std::string(key) + "\"");
    return nullptr;
  }
  return &*it;
}

std::optional<double> ObjectReader::number(std::string_view key, Need need, double min, double max,
                                           bool min_exclusive) const
{
  const auto* v = value(key, need);
  if (v == nullptr)
    return std::nullopt;
  if (not v->is_number()) {
    error(key, "expected a number, found " + describe_json(*v));
    return std::nullopt;
  }
  const double x = v->get<double>();
  const bool below = min_exclusive ? not(x > min) : not(x >= min);
  if (not std::isfinite(x) || below || x > max) {
    std::string range = fmt::format("{} {}", min_exclusive ? ">" : ">=", min);
    if (std::isfinite(max))
      range += fmt::format(" and <= {:g}", max);
    error(key, fmt::format("expected a finite number {}, found {}", range, v->dump()));
    return std::nullopt;
  }
  return x;
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, Need need, std::int64_t min,
                                                  std::int64_t max) const
{
  const auto* v = value(key, need);
  if (v == nullptr)
    return std::nullopt;
  std::optional<std::int64_t> x;
  if (v->is_number_integer()) {
    // Above INT64_MAX (2^63 as an unsigned) is out of every range: not clamped into it.
    if (not v->is_number_unsigned() || v->get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX))
      x = v->get<std::int64_t>();
  } else if (v->is_number_float()) {
    const double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.0e15)
      x = static_cast<std::int64_t>(d);
  }
  if (not x || *x < min || *x > max) {
    error(key, fmt::format("expected an integer in [{}, {}], found {}", min, max, describe_json(*v)));
    return std::nullopt;
  }
  return x;
}

std::optional<std::string> ObjectReader::string(std::string_view key, Need need) const
{
  const auto* v = value(key, need);
  if (v == nullptr)
    return std::nullopt;
  if (not v->is_string() || v->get_ref<const std::string&>().empty()) {
    error(key, "expected a non-empty string, found " + describe_json(*v));
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<bool> ObjectReader::boolean(std::string_view key, Need need) const
{
  const auto* v = value(key, need);
  if (v == nullptr)
    return std::nullopt;
  if (not v->is_boolean()) {
    error(key, "expected true or false, found " + describe_json(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> ObjectReader::identifier(std::string_view key, Need need) const
{
  const auto* v = value(key, need);
  if (v == nullptr)
    return std::nullopt;
  if (v->is_string() && not v->get_ref<const std::string&>().empty())
    return v->get<std::string>();
  if (v->is_number_integer())
    return v->dump();
  error(key, "expected a non-empty string or an integer, found " + describe_json(*v));
  return std::nullopt;
}

void ObjectReader::error(std::string_view key, std::string message) const
{
  diags_->add(file_, pointer_of(key), std::move(message));
}

void ObjectReader::error_here(std::string message) const
{
  diags_->add(file_, pointer_.empty() ? "/" : pointer_, std::move(message));
}

} // namespace ccsim
