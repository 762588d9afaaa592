// src/policy/plugin.cpp
#include "ccsim/policy/plugin.hpp"

#include "ccsim/core/error.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <stdexcept>

namespace ccsim {

void load_policy_library(const std::string& path, PolicyRegistry& registry)
{
  // dlopen searches the library path for a bare name: make a relative path explicit.
  std::string resolved = path;
  if (path.find('/') == std::string::npos)
    resolved = "./" + path;
  void* handle = dlopen(resolved.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    throw InputError(path, "",
                     std::string("cannot load policy library (expected a shared library built against ccsim's "
                                 "headers): ") +
                         (why != nullptr ? why : "unknown error"));
  }
  using Entry = void (*)(PolicyRegistry&);
  auto* entry = reinterpret_cast<Entry>(dlsym(handle, CCSIM_PLUGIN_ENTRY));
  if (entry == nullptr)
    throw InputError(path, "",
                     "no " CCSIM_PLUGIN_ENTRY " symbol (expected extern \"C\" void " CCSIM_PLUGIN_ENTRY
                     "(ccsim::PolicyRegistry&))");
  try {
    entry(registry);
  } catch (const std::invalid_argument& e) {
    throw InputError(path, "", e.what());
  }
}

} // namespace ccsim
