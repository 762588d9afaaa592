// include/ccsim/core/json_reader.hpp
#pragma once

#include "ccsim/core/error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace ccsim {

//! Parses JSON text; a syntax error becomes an InputError located by line and column in `file`.
nlohmann::json parse_json_text(std::string_view text, const std::string& file);
//! The JSON document in `text`, or nullopt if it is not JSON; nesting past MAX_JSON_DEPTH or a duplicate key in an
//! object throws InputError (located in `file`).
std::optional<nlohmann::json> try_parse_json_text(std::string_view text, const std::string& file);

//! The deepest nesting of arrays and objects ccsim reads: scenarios, traces and sweep files need fewer than ten;
//! a document nested ~90,000 deep crashed ccsim (recursion in code that walks the document).
inline constexpr std::size_t MAX_JSON_DEPTH = 256;

//! Throws InputError located at the bracket that opens level MAX_JSON_DEPTH + 1 of `text`, if any (a scan that
//! skips strings; it does not check the rest of the syntax).
void check_json_nesting(std::string_view text, const std::string& file);
//! Reads and parses a JSON file; a missing file or a syntax error becomes an InputError.
nlohmann::json parse_json_file(const std::string& path, std::string* bytes_out = nullptr);

//! Appends `key` to a JSON pointer, escaping '~' and '/' (RFC 6901).
std::string pointer_append(const std::string& pointer, std::string_view key);
//! Short human description of a JSON value for error messages: `string "abc"`, `number -5`, `null`...
std::string describe_json(const nlohmann::json& value);

//! Reads the fields of one JSON object, reporting every problem into a Diagnostics with its JSON pointer.
//! Accessors return std::nullopt after reporting; unknown keys are reported on construction.
class ObjectReader {
public:
  enum class Need : std::uint8_t { REQUIRED, OPTIONAL };

  ObjectReader(const nlohmann::json& value, std::string pointer, std::string file, Diagnostics& diags,
               std::initializer_list<std::string_view> known_keys);

  bool is_object() const { return object_ != nullptr; }
  bool has(std::string_view key) const;
  const std::string& pointer() const { return pointer_; }
  std::string pointer_of(std::string_view key) const { return pointer_append(pointer_, key); }
  const std::string& file() const { return file_; }
  Diagnostics& diagnostics() const { return *diags_; }

  //! The raw value at `key`, or nullptr (reported when REQUIRED).
  const nlohmann::json* value(std::string_view key, Need need) const;
  //! A finite number in [min, max]; `min_exclusive` makes the lower bound strict.
  std::optional<double> number(std::string_view key, Need need, double min, double max,
                               bool min_exclusive = false) const;
  //! An integer in [min, max] (a number with a fractional part is rejected).
  std::optional<std::int64_t> integer(std::string_view key, Need need, std::int64_t min, std::int64_t max) const;
  //! A non-empty string.
  std::optional<std::string> string(std::string_view key, Need need) const;
  std::optional<bool> boolean(std::string_view key, Need need) const;
  //! An identifier: a non-empty string, or an integer kept as its decimal text.
  std::optional<std::string> identifier(std::string_view key, Need need) const;
  //! Reports a problem at `key` of this object.
  void error(std::string_view key, std::string message) const;
  //! Reports a problem at this object itself.
  void error_here(std::string message) const;

private:
  const nlohmann::json* object_ = nullptr;
  std::string pointer_;
  std::string file_;
  Diagnostics* diags_;
};

//! Iterates the JSON array at `key` of `obj`, calling f(element, its JSON pointer). Reports a value that is not an
//! array (and a missing one when REQUIRED).
template <typename F>
void for_each_element(const ObjectReader& obj, std::string_view key, ObjectReader::Need need, F&& f)
{
  const auto* v = obj.value(key, need);
  if (v == nullptr)
    return;
  if (not v->is_array()) {
    obj.error(key, "expected an array, found " + describe_json(*v));
    return;
  }
  const std::string base = obj.pointer_of(key);
  for (std::size_t i = 0; i < v->size(); i++)
    f((*v)[i], base + "/" + std::to_string(i));
}

} // namespace ccsim
