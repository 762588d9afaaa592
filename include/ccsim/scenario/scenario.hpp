// include/ccsim/scenario/scenario.hpp
#pragma once

#include "ccsim/core/error.hpp"
#include "ccsim/core/step_function.hpp"
#include "ccsim/core/types.hpp"
#include "ccsim/scenario/network_spec.hpp"
#include "ccsim/scenario/pue.hpp"
#include "ccsim/workload/generator.hpp"
#include "ccsim/workload/importers.hpp"
#include "ccsim/workload/job.hpp"
#include "ccsim/workload/step_table.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ccsim {

//! One accelerator model of the catalog.
struct AcceleratorSpec {
  std::string name;
  AcceleratorKind kind = AcceleratorKind::GPU;
  std::array<double, PRECISION_COUNT> peak_flop_per_s{}; //!< FLOP/s (OP/s for int8) per precision; 0 = unsupported
  double memory_gib = 0;                                 //!< memory per accelerator, GiB
  double idle_w = 0;                                     //!< power when idle, W
  double max_w = 0;                                      //!< power while a job holds it (utilization 1), W
  //! power limit (e.g. nvidia-smi -pl), W: it never draws more, and a job that would is slowed (docs/model.md
  //! "Power"); NaN = none
  double limit_w = UNSET;
  double limit_exponent = 1.0 / 3.0;      //!< throughput ~ (dynamic power)^exponent under the limit
  double memory_bandwidth_byte_per_s = 0; //!< accelerator memory bandwidth, bytes/s (0 = not given)
  std::string interconnect;               //!< intra-node link between accelerators (NVLink 4, HCCS, ...; "" = none)
  double interconnect_byte_per_s = 0;     //!< its bandwidth per accelerator, both directions together, bytes/s
};

//! What one node holds.
struct NodeSpec {
  std::string accelerator;        //!< catalog name
  std::uint32_t accelerators = 0; //!< accelerators per node, 1..64
  double base_power_w = 0;        //!< node power besides its accelerators (CPUs, memory, NICs, fans), idle, W
  double base_busy_power_w = 0;   //!< the same with every accelerator busy, W (linear in busy accelerators)
  std::uint32_t cpu_milli = 0;    //!< host CPU capacity, milli-cores (0 = not modeled: never a constraint)
  double memory_mib = 0;          //!< host memory capacity, MiB (0 = not modeled)
  double nic_Bps = 0;             //!< the node's NICs together, bytes/s (0 = network.fabric.nic_gbps)
  double intra_node_Bps = 0;      //!< per accelerator inside the node, bytes/s (0 = network.fabric.intra_node_gbps)
};

//! A group of identical racks in a site (a hall, a row).
struct RackGroupSpec {
  std::string name;        //!< rack names are "<site>/<name>-<i>"
  std::uint32_t racks = 0; //!< number of racks
  std::uint32_t nodes_per_rack = 0;
  NodeSpec node;
  double power_cap_w = UNSET; //!< rack IT power budget, W (NaN = uncapped); given in the file as power_cap_kw
  //! The group's own PUE (a hall with its own cooling: docs/model.md "Weather-driven PUE"); absent: the site's.
  std::optional<PueCurve> pue;
  // Capacity over time (docs/scenario.md "Platform over time"), the site's folded in.
  double online_s = 0; //!< commissioned: its racks run jobs from here, s
  double offline_s =
      std::numeric_limits<double>::infinity(); //!< retired: its racks run no job from here on, s (infinite: never)
  struct CapChange {
    double at_s;        //!< from here on, s (> 0, ascending)
    double power_cap_w; //!< the rack's cap, W (NaN: uncapped)
  };
  std::vector<CapChange> cap_changes;
  //! Maintenance windows [start_s, end_s): the racks drain (no job starts whose walltime crosses a window) and are
  //! out of service during it. As given, possibly overlapping (Cluster merges them).
  std::vector<std::pair<double, double>> maintenance;
};

