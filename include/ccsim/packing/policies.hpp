// include/ccsim/packing/policies.hpp
#pragma once

#include "ccsim/packing/packing.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace ccsim {

//! A fill-mode policy as registered: name, description and a factory taking its parameters (null when absent;
//! throws std::invalid_argument when they are wrong).
struct PackingRegistration {
  std::string name, description;
  std::function<std::unique_ptr<PackingPolicy>(const nlohmann::json& params)> factory;
};

//! random, best-fit, dot-product, gpu-packing, gpu-clustering, fgd.
std::vector<PackingRegistration> builtin_packing_policies();

} // namespace ccsim
