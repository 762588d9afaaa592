// include/ccsim/cooling/cooling.hpp: outdoor temperature over a year (a site's climate) and the cooling power it
// takes per watt of IT power (docs/model.md "Weather-driven PUE").
#pragma once

#include "ccsim/core/step_function.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ccsim {

//! Cooling power per watt of IT power as a function of the outdoor temperature T (dry-bulb, or wet-bulb for
//! evaporative plants and cooling towers):
//!   share(T)    = clamp((T - free_below_c) / (mechanical_above_c - free_below_c), 0, 1)   (mechanical share)
//!   COP(T)      = clamp(cop_at_ref - cop_loss_per_c x (T - ref_c), cop_min, cop_max)       (chiller plant)
//!   overhead(T) = free_overhead + share(T) / COP(T)                                        [W per W of IT]
//! Below free_below_c the economizer (outdoor air, dry coolers, cooling towers) removes all heat and only fans and
//! pumps run; above mechanical_above_c chillers remove it all; in between a linear blend (partial economizer).
struct CoolingModel {
  bool wet_bulb = false;          //!< follows the wet-bulb temperature (evaporative), else the dry-bulb one
  double free_below_c = 10;       //!< full free cooling at or below, deg C
  double mechanical_above_c = 20; //!< full mechanical cooling at or above, deg C (> free_below_c)
  double free_overhead = 0.1;     //!< fans and pumps, W per W of IT (always drawn)
  double cop_at_ref = 5;          //!< chiller plant coefficient of performance at ref_c (W of heat per W)
  double ref_c = 25;              //!< deg C
  double cop_loss_per_c = 0.1;    //!< COP lost per deg C above ref_c (gained below)
  double cop_min = 2, cop_max = 10;

  double mechanical_share(double t_c) const;
  double cop(double t_c) const;
  //! Cooling power per W of IT power at outdoor temperature `t_c`.
  double overhead(double t_c) const;
};

//! A synthetic climate: hourly temperature over a 365-day year starting on 1 January at t = 0, repeating:
//!   T(t) = mean_c - annual_amplitude_c x cos(2 pi (day(t) - coldest_day) / 365)
//!                 - diurnal_amplitude_c x cos(2 pi (hour(t) - coldest_hour) / 24) + anomaly(day)
//! evaluated at the middle of each hour (day(t), hour(t) fractional); anomaly(day) is a seeded AR(1) series of
//! daily weather (persistence 0.7 per day, standard deviation noise_c). Wet-bulb = dry-bulb - wet_bulb_depression_c.
struct SyntheticClimate {
  double mean_c = 15;
  double annual_amplitude_c = 10;
  double diurnal_amplitude_c = 4;
  double noise_c = 0;
  double coldest_day = 15;          //!< day of the year (0 = 1 January) of the annual minimum
  double coldest_hour = 5;          //!< hour of the day of the daily minimum
  double wet_bulb_depression_c = 4; //!< mean dry-bulb minus wet-bulb, deg C
};

//! Day-to-day persistence of the synthetic climate's weather anomaly.
inline constexpr double CLIMATE_PERSISTENCE = 0.7;

//! A site's outdoor temperatures over time, deg C.
struct Climate {
  StepFunction dry_bulb_c;
  std::optional<StepFunction> wet_bulb_c; //!< when given (a series, or a synthetic climate's depression)
  //! The temperature a cooling model follows at time t.
  double temperature_c(const CoolingModel& model, double t) const
  {
    return model.wet_bulb && wet_bulb_c ? wet_bulb_c->at(t) : dry_bulb_c.at(t);
  }
  const StepFunction& series_for(const CoolingModel& model) const
  {
    return model.wet_bulb && wet_bulb_c ? *wet_bulb_c : dry_bulb_c;
  }
};

//! The time-weighted mean of `model`'s overhead over `temperatures` (one period, or up to the last step).
double mean_overhead(const CoolingModel& model, const StepFunction& temperatures);

//! The hourly year of `spec`, its anomalies drawn from `seed`.
Climate synthesize_climate(const SyntheticClimate& spec, std::uint64_t seed);

//! Named climates (rounded climate normals of places with computing hubs; values and sources in docs/model.md).
std::optional<SyntheticClimate> climate_preset(std::string_view name);
std::vector<std::string> climate_preset_names();

} // namespace ccsim
