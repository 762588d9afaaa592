// src/power/energy.cpp
#include "ccsim/power/energy.hpp"

#include "ccsim/cluster/score_kernel.hpp"
#include "ccsim/core/calendar.hpp"

#include <fmt/format.h>

#include "ccsim/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

namespace ccsim {

namespace {
constexpr double HOUR_S = 3600;

} // namespace

EnergyMeter::EnergyMeter(const Cluster& cluster, double interval_s, std::string source)
    : cluster_(&cluster)
    , interval_s_(interval_s)
    , source_(std::move(source))
    , sites_(cluster.sites.size())
    , busy_by_type_(cluster.types.size(), 0)
    , usable_free_(cluster.racks.size(), 0)
    , whole_free_(cluster.racks.size(), 0)
    , loose_by_rack_(cluster.racks.size() * MAX_NODE_SIZE, 0)
{
  day_caches_.resize(cluster.sites.size());
  hall_it_w_.resize(cluster.halls.size());
  hall_max_w_.resize(cluster.halls.size());
  hall_idle_w_.resize(cluster.halls.size());
  for (std::uint32_t h = 0; h < cluster.halls.size(); h++) {
    hall_idle_w_[h] = hall_it_w_[h] = cluster.halls[h].idle_w;
    hall_max_w_[h] = cluster.halls[h].max_w;
  }
  // A rack out of service draws nothing, and its hall's fixed overheads shrink with it (docs/model.md "Platform over
  // time").
  rack_online_.assign(cluster.racks.size(), 1);
  for (std::uint32_t r = 0; r < cluster.racks.size(); r++) {
    if (not cluster.racks[r].initially_online)
      set_rack_online(r, false);
    else
      initially_online_ += cluster.racks[r].accelerators;
  }
  for (std::uint32_t s = 0; s < sites_.size(); s++) {
    sites_[s].it_w = 0;
    for (std::uint32_t h = cluster.sites[s].first_hall; h < cluster.sites[s].first_hall + cluster.sites[s].hall_count;
         h++)
      sites_[s].it_w += hall_it_w_[h];
    sites_[s].facility_w = facility_at(s, 0);
  }
  for (std::uint32_t r = 0; r < cluster.racks.size(); r++)
    count_free(r, nullptr);
  refresh_fragmentation();
  if (interval_s_ > 0) {
    series_.columns = {"time_s", "queue_length", "utilization", "fragmentation"};
    for (const auto& t : cluster.types)
      series_.columns.push_back("busy." + t.name);
    if (not cluster.capacity_changes.empty()) // a platform that changes over time
      series_.columns.emplace_back("online_accelerators");
    series_.columns.emplace_back("it_power_w");
    series_.columns.emplace_back("facility_power_w");
    for (const auto& site : cluster.sites)
      series_.columns.push_back("it_power_w." + site.name);
    for (const auto& site : cluster.sites)
      series_.columns.push_back("facility_power_w." + site.name);
    for (const auto& site : cluster.sites) // time-varying only: a constant is in the scenario
      if (site.price_series)
        series_.columns.push_back("price_per_kwh." + site.name);
    for (const auto& site : cluster.sites)
      if (site.carbon_series)
        series_.columns.push_back("carbon_kg_per_kwh." + site.name);
    for (std::uint32_t s = 0; s < cluster.sites.size(); s++) // weather-driven PUE only
      if (cluster.sites[s].weather) {
        series_.columns.push_back("temperature_c." + cluster.sites[s].name);
        if (cluster.sites[s].wet_bulb)
          series_.columns.push_back("wet_bulb_c." + cluster.sites[s].name);
        series_.columns.push_back("pue." + cluster.sites[s].name);
      }
  }
}

void EnergyMeter::set_rack_online(std::uint32_t r, bool online)
{
  if ((rack_online_[r] != 0) == online)
    return;
  rack_online_[r] = online ? 1 : 0;
  const Rack& rack = cluster_->racks[r];
  const double sign = online ? 1.0 : -1.0;
  hall_idle_w_[rack.hall] += sign * rack.idle_w;
  hall_it_w_[rack.hall] += sign * rack.idle_w;
  hall_max_w_[rack.hall] += sign * (rack.idle_w + rack.max_busy * rack.delta_w);
}

double EnergyMeter::facility_at(std::uint32_t site, double t) const
{
  const Site& s = cluster_->sites[site];
  double facility_w = 0;
  for (std::uint32_t h = s.first_hall; h < s.first_hall + s.hall_count; h++) {
    const Hall& hall = cluster_->halls[h];
    facility_w += hall.pue.facility_w(hall_it_w_[h], std::max(0.0, hall_max_w_[h]),
                                      hall.pue.cooling ? s.climate->temperature_c(*hall.pue.cooling, t) : 0.0);
  }
  return facility_w;
}

double EnergyMeter::next_weather_change(std::uint32_t site, double t) const
{
  const Site& s = cluster_->sites[site];
  double next = std::numeric_limits<double>::infinity();
  for (std::uint32_t h = s.first_hall; h < s.first_hall + s.hall_count; h++)
    if (const auto& cooling = cluster_->halls[h].pue.cooling)
      next = std::min(next, s.climate->series_for(*cooling).next_change(t));
  return next;
}

void EnergyMeter::record_sample(double t)
{
  if (samples_ >= MAX_SAMPLES)
    throw InputError(source_, "/output/timeseries_interval_s",
                     fmt::format("the timeseries would exceed {} samples (at t = {} s): expected an interval of at "
                                 "least the makespan / {} (now {} s)",
                                 MAX_SAMPLES, t, MAX_SAMPLES, interval_s_));
  // Utilization = busy / accelerators; fragmentation as kept by update().
  double utilization = 0;
  if (state_ != nullptr) {
    const NodeAggregates a =
        aggregate_nodes(state_->free_counts(), cluster_->node_accels.data(), 0, cluster_->node_count());
    // Over the accelerators in service (all of them on a platform fixed over time).
    const std::uint64_t online = state_->online_accelerators();
    utilization = online > 0 ? static_cast<double>(a.accelerators - a.free) / static_cast<double>(online) : 0.0;
  }
  const double fragmentation = frag_now_;
  samples_++;
  auto& v = row_;
  v.clear();
  v.push_back(t);
  v.push_back(static_cast<double>(queued_));
  v.push_back(utilization);
  v.push_back(fragmentation);
  for (const auto b : busy_by_type_)
    v.push_back(static_cast<double>(b));
  if (not cluster_->capacity_changes.empty())
    v.push_back(static_cast<double>(state_ != nullptr ? state_->online_accelerators() : initially_online_));
  // Facility power at t: a weather-driven site's follows the temperature between updates.
  sample_facility_.resize(sites_.size());
  for (std::uint32_t s = 0; s < sites_.size(); s++)
    sample_facility_[s] = cluster_->sites[s].weather ? facility_at(s, t) : sites_[s].facility_w;
  double it = 0;
  double facility = 0;
  for (std::uint32_t s = 0; s < sites_.size(); s++) {
    it += sites_[s].it_w;
    facility += sample_facility_[s];
  }
  v.push_back(it);
  v.push_back(facility);
  for (const auto& s : sites_)
    v.push_back(s.it_w);
  for (const double f : sample_facility_)
    v.push_back(f);
  for (const auto& site : cluster_->sites)
    if (site.price_series)
      v.push_back(site.price_series->at(t));
  for (const auto& site : cluster_->sites)
    if (site.carbon_series)
      v.push_back(site.carbon_series->at(t));
  for (std::uint32_t s = 0; s < sites_.size(); s++)
    if (const Site& site = cluster_->sites[s]; site.weather) {
      v.push_back(site.climate->dry_bulb_c.at(t));
      if (site.wet_bulb)
        v.push_back(site.climate->wet_bulb_c->at(t));
      v.push_back(sites_[s].it_w > 0 ? sample_facility_[s] / sites_[s].it_w : 0.0);
    }
  v.insert(v.end(), extra_.begin(), extra_.end());
  if (sink_ != nullptr) {
    if (not std::exchange(columns_sent_, true))
      sink_->columns(series_.columns);
    sink_->row(v);
  } else
    series_.values.insert(series_.values.end(), v.begin(), v.end());
}

void EnergyMeter::stream_to(TimeseriesSink& sink)
{
  sink_ = &sink;
}

void EnergyMeter::add_columns(std::span<const std::string> names)
{
  if (samples_ > 0 || columns_sent_)
    throw std::logic_error("EnergyMeter::add_columns(): columns added after the first sample");
  if (interval_s_ <= 0)
    return;
  series_.columns.insert(series_.columns.end(), names.begin(), names.end());
  extra_.resize(extra_.size() + names.size());
}

void EnergyMeter::set_extra(std::span<const std::uint64_t> values)
{
  if (values.size() != extra_.size())
    return; // no timeseries: nothing to sample
  std::copy(values.begin(), values.end(), extra_.begin());
}

void EnergyMeter::sample_until(double t)
{
  if (interval_s_ <= 0)
    return;
  for (double at = static_cast<double>(next_sample_) * interval_s_; at < t;
       at = static_cast<double>(++next_sample_) * interval_s_)
    record_sample(at);
}

void EnergyMeter::count_free(std::uint32_t r, const ClusterState* state)
{
  // Identical nodes: free accelerators the rack's cap allows to run, min(free, max_busy - busy), and of them those
  // on whole free nodes, min(whole free nodes x n, floor(allowance / n) x n). No state: every node idle.
  const Rack& rack = cluster_->racks[r];
  if (rack.node_count == 0)
    return;
  std::uint64_t free = rack.accelerators;
  std::uint64_t free_nodes = rack.node_count;
  std::uint64_t allowance = rack.initial_limit;
  if (state != nullptr) {
    free = free_nodes = 0;
    for (std::uint32_t node = rack.first_node; node < rack.first_node + rack.node_count; node++) {
      free += state->free_on_node(node);
      free_nodes += state->free_on_node(node) == cluster_->node_accels[node] ? 1 : 0;
    }
    allowance = state->rack_allowance(r);
  }
  const std::uint64_t n = cluster_->node_accels[rack.first_node];
  const std::uint64_t usable = std::min(free, allowance);
  const std::uint64_t whole = std::min(free_nodes * n, allowance / n * n);
  // Per threshold k: what a job wanting min(k, n) free on each node it uses can take here is the free on nodes with
  // at least that many, within the cap's allowance; the rest of the usable free is loose for it.
  std::array<std::uint64_t, MAX_NODE_SIZE + 1> on_nodes_with{}; // [f]: free accelerators on nodes with f free
  if (state != nullptr)
    for (std::uint32_t node = rack.first_node; node < rack.first_node + rack.node_count; node++)
      on_nodes_with[state->free_on_node(node)] += state->free_on_node(node);
  else
    on_nodes_with[n] = rack.accelerators;
  std::uint64_t compact = free; // free on nodes with at least k free, k = 1, 2, ...
  std::uint64_t* loose = &loose_by_rack_[static_cast<std::size_t>(r) * MAX_NODE_SIZE];
  for (std::size_t k = 1; k <= MAX_NODE_SIZE; k++) {
    if (k <= n)
      compact -= on_nodes_with[k - 1];
    const std::uint64_t now = usable - std::min(allowance, compact);
    loose_total_[k] = loose_total_[k] - loose[k - 1] + now;
    loose[k - 1] = now;
  }
  // Integer totals, updated by difference: exact whatever the order.
  usable_total_ = usable_total_ - usable_free_[r] + usable;
  whole_total_ = whole_total_ - whole_free_[r] + whole;
  usable_free_[r] = usable;
  whole_free_[r] = whole;
}

void EnergyMeter::refresh_fragmentation()
{
  const auto usable = static_cast<double>(usable_total_);
  frag_now_ = usable_total_ > 0 ? static_cast<double>(usable_total_ - whole_total_) / usable : 0.0;
  double loose = 0;
  if (usable_total_ > 0 && jobs_seen_ > 0) {
    for (std::size_t k = 1; k <= MAX_NODE_SIZE; k++)
      if (sizes_[k] > 0)
        loose += static_cast<double>(sizes_[k]) * static_cast<double>(loose_total_[k]);
    loose /= static_cast<double>(jobs_seen_);
  }
  expected_now_ = usable_total_ > 0 ? loose / usable : 0.0;
}

void EnergyMeter::job_submitted(std::uint32_t accelerators)
{
  if (accelerators == 0)
    return;
  sizes_[std::min<std::size_t>(accelerators, MAX_NODE_SIZE)]++;
  jobs_seen_++;
}

void EnergyMeter::update(double now, const ClusterState& state, std::span<const std::uint32_t> racks,
                         std::size_t queued, std::span<const std::uint64_t> waiting_by_rack,
                         std::span<const std::uint64_t> inactive_ppm_by_rack)
{
  queued_ = queued;
  state_ = &state;
  integrate_fragmentation(now);
  for (const std::uint32_t r : racks)
    count_free(r, &state);
  refresh_fragmentation();
  for (std::uint16_t t = 0; t < busy_by_type_.size(); t++)
    busy_by_type_[t] = state.busy_of_type(t);
  // The sites of the changed racks (racks are numbered site by site, so ascending racks give ascending sites).
  std::uint32_t previous = NO_SITE;
  for (const std::uint32_t r : racks) {
    const std::uint32_t s = cluster_->racks[r].site;
    if (s == previous)
      continue;
    previous = s;
    integrate_site(s, now);
    if (not cluster_->capacity_changes.empty())
      for (std::uint32_t q = cluster_->sites[s].first_rack;
           q < cluster_->sites[s].first_rack + cluster_->sites[s].rack_count; q++)
        set_rack_online(q, state.rack_online(q) || state.busy_in_rack(q) > 0); // drawing power
    SiteMeter& m = sites_[s];
    // Per rack: its nodes' power per busy accelerator (accelerator and node base) is one figure; summed by hall.
    const Site& site = cluster_->sites[s];
    const auto add_rack = [&](double& it, std::uint32_t q) {
      const std::uint64_t waiting = waiting_by_rack.empty() ? 0 : waiting_by_rack[q];
      it += static_cast<double>(state.busy_in_rack(q) - waiting) * cluster_->racks[q].delta_w;
      if (const std::uint64_t inactive = inactive_ppm_by_rack.empty() ? 0 : inactive_ppm_by_rack[q]; inactive > 0) {
        const AcceleratorType& type = cluster_->types[cluster_->node_type[cluster_->racks[q].first_node]];
        it -= static_cast<double>(inactive) * 1e-6 * (type.max_w - type.idle_w);
      }
    };
    if (site.hall_count == 1) { // the common case: one sum in a register
      double it = hall_idle_w_[site.first_hall];
      for (std::uint32_t q = site.first_rack; q < site.first_rack + site.rack_count; q++)
        add_rack(it, q);
      hall_it_w_[site.first_hall] = m.it_w = it;
    } else {
      for (std::uint32_t h = site.first_hall; h < site.first_hall + site.hall_count; h++)
        hall_it_w_[h] = hall_idle_w_[h];
      for (std::uint32_t q = site.first_rack; q < site.first_rack + site.rack_count; q++)
        add_rack(hall_it_w_[cluster_->racks[q].hall], q);
      double it = 0;
      for (std::uint32_t h = site.first_hall; h < site.first_hall + site.hall_count; h++)
        it += hall_it_w_[h];
      m.it_w = it;
    }
    m.facility_w = facility_at(s, now);
  }
}

void EnergyMeter::finish(double end)
{
  if (interval_s_ > 0)
    for (double at = static_cast<double>(next_sample_) * interval_s_; at <= end;
         at = static_cast<double>(++next_sample_) * interval_s_)
      record_sample(at);
  if (sink_ != nullptr && not std::exchange(columns_sent_, true))
    sink_->columns(series_.columns);
  integrate_fragmentation(end);
  frag_end_s_ = end;
  for (std::uint32_t s = 0; s < sites_.size(); s++)
    integrate_site(s, end);
  if (window_)
    window_totals_.to_s = std::max(window_->start_s, std::min(window_->end_known(last_arrival_s_), end));
}

void EnergyMeter::set_window(const WindowSpec& window)
{
  window_ = window;
  window_totals_ = Totals{};
  window_totals_.it_j.assign(sites_.size(), 0);
  window_totals_.facility_j.assign(sites_.size(), 0);
  window_totals_.cost.assign(sites_.size(), 0);
  window_totals_.carbon_kg.assign(sites_.size(), 0);
  window_totals_.from_s = window.start_s;
}

void EnergyMeter::arrivals_ended(double last_submit_s)
{
  last_arrival_s_ = std::max(0.0, last_submit_s);
}

double EnergyMeter::in_window(double from_s, double to_s) const
{
  if (not window_)
    return 0;
  return std::max(0.0, std::min(to_s, window_->end_known(last_arrival_s_)) - std::max(from_s, window_->start_s));
}

void EnergyMeter::integrate_site(std::uint32_t site, double to_s)
{
  if (not cluster_->sites[site].weather) {
    integrate_piece(site, to_s);
    return;
  }
  // Facility power changes with the temperature: piece by piece between its steps, each at its own power.
  SiteMeter& m = sites_[site];
  while (m.last_s < to_s) {
    m.facility_w = facility_at(site, m.last_s);
    integrate_piece(site, std::min(to_s, next_weather_change(site, m.last_s)));
  }
  m.facility_w = facility_at(site, to_s);
}

void EnergyMeter::integrate_piece(std::uint32_t site, double to_s)
{
  SiteMeter& m = sites_[site];
  m.it_j += m.it_w * (to_s - m.last_s);
  m.facility_j += m.facility_w * (to_s - m.last_s);
  const Site& spec = cluster_->sites[site];
  // Time-varying price or carbon intensity: facility power (constant over [last_s, to_s]) x the series' integral.
  if (spec.price_series)
    m.cost += m.facility_w * spec.price_series->integral(m.last_s, to_s) / J_PER_KWH;
  if (spec.carbon_series)
    m.carbon_kg += m.facility_w * spec.carbon_series->integral(m.last_s, to_s) / J_PER_KWH;
  if (to_s > m.last_s)
    add_to_calendar(site, m.it_w, m.facility_w, m.last_s, to_s);
  if (const double in = in_window(m.last_s, to_s); in > 0) {
    window_totals_.it_j[site] += m.it_w * in;
    window_totals_.facility_j[site] += m.facility_w * in;
    const double from = std::max(m.last_s, window_->start_s);
    if (spec.price_series)
      window_totals_.cost[site] += m.facility_w * spec.price_series->integral(from, from + in) / J_PER_KWH;
    if (spec.carbon_series)
      window_totals_.carbon_kg[site] += m.facility_w * spec.carbon_series->integral(from, from + in) / J_PER_KWH;
  }
  m.last_s = to_s;
}

const std::array<double, 24>& EnergyMeter::hour_integrals(const StepFunction& f, double day, DayCache& cache)
{
  // A series whose period is a whole number of days repeats its days: each is computed once.
  const double period_days = f.period_s() / DAY_S;
  const bool repeats = f.period_s() > 0 && period_days == std::floor(period_days);
  const double key = repeats ? std::fmod(day, period_days) : day;
  if (const auto it = cache.find(key); it != cache.end())
    return it->second;
  std::array<double, 24> out{};
  for (std::size_t h = 0; h < 24; h++) {
    const double from = day * DAY_S + static_cast<double>(h) * HOUR_S;
    out[h] = f.integral(from, from + HOUR_S);
  }
  if (not repeats) { // a series that does not repeat: only the day asked for (it is not asked again)
    cache.clear();
  }
  return cache.emplace(key, out).first->second;
}

void EnergyMeter::add_to_calendar(std::uint32_t site_index, double it_w, double facility_w, double from_s, double to_s)
{
  const Site& site = cluster_->sites[site_index];
  // Hour by hour: a piece within one hour, at the price and intensity in effect.
  const auto hourly = [&](double from, double to) {
    for (double a = from; a < to;) {
      const double hour = std::floor(a / HOUR_S);
      const double b = std::min(to, (hour + 1) * HOUR_S);
      const double j = facility_w * (b - a);
      const double it_j = it_w * (b - a);
      const double cost = site.price_series ? facility_w * site.price_series->integral(a, b) / J_PER_KWH
                                            : j / J_PER_KWH * site.price_per_kwh;
      const double carbon = site.carbon_series ? facility_w * site.carbon_series->integral(a, b) / J_PER_KWH
                                               : j / J_PER_KWH * site.carbon_kg_per_kwh;
      for (Calendar* c : {&by_hour_[static_cast<std::size_t>(std::fmod(hour, 24.0))],
                          &by_month_[month_of_day(hour / 24)], &year_calendar(hour / 24)}) {
        c->it_j += it_j;
        c->facility_j += j;
        c->cost += cost;
        c->carbon_kg += carbon;
      }
      a = b;
    }
  };
  // Whole days in between (a site idle for months, or an input far in the future) day by day: the work grows with
  // the days, not the hours, and a series' days are computed once per day of its period.
  const double first_whole = std::ceil(from_s / DAY_S) * DAY_S;
  const double last_whole = std::floor(to_s / DAY_S) * DAY_S;
  if (last_whole - first_whole < 2 * DAY_S) {
    hourly(from_s, to_s);
    return;
  }
  hourly(from_s, first_whole);
  auto& caches = day_caches_[site_index];
  const double hour_j = facility_w * HOUR_S;
  const double hour_it_j = it_w * HOUR_S;
  for (double day = first_whole / DAY_S; day < last_whole / DAY_S; day++) {
    const auto* price = site.price_series ? &hour_integrals(*site.price_series, day, caches.first) : nullptr;
    const auto* carbon = site.carbon_series ? &hour_integrals(*site.carbon_series, day, caches.second) : nullptr;
    Calendar& month = by_month_[month_of_day(day)];
    Calendar& year = year_calendar(day);
    for (std::size_t h = 0; h < 24; h++) {
      const double cost =
          price != nullptr ? facility_w * (*price)[h] / J_PER_KWH : hour_j / J_PER_KWH * site.price_per_kwh;
      const double kg =
          carbon != nullptr ? facility_w * (*carbon)[h] / J_PER_KWH : hour_j / J_PER_KWH * site.carbon_kg_per_kwh;
      for (Calendar* c : {&by_hour_[h], &month, &year}) {
        c->it_j += hour_it_j;
        c->facility_j += hour_j;
        c->cost += cost;
        c->carbon_kg += kg;
      }
    }
  }
  hourly(last_whole, to_s);
}

void EnergyMeter::integrate_fragmentation(double to_s)
{
  frag_integral_ += frag_now_ * (to_s - frag_last_s_);
  expected_integral_ += expected_now_ * (to_s - frag_last_s_);
  if (const double in = in_window(frag_last_s_, to_s); in > 0) {
    window_totals_.fragmentation_s += frag_now_ * in;
    window_totals_.expected_fragmentation_s += expected_now_ * in;
  }
  frag_last_s_ = to_s;
}

} // namespace ccsim
