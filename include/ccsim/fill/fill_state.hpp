// include/ccsim/fill/fill_state.hpp: node state of fill mode, where tasks share GPUs by thousandths.
#pragma once

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/workload/job.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace ccsim {

//! A task's resource request as fill mode sees it.
struct TaskShape {
  std::uint32_t cpu_milli = 0;
  double memory_mib = 0;
  std::uint32_t gpus = 0;         //!< GPUs needed (0 = CPU-only)
  std::uint16_t gpu_milli = 1000; //!< share needed on each of them, thousandths
  std::uint64_t eligible_types = 0;
  double weight = 0; //!< probability in the workload distribution (FGD's "typical tasks")

  static TaskShape of(const Job& job);
  std::uint64_t gpu_demand_milli() const { return static_cast<std::uint64_t>(gpus) * gpu_milli; }
  bool operator==(const TaskShape& o) const
  {
    return cpu_milli == o.cpu_milli && memory_mib == o.memory_mib && gpus == o.gpus && gpu_milli == o.gpu_milli &&
           eligible_types == o.eligible_types;
  }
};

//! Per node: free CPU (milli-cores), free memory (MiB) and the free share of each GPU (thousandths), plus the
//! expected fragmentation of each node under the workload distribution (FGD, docs/workloads.md), kept up to date.
class FillState {
public:
  //! `distribution`: the tasks whose shapes, weighted by frequency, define expected fragmentation (GPU tasks
  //! only; CPU-only tasks cannot use GPUs).
  FillState(const Cluster& cluster, std::span<const Job> distribution);

  const Cluster& cluster() const { return *cluster_; }
  std::uint32_t node_count() const { return cluster_->node_count(); }
  //! Free share of each GPU of `node`, thousandths (slot order).
  std::span<const std::uint16_t> gpu_free(std::uint32_t node) const
  {
    return {gpu_free_.data() + cluster_->node_first_accel[node], cluster_->node_accels[node]};
  }
  std::uint32_t gpu_free_total(std::uint32_t node) const { return gpu_free_total_[node]; }
  std::uint32_t cpu_free(std::uint32_t node) const { return cpu_free_[node]; }
  double memory_free(std::uint32_t node) const { return mem_free_[node]; }
  //! Largest CPU and GPU (milli) capacities of any node: best-fit's normalization.
  std::uint32_t max_cpu_milli() const { return max_cpu_; }
  std::uint32_t max_gpu_milli() const { return max_gpu_; }
  //! Tasks placed on `node`.
  std::uint32_t tasks_on(std::uint32_t node) const { return tasks_on_[node]; }
  //! A GPU task's affinity as the FGD artifact defines it (its GetGpuAffinityFromPodAnnotation): "share" for one
  //! GPU at a share below 1, "k-gpu" for k whole GPUs (here also for k > 1 at a share, which the artifact refuses);
  //! CPU-only tasks have none. The GPU tasks on `node` with `t`'s affinity, and the distinct affinities there.
  std::uint32_t same_affinity_on(std::uint32_t node, const TaskShape& t) const;
  std::uint32_t affinities_on(std::uint32_t node) const
  {
    return static_cast<std::uint32_t>(affinities_on_[node].size());
  }

  //! Whether `t` fits on `node` now: eligible GPU type, CPU, memory, and t.gpus GPUs with at least t.gpu_milli free.
  bool fits(const TaskShape& t, std::uint32_t node) const;
  //! The GPUs a task takes by default: the t.gpus GPUs with the least sufficient free share (ties: lowest slot).
  //! Precondition: fits(t, node).
  std::vector<std::uint32_t> best_fit_slots(const TaskShape& t, std::uint32_t node) const;

  //! Expected fragmentation of `node` now, and if `t` were placed on `slots` of it (milli-GPUs).
  double node_fragmentation(std::uint32_t node) const { return node_frag_[node]; }
  double fragmentation_after(const TaskShape& t, std::uint32_t node, std::span<const std::uint32_t> slots) const;
  //! Sum over nodes of the expected fragmentation (milli-GPUs).
  double fragmentation_total() const;

  //! Places `t` on `slots` of `node`. Precondition: they have the room (checked: std::logic_error otherwise).
  void place(const TaskShape& t, std::uint32_t node, std::span<const std::uint32_t> slots);

  std::uint64_t capacity_milli() const { return capacity_milli_; }
  std::uint64_t allocated_milli() const { return allocated_milli_; }
  const std::vector<TaskShape>& distribution() const { return shapes_; }

private:
  const Cluster* cluster_;
  std::vector<std::uint16_t> gpu_free_; //!< per accelerator
  std::vector<std::uint32_t> gpu_free_total_, cpu_free_, tasks_on_;
  std::vector<double> mem_free_, node_frag_;
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>>
      affinities_on_; //!< per node: (GPU affinity key, GPU tasks with it)
  std::vector<TaskShape> shapes_;
  std::uint32_t max_cpu_ = 0, max_gpu_ = 0;
  std::uint64_t capacity_milli_ = 0, allocated_milli_ = 0;
  mutable std::unordered_map<std::string, double> memo_; //!< node state -> expected fragmentation
  mutable std::string key_;

  //! Expected fragmentation of a node of `node`'s type with the given free resources (memoized).
  double fragmentation_of(std::uint32_t node, std::uint32_t cpu_free, double mem_free,
                          std::span<const std::uint16_t> gpu_free) const;
};

} // namespace ccsim
