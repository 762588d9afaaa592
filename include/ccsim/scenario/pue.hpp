// include/ccsim/scenario/pue.hpp: PUE as a function of IT load and, with a cooling model, of the outdoor
// temperature (a site's or a rack group's "pue" field), and its named presets.
#pragma once

#include "ccsim/cooling/cooling.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ccsim {

//! PUE as a function of IT-load fraction L (IT power / the site's maximum IT power). Either points, piecewise
//! linear between them and constant beyond the first and last (one point = constant PUE), or an overhead model:
//! facility power = IT x (1 + proportional) + fixed x maximum IT, i.e. PUE(L) = 1 + proportional + fixed / L
//! (docs/model.md "Facility power and PUE"). With a cooling model (overhead models only), the cooling power per W
//! of IT at the outdoor temperature adds to it: PUE(L, T) = 1 + proportional + fixed / L + cooling(T)
//! (docs/model.md "Weather-driven PUE").
struct PueCurve {
  std::vector<std::pair<double, double>> points; //!< (load fraction in [0, 1], PUE >= 1), load strictly ascending
  //! Overhead model (when `points` is empty): fixed overhead as a fraction of the maximum IT power (lighting, UPS
  //! idle losses, minimum cooling), and overhead proportional to IT power (cooling and conversion losses).
  double fixed = 0;
  double proportional = 0;
  //! Cooling that follows the outdoor temperature (then `proportional` is the rest: conversion losses).
  std::optional<CoolingModel> cooling;

  //! PUE at `load` (clamped to the curve's range; the overhead model at a load of 0 has none: its value at 1e-9),
  //! at outdoor temperature `t_c` when it has a cooling model (ignored otherwise).
  double at(double load, double t_c = 0) const;
  //! Facility power, W, of `it_w` W of IT load on a site (or hall) that draws at most `max_w` W of IT power, at
  //! outdoor temperature `t_c` when it has a cooling model (ignored otherwise).
  double facility_w(double it_w, double max_w, double t_c = 0) const;
  //! The same without the cooling model's part (all of it without a cooling model).
  double facility_without_cooling_w(double it_w, double max_w) const;
  static PueCurve constant(double pue) { return PueCurve{{{1.0, pue}}, 0, 0, std::nullopt}; }
  static PueCurve overhead(double fixed, double proportional)
  {
    return PueCurve{{}, fixed, proportional, std::nullopt};
  }
};

//! National average PUE of computing centers, 2024 (../shared/docs/domain-facts.md): the default.
inline constexpr double DEFAULT_PUE = 1.47;

//! Named presets: "legacy-air", "modern-air", "liquid-cooled" (IT load only), "air-chiller", "evaporative",
//! "liquid-warm-water" (with a cooling model: the site needs a climate). Values and sources in docs/model.md.
std::optional<PueCurve> pue_preset(std::string_view name);
std::vector<std::string> pue_preset_names();

} // namespace ccsim
