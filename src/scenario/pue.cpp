// src/scenario/pue.cpp
#include "ccsim/scenario/pue.hpp"

#include <algorithm>
#include <array>

namespace ccsim {

double PueCurve::at(double load) const
{
  if (points.empty())
    return 1 + proportional + fixed / std::clamp(load, 1e-9, 1.0);
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

double PueCurve::facility_w(double it_w, double max_w) const
{
  if (points.empty()) // exact at every load, 0 included
    return it_w * (1 + proportional) + fixed * max_w;
  return it_w * at(max_w > 0 ? it_w / max_w : 0.0);
}

namespace {
struct Preset {
  std::string_view name;
  PueCurve curve;
};
// Fixed overheads (lighting, UPS losses, minimum cooling) make PUE rise at low IT load: PUE(L) = 1 + p + f / L
// through the anchors of docs/sources.md at full and half load (legacy air-cooled rooms 1.5-1.8, national average
// 1.47, liquid cooling 1.1-1.2): f = PUE(0.5) - PUE(1), p = PUE(1) - 1 - f (issue 23, item 7: three points held
// constant below 20 % load were too flat there).
const std::array<Preset, 3>& presets()
{
  static const std::array<Preset, 3> table = {{
      {"legacy-air", PueCurve::overhead(0.10, 0.45)},    // 1.55 at full load, 1.65 at half, 1.95 at 20 %
      {"modern-air", PueCurve::overhead(0.12, 0.18)},    // 1.30, 1.42, 1.78
      {"liquid-cooled", PueCurve::overhead(0.06, 0.04)}, // 1.10, 1.16, 1.34
  }};
  return table;
}
} // namespace

std::optional<PueCurve> pue_preset(std::string_view name)
{
  for (const auto& p : presets())
    if (p.name == name)
      return p.curve;
  return std::nullopt;
}

std::vector<std::string> pue_preset_names()
{
  std::vector<std::string> out;
  for (const auto& p : presets())
    out.emplace_back(p.name);
  return out;
}

} // namespace ccsim