struct SiteSpec {
  std::string name;
  std::string cooling = "air"; //!< the site's cooling type, a label keying tco.facility_capex_per_kw
  std::string region;          //!< e.g. east, central, west, northeast
  std::vector<RackGroupSpec> rack_groups;
  PueCurve pue = PueCurve::constant(DEFAULT_PUE);
  //! Outdoor temperatures over time (weather-driven PUEs follow them), deg C
  std::shared_ptr<const Climate> climate; //!< null: none (sites of one synthetic climate share it)
  double price_per_kwh = 0;     //!< electricity price per kWh of facility energy (scenario currency); a series' mean
  double carbon_kg_per_kwh = 0; //!< grid carbon intensity, kg CO2 per kWh; a series' mean
  //! Price and carbon intensity over time (time-of-use periods or a CSV series), when not constant.
  std::optional<StepFunction> price_series, carbon_series;
};

//! How the scheduler runs the workload.
enum class SchedulerMode : std::uint8_t {
  EVENTS, //!< discrete-event replay: jobs arrive, wait, run and depart (queue + placement policies)
  FILL,   //!< fill-to-capacity packing (FGD experiment): tasks arrive in seeded random order and never depart
};

//! How a fill-mode policy chooses among nodes of equal score.
enum class NodeTies : std::uint8_t {
  RANDOM, //!< uniformly at random (seeded): the Kubernetes scheduler's selectHost, as in the FGD paper's simulator
  FIRST,  //!< the lowest node index
};

//! Parameters of fill mode (docs/workloads.md).
struct FillSpec {
  double demand_ratio = 1.3; //!< stop when arrived GPU demand would exceed this multiple of cluster GPU capacity
  double step_percent =
      1; //!< record a row of fill.csv each time arrived demand crosses a multiple of this (% of capacity)
  NodeTies node_ties = NodeTies::RANDOM; //!< among nodes of equal score
};

//! Whether a job's accelerators are held while its input data moves to its site (docs/model.md "Data staging").
enum class StagingMode : std::uint8_t {
  HOLD,     //!< placed when accelerators are free, held (idle) during the transfer, computing when the data is in
  PREFETCH, //!< the site is chosen at submission, the data moves while the job waits, and it runs only there
};

//! Scheduler selection by registered name.
struct SchedulerSpec {
  SchedulerMode mode = SchedulerMode::EVENTS;
  FillSpec fill;
  std::string queue_policy = "fcfs";
  std::string placement_policy = "first-fit";
  StagingMode staging = StagingMode::HOLD;
  bool span_sites = false; //!< every job may span sites (a job's own span_sites also allows it)
  bool kill_at_walltime =
      false; //!< kill a job that runs past its walltime (Batsim semantics) instead of letting it finish
  //! Flexible work (jobs with slack_s): hold each back to the start within its slack where the price (or carbon
  //! intensity) over its walltime is least (docs/policies.md "Shifting flexible work"); NONE: start as soon as it can.
  enum class Shift : std::uint8_t { NONE, PRICE, CARBON };
  Shift shift = Shift::NONE;
  nlohmann::json queue_params;     //!< parameters handed to the queue policy's factory (null when absent)
  nlohmann::json placement_params; //!< parameters handed to the placement policy's factory (null when absent)
};

//! A measurement window (output.window; docs/metrics.md "Measurement windows"): every summary metric is also
//! computed over [start_s, end], the end a time, the last job's arrival, or the run's end.
struct WindowSpec {
  enum class End : std::uint8_t { RUN_END, LAST_ARRIVAL, AT };
  double start_s = 0; //!< warm-up: the window opens here, s
  End end = End::RUN_END;
  double end_s = 0; //!< End::AT: the window closes here, s (> start_s)

  //! The end as far as it is known: end_s, the last arrival once known (`last_arrival_s` >= 0), else +infinity
  //! (the run's end, which no job outlasts).
  double end_known(double last_arrival_s) const
  {
    if (end == End::AT)
      return end_s;
    if (end == End::LAST_ARRIVAL && last_arrival_s >= 0)
      return last_arrival_s;
    return std::numeric_limits<double>::infinity();
  }
  //! Whether a job submitted at `submit_s` belongs to the window: [start_s, end_s) for a time, [start_s, end]
  //! for the last arrival or the run's end (every job arrives by then).
  bool holds_submission(double submit_s) const { return submit_s >= start_s && (end != End::AT || submit_s < end_s); }
};

