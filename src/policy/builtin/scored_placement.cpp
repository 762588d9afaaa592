// src/policy/builtin/scored_placement.cpp
// Score-based placement (docs/policies.md). The vectorized kernel scores every node of every pool that can hold
// the job (hierarchy: pools are skipped by their counts before any node is scored); the best node picks the
// pool; the job then takes nodes of that pool by descending score (ties: lowest node), each giving what it can
// within its rack's power cap, lowest-numbered free slots first.
#include "ccsim/cluster/score_kernel.hpp"
#include "ccsim/core/params.hpp"
#include "ccsim/policy/builtin/builtin.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

namespace ccsim {

namespace {

enum class Bonus : std::uint8_t { NONE, PERF_PER_WATT, PERF_PER_COST };

class ScoredPlacement final : public PlacementPolicy {
public:
  bool places_whenever_a_pool_has_room() const override { return true; }
  ScoredPlacement(ScoreWeights weights, Bonus bonus, nlohmann::json throughput)
      : w_(weights)
      , bonus_mode_(bonus)
      , throughput_(std::move(throughput))
  {
  }

  bool place(const Job& job, const ClusterView& view, std::vector<NodeSlots>& out) override
  {
    const Cluster& c = view.cluster;
    const ClusterState& st = view.state;
    scores_.resize(c.node_count());
    const KernelNodes nodes{st.effective_free(), c.node_accels.data(), c.node_rack.data(), st.rack_allowances()};
    const auto n = static_cast<std::int32_t>(job.accelerators);
    std::int32_t best = NO_SCORE;
    std::uint32_t best_node = 0;
    for (std::uint32_t p = 0; p < c.pools.size(); p++) {
      if (not view.pool_allowed(job, p) || st.available_in_pool(p) < job.accelerators)
        continue;
      const std::int32_t bonus = pool_bonus(job, p, c);
      for (const auto& [a, b] : c.pools[p].runs) {
        // The kernel returns the run's best score; only a run that beats (or ties from a lower node) the best so
        // far is searched for the first node holding it. Ties go to the lowest node index.
        const std::int32_t m = score_nodes(nodes, a, b, n, w_, bonus, scores_.data());
        if (m == NO_SCORE || m < best || (m == best && a >= best_node))
          continue;
        const auto first =
            static_cast<std::uint32_t>(std::find(scores_.data() + a, scores_.data() + b, m) - scores_.data());
        if (m > best || first < best_node) {
          best = m;
          best_node = first;
        }
      }
    }
    if (best == NO_SCORE)
      return false;
    const std::uint32_t pool = c.node_pool[best_node];
    pieces_.clear();
    if (st.effective_free()[best_node] >= job.accelerators) {
      take(c, st, best_node, job.accelerators);
    } else {
      candidates_.clear();
      for (const auto& [a, b] : c.pools[pool].runs)
        for (std::uint32_t i = a; i < b; i++)
          if (scores_[i] != NO_SCORE)
            candidates_.push_back(i);
      // Nodes by descending score (ties: lowest node), sorted lazily: only as far as the job takes nodes (each
      // gives at least one accelerator unless its rack's cap is used up by earlier picks).
      const auto order = [this](std::uint32_t x, std::uint32_t y) {
        return scores_[x] != scores_[y] ? scores_[x] > scores_[y] : x < y;
      };
      std::size_t sorted = 0;
      rack_left_.clear();
      std::uint32_t needed = job.accelerators;
      for (std::size_t ci = 0; ci < candidates_.size() && needed > 0; ci++) {
        if (ci == sorted) {
          const std::size_t upto = std::min(candidates_.size(), sorted + std::max<std::size_t>(needed, 16));
          std::partial_sort(candidates_.begin() + static_cast<std::ptrdiff_t>(sorted),
                            candidates_.begin() + static_cast<std::ptrdiff_t>(upto), candidates_.end(), order);
          sorted = upto;
        }
        const std::uint32_t node = candidates_[ci];
        const std::uint32_t rack = c.node_rack[node];
        auto [it, fresh] = rack_left_.try_emplace(rack, st.rack_allowance(rack));
        const std::uint32_t k = std::min({needed, static_cast<std::uint32_t>(st.free_counts()[node]), it->second});
        if (k == 0)
          continue;
        take(c, st, node, k);
        it->second -= k;
        needed -= k;
      }
      if (needed > 0)
        return false; // cannot happen: available_in_pool() counted these slots
      std::sort(pieces_.begin(), pieces_.end(), [](const NodeSlots& x, const NodeSlots& y) { return x.node < y.node; });
    }
    out.insert(out.end(), pieces_.begin(), pieces_.end());
    return true;
  }

private:
  void take(const Cluster& c, const ClusterState& st, std::uint32_t node, std::uint32_t k)
  {
    pieces_.push_back(NodeSlots{node, lowest_free_slots(c, st, node, k)});
  }

