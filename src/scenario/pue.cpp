// src/scenario/pue.cpp
#include "ccsim/scenario/pue.hpp"

#include "ccsim/core/named.hpp"

#include <algorithm>
#include <array>

namespace ccsim {

double PueCurve::at(double load, double t_c) const
{
  if (points.empty())
    return 1 + proportional + fixed / std::clamp(load, 1e-9, 1.0) + (cooling ? cooling->overhead(t_c) : 0.0);
  if (load <= points.front().first)
    return points.front().second;
  for (std::size_t i = 1; i < points.size(); i++) {
    const auto& [x1, y1] = points[i];
    if (load <= x1) {
      const auto& [x0, y0] = points[i - 1];
      return y0 + (y1 - y0) * (load - x0) / (x1 - x0);
    }
  }
  return points.back().second;
}

double PueCurve::facility_w(double it_w, double max_w, double t_c) const
{
  if (points.empty() && cooling) // exact at every load, 0 included
    return it_w * (1 + proportional + cooling->overhead(t_c)) + fixed * max_w;
  return facility_without_cooling_w(it_w, max_w);
}

double PueCurve::facility_without_cooling_w(double it_w, double max_w) const
{
  if (points.empty()) // exact at every load, 0 included
    return it_w * (1 + proportional) + fixed * max_w;
  return it_w * at(max_w > 0 ? it_w / max_w : 0.0);
}

namespace {
// Fixed overheads (lighting, UPS losses, minimum cooling) make PUE rise at low IT load: PUE(L) = 1 + p + f / L
// through the anchors of docs/sources.md at full and half load (legacy air-cooled rooms 1.5-1.8, national average
// 1.47, liquid cooling 1.1-1.2): f = PUE(0.5) - PUE(1), p = PUE(1) - 1 - f (issue 23, item 7: three points held
// constant below 20 % load were too flat there).
// Weather-driven presets (docs/model.md "Weather-driven PUE"): fixed and proportional overheads without cooling
// (lighting, UPS no-load and conversion losses), and a cooling model.
PueCurve weather(double fixed, double proportional, CoolingModel cooling)
{
  PueCurve c = PueCurve::overhead(fixed, proportional);
  c.cooling = cooling;
  return c;
}

const std::array<Named<PueCurve>, 6>& presets()
{
  static const std::array<Named<PueCurve>, 6> table = {{
      {"legacy-air", PueCurve::overhead(0.10, 0.45)},    // 1.55 at full load, 1.65 at half, 1.95 at 20 %
      {"modern-air", PueCurve::overhead(0.12, 0.18)},    // 1.30, 1.42, 1.78
      {"liquid-cooled", PueCurve::overhead(0.06, 0.04)}, // 1.10, 1.16, 1.34
      // Air-cooled hall (CRAH units, water-cooled chillers, a water-side economizer in winter).
      {"air-chiller", weather(0.04, 0.08, {false, 5, 15, 0.142, 4.0, 25, 0.08, 2.0, 7.0})},
      // Indirect evaporative cooling: follows the wet-bulb temperature; trim chillers in humid heat.
      {"evaporative", weather(0.02, 0.05, {true, 12, 22, 0.06, 6.0, 25, 0.15, 2.5, 9.0})},
      // Warm-water cold plates with dry coolers (ASHRAE W40-class water): free cooling up to ~30 deg C outdoors.
      {"liquid-warm-water", weather(0.02, 0.04, {false, 30, 38, 0.05, 6.0, 25, 0.15, 2.5, 9.0})},
  }};
  return table;
}
} // namespace

std::optional<PueCurve> pue_preset(std::string_view name)
{
  return find_named<PueCurve>(presets(), name);
}

std::vector<std::string> pue_preset_names()
{
  return names_of<PueCurve>(presets());
}

} // namespace ccsim