struct OutputSpec {
  std::string dir;                     //!< results directory; default "results/<scenario name>"
  bool dir_from_name = false;          //!< dir is that default (the name must then be one folder name)
  double timeseries_interval_s = 3600; //!< sampling interval of timeseries.csv, s; 0 = no timeseries
  //! Attribute every waiting second to a cause (docs/metrics.md "Why jobs wait"). Absent: on when the placement
  //! policy declares places_whenever_a_pool_has_room() (cheap then: docs/performance.md), off otherwise.
  std::optional<bool> wait_causes;
  //! Write wait_log.csv (every wait interval by interval; `ccsim explain --job` reads it) when waits are attributed.
  bool wait_log = true;
  std::optional<WindowSpec> window; //!< absent: the summary has the whole run only
};

//! Where the jobs come from. Load reads inline jobs; prepare imports a trace or runs the generator.
struct WorkloadSpec {
  enum class Source : std::uint8_t { INLINE, TRACE, GENERATE };
  Source source = Source::INLINE;
  std::vector<Job> jobs;  //!< INLINE: the jobs as the file gives them (not yet resolved against the platform)
  StepTables step_tables; //!< INLINE: measured step-time tables by name ("step_tables"), which jobs point into
  std::string format;     //!< TRACE: "ccsim" or one of TRACE_FORMATS
  std::string path;       //!< TRACE: the trace file, relative paths resolved against the scenario's folder
  nlohmann::json options; //!< TRACE: importer options (null when absent)
  Job defaults;           //!< TRACE: job fields the trace does not carry ...
  std::vector<std::string> defaults_given; //!< ... and which of them the file gives (only those are applied)
  double time_scale = 1;                   //!< TRACE: submit times x this (2: the trace spread over twice the time)
  double load_scale = 1;   //!< TRACE: each job replayed this many times on average (1.4: the trace at 1.4x)
  GeneratorSpec generator; //!< GENERATE
  //! Per job class (JOB_CLASS_NAMES order): the accelerator type a duration-based job's duration was measured on
  //! ("" = none: the duration on every type); "duration_reference" (docs/model.md "Runtime").
  std::array<std::string, JOB_CLASS_NAMES.size()> duration_reference;
  //! Per job class: the power activity of a job that does not give its own ("activity"; docs/model.md "Power").
  std::array<double, JOB_CLASS_NAMES.size()> activity = DEFAULT_ACTIVITY;
};

//! Total cost of ownership figures (scenario "tco"; docs/model.md "Total cost of ownership"), in the scenario's
//! currency. No defaults: prices are the scenario's to give.
struct TcoSpec {
  double amortization_years = 5;
  double maintenance_share_per_year = 0;             //!< of the capex, per year
  double accelerator_capex_all = -1;                 //!< per accelerator of any type (>= 0) ...
  std::map<std::string, double> accelerator_capex;   //!< ... or by type name
  double node_capex = 0;                             //!< per node (the default) ...
  std::map<std::string, double> node_capex_by_type;  //!< ... or by the node's accelerator type
  double rack_capex = 0;                             //!< per rack
  double facility_capex_per_kw = 0;                  //!< per kW of a site's IT capacity (the default) ...
  std::map<std::string, double> facility_by_cooling; //!< ... or by the site's cooling label
};

//! A parsed, validated scenario: platform + workload + scheduler + outputs.
struct Scenario {
  //! The scenario file as written, before its --set edits, when they were given and a generated workload's
  //! offered_load is relative to the file's platform (GeneratorSpec::Reference::FILE_PLATFORM); null otherwise.
  std::shared_ptr<const Scenario> unedited;
  std::string file;   //!< path the scenario was read from ("" when built in memory)
  std::string sha256; //!< SHA-256 of the file's bytes
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  std::string currency;                      //!< label of electricity prices and costs, e.g. "CNY"
  std::vector<AcceleratorSpec> accelerators; //!< the effective catalog (built-in entries plus the scenario's)
  std::vector<SiteSpec> sites;
  NetworkSpec network; //!< inter-site links and fabric (no links: sites are not connected)
  WorkloadSpec workload;
  std::vector<ImportReport> node_reports; //!< node list files read for sites' "nodes"
  //! What the scenario may not mean, though it is valid (printed by `ccsim run`, recorded in run.json)
  std::vector<Diagnostic> warnings;
  SchedulerSpec scheduler;
  OutputSpec output;
  std::optional<TcoSpec> tco; //!< absent: summary.json has no "tco"

  //! Index of the catalog entry named `name`, or -1.
  int find_accelerator(std::string_view name) const;
};

} // namespace ccsim
