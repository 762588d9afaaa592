// include/ccsim/power/energy.hpp
#pragma once

#include "ccsim/cluster/state.hpp"
#include "ccsim/core/calendar.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace ccsim {

//! Samples of the platform's state at fixed intervals (timeseries.csv): `columns` names, `values` row-major.
struct Timeseries {
  std::vector<std::string> columns;
  std::vector<double> values;
  std::size_t rows() const { return columns.empty() ? 0 : values.size() / columns.size(); }
};

//! Receives the timeseries as it is sampled (timeseries.csv is written from here, so no sample is kept).
class TimeseriesSink {
public:
  virtual ~TimeseriesSink() = default;
  virtual void columns(std::span<const std::string> names) = 0;
  virtual void row(std::span<const double> values) = 0;
};

//! Power and energy of every site over a run. Power is piecewise constant between dispatcher events, so energy
//! is integrated exactly: each site accumulates power x duration whenever its power changes (docs/model.md).
//!   site IT power       = sum over nodes (idle base + accelerators x idle)
//!                         + sum over racks of computing accelerators x delta_w (max - idle + node base share)
//!                         - what jobs below activity 1 leave undrawn (update()'s inactive_ppm_by_rack)
//!   hall facility power = hall IT power x PUE(hall IT power / hall maximum IT power, outdoor temperature)
//!   site facility power = sum over its halls (one hall unless rack groups have their own PUE)
//! Samples also carry utilization (aggregated over all nodes by the SIMD kernel) and fragmentation, which the
//! meter also integrates over time at every update (docs/metrics.md).
class EnergyMeter {
public:
  //! `interval_s` > 0 samples a timeseries at 0, interval, 2 x interval, ...; 0 records none. `source` names the
  //! scenario file in the InputError raised when the interval would produce more than MAX_SAMPLES samples.
  EnergyMeter(const Cluster& cluster, double interval_s, std::string source = "");
  //! Sends every sample to `sink` (its columns before the first sample) instead of keeping them in timeseries().
  void stream_to(TimeseriesSink& sink);
  //! Adds columns after the power columns, whose values the engine gives with set_extra() (wait attribution's
  //! waiting accelerators by cause). Before the first sample.
  void add_columns(std::span<const std::string> names);
  //! The added columns' values from now on (held until the next call; 0 before the first).
  void set_extra(std::span<const std::uint64_t> values);

  //! Records samples due strictly before `t` (the state since the previous update holds until t).
  void sample_until(double t);
  //! Integrates the sites of the given racks (ascending: the racks whose occupancy changed) up to `now` and takes
  //! their new power from `state`; `queued` is the queue length.
  //! `waiting_by_rack` (optional, per rack): held accelerators that wait for their job's input data and draw
  //! idle power, not busy power. `inactive_ppm_by_rack` (optional, per rack): the sum over its computing
  //! accelerators of 1e6 x (1 - the job's draw above idle as a share of the type's maximum above idle); each
  //! millionth takes that share of (max - idle) off the rack's power (docs/model.md "Power").
  void update(double now, const ClusterState& state, std::span<const std::uint32_t> racks, std::size_t queued,
              std::span<const std::uint64_t> waiting_by_rack = {},
              std::span<const std::uint64_t> inactive_ppm_by_rack = {});
  //! Records samples due at or before `end`, and integrates every site up to `end`. The ClusterState last given to
  //! update() must still exist (samples read it).
  void finish(double end);

