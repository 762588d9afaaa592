// include/ccsim/scenario/loader.hpp
#pragma once

#include "ccsim/scenario/scenario.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace ccsim {

//! One edit of a scenario document before it is read: the value at a JSON pointer (RFC 6901) is replaced, or
//! created with its missing parent objects. `ccsim run --set` and `ccsim sweep` axes use it.
struct ScenarioEdit {
  std::string pointer;
  nlohmann::json value;
};
//! Parses "POINTER=JSON" (e.g. `/scheduler/placement="best-fit"`, `/sites/0/pue=1.2`); a value that is not valid
//! JSON is taken as a string. Throws InputError naming `source` on a malformed pointer.
ScenarioEdit parse_scenario_edit(const std::string& text, const std::string& source);
//! Sets the edit's value in `doc`: object members are replaced or added (missing objects on the way are created);
//! array elements only replaced, where they exist, or appended with "-" as the last token. Never grows an array by
//! an index past its end (a huge index would fill it with nulls until memory runs out). Throws InputError naming
//! `path` and the pointer.
void apply_scenario_edit(nlohmann::json& doc, const ScenarioEdit& edit, const std::string& path);

//! When the results folder is the default results/<name>: throws InputError at /name unless the name is one folder
//! name (at most 200 bytes, no / or \, no control characters, not . or ..). Called when no --out is given.
void check_results_folder_name(const Scenario& s);
//! The load stage: reads, parses and validates a scenario file, with `edits` applied to the parsed document first
//! (relative paths inside still resolve against `path`'s folder; the scenario's sha256 covers the file's bytes
//! and the edits). Throws InputError with every problem found, each located by JSON pointer (or line and column
//! for malformed JSON). It reads the files that define the platform (catalog, node lists) and trace-backed
//! generator distributions, but not the workload's trace and does not generate jobs: prepare() does.
Scenario load_scenario(const std::string& path, const std::vector<ScenarioEdit>& edits = {},
                       const std::vector<nlohmann::json>& patches = {});
//! Applies a JSON Patch (RFC 6902: add, remove, replace, move, copy, test) to a scenario document; InputError
//! naming `source` and the operation when it does not apply (`doc` is then partly patched: callers drop it).
void apply_scenario_patch(nlohmann::json& doc, const nlohmann::json& patch, const std::string& source);

//! Same from JSON already parsed; `file` names the source in messages, `sha256` is stored as given.
Scenario scenario_from_json(const nlohmann::json& doc, const std::string& file, const std::string& sha256);

} // namespace ccsim
