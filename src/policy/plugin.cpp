// src/policy/plugin.cpp
#include "ccsim/policy/plugin.hpp"

#include "ccsim/core/error.hpp"

#include <dlfcn.h>
#include <link.h>

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
  void* symbol = dlsym(handle, CCSIM_PLUGIN_ENTRY);
  if (symbol == nullptr)
    throw InputError(path, "",
                     "no " CCSIM_PLUGIN_ENTRY " symbol (expected extern \"C\" void " CCSIM_PLUGIN_ENTRY
                     "(ccsim::PolicyRegistry&))");
  // A variable of that name would be "called" (a crash): the symbol must be a function.
  Dl_info info{};
  void* entry_of_symbol = nullptr;
  const int found = dladdr1(symbol, &info, &entry_of_symbol, RTLD_DL_SYMENT);
  const auto* elf = static_cast<const ElfW(Sym)*>(entry_of_symbol);
  if (found == 0 || elf == nullptr ||
      (ELF64_ST_TYPE(elf->st_info) != STT_FUNC && ELF64_ST_TYPE(elf->st_info) != STT_GNU_IFUNC))
    throw InputError(path, "",
                     CCSIM_PLUGIN_ENTRY " is not a function (expected extern \"C\" void " CCSIM_PLUGIN_ENTRY
                                        "(ccsim::PolicyRegistry&))");
  auto* entry = reinterpret_cast<Entry>(symbol);
  const auto from = [&](PolicyRegistry& r, const std::string& origin) {
    r.queues.set_origin(origin);
    r.placements.set_origin(origin);
    r.fills.set_origin(origin);
  };
  from(registry, "policy library " + path);
  try {
    entry(registry);
  } catch (const std::exception& e) {
    from(registry, "");
    throw InputError(path, "", std::string(CCSIM_PLUGIN_ENTRY " failed: ") + e.what());
  } catch (...) {
    from(registry, "");
    throw InputError(path, "", CCSIM_PLUGIN_ENTRY " threw something that is not a std::exception");
  }
  from(registry, "");
}

} // namespace ccsim
