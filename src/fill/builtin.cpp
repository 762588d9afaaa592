// src/fill/builtin.cpp: fill-mode placement policies (the FGD paper's baselines and FGD). Scoring rules:
// docs/workloads.md, "Fill-to-capacity mode".
#include "ccsim/fill/builtin.hpp"

#include "ccsim/core/params.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace ccsim {

namespace {

//! Picks the feasible node with the highest score (ties: node_ties) and its best-fit GPUs.
class ScoredFill : public FillPolicy {
public:
  using Score = double (*)(const TaskShape&, const FillState&, std::uint32_t node);
  explicit ScoredFill(Score score)
      : score_(score)
  {
  }

  std::optional<FillChoice> choose(const TaskShape& t, const FillState& state, Rng& rng) override
  {
    BestOf<std::uint32_t> pick(node_ties, rng);
    for (std::uint32_t n = 0; n < state.node_count(); n++)
      if (state.fits(t, n))
        pick.offer(score_(t, state, n), [n] { return n; });
    if (not pick.found())
      return std::nullopt;
    return FillChoice{pick.best(), state.best_fit_slots(t, pick.best())};
  }

private:
  Score score_;
};

//! Uniformly random feasible node (reservoir sampling over node order), best-fit GPUs.
class RandomFill : public FillPolicy {
public:
  std::optional<FillChoice> choose(const TaskShape& t, const FillState& state, Rng& rng) override
  {
    std::uint64_t seen = 0;
    std::optional<std::uint32_t> pick;
    for (std::uint32_t n = 0; n < state.node_count(); n++)
      if (state.fits(t, n) && rng.below(++seen) == 0)
        pick = n;
    if (not pick)
      return std::nullopt;
    return FillChoice{*pick, state.best_fit_slots(t, *pick)};
  }
};

//! FGD: the node (and, for a GPU-sharing task, the GPU) whose expected fragmentation grows least. Within a node,
//! the first GPU with the least growth; between nodes, ties by node_ties.
class FgdFill : public FillPolicy {
public:
  std::optional<FillChoice> choose(const TaskShape& t, const FillState& state, Rng& rng) override
  {
    BestOf<FillChoice> pick(node_ties, rng);
    std::vector<std::uint32_t> slots, node_best;
    for (std::uint32_t n = 0; n < state.node_count(); n++) {
      if (not state.fits(t, n))
        continue;
      const double before = state.node_fragmentation(n);
      double growth = std::numeric_limits<double>::infinity();
      if (t.gpus == 1 && t.gpu_milli < 1000) {
        // One candidate GPU per distinct free share (the lowest slot holding it).
        const auto frees = state.gpu_free(n);
        for (std::uint32_t s = 0; s < frees.size(); s++) {
          if (frees[s] < t.gpu_milli)
            continue;
          bool first_of_value = true;
          for (std::uint32_t p = 0; p < s && first_of_value; p++)
            first_of_value = frees[p] != frees[s];
          if (not first_of_value)
            continue;
          slots.assign(1, s);
          if (const double g = state.fragmentation_after(t, n, slots) - before; g < growth) {
            growth = g;
            node_best = slots;
          }
        }
      } else {
        node_best = state.best_fit_slots(t, n);
        growth = state.fragmentation_after(t, n, node_best) - before;
      }
      pick.offer(-growth, [&] { return FillChoice{n, node_best}; });
    }
    if (not pick.found())
      return std::nullopt;
    return std::move(pick.best());
  }
};

//! The FGD artifact's best-fit score (its best_fit_score.go): 100 x (1 - 0.5 x (free CPU - request) / 128,000 -
//! 0.5 x (free GPU share - request) / 8,000), milli units over its MaxSpecCpu and MaxSpecGpu, truncated to an integer
//! (its min-max NormalizeScore keeps the best nodes best). Nodes without CPU figures drop the CPU term.
double best_fit_score(const TaskShape& t, const FillState& s, std::uint32_t n)
{
  constexpr double MAX_SPEC_CPU_MILLI = 128000, MAX_SPEC_GPU_MILLI = 8000, MAX_SCORE = 100;
  const auto& c = s.cluster();
  double leftover = 0;
  if (c.node_cpu_milli[n] > 0)
    leftover += 0.5 * (static_cast<double>(s.cpu_free(n)) - t.cpu_milli) / MAX_SPEC_CPU_MILLI;
  leftover +=
      0.5 * (static_cast<double>(s.gpu_free_total(n)) - static_cast<double>(t.gpu_demand_milli())) / MAX_SPEC_GPU_MILLI;
  return std::trunc((1.0 - leftover) * MAX_SCORE);
}

//! The FGD artifact's dot-product score (its dot_product_score.go with the paper's configuration, dimExtMethod
//! "share", normMethod "max"): the node is split into virtual nodes, one per partly used GPU that can take a
//! sharing task's share (GPU dimension: that GPU's free share) and one for its fully free GPUs when they can hold
//! the task (their total); each shares the node's free CPU. Vectors (CPU, GPU) are divided by (128,000, 8,000)
//! milli (the artifact's MaxSpecCpu, MaxSpecGpu); a virtual node scores 1 - (free . request) / 2, the node its best
//! virtual node, truncated to an integer of 0-100: the smaller the alignment the better (best fit, not Tetris).
double dot_product_score(const TaskShape& t, const FillState& s, std::uint32_t n)
{
  constexpr double MAX_SPEC_CPU_MILLI = 128000, MAX_SPEC_GPU_MILLI = 8000, MAX_SCORE = 100;
  const auto& c = s.cluster();
  const bool has_cpu = c.node_cpu_milli[n] > 0;
  const double cpu_term = has_cpu ? (s.cpu_free(n) / MAX_SPEC_CPU_MILLI) * (t.cpu_milli / MAX_SPEC_CPU_MILLI) : 0.0;
  const auto request = static_cast<double>(t.gpu_demand_milli());
  double best = -1;
  const auto consider = [&](double gpu_free) {
    const double dot = cpu_term + (gpu_free / MAX_SPEC_GPU_MILLI) * (request / MAX_SPEC_GPU_MILLI);
    best = std::max(best, 1 - dot / 2);
  };
  // One pass: the fully free GPUs, and the partly used GPU with room and the least free share (of a sharing or
  // CPU-only task's virtual nodes it scores best: the smaller the free share, the smaller the dot product).
  std::uint64_t idle = 0;
  std::uint32_t least_partial = UINT32_MAX;
  for (const auto f : s.gpu_free(n)) {
    idle += f == 1000 ? 1 : 0;
    if (f < 1000 && f >= t.gpu_demand_milli())
      least_partial = std::min<std::uint32_t>(least_partial, f);
  }
  if (t.gpu_demand_milli() < 1000 && least_partial != UINT32_MAX)
    consider(least_partial);
  if (t.gpu_demand_milli() <= idle * 1000)
    consider(static_cast<double>(idle * 1000));
  return best < 0 ? 0.0 : std::trunc(MAX_SCORE * best);
}

//! The FGD artifact's GPU packing score (its gpu_packing_score.go), in its integer arithmetic on the 0-100 range:
//!  - an idle node (every GPU fully free, F of them): max(33 - F, F), smaller idle nodes first;
//!  - else the GPUs the task would use, least free first among those with its share: when some are fully free
//!    (k of them), max(50 - k, 33);
//!  - else (only partly used GPUs): max(100 - sum over them of floor(free x 100 / 1000) / 10, 50), the least free
//!    first.
//! A CPU-only task scores 0 everywhere.
double gpu_packing_score(const TaskShape& t, const FillState& s, std::uint32_t n)
{
  constexpr std::int64_t MAX_SCORE = 100;
  if (t.gpus == 0)
    return 0;
  const auto frees = s.gpu_free(n);
  const auto gpus = static_cast<std::int64_t>(frees.size());
  const auto fully_free = static_cast<std::int64_t>(std::count(frees.begin(), frees.end(), 1000U));
  if (fully_free == gpus)
    return static_cast<double>(std::max(MAX_SCORE / 3 - fully_free, fully_free));
  thread_local std::vector<std::uint32_t> order;
  order.resize(frees.size());
  std::iota(order.begin(), order.end(), 0U);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return frees[a] < frees[b]; });
  std::uint32_t wanted = t.gpus;
  std::int64_t fully_free_used = 0, free_ratio = 0; // free_ratio: sum of floor(free x 100 / 1000) over the GPUs used
  for (const std::uint32_t g : order) {
    if (wanted == 0)
      break;
    if (frees[g] < t.gpu_milli)
      continue;
    wanted--;
    fully_free_used += frees[g] == 1000 ? 1 : 0;
    free_ratio += static_cast<std::int64_t>(frees[g]) * 100 / 1000;
  }
  if (wanted != 0)
    return 0; // the artifact's error case (fits() rules it out)
  if (fully_free_used > 0)
    return static_cast<double>(std::max(MAX_SCORE / 2 - fully_free_used, MAX_SCORE / 3));
  return static_cast<double>(std::max(MAX_SCORE - free_ratio / 10, MAX_SCORE / 2));
}

