// tests/plugins/throwing_entry.cpp: a library whose registration function throws something that is not a
// std::exception.
#include <ccsim/policy/plugin.hpp>

extern "C" void ccsim_register_policies(ccsim::PolicyRegistry& /*registry*/)
{
  throw "not a std::exception";
}
