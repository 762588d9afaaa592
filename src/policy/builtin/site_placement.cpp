// src/policy/builtin/site_placement.cpp
// Site-aware placement (docs/policies.md): choose the site first, then nodes inside it with a node-level policy
// (best-fit by default).
//   locality   - the site holding the job's data, then the others by route latency from it (ties: platform
//                order).
//   pue-aware  - the site with the least estimated facility energy for the job, counting the accelerators held
//                idle while its data moves (hold mode) - a remote site wins only if its lower PUE pays for that;
//                a site whose staging time exceeds max_staging_share x the job's runtime is not considered
//                while the data's site can run it.
//   cost-aware - the same, weighing each site's energy by its electricity price.
#include "ccsim/core/params.hpp"
#include "ccsim/perf/runtime.hpp"
#include "ccsim/policy/builtin/builtin.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace ccsim {

namespace {

enum class Objective : std::uint8_t { LOCALITY, ENERGY, COST };

class SitePlacement final : public PlacementPolicy {
public:
  SitePlacement(Objective objective, std::unique_ptr<PlacementPolicy> nodes, double max_staging_share,
                double prefetch_slack_s)
      : objective_(objective)
      , nodes_(std::move(nodes))
      , max_staging_share_(max_staging_share)
      , prefetch_slack_s_(prefetch_slack_s)
  {
  }

  bool place(const Job& job, const ClusterView& view, std::vector<NodeSlots>& out) override
  {
    if (view.only_pool != ANY_POOL)
      return nodes_->place(job, view, out);
    const Cluster& c = view.cluster;
    order_sites(job, view, false);
    // Sites best first, drawn from a heap: the job usually starts at the first (order_sites() keeps only sites
    // with room now), so sorting them all would be wasted. The order is total, so this is the sorted order.
    const auto worse = [&](std::uint32_t a, std::uint32_t b) { return site_before(c, job.data_site_index, b, a); };
    std::make_heap(order_.begin(), order_.end(), worse);
    while (not order_.empty()) {
      std::pop_heap(order_.begin(), order_.end(), worse);
      const std::uint32_t site = order_.back();
      order_.pop_back();
      for (const std::uint32_t p : pools_of_site_[site]) {
        if (not view.pool_allowed(job, p) || view.state.available_in_pool(p) < job.accelerators)
          continue;
        ClusterView in_pool = view;
        in_pool.only_pool = p;
        if (nodes_->place(job, in_pool, out))
          return true;
      }
    }
    return false;
  }