  //! Per-pool bonus: 0, or the rank (x 2^20, dominating node features) of the pool's merit for this job:
  //! throughput (peak at the job's precision, or the measured table's figure for its class) per watt of
  //! accelerator max power, or per unit of electricity cost (watts x price x PUE at full load).
  std::int32_t pool_bonus(const Job& job, std::uint32_t p, const Cluster& c)
  {
    if (bonus_mode_ == Bonus::NONE)
      return 0;
    const auto key = std::make_pair(static_cast<int>(job.precision), static_cast<int>(job.job_class));
    auto it = ranks_.find(key);
    if (it == ranks_.end()) {
      std::vector<double> merit(c.pools.size());
      for (std::uint32_t q = 0; q < c.pools.size(); q++)
        merit[q] = pool_merit(job, q, c);
      std::vector<double> sorted = merit;
      std::sort(sorted.begin(), sorted.end());
      sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
      std::vector<std::int32_t> rank(c.pools.size());
      for (std::uint32_t q = 0; q < c.pools.size(); q++)
        rank[q] = static_cast<std::int32_t>(std::lower_bound(sorted.begin(), sorted.end(), merit[q]) - sorted.begin());
      it = ranks_.emplace(key, std::move(rank)).first;
    }
    return it->second[p] * (1 << 20);
  }

  double pool_merit(const Job& job, std::uint32_t p, const Cluster& c) const
  {
    const AcceleratorType& t = c.types[c.pools[p].type];
    double throughput = t.peak_flop_per_s[static_cast<std::size_t>(job.precision)];
    const std::string cls(enum_name(JOB_CLASS_NAMES, job.job_class));
    if (throughput_.contains(cls) && throughput_[cls].contains(t.name))
      throughput = throughput_[cls][t.name].get<double>();
    double cost = t.max_w;
    if (bonus_mode_ == Bonus::PERF_PER_COST) {
      const Site& s = c.sites[c.pools[p].site];
      cost *= s.price_per_kwh * c.site_pue(c.pools[p].site, 1.0);
    }
    return cost > 0 ? throughput / cost : throughput * 1e30; // free power: throughput alone decides
  }

  ScoreWeights w_;
  Bonus bonus_mode_;
  nlohmann::json throughput_;
  std::vector<std::int32_t> scores_;
  std::vector<std::uint32_t> candidates_;
  std::vector<NodeSlots> pieces_;
  std::map<std::uint32_t, std::uint32_t> rack_left_;
  std::map<std::pair<int, int>, std::vector<std::int32_t>> ranks_;
};

std::unique_ptr<PlacementPolicy> weighted(const nlohmann::json& params, const char* name, ScoreWeights w)
{
  expect_params(params, name, {});
  return std::make_unique<ScoredPlacement>(w, Bonus::NONE, nlohmann::json::object());
}

} // namespace

std::unique_ptr<PlacementPolicy> make_best_fit(const nlohmann::json& params)
{
  // Least leftover on the node first; among equals, the node that gives the most.
  return weighted(params, "best-fit", ScoreWeights{.leftover = -100, .contrib = 1});
}

std::unique_ptr<PlacementPolicy> make_packing(const nlohmann::json& params)
{
  // Partly used nodes first (most busy accelerators), then the most the node gives.
  return weighted(params, "packing", ScoreWeights{.busy = 100, .contrib = 1});
}

std::unique_ptr<PlacementPolicy> make_spread(const nlohmann::json& params)
{
  // Emptiest nodes first.
  return weighted(params, "spread", ScoreWeights{.free = 1});
}

std::unique_ptr<PlacementPolicy> make_dot_product(const nlohmann::json& params)
{
  // Tetris: dot product of the job's demand and the node's free resources over two dimensions, the node's
  // accelerators (ef x min(ef, n)) and its rack's power headroom in accelerators (rack_allow).
  return weighted(params, "dot-product", ScoreWeights{.product = 1, .rack = 1});
}

std::unique_ptr<PlacementPolicy> make_power_aware(const nlohmann::json& params)
{
  // Racks with the most power headroom first (balances load under caps); then the most the node gives.
  return weighted(params, "power-aware", ScoreWeights{.contrib = 1, .rack = 100});
}

std::unique_ptr<PlacementPolicy> make_heterogeneity_aware(const nlohmann::json& params)
{
  expect_params(params, "heterogeneity-aware", {"objective", "throughput"});
  Bonus bonus = Bonus::PERF_PER_WATT;
  if (params.is_object() && params.contains("objective")) {
    const auto& o = params["objective"];
    if (o == "per-watt")
      bonus = Bonus::PERF_PER_WATT;
    else if (o == "per-cost")
      bonus = Bonus::PERF_PER_COST;
    else
      throw std::invalid_argument("heterogeneity-aware: objective " + o.dump() +
                                  " (expected \"per-watt\" or \"per-cost\")");
  }
  nlohmann::json table = nlohmann::json::object();
  if (params.is_object() && params.contains("throughput")) {
    table = params["throughput"];
    const auto valid = [](const nlohmann::json& t) {
      if (not t.is_object())
        return false;
      for (const auto& [cls, per_type] : t.items()) {
        if (not enum_from_name<JobClass>(JOB_CLASS_NAMES, cls).has_value() || not per_type.is_object())
          return false;
        for (const auto& [type, v] : per_type.items())
          if (not v.is_number() || not(v.get<double>() > 0))
            return false;
      }
      return true;
    };
    if (not valid(table))
      throw std::invalid_argument("heterogeneity-aware: throughput: expected {class: {accelerator type: positive "
                                  "relative throughput}} with classes training, inference, hpc");
  }
  // Within the best pool: first fit (all node weights zero, ties to the lowest node).
  return std::make_unique<ScoredPlacement>(ScoreWeights{}, bonus, std::move(table));
}

} // namespace ccsim
