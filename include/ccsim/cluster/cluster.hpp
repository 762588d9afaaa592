// include/ccsim/cluster/cluster.hpp
#pragma once

#include "ccsim/network/topology.hpp"
#include "ccsim/scenario/scenario.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace ccsim {

//! An accelerator type present in the platform (catalog entries no node uses are left out).
struct AcceleratorType {
  std::string name;
  AcceleratorKind kind = AcceleratorKind::GPU;
  std::array<double, PRECISION_COUNT> peak_flop_per_s{}; //!< FLOP/s per precision; 0 = unsupported
  double memory_gib = 0;
  double idle_w = 0; //!< W
  //! W while held by a job at activity 1: the most it draws (its power limit, when it has one)
  double max_w = 0;
  double dynamic_w = 0;                   //!< what a job at activity 1 would draw above idle without a limit, W
  double limit_exponent = 1.0 / 3.0;      //!< throughput ~ (dynamic power)^exponent when the limit binds
  double memory_bandwidth_byte_per_s = 0; //!< bytes/s; 0 = not given (no memory-bound job runs on it)
  std::string interconnect;               //!< intra-node link ("" = none given)
  double interconnect_byte_per_s = 0;     //!< per accelerator, both directions, bytes/s

  //! Power above idle of one accelerator running a job at `activity` (0, 1], W: activity x dynamic_w, at most
  //! max_w - idle_w.
  double active_w(double activity) const;
  //! Throughput factor at `activity` under the limit: 1 when activity x dynamic_w <= max_w - idle_w, else
  //! ((max_w - idle_w) / (activity x dynamic_w))^limit_exponent (docs/model.md "Power").
  double speed(double activity) const;
};

struct Site {
  std::string name;
  std::string region;
  std::string cooling; //!< SiteSpec::cooling
  std::uint32_t first_rack = 0, rack_count = 0;
  std::uint32_t first_node = 0, node_count = 0;
  std::uint64_t accelerators = 0;
  double idle_w = 0; //!< IT power with every node idle, W
  double max_w = 0;  //!< IT power with every accelerator its rack's cap allows busy (max_busy), W
  std::uint32_t first_hall = 0, hall_count = 0;
  std::shared_ptr<const Climate> climate; //!< SiteSpec::climate (null: none)
  bool weather = false;                   //!< a hall's PUE follows the climate (facility power changes with time)
  bool wet_bulb = false;                  //!< a hall's cooling follows the wet-bulb temperature
  double price_per_kwh = 0;               //!< the mean, when a series gives it
  double carbon_kg_per_kwh = 0;           //!< the mean, when a series gives it
  std::optional<StepFunction> price_series, carbon_series; //!< over time (SiteSpec)
};

//! A hall: the racks of a site that share a cooling plant and PUE model, whose facility power follows their own IT
//! power (docs/model.md "Weather-driven PUE"): each rack group with its own "pue", and the site's other racks.
struct Hall {
  double idle_w = 0; //!< IT power with every node idle, W
  double max_w = 0;  //!< the most IT power its racks draw under their caps, W
  PueCurve pue;
  double mean_cooling = 0; //!< the cooling model's overhead averaged over the climate's year (policies' view)
};

//! A rack: identical nodes (one rack group). Its power cap limits how many of its accelerators may be busy:
//! idle_w + busy x delta_w <= power_cap_w.
struct Rack {
  std::string name; //!< "<site>/<group>-<i>"
  std::uint32_t site = 0;
  std::uint32_t first_node = 0, node_count = 0;
  std::uint32_t accelerators = 0;
  double idle_w = 0;  //!< IT power with every node idle, W
  double delta_w = 0; //!< extra power per busy accelerator, W: max - idle + (node busy base - idle base) / node size
  double power_cap_w = UNSET; //!< at t = 0, W (NaN = uncapped)
  //! The most accelerators that may be busy at once under its caps (<= accelerators), over the run while in service.
  std::uint32_t max_busy = 0;
  std::uint32_t hall = 0; //!< its hall (Cluster::halls)
  // Capacity over time (docs/scenario.md "Platform over time"). The limit: how many of its accelerators may be busy
  // at once, under the power cap in force while the rack is in service, 0 while it is not (before online_s, from
  // offline_s, during maintenance).
  std::uint32_t initial_limit = 0; //!< at t = 0
  bool initially_online = true;    //!< in service at t = 0
  struct Change {
    double at_s;         //!< from here on (> 0, ascending)
    std::uint32_t limit; //!< accelerators that may be busy at once
    bool online;         //!< in service
  };
  std::vector<Change> changes;
  //! The limit at `t`, and the least limit over [from, to) (the limit at `from` when to <= from).
  std::uint32_t limit_at(double t) const;
  std::uint32_t min_limit(double from, double to) const;
  //! Seconds within [from, to) that the rack is in service.
  double online_within(double from, double to) const;
  //! Calls f(seconds, limit, online) for each phase of constant limit and service, clipped to [from, to).
  template <typename F>
  void for_each_phase(double from, double to, F&& f) const
  {
    std::uint32_t limit = initial_limit;
    bool online = initially_online;
    double since = 0;
    for (const auto& c : changes) {
      f(std::max(0.0, std::min(c.at_s, to) - std::max(since, from)), limit, online);
      limit = c.limit;
      online = c.online;
      since = c.at_s;
    }
    f(std::max(0.0, to - std::max(since, from)), limit, online);
  }
  //! The intervals [from, to) over which its limit is 0 (out of service), ascending; `to` is the largest double when
  //! it never comes back.
  std::vector<std::pair<double, double>> closed_intervals() const;
};

