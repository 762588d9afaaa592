// include/ccsim/policy/plugin.hpp
#pragma once

#include "ccsim/policy/registry.hpp"

#include <string>

//! The one symbol an out-of-tree policy library exports (docs/extending.md):
//!   extern "C" void ccsim_register_policies(ccsim::PolicyRegistry& registry);
//! It adds its policies by name, exactly as register_builtin_policies() does.
#define CCSIM_PLUGIN_ENTRY "ccsim_register_policies"

namespace ccsim {

//! Loads the policy library at `path` and lets it register its policies in `registry`. The library is kept
//! loaded for the life of the process. Throws InputError (file = path) if it cannot be loaded, lacks the entry
//! point, or registers a name that already exists.
void load_policy_library(const std::string& path, PolicyRegistry& registry);

} // namespace ccsim
