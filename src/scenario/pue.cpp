// src/scenario/pue.cpp
#include "ccsim/scenario/pue.hpp"

#include <array>

namespace ccsim {

double PueCurve::at(double load) const
{
  if (points.empty())
    return DEFAULT_PUE;
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

namespace {
struct Preset {
  std::string_view name;
  PueCurve curve;
};
// Fixed overheads (lighting, UPS losses, minimum cooling) make PUE rise at low IT load. Anchors from
// domain-facts.md: legacy air-cooled rooms 1.5-1.8, national average 1.47, liquid cooling 1.1-1.2.
const std::array<Preset, 3>& presets()
{
  static const std::array<Preset, 3> table = {{
      {"legacy-air", PueCurve{{{0.2, 1.85}, {0.5, 1.65}, {1.0, 1.55}}}},
      {"modern-air", PueCurve{{{0.2, 1.60}, {0.5, 1.42}, {1.0, 1.30}}}},
      {"liquid-cooled", PueCurve{{{0.2, 1.30}, {0.5, 1.16}, {1.0, 1.10}}}},
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