//! The nodes of one site that hold one accelerator type: a job runs inside one pool
//! (it may span nodes and racks, not sites or types).
struct Pool {
  std::uint32_t site = 0;
  std::uint16_t type = 0;
  std::vector<std::uint32_t> nodes; //!< ascending node indices
  std::uint64_t accelerators = 0;
  std::uint64_t usable = 0; //!< accelerators that may be busy at once within rack power caps (sum of max_busy)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> runs; //!< its nodes as ranges [first, last) of node indices
  std::uint32_t max_node_accelerators = 0;                   //!< most accelerators on one of its nodes
  std::uint32_t max_rack_accelerators = 0;                   //!< most accelerators in one of its racks
  std::vector<std::uint32_t> varying_racks; //!< its racks whose limit changes over time (Rack::changes), ascending
  double nic_Bps = 0;                       //!< the fastest NICs of one of its nodes, bytes/s
  double intra_node_Bps = 0;                //!< the fastest accelerator links inside one of its nodes, bytes/s
};

//! The static platform in structure-of-arrays form: sites, racks, nodes and accelerators, each numbered
//! from 0 in scenario order. Accelerator a of node n has global index node_first_accel[n] + slot.
class Cluster {
public:
  //! Builds the platform of a structurally valid scenario (see load_scenario).
  static Cluster build(const Scenario& scenario);

  std::vector<AcceleratorType> types;
  std::vector<Site> sites;
  std::vector<Rack> racks;
  std::vector<Hall> halls; //!< site by site
  std::vector<Pool> pools;
  std::vector<std::vector<std::uint32_t>> pools_of_type; //!< per type, its pools in ascending order
  std::vector<std::uint64_t> usable_of_type;             //!< per type, the sum of its pools' usable accelerators
  Topology topology; //!< inter-site routes (Boost.Graph), built from the scenario's network
  FabricSpec fabric; //!< intra-site and intra-node network

  // Per node (index = node id).
  std::vector<std::uint32_t> node_rack;
  std::vector<std::uint32_t> node_site;
  std::vector<std::uint32_t> node_pool;
  std::vector<std::uint32_t> node_pos_in_pool;
  std::vector<std::uint32_t> node_first_accel;
  std::vector<std::uint16_t> node_type;
  std::vector<std::uint8_t> node_accels;
  std::vector<double> node_base_w;           //!< idle, W
  std::vector<double> node_base_busy_w;      //!< every accelerator busy, W
  std::vector<std::uint32_t> node_cpu_milli; //!< host CPU capacity, milli-cores (0 = not modeled)
  std::vector<double> node_memory_mib;       //!< host memory capacity, MiB (0 = not modeled)
  std::vector<double> node_nic_Bps;          //!< its NICs together, bytes/s
  std::vector<double> node_intra_Bps;        //!< per accelerator inside it, bytes/s

  // Per accelerator (index = global accelerator id).
  std::vector<std::uint32_t> accel_node;

  std::uint32_t node_count() const { return static_cast<std::uint32_t>(node_rack.size()); }
  std::uint64_t accelerator_count() const { return accel_node.size(); }
  //! Number of accelerators of type t in the platform.
  std::uint64_t accelerators_of_type(std::uint16_t t) const;
  //! "<rack>-n<j>", j the node's index in its rack.
  std::string node_name(std::uint32_t node) const;
  //! Index of the type named `name`, or -1.
  int find_type(std::string_view name) const;
  //! Index of the site named `name`, or -1.
  int find_site(std::string_view name) const;
  //! The pool of type `type` at site `site`, or UINT32_MAX when the site has none.
  std::uint32_t pool_at(std::uint32_t site, std::uint16_t type) const
  {
    return site_type_pool[site * types.size() + type];
  }

  std::vector<std::uint32_t> site_type_pool; //!< sites x types: see pool_at()
  //! Every rack's limit changes, (at_s, rack) in ascending order (empty for a platform fixed over time).
  std::vector<std::pair<double, std::uint32_t>> capacity_changes;
  //! The changes that lower a rack's limit, (at_s, rack) ascending, with the limit from then on: no job may start
  //! on a rack whose walltime would take it past one (it would hold more than the rack may then run).
  struct Drop {
    double at_s;
    std::uint32_t rack;
    std::uint32_t limit;
  };
  std::vector<Drop> capacity_drops;
  //! Accelerator-seconds within [from, to) of racks in service that their power cap in force forbids to run:
  //! sum over racks of (accelerators - limit) x the time in service at that limit.
  double stranded_accelerator_s(double from, double to) const;
  //! Accelerator-seconds in service within [from, to): the capacity utilization is over (docs/metrics.md).
  double online_accelerator_s(double from, double to) const;
  //! Accelerators no job can use because rack power caps forbid them to be busy (sum of accelerators - max_busy).
  std::uint64_t stranded_by_caps() const;
  //! Site `site`'s PUE at IT-load fraction `load` of every hall, cooling at its mean over the climate's year: what
  //! policies weigh (the meter follows the temperature hour by hour).
  double site_pue(std::uint32_t site, double load) const;
};

} // namespace ccsim
