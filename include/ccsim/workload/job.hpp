// include/ccsim/workload/job.hpp
#pragma once

#include "ccsim/core/limits.hpp"
#include "ccsim/core/types.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ccsim {

struct StepTable; // ccsim/workload/step_table.hpp

inline constexpr double UNSET = std::numeric_limits<double>::quiet_NaN();
inline constexpr std::uint32_t NO_SITE = UINT32_MAX;

//! One job of the workload. Either `duration_s` (trace replay: the same on any hardware) or `work_flop`
//! (runtime = work_flop / (accelerators x peak[precision] x efficiency)) is set, never both.
struct Job {
  std::string id; //!< unique id from the input
  //! Position in the workload's input order (0, 1, ...): identifies the job in records and outputs and breaks
  //! ties between jobs submitted or ending at the same time. Set by the job source.
  std::uint32_t index = 0;
  double submit_s = 0;            //!< submission time, seconds from simulation start
  std::uint32_t accelerators = 1; //!< accelerators held (0 = a CPU-only task, fill mode only)
  //! Share of each of its accelerators the job needs, in thousandths (1..1000; openb's gpu_milli). Fill mode packs
  //! shares onto GPUs; the event engine holds whole accelerators (docs/workloads.md).
  std::uint16_t gpu_milli = 1000;
  double duration_s = UNSET; //!< run time in seconds, when replaying a trace
  double work_flop = UNSET;  //!< total work in floating-point (or integer, for int8) operations
  double efficiency = 1.0;   //!< fraction of the roofline achieved, in (0, 1] (of peak for compute-bound work)
  //! Bytes moved between its accelerators' memory and their compute units over the run, all accelerators together
  //! (work-based jobs): with it the run time is a roofline's, the longer of computing and moving (docs/model.md
  //! "Run time"). 0: compute-bound only. Given directly, or as work_flop / arithmetic_intensity.
  double memory_bytes = 0;
  double arithmetic_intensity = 0; //!< FLOP per byte moved (the input's; 0 = not given): memory_bytes from it
  //! An LLM training job's model state, bytes (weights, gradients and optimizer state: 16 x parameters), sharded
  //! over its accelerators on top of the activations in memory_gib (docs/model.md "LLM training"); 0 otherwise.
  double model_state_bytes = 0;
  //! Steps: an LLM training job's optimizer steps (tokens / global_batch_tokens), each all-reducing its gradients,
  //! from which its comm_share is derived at its reference (docs/model.md "LLM training"); or, with a step_table,
  //! the steps whose measured times give its run time. 0 otherwise.
  double steps = 0;
  //! Measured step times (docs/workloads.md "Measured step times"): run time = steps x step_table->step_s(type,
  //! accelerators); owned by the scenario (WorkloadSpec::step_tables). nullptr: none.
  const StepTable* step_table = nullptr;
  //! Power activity in (0, 1]: each of its accelerators draws idle + activity x (max - idle) (docs/model.md
  //! "Power"). Resolved by prepare to the workload's default for its class unless the input gives it.
  double activity = 1.0;
  bool activity_given = false; //!< the input gave `activity` (prepare keeps it)
  double walltime_s = UNSET;   //!< user's runtime estimate in seconds (what backfilling uses); resolved if unset
  //! Flexible work: it may start any time up to submit_s + slack_s, s (0: as soon as it can). With
  //! scheduler.shift it is held back to cheaper or cleaner hours within that slack (docs/policies.md).
  double slack_s = 0;
  //! Set by the engine for flexible work under scheduler.shift: queue policies that order by arrival (fcfs, sjf,
  //! priority, easy) put it behind every job that may not wait, so it starts only where it delays none at the head.
  bool background = false;
  double memory_gib = 0;       //!< memory needed on each accelerator, GiB
  std::int64_t priority = 0;   //!< higher runs first under the `priority` queue policy
  std::uint32_t cpu_milli = 0; //!< host CPU requested, milli-cores (fill mode checks it against nodes)
  double host_memory_mib = 0;  //!< host memory requested, MiB (fill mode checks it against nodes)
  std::string tenant;          //!< user, group or tenant label ("" = none)
  std::string data_site;       //!< site holding the job's input data ("" = none: nothing to stage)
  double data_bytes = 0;       //!< input data moved to the job's site before it computes, bytes
  //! Fraction of step time spent in collectives at the job's reference (most compact) placement, [0, 1).
  double comm_share = 0;
  double allreduce_bytes = 1e9; //!< bytes all-reduced per step (gradient size); sets the latency/bandwidth mix
  //! May take accelerators (of one type) at several sites when no single site can place it (default no; also
  //! set for every job by scheduler.span_sites).
  bool span_sites = false;
  Precision precision = Precision::BF16;
  JobClass job_class = JobClass::TRAINING;
  std::vector<std::string> accept;  //!< accepted accelerator type or kind names; empty = any that supports precision
  std::uint64_t eligible_types = 0; //!< resolved: bit t set when cluster type t may run this job
  std::uint32_t data_site_index = NO_SITE; //!< resolved: index of data_site
  //! resolved: seconds of collectives per run at the job's reference (comm_share x its run time on its fastest
  //! type), and one all-reduce there; 0 without collectives (perf/comm_model.hpp, docs/model.md "Communication")
  double comm_reference_s = 0;
  double allreduce_reference_s = 0;
  //! resolved: peak FLOP/s at its precision of the type its duration was measured on (workload
  //! "duration_reference"); 0 = none (the duration on every type), NaN = that type lacks the precision
  double duration_reference_flop_per_s = 0;
};

} // namespace ccsim
