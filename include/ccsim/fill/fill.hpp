// include/ccsim/fill/fill.hpp: fill-to-capacity mode (the FGD paper's packing experiment).
#pragma once

#include "ccsim/core/random.hpp"
#include "ccsim/fill/fill_state.hpp"
#include "ccsim/scenario/scenario.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ccsim {

//! Where a task goes: a node and the GPU slots it takes (empty for a CPU-only task).
struct FillChoice {
  std::uint32_t node = 0;
  std::vector<std::uint32_t> slots;
};

//! A fill-mode placement policy: picks a node (and GPUs) for one task, or none when it fits nowhere.
class FillPolicy {
public:
  virtual ~FillPolicy() = default;
  virtual std::optional<FillChoice> choose(const TaskShape& task, const FillState& state, Rng& rng) = 0;
  //! How the policy breaks ties between nodes of equal score (run_fill sets it from scheduler.fill.node_ties).
  NodeTies node_ties = NodeTies::RANDOM;
};

//! Keeps the best-scoring candidate offered (higher is better). Among equal scores it keeps the first offered
//! (NodeTies::FIRST) or each with equal probability (NodeTies::RANDOM: reservoir sampling with the run's seeded
//! generator, which is what the Kubernetes scheduler's selectHost does among its top-scoring nodes).
template <typename Choice>
class BestOf {
public:
  BestOf(NodeTies ties, Rng& rng)
      : random_(ties == NodeTies::RANDOM)
      , rng_(rng)
  {
  }

  //! Offers a candidate; `make()` builds its choice only when it is kept.
  template <typename Make>
  void offer(double score, Make&& make)
  {
    if (ties_ > 0 && score < score_)
      return;
    if (ties_ > 0 && score == score_) {
      ++ties_;
      if (not random_ || rng_.below(ties_) != 0) // FIRST draws nothing: its runs match the rule's old results
        return;
    } else {
      ties_ = 1;
      score_ = score;
    }
    best_ = make();
  }
  //! Whether any candidate was offered.
  bool found() const { return ties_ > 0; }
  //! The kept candidate (valid when found()).
  Choice& best() { return best_; }

private:
  bool random_;
  Rng& rng_;
  Choice best_{};
  double score_ = 0;
  std::uint64_t ties_ = 0; //!< candidates offered with the best score so far (0: none yet)
};

//! One row of fill.csv: the state when arrived GPU demand reached `arrived_percent` of capacity.
struct FillRow {
  double arrived_percent = 0;
  std::uint64_t tasks_arrived = 0, tasks_placed = 0, tasks_failed = 0;
  double arrived_gpus = 0, allocated_gpus = 0, fragmented_gpus = 0, idle_gpus = 0;
};

//! One task's outcome, in arrival order.
struct FillPlacement {
  std::string task_id;   //!< the job id; clones are "<id>#<n>"
  std::uint32_t job = 0; //!< index of the original job
  std::optional<FillChoice> choice;
};

struct FillResult {
  std::vector<FillRow> rows;
  std::vector<FillPlacement> placements;
  std::uint64_t originals = 0, clones = 0;
  double capacity_gpus = 0;
  double first_failure_percent = -1; //!< arrived demand (% of capacity) when a GPU task first failed; -1 = never
};

//! Runs fill mode: the jobs sorted by id, shuffled with `seed`, extended with clones drawn uniformly from them
//! until the next clone would push GPU demand above demand_ratio x capacity, then placed once each, in order.
//! `file` (the scenario) names the source when the demand ratio asks for more than 10,000,000 tasks (InputError).
FillResult run_fill(const Cluster& cluster, std::span<const Job> jobs, const FillSpec& spec, FillPolicy& policy,
                    std::uint64_t seed, const std::string& file);

} // namespace ccsim