  //! Prefetch mode commits the site at submission: the best site by the objective among those whose backlog
  //! of pinned, not yet started work (accelerator-seconds over the accelerators the job may use there) is within
  //! prefetch_slack_s of the least backlogged one - so a burst of submissions does not all pile onto one site.
  std::uint32_t prefetch_site(const Job& job, const ClusterView& view) override
  {
    order_sites(job, view, true);
    std::sort(order_.begin(), order_.end(),
              [&](std::uint32_t a, std::uint32_t b) { return site_before(view.cluster, job.data_site_index, a, b); });
    if (order_.empty())
      return job.data_site_index;
    if (view.pinned_backlog.empty())
      return order_.front();
    const Cluster& c = view.cluster;
    usable_.assign(c.sites.size(), 0);
    for (std::uint32_t p = 0; p < c.pools.size(); p++)
      if (view.may_use(job, p))
        usable_[c.pools[p].site] += static_cast<double>(c.pools[p].usable);
    const auto delay = [&](std::uint32_t s) { return std::max(0.0, view.pinned_backlog[s]) / usable_[s]; };
    double least = std::numeric_limits<double>::infinity();
    for (const std::uint32_t s : order_)
      least = std::min(least, delay(s));
    for (const std::uint32_t s : order_)
      if (delay(s) <= least + prefetch_slack_s_)
        return s;
    return order_.front();
  }

private:
  //! Fills order_ with the sites that could run the job (an eligible pool big enough), unordered: site_before()
  //! ranks them.
  //! `prefetch`: by capacity alone (the site is chosen before the job can start), and the data moves while the
  //! job waits (no accelerators held idle); otherwise among pools with room now, holding them during staging.
  void order_sites(const Job& job, const ClusterView& view, bool prefetch)
  {
    const Cluster& c = view.cluster;
    const std::size_t sites = c.sites.size();
    if (pools_of_site_.size() != sites) {
      pools_of_site_.assign(sites, {});
      for (std::uint32_t p = 0; p < c.pools.size(); p++)
        pools_of_site_[c.pools[p].site].push_back(p);
      key_.assign(sites, std::numeric_limits<double>::infinity());
      best_pool_.assign(sites, ANY_POOL);
      site_busy_w_.assign(sites, 0);
      busy_stamp_.assign(sites, 0);
    }
    if (busy_of_ != &view.state || busy_changes_ != view.state.changes()) {
      busy_of_ = &view.state; // site_busy_w_ is kept while the state is unchanged
      busy_changes_ = view.state.changes();
      busy_epoch_++;
    }
    // Sites touched by this call: their key_ and best_pool_ are reset on the way out.
    for (const std::uint32_t site : touched_) {
      key_[site] = std::numeric_limits<double>::infinity();
      best_pool_[site] = ANY_POOL;
    }
    touched_.clear();
    const std::uint32_t home = job.data_site_index;
    bool home_can_run = false; // the data's site has a pool that can ever run the job
    const auto consider = [&](std::uint32_t p) {
      const Pool& pool = c.pools[p];
      if (pool.usable < job.accelerators)
        return;
      home_can_run = home_can_run || pool.site == home;
      if (not prefetch && view.state.available_in_pool(p) < job.accelerators)
        return;
      const double k = site_key(job, view, p, not prefetch);
      const std::uint32_t site = pool.site;
      if (best_pool_[site] == ANY_POOL) {
        if (not(k < key_[site]))
          return; // never better than none (an infinite or NaN key)
        touched_.push_back(site);
      } else if (not(k < key_[site] || (k == key_[site] && p < best_pool_[site]))) {
        return; // ties: the lowest pool
      }
      key_[site] = k;
      best_pool_[site] = p;
    };
    view.for_each_usable_pool(job, consider);
    // Too slow a transfer disqualifies a remote site while the data's site can run the job at all.
    order_.clear();
    for (const std::uint32_t s : touched_) {
      if (objective_ != Objective::LOCALITY && home_can_run && s != home && job.data_bytes > 0) {
        const double runtime = runtime_s(job, c.types[c.pools[best_pool_[s]].type]);
        if (c.topology.transfer_time_s(home, s, job.data_bytes) > max_staging_share_ * runtime)
          continue;
      }
      order_.push_back(s);
    }
  }

  //! Busy accelerators x (max - idle) at `site`, W, summed over its pools in platform order; computed once per
  //! state (changes() count) and site.
  double site_busy_w(const ClusterView& view, std::uint32_t site)
  {
    if (busy_stamp_[site] != busy_epoch_) {
      busy_stamp_[site] = busy_epoch_;
      double w = 0;
      for (const std::uint32_t q : pools_of_site_[site]) {
        const AcceleratorType& t = view.cluster.types[view.cluster.pools[q].type];
        w += static_cast<double>(view.state.busy_in_pool(q)) * (t.max_w - t.idle_w);
      }
      site_busy_w_[site] = w;
    }
    return site_busy_w_[site];
  }

  //! Whether site a ranks before site b for the job of order_sites(): the lower key, then locality (a total
  //! order: locality ends with the platform order).
  bool site_before(const Cluster& c, std::uint32_t home, std::uint32_t a, std::uint32_t b) const
  {
    if (key_[a] != key_[b])
      return key_[a] < key_[b];
    return locality_less(c, home, a, b);
  }

  //! Locality order: the data's site, then by route latency, then platform order.
  static bool locality_less(const Cluster& c, std::uint32_t home, std::uint32_t a, std::uint32_t b)
  {
    if (home == NO_SITE)
      return a < b;
    if ((a == home) != (b == home))
      return a == home;
    const double la = c.topology.latency_s(home, a);
    const double lb = c.topology.latency_s(home, b);
    if (la != lb)
      return la < lb;
    return a < b;
  }

