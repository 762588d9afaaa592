// include/ccsim/fill/builtin.hpp
#pragma once

#include "ccsim/fill/fill.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace ccsim {

//! A fill-mode policy as registered: name, description and a factory taking its parameters (null when absent;
//! throws std::invalid_argument when they are wrong).
struct FillRegistration {
  std::string name, description;
  std::function<std::unique_ptr<FillPolicy>(const nlohmann::json& params)> factory;
};

//! random, best-fit, dot-product, gpu-packing, gpu-clustering, fgd.
std::vector<FillRegistration> builtin_fill_policies();

} // namespace ccsim