  double it_energy_j(std::uint32_t site) const { return sites_[site].it_j; }
  double facility_energy_j(std::uint32_t site) const { return sites_[site].facility_j; }
  double it_power_w(std::uint32_t site) const { return sites_[site].it_w; }
  double facility_power_w(std::uint32_t site) const { return sites_[site].facility_w; }
  //! Electricity cost (scenario currency) and carbon (kg) of a site whose price or carbon intensity is a series:
  //! facility power x the series, integrated exactly over each piece (0 for a constant; the summary multiplies).
  double cost(std::uint32_t site) const { return sites_[site].cost; }
  double carbon_kg(std::uint32_t site) const { return sites_[site].carbon_kg; }
  //! IT and facility energy (J), cost and carbon (kg) of every site, by hour of the day (0-23) and by month (0-11) of a
  //! 365-day year from t = 0 (summary.json's by_hour_of_day and by_month).
  struct Calendar {
    double it_j = 0, facility_j = 0, cost = 0, carbon_kg = 0;
  };
  const std::array<Calendar, 24>& by_hour_of_day() const { return by_hour_; }
  const std::array<Calendar, 12>& by_month() const { return by_month_; }
  //! The same by 365-day year from t = 0 (summary.json's by_year, for runs past a year): one entry per year reached.
  const std::vector<Calendar>& by_year() const { return by_year_; }
  const Timeseries& timeseries() const { return series_; }
  //! Fragmentation (of the free accelerators that rack power caps allow to run, the share that no whole free node
  //! holds, docs/metrics.md) averaged over time from 0 to the end given to finish() (0 before).
  double mean_fragmentation() const { return frag_end_s_ > 0 ? frag_integral_ / frag_end_s_ : 0.0; }
  //! Job-size-aware fragmentation (docs/metrics.md): for a job of size s drawn from the sizes submitted so far, the
  //! share of the usable free accelerators it cannot take compactly (on nodes with fewer free than min(s, node
  //! size)), averaged over time like mean_fragmentation().
  double mean_expected_fragmentation() const { return frag_end_s_ > 0 ? expected_integral_ / frag_end_s_ : 0.0; }
  //! A job of `accelerators` was submitted: its size joins the distribution expected fragmentation uses.
  void job_submitted(std::uint32_t accelerators);

  //! Energy and fragmentation integrated over a measurement window (output.window).
  struct Totals {
    std::vector<double> it_j, facility_j;                     //!< per site, J
    std::vector<double> cost, carbon_kg;                      //!< per site whose price / carbon intensity is a series
    double fragmentation_s = 0, expected_fragmentation_s = 0; //!< time integrals of the two fragmentations
    double from_s = 0, to_s = 0;                              //!< the window (to_s: once finish() ran)
    double duration_s() const { return std::max(0.0, to_s - from_s); }
    double mean_fragmentation() const { return duration_s() > 0 ? fragmentation_s / duration_s() : 0.0; }
    double mean_expected_fragmentation() const
    {
      return duration_s() > 0 ? expected_fragmentation_s / duration_s() : 0.0;
    }
  };
  //! Integrates over `window` too (before the first update()).
  void set_window(const WindowSpec& window);
  //! Every job has arrived, the last at `last_submit_s`: a window ending at the last arrival closes there.
  void arrivals_ended(double last_submit_s);
  //! The window's totals (nullptr without a window); complete after finish().
  const Totals* window_totals() const { return window_ ? &window_totals_ : nullptr; }

