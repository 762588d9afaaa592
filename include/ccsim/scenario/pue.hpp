// include/ccsim/scenario/pue.hpp: PUE as a function of IT load (a site's "pue" field) and its named presets.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ccsim {

//! PUE as a function of IT-load fraction L (IT power / the site's maximum IT power). Either points, piecewise
//! linear between them and constant beyond the first and last (one point = constant PUE), or an overhead model:
//! facility power = IT x (1 + proportional) + fixed x maximum IT, i.e. PUE(L) = 1 + proportional + fixed / L
//! (docs/model.md "Facility power and PUE").
struct PueCurve {
  std::vector<std::pair<double, double>> points; //!< (load fraction in [0, 1], PUE >= 1), load strictly ascending
  //! Overhead model (when `points` is empty): fixed overhead as a fraction of the maximum IT power (lighting, UPS
  //! idle losses, minimum cooling), and overhead proportional to IT power (cooling and conversion losses).
  double fixed = 0;
  double proportional = 0;

  //! PUE at `load` (clamped to the curve's range; the overhead model at a load of 0 has none: its value at 1e-9).
  double at(double load) const;
  //! Facility power, W, of `it_w` W of IT load on a site that draws at most `max_w` W of IT power.
  double facility_w(double it_w, double max_w) const;
  static PueCurve constant(double pue) { return PueCurve{{{1.0, pue}}}; }
  static PueCurve overhead(double fixed, double proportional) { return PueCurve{{}, fixed, proportional}; }
};

//! National average PUE of computing centers, 2024 (../shared/docs/domain-facts.md): the default.
inline constexpr double DEFAULT_PUE = 1.47;

//! Named presets: "legacy-air", "modern-air", "liquid-cooled" (values and sources in docs/model.md).
std::optional<PueCurve> pue_preset(std::string_view name);
std::vector<std::string> pue_preset_names();

} // namespace ccsim
