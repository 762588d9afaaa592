// src/output/report_text.cpp
#include "ccsim/output/report_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

namespace ccsim {

std::string human_duration(double seconds)
{
  if (seconds < 60)
    return fmt::format("{:.3g} s", seconds);
  if (seconds < 3600)
    return fmt::format("{:.1f} min", seconds / 60);
  if (seconds < 86400)
    return fmt::format("{:.1f} h", seconds / 3600);
  return fmt::format("{:.1f} d", seconds / 86400);
}

std::string summary_text(const nlohmann::ordered_json& s, const Cluster& cluster)
{
  std::string out;
  auto line = [&out](const std::string& text) { out += text + "\n"; };
  const auto pct = [](double x) { return fmt::format("{:.1f} %", 100 * x); };

  std::map<std::string, int> sites_per_region;
  for (const auto& site : cluster.sites)
    sites_per_region[site.region]++;
  std::string regions;
  for (const auto& [region, n] : sites_per_region)
    regions += fmt::format("{}{} {}", regions.empty() ? "" : ", ", region, n);
  std::string types;
  for (std::size_t t = 0; t < cluster.types.size(); t++)
    types += fmt::format("{}{} x{}", types.empty() ? "" : ", ", cluster.types[t].name,
                         cluster.accelerators_of_type(static_cast<std::uint16_t>(t)));

  line(fmt::format("scenario    {} (seed {}, queue {}, placement {})", s["scenario"]["name"].get<std::string>(),
                   s["seed"].get<std::uint64_t>(), s["scheduler"]["queue"].get<std::string>(),
                   s["scheduler"]["placement"].get<std::string>()));
  line(fmt::format("platform    {} sites ({}), {} racks, {} nodes, {} accelerators", cluster.sites.size(), regions,
                   cluster.racks.size(), cluster.node_count(), cluster.accelerator_count()));
  line(fmt::format("            {}", types));
  const auto& jobs = s["jobs"];
  line(fmt::format("jobs        {} submitted, {} completed, {} killed at walltime; makespan {}",
                   jobs["submitted"].get<std::uint64_t>(), jobs["completed"].get<std::uint64_t>(),
                   jobs["killed_at_walltime"].get<std::uint64_t>(), human_duration(s["makespan_s"].get<double>())));
  const auto& w = s["wait_s"];
  line(fmt::format("wait        mean {}, median {}, p95 {}, max {}", human_duration(w["mean"].get<double>()),
                   human_duration(w["median"].get<double>()), human_duration(w["p95"].get<double>()),
                   human_duration(w["max"].get<double>())));
  if (const auto* causes = s.contains("wait_causes") ? &s["wait_causes"] : nullptr; causes != nullptr) {
    const double total = (*causes)["total_accelerator_hours"].get<double>();
    std::vector<std::pair<double, std::string>> shares; // largest first, then in cause order
    for (const auto& [name, h] : (*causes)["accelerator_hours"].items())
      if (h.get<double>() > 0)
        shares.emplace_back(h.get<double>(), name);
    std::stable_sort(shares.begin(), shares.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string text;
    for (const auto& [h, name] : shares)
      text += fmt::format("{}{} {}", text.empty() ? "" : ", ", name, pct(h / total));
    line(total > 0 ? fmt::format("  causes    {} of {:.1f} accelerator-hours waited", text, total)
                   : std::string("  causes    no job waited"));
    if (causes->contains("bottleneck"))
      line("  what-if   " + (*causes)["bottleneck"]["what_if"].get<std::string>());
  }
  line(fmt::format("slowdown    bounded (tau {} s): mean {:.2f}, max {:.1f}",
                   s["bounded_slowdown"]["tau_s"].get<double>(), s["bounded_slowdown"]["mean"].get<double>(),
                   s["bounded_slowdown"]["max"].get<double>()));
  const auto& u = s["utilization"];
  line(fmt::format("utilization {} of accelerator time over the makespan, {} productive (at the reference "
                   "placement, without staging)",
                   pct(u["accelerators"].get<double>()), pct(u["productive"].get<double>())));
  std::string by_type;
  for (const auto& [name, v] : u["by_type"].items())
    by_type += fmt::format("{}{} {}", by_type.empty() ? "" : ", ", name, pct(v.get<double>()));
  line("  by type   " + by_type);
  std::map<std::string, std::pair<double, double>> region_busy; // region -> (busy share numerator, accelerators)
  for (const auto& site : cluster.sites) {
    auto& r = region_busy[site.region];
    r.first += u["by_site"][site.name].get<double>() * static_cast<double>(site.accelerators);
    r.second += static_cast<double>(site.accelerators);
  }
  std::string by_region;
  for (const auto& [region, r] : region_busy)
    by_region +=
        fmt::format("{}{} {}", by_region.empty() ? "" : ", ", region, pct(r.second > 0 ? r.first / r.second : 0));
  line("  by region " + by_region);
  const double int8_eop = s["flops"].value("delivered_int8_eop", 0.0);
  line(fmt::format("computing   {:.1f} % of peak FLOPs delivered (bf16-rated capacity over the makespan){}",
                   100 * s["flops"]["delivered_fraction"].get<double>(),
                   int8_eop > 0 ? fmt::format("; {:.4g} EOP of int8 besides", int8_eop) : ""));
  if (const auto stranded = s["stranded"]["accelerators"].get<std::uint64_t>(); stranded > 0)
    line(fmt::format("stranded    {} accelerators can never run: rack power caps forbid them ({:.1f} % of the "
                     "platform)",
                     stranded,
                     100.0 * static_cast<double>(stranded) / static_cast<double>(cluster.accelerator_count())));
  if (const auto& st = s["staging"]; st["jobs"].get<std::uint64_t>() > 0) {
    const auto& tiers = st["bytes_by_tier"];
    line(fmt::format("staging     {} jobs moved {:.2f} TB of input ({} hold): metro {:.2f}, regional {:.2f}, national "
                     "{:.2f} TB; mean {}, max {}; {:.1f} accelerator-h held idle",
                     st["jobs"].get<std::uint64_t>(), st["bytes"].get<double>() / 1e12,
                     st["mode"].get<std::string>() == "hold" ? "accelerators" : "no accelerator",
                     tiers["metro"].get<double>() / 1e12, tiers["regional"].get<double>() / 1e12,
                     tiers["national"].get<double>() / 1e12, human_duration(st["mean_s"].get<double>()),
                     human_duration(st["max_s"].get<double>()), st["accelerator_hours_held_idle"].get<double>()));
  }
  if (const auto& cs = s["comm_slowdown"]; cs["jobs"].get<std::uint64_t>() > 0)
    line(fmt::format("collectives {} jobs slowed by the network their placement spans (mean x{:.3f} over jobs that "
                     "communicate, max x{:.2f}): {:.1f} accelerator-h",
                     cs["jobs"].get<std::uint64_t>(), cs["mean"].get<double>(), cs["max"].get<double>(),
                     cs["accelerator_hours"].get<double>()));
  if (s.contains("energy")) {
    line(fmt::format("energy      IT {:.1f} MWh, facility {:.1f} MWh, effective PUE {:.3f}",
                     s["energy"]["it_kwh"].get<double>() / 1000, s["energy"]["facility_kwh"].get<double>() / 1000,
                     s["pue"]["effective"].get<double>()));
    const std::string currency = s["cost"]["currency"].get<std::string>();
    line(fmt::format("cost        {:.0f}{}{} electricity, {:.1f} t CO2", s["cost"]["electricity"].get<double>(),
                     currency.empty() ? "" : " ", currency, s["carbon"]["tco2"].get<double>()));
  }
  if (s.contains("tco")) {
    const auto& t = s["tco"];
    const std::string currency = t["currency"].get<std::string>();
    const auto money = [&](double x) { return fmt::format("{:.4g}{}{}", x, currency.empty() ? "" : " ", currency); };
    line(fmt::format("tco         {} capex; {} a year ({} amortization, {} maintenance, {} electricity; {}'s rates)",
                     money(t["capex"]["total"].get<double>()), money(t["per_year"]["total"].get<double>()),
                     money(t["per_year"]["amortization"].get<double>()),
                     money(t["per_year"]["maintenance"].get<double>()),
                     money(t["per_year"]["electricity"].get<double>()),
                     t["basis"].get<std::string>() == "window" ? "the window" : "the run"));
    if (t["per_delivered_accelerator_hour"].is_number())
      line(fmt::format("            {} per delivered accelerator-hour, {} per delivered EFLOP",
                       money(t["per_delivered_accelerator_hour"].get<double>()),
                       t["per_delivered_eflop"].is_number() ? money(t["per_delivered_eflop"].get<double>())
                                                            : std::string("-")));
  }
  if (s.contains("window")) {
    const auto& win = s["window"];
    line(fmt::format("window      {} to {} ({}; {} jobs submitted in it): mean wait {}, p95 {}, bounded slowdown "
                     "{:.2f}, utilization {}",
                     human_duration(win["start_s"].get<double>()), human_duration(win["end_s"].get<double>()),
                     win["end"].get<std::string>() == "last_arrival" ? "until the last arrival"
                     : win["end"].get<std::string>() == "run_end"    ? "until the run's end"
                                                                     : "until the time given",
                     win["jobs"]["submitted"].get<std::uint64_t>(), human_duration(win["wait_s"]["mean"].get<double>()),
                     human_duration(win["wait_s"]["p95"].get<double>()), win["bounded_slowdown"]["mean"].get<double>(),
                     pct(win["utilization"]["accelerators"].get<double>())));
    if (win.contains("energy")) {
      const std::string currency = win["cost"]["currency"].get<std::string>();
      const auto& a = win["annualized"];
      line(fmt::format("  per year  facility {:.1f} MWh, {:.0f}{}{} electricity, {:.1f} t CO2, {:.0f} accelerator-h "
                       "busy (the window's rates over 365 days)",
                       a["facility_kwh"].get<double>() / 1000, a["electricity_cost"].get<double>(),
                       currency.empty() ? "" : " ", currency, a["tco2"].get<double>(),
                       a["accelerator_hours_busy"].get<double>()));
    }
  }
  return out;
}

} // namespace ccsim