  //! Timeseries limit: a run that would record more samples fails with a clear message.
  static constexpr std::size_t MAX_SAMPLES = 1'000'000;

private:
  struct SiteMeter {
    double it_w = 0, facility_w = 0; //!< current power, W
    double last_s = 0;               //!< time up to which energy is integrated
    double it_j = 0, facility_j = 0; //!< energy so far, J
    double cost = 0, carbon_kg = 0;  //!< so far, for a price / carbon intensity series
  };
  void record_sample(double t);
  //! The part of [from_s, to_s] inside the window as far as its end is known (0 without a window).
  double in_window(double from_s, double to_s) const;
  //! Integrates a site's energies (over the run and the window) up to `to_s` at its current IT power, its facility
  //! power piece by piece between the temperature's steps when weather-driven; the same for the fragmentations.
  void integrate_site(std::uint32_t site, double to_s);
  //! The same at the current facility power throughout.
  void integrate_piece(std::uint32_t site, double to_s);
  void integrate_fragmentation(double to_s);
  //! Adds [from_s, to_s] at `it_w` and `facility_w` of site `site` to the hour-of-day and month totals (hour by hour; whole
  //! days day by day).
  void add_to_calendar(std::uint32_t site, double it_w, double facility_w, double from_s, double to_s);
  //! A series' integral over each hour of day `day` (cached by day of its period when that is whole days).
  using DayCache = std::unordered_map<double, std::array<double, 24>>;
  static const std::array<double, 24>& hour_integrals(const StepFunction& f, double day, DayCache& cache);
  std::vector<std::pair<DayCache, DayCache>> day_caches_; //!< per site: price, carbon
  std::array<Calendar, 24> by_hour_{};
  std::array<Calendar, 12> by_month_{};
  std::vector<Calendar> by_year_;
  //! The calendar of the year of day `day` (made when first reached: at most MAX_TIME_S / YEAR_S years).
  Calendar& year_calendar(double day)
  {
    const std::size_t y = year_of(day * DAY_S);
    if (y >= by_year_.size())
      by_year_.resize(y + 1);
    return by_year_[y];
  }
  //! Recounts rack `r`'s free accelerators within its cap and those on whole free nodes.
  void count_free(std::uint32_t r, const ClusterState* state);
  //! Facility power of `site`, W, at its halls' current IT power and the outdoor temperature at `t`.
  double facility_at(std::uint32_t site, double t) const;
  //! When a temperature a hall of `site` follows next changes after `t` (+infinity: never).
  double next_weather_change(std::uint32_t site, double t) const;
  std::vector<double> hall_it_w_;         //!< per hall, current IT power, W
  std::vector<double> hall_idle_w_;       //!< per hall, IT power of its racks in service with every node idle, W
  std::vector<double> hall_max_w_;        //!< per hall, the most its racks in service draw, W (PUE's load base)
  std::vector<std::uint8_t> rack_online_; //!< per rack, whether it draws power (in service, or still running jobs)
  std::uint64_t initially_online_ = 0;    //!< accelerators in service at t = 0
  //! Counts rack `r` in (or out of) its hall's idle and maximum power.
  void set_rack_online(std::uint32_t r, bool online);
  std::vector<double> sample_facility_; //!< per site, facility power at the sample being recorded, W

  const Cluster* cluster_;
  double interval_s_;
  std::string source_;
  std::uint64_t next_sample_ = 0; //!< index k of the next sample time k x interval
  std::vector<SiteMeter> sites_;
  std::vector<std::uint64_t> busy_by_type_;
  std::size_t queued_ = 0;
  const ClusterState* state_ = nullptr; //!< the occupancy sampled (set by update())
  std::uint64_t samples_ = 0;
  // Fragmentation: per rack, free accelerators within its cap, and those of them on whole free nodes; the
  // platform's totals, the current value, and its time integral.
  std::vector<std::uint64_t> usable_free_, whole_free_;
  std::uint64_t usable_total_ = 0, whole_total_ = 0;
  double frag_now_ = 0, frag_integral_ = 0, frag_last_s_ = 0, frag_end_s_ = 0;
  // Expected fragmentation: per rack and threshold k = 1..MAX_NODE_SIZE, the usable free accelerators a job needing
  // min(k, node size) free on a node cannot take (rack-major), their platform totals per k, and the submitted job
  // sizes per k (k = min(size, MAX_NODE_SIZE)).
  static constexpr std::size_t MAX_NODE_SIZE = 64;
  std::vector<std::uint64_t> loose_by_rack_;
  std::array<std::uint64_t, MAX_NODE_SIZE + 1> loose_total_{};
  std::array<std::uint64_t, MAX_NODE_SIZE + 1> sizes_{};
  std::uint64_t jobs_seen_ = 0;
  double expected_now_ = 0, expected_integral_ = 0;
  void refresh_fragmentation();
  Timeseries series_;
  TimeseriesSink* sink_ = nullptr;
  bool columns_sent_ = false;
  std::vector<double> extra_; //!< the added columns' values (add_columns, set_extra)
  std::vector<double> row_;   //!< the sample being recorded
  std::optional<WindowSpec> window_;
  double last_arrival_s_ = -1; //!< once every job has arrived (-1 before)
  Totals window_totals_;
};

} // namespace ccsim
