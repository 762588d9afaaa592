// include/ccsim/scenario/pue.hpp: PUE as a function of IT load (a site's "pue" field) and its named presets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ccsim {

//! PUE as a function of IT-load fraction (IT power / the site's maximum IT power), piecewise linear between
//! points and constant beyond the first and last. One point = constant PUE.
struct PueCurve {
  std::vector<std::pair<double, double>> points; //!< (load fraction in [0, 1], PUE >= 1), load strictly ascending

  //! PUE at `load` (clamped to the curve's range), interpolated linearly.
  double at(double load) const;
  static PueCurve constant(double pue) { return PueCurve{{{1.0, pue}}}; }
};

//! National average PUE of computing centers, 2024 (../shared/docs/domain-facts.md): the default.
inline constexpr double DEFAULT_PUE = 1.47;

//! Named presets: "legacy-air", "modern-air", "liquid-cooled" (values and sources in docs/model.md).
std::optional<PueCurve> pue_preset(std::string_view name);
std::vector<std::string> pue_preset_names();

} // namespace ccsim