  //! Lower is better. Locality: 0 (the tie-break orders sites). Energy: estimated facility energy of the job at
  //! the pool's site, J; cost: that energy times the site's price per kWh.
  double site_key(const Job& job, const ClusterView& view, std::uint32_t p, bool hold)
  {
    const Cluster& c = view.cluster;
    if (objective_ == Objective::LOCALITY)
      return 0;
    const Pool& pool = c.pools[p];
    const AcceleratorType& type = c.types[pool.type];
    const Site& site = c.sites[pool.site];
    const double n = job.accelerators;
    const double active_w = type.active_w(job.activity); // above idle, at the job's activity and the type's limit
    double it_j = n * (type.idle_w + active_w) * runtime_s(job, type);
    if (hold && job.data_site_index != NO_SITE && job.data_bytes > 0)
      it_j += n * type.idle_w * c.topology.transfer_time_s(job.data_site_index, pool.site, job.data_bytes);
    // PUE at the site's IT load with this job added.
    const double it_w = site.idle_w + site_busy_w(view, pool.site) + n * active_w;
    const double load = site.max_w > 0 ? std::min(1.0, it_w / site.max_w) : 0.0;
    const double facility_j = it_j * c.site_pue(pool.site, load);
    if (objective_ == Objective::COST)
      return facility_j * site.price_per_kwh;
    return facility_j;
  }

  Objective objective_;
  std::unique_ptr<PlacementPolicy> nodes_;
  double max_staging_share_;
  double prefetch_slack_s_;
  std::vector<double> usable_;            //!< per site: accelerators of pools the job may use
  std::vector<double> site_busy_w_;       //!< per site: busy accelerators x (max - idle), W
  std::vector<std::uint64_t> busy_stamp_; //!< per site: the busy_epoch_ its site_busy_w_ was computed in
  std::uint64_t busy_epoch_ = 1;          //!< advanced when the state changes
  const ClusterState* busy_of_ = nullptr; //!< the state of busy_epoch_ ...
  std::uint64_t busy_changes_ = 0;        //!< ... and its changes() count then
  std::vector<std::uint32_t> touched_;    //!< sites with a key in key_ (order_sites())
  std::vector<double> key_;
  std::vector<std::uint32_t> best_pool_;
  std::vector<std::uint32_t> order_;
  std::vector<std::vector<std::uint32_t>> pools_of_site_; //!< per site, its pools in platform order
};

std::unique_ptr<PlacementPolicy> make_site_placement(Objective objective, const char* name,
                                                     const nlohmann::json& params)
{
  if (objective == Objective::LOCALITY)
    expect_params(params, name, {"nodes", "prefetch_slack_s"});
  else
    expect_params(params, name, {"nodes", "max_staging_share", "prefetch_slack_s"});
  std::string nodes = "best-fit";
  double share = 0.25;
  double slack = 1800;
  if (params.is_object()) {
    if (params.contains("nodes")) {
      if (not params["nodes"].is_string())
        throw std::invalid_argument(std::string(name) +
                                    ": \"nodes\" must be \"best-fit\", \"first-fit\" or \"compact\"");
      nodes = params["nodes"].get<std::string>();
    }
    if (params.contains("prefetch_slack_s")) {
      const auto& v = params["prefetch_slack_s"];
      if (not v.is_number() || v.get<double>() < 0)
        throw std::invalid_argument(std::string(name) + ": \"prefetch_slack_s\" must be a number of seconds >= 0");
      slack = v.get<double>();
    }
    if (params.contains("max_staging_share")) {
      const auto& v = params["max_staging_share"];
      if (not v.is_number() || v.get<double>() < 0)
        throw std::invalid_argument(std::string(name) + ": \"max_staging_share\" must be a number >= 0");
      share = v.get<double>();
    }
  }
  std::unique_ptr<PlacementPolicy> inner;
  if (nodes == "best-fit")
    inner = make_best_fit(nullptr);
  else if (nodes == "first-fit")
    inner = make_first_fit(nullptr);
  else if (nodes == "compact")
    inner = make_compact(nullptr);
  else
    throw std::invalid_argument(std::string(name) + ": unknown \"nodes\" policy \"" + nodes +
                                "\" (expected \"best-fit\", \"first-fit\" or \"compact\")");
  return std::make_unique<SitePlacement>(objective, std::move(inner), share, slack);
}

} // namespace

std::unique_ptr<PlacementPolicy> make_locality(const nlohmann::json& params)
{
  return make_site_placement(Objective::LOCALITY, "locality", params);
}

std::unique_ptr<PlacementPolicy> make_pue_aware(const nlohmann::json& params)
{
  return make_site_placement(Objective::ENERGY, "pue-aware", params);
}

std::unique_ptr<PlacementPolicy> make_cost_aware(const nlohmann::json& params)
{
  return make_site_placement(Objective::COST, "cost-aware", params);
}

} // namespace ccsim