//! The FGD artifact's GPU clustering score (its gpu_clustering_score.go), in its integer arithmetic: a quarter of
//! the 0-100 range per tier (the node's GPU tasks all of the task's affinity: 75; that affinity among others: 50;
//! no GPU task: 25; only other affinities: 0), plus 25 x (8000 - free milli-GPUs) / 8000, truncated (the artifact's
//! MaxSpecGpu, 8 GPUs: fuller nodes first within a tier). A CPU-only task scores 0 everywhere.
double gpu_clustering_score(const TaskShape& t, const FillState& s, std::uint32_t n)
{
  constexpr std::int64_t QUARTER = 25, MAX_SPEC_GPU_MILLI = 8000;
  if (t.gpus == 0)
    return 0;
  const std::int64_t tier = s.same_affinity_on(n, t) > 0 ? (s.affinities_on(n) == 1 ? 3 : 2)
                            : s.affinities_on(n) == 0    ? 1
                                                         : 0;
  const std::int64_t fullness =
      QUARTER * (MAX_SPEC_GPU_MILLI - static_cast<std::int64_t>(s.gpu_free_total(n))) / MAX_SPEC_GPU_MILLI;
  return static_cast<double>(QUARTER * tier + fullness);
}

template <typename Make>
FillRegistration entry(const char* name, const char* description, Make make)
{
  return FillRegistration{name, description, [name, make](const nlohmann::json& params) {
                            expect_params(params, name, {});
                            return make();
                          }};
}

} // namespace

std::vector<FillRegistration> builtin_fill_policies()
{
  return {
      entry("random", "uniformly random feasible node (seeded), best-fit GPUs",
            [] { return std::make_unique<RandomFill>(); }),
      entry("fill-best-fit", "least normalized CPU and GPU leftover on the node",
            [] { return std::make_unique<ScoredFill>(best_fit_score); }),
      entry("fill-dot-product",
            "smallest dot product of the task's request and the node's free CPU and GPU (the FGD artifact's)",
            [] { return std::make_unique<ScoredFill>(dot_product_score); }),
      entry("gpu-packing", "partly used GPUs, then nodes with GPUs in use, then idle nodes (the FGD artifact's)",
            [] { return std::make_unique<ScoredFill>(gpu_packing_score); }),
      entry("gpu-clustering",
            "nodes whose GPU tasks share the task's GPU affinity, then idle nodes (the FGD artifact's)",
            [] { return std::make_unique<ScoredFill>(gpu_clustering_score); }),
      entry("fgd", "fragmentation gradient descent: least growth of expected GPU fragmentation (Weng et al., ATC'23)",
            [] { return std::make_unique<FgdFill>(); }),
  };
}

} // namespace ccsim
