// src/cooling/cooling.cpp
#include "ccsim/cooling/cooling.hpp"

#include "ccsim/core/named.hpp"
#include "ccsim/core/random.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace ccsim {

double CoolingModel::mechanical_share(double t_c) const
{
  return std::clamp((t_c - free_below_c) / (mechanical_above_c - free_below_c), 0.0, 1.0);
}

double CoolingModel::cop(double t_c) const
{
  return std::clamp(cop_at_ref - cop_loss_per_c * (t_c - ref_c), cop_min, cop_max);
}

double CoolingModel::overhead(double t_c) const
{
  const double share = mechanical_share(t_c);
  return share > 0 ? free_overhead + share / cop(t_c) : free_overhead;
}

double mean_overhead(const CoolingModel& model, const StepFunction& temperatures)
{
  const auto& times = temperatures.times();
  const auto& values = temperatures.values();
  if (times.empty())
    return model.overhead(0);
  const double end = temperatures.period_s() > 0 ? temperatures.period_s() : times.back();
  if (not(end > 0))
    return model.overhead(values.back());
  double sum = 0;
  for (std::size_t i = 0; i < times.size(); i++) {
    const double until = i + 1 < times.size() ? times[i + 1] : end;
    sum += model.overhead(values[i]) * (until - times[i]);
  }
  return sum / end;
}

Climate synthesize_climate(const SyntheticClimate& spec, std::uint64_t seed)
{
  constexpr int DAYS = 365, HOURS = 24;
  constexpr double HOUR_S = 3600, TWO_PI = 2 * std::numbers::pi;
  Rng rng(seed);
  const double innovation = std::sqrt(1 - CLIMATE_PERSISTENCE * CLIMATE_PERSISTENCE) * spec.noise_c;
  double anomaly = spec.noise_c > 0 ? spec.noise_c * rng.normal() : 0.0; // stationary from day 0
  std::vector<double> times, dry, wet;
  times.reserve(DAYS * HOURS);
  dry.reserve(DAYS * HOURS);
  wet.reserve(DAYS * HOURS);
  for (int day = 0; day < DAYS; day++) {
    if (day > 0 && spec.noise_c > 0)
      anomaly = CLIMATE_PERSISTENCE * anomaly + innovation * rng.normal();
    for (int hour = 0; hour < HOURS; hour++) {
      const double mid_hour = hour + 0.5;
      const double year_phase = (day + mid_hour / HOURS - spec.coldest_day) / DAYS;
      const double day_phase = (mid_hour - spec.coldest_hour) / HOURS;
      const double t = spec.mean_c - spec.annual_amplitude_c * std::cos(TWO_PI * year_phase) -
                       spec.diurnal_amplitude_c * std::cos(TWO_PI * day_phase) + anomaly;
      times.push_back((day * HOURS + hour) * HOUR_S);
      dry.push_back(t);
      wet.push_back(t - spec.wet_bulb_depression_c);
    }
  }
  const double year_s = DAYS * HOURS * HOUR_S;
  Climate c{StepFunction(times, std::move(dry), year_s), StepFunction(times, std::move(wet), year_s)};
  return c;
}

namespace {
// Rounded climate normals (annual mean; amplitude = (July mean - January mean) / 2; diurnal amplitude = half the
// mean daily range; mean dry-bulb minus wet-bulb depression), docs/model.md "Weather-driven PUE". Daily weather
// anomalies of 3 deg C (standard deviation).
const std::array<Named<SyntheticClimate>, 7>& climate_presets()
{
  static const std::array<Named<SyntheticClimate>, 7> table = {{
      {"beijing", {12.9, 15.0, 5.0, 3.0, 15, 5, 5.0}},
      {"shanghai", {17.1, 12.0, 3.5, 3.0, 15, 5, 3.0}},
      {"guangzhou", {22.4, 7.7, 3.5, 3.0, 15, 5, 3.0}},
      {"chengdu", {16.5, 10.2, 3.5, 3.0, 15, 5, 2.5}},
      {"guiyang", {15.3, 9.5, 3.5, 3.0, 15, 5, 2.5}},
      {"ulanqab", {4.5, 16.3, 6.5, 3.0, 15, 5, 5.5}},
      {"zhongwei", {9.5, 14.8, 6.5, 3.0, 15, 5, 7.0}},
  }};
  return table;
}
} // namespace

std::optional<SyntheticClimate> climate_preset(std::string_view name)
{
  return find_named<SyntheticClimate>(climate_presets(), name);
}

std::vector<std::string> climate_preset_names()
{
  return names_of<SyntheticClimate>(climate_presets());
}

} // namespace ccsim
