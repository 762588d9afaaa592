// src/tco/tco.cpp: total cost of ownership from the platform, the scenario's prices and a run's summary.
#include "ccsim/tco/tco.hpp"

#include <algorithm>

namespace ccsim {

namespace {

constexpr double SECONDS_PER_YEAR = 365.0 * 86400.0;

double price_of(const std::map<std::string, double>& by_name, const std::string& name, double fallback)
{
  const auto it = by_name.find(name);
  return it != by_name.end() ? it->second : fallback;
}

double number_at(const nlohmann::ordered_json& doc, const char* pointer)
{
  const nlohmann::ordered_json::json_pointer p(pointer);
  return doc.contains(p) && doc.at(p).is_number() ? doc.at(p).get<double>() : 0.0;
}

} // namespace

std::vector<Diagnostic> tco_problems(const TcoSpec& tco, const Cluster& cluster, const std::string& file)
{
  std::vector<Diagnostic> out;
  for (const AcceleratorType& t : cluster.types)
    if (tco.accelerator_capex_all < 0 && not tco.accelerator_capex.contains(t.name))
      out.push_back({file, "/tco/accelerator_capex", "no price for " + t.name + " (a type the platform uses)"});
  return out;
}

nlohmann::ordered_json tco_json(const TcoSpec& tco, const Cluster& cluster, const nlohmann::ordered_json& summary)
{
  // Capex: what the platform costs to buy and build.
  double accelerators = 0, nodes = 0, facility = 0;
  for (std::size_t t = 0; t < cluster.types.size(); t++)
    accelerators += static_cast<double>(cluster.accelerators_of_type(static_cast<std::uint16_t>(t))) *
                    price_of(tco.accelerator_capex, cluster.types[t].name, std::max(0.0, tco.accelerator_capex_all));
  for (std::uint32_t n = 0; n < cluster.node_count(); n++)
    nodes += price_of(tco.node_capex_by_type, cluster.types[cluster.node_type[n]].name, tco.node_capex);
  const double racks = static_cast<double>(cluster.racks.size()) * tco.rack_capex;
  for (const Site& site : cluster.sites) // per kW of IT capacity: the site's IT power at full load within its caps
    facility += site.max_w / 1000.0 * price_of(tco.facility_by_cooling, site.cooling, tco.facility_capex_per_kw);
  const double capex = accelerators + nodes + racks + facility;

  // A year: the window's rates when there is one (the warm-up and drain left out), else the whole run's.
  const bool windowed = summary.contains("window");
  const double makespan = number_at(summary, "/makespan_s");
  const double scale = makespan > 0 ? SECONDS_PER_YEAR / makespan : 0.0;
  const auto per_year = [&](const char* window_pointer, const char* run_pointer) {
    return windowed ? number_at(summary, window_pointer) : number_at(summary, run_pointer) * scale;
  };
  const double electricity = per_year("/window/annualized/electricity_cost", "/cost/electricity");
  const double busy_hours = per_year("/window/annualized/accelerator_hours_busy", "/accelerator_hours/busy");
  const double eflop = per_year("/window/annualized/delivered_eflop", "/flops/delivered_eflop");
  const double tco2 = per_year("/window/annualized/tco2", "/carbon/tco2");
  const double amortization = capex / tco.amortization_years;
  const double maintenance = capex * tco.maintenance_share_per_year;
  const double total = amortization + maintenance + electricity;

  nlohmann::ordered_json o;
  o["basis"] = windowed ? "window" : "run";
  o["capex"] = {
      {"accelerators", accelerators}, {"nodes", nodes}, {"racks", racks}, {"facility", facility}, {"total", capex}};
  o["per_year"] = {
      {"amortization", amortization}, {"maintenance", maintenance}, {"electricity", electricity}, {"total", total}};
  o["per_delivered_accelerator_hour"] = busy_hours > 0 ? nlohmann::ordered_json(total / busy_hours) : nullptr;
  o["per_delivered_eflop"] = eflop > 0 ? nlohmann::ordered_json(total / eflop) : nullptr;
  o["tco2_per_delivered_eflop"] = eflop > 0 ? nlohmann::ordered_json(tco2 / eflop) : nullptr;
  o["currency"] = summary.contains("cost") ? summary["cost"].value("currency", "") : std::string();
  return o;
}

} // namespace ccsim
