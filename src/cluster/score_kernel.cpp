// src/cluster/score_kernel.cpp: the node-scoring kernel, compiled once per SIMD target by Highway and
// dispatched at run time (foreach_target.h re-includes this file for each target).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "score_kernel.cpp" // found through this file's own include directory (src/CMakeLists.txt)
#include <hwy/foreach_target.h>               // IWYU pragma: keep
#include <hwy/highway.h>

#include "ccsim/cluster/score_kernel.hpp"

#include <algorithm>

HWY_BEFORE_NAMESPACE();
namespace ccsim::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One node, exactly as the vector code computes it (used for the tail).
inline std::int32_t score_one(const KernelNodes& nodes, std::uint32_t i, std::int32_t n, const ScoreWeights& w,
                              std::int32_t bonus)
{
  const std::int32_t ef = nodes.ef[i];
  if (ef == 0)
    return NO_SCORE;
  const std::int32_t contrib = std::min(ef, n);
  const std::int32_t allow = w.rack != 0 ? nodes.rack_allow[nodes.rack[i]] : 0;
  return bonus + ef * w.free + (nodes.cap[i] - ef) * w.busy + std::max(ef - n, 0) * w.leftover + contrib * w.contrib +
         ef * contrib * w.product + allow * w.rack;
}

void ScoreNodes(const KernelNodes& nodes, std::uint32_t begin, std::uint32_t end, std::int32_t n, const ScoreWeights& w,
                std::int32_t bonus, std::int32_t* HWY_RESTRICT out, std::int32_t* best)
{
  const hn::ScalableTag<std::int32_t> d;
  const hn::Rebind<std::uint8_t, decltype(d)> d8;
  const hn::RebindToUnsigned<decltype(d)> du;
  const std::size_t lanes = hn::Lanes(d);
  const auto vn = hn::Set(d, n);
  const auto zero = hn::Zero(d);
  const auto none = hn::Set(d, NO_SCORE);
  const auto wf = hn::Set(d, w.free), wb = hn::Set(d, w.busy), wl = hn::Set(d, w.leftover);
  const auto wc = hn::Set(d, w.contrib), wp = hn::Set(d, w.product), wr = hn::Set(d, w.rack);
  const auto vbonus = hn::Set(d, bonus);
  auto vmax = none;
  std::uint32_t i = begin;
  for (; i + lanes <= end; i += static_cast<std::uint32_t>(lanes)) {
    const auto ef = hn::PromoteTo(d, hn::LoadU(d8, nodes.ef + i));
    const auto cap = hn::PromoteTo(d, hn::LoadU(d8, nodes.cap + i));
    const auto contrib = hn::Min(ef, vn);
    auto s = hn::Add(vbonus, hn::Mul(ef, wf));
    s = hn::Add(s, hn::Mul(hn::Sub(cap, ef), wb));
    s = hn::Add(s, hn::Mul(hn::Max(hn::Sub(ef, vn), zero), wl));
    s = hn::Add(s, hn::Mul(contrib, wc));
    s = hn::Add(s, hn::Mul(hn::Mul(ef, contrib), wp));
    if (w.rack != 0) { // the rack's allowance, gathered through the node's rack index
      const auto racks = hn::BitCast(d, hn::LoadU(du, nodes.rack + i));
      s = hn::Add(s, hn::Mul(hn::GatherIndex(d, nodes.rack_allow, racks), wr));
    }
    const auto scored = hn::IfThenElse(hn::Eq(ef, zero), none, s);
    hn::StoreU(scored, d, out + i);
    vmax = hn::Max(vmax, scored);
  }
  std::int32_t m = hn::GetLane(hn::MaxOfLanes(d, vmax));
  for (; i < end; i++) {
    out[i] = score_one(nodes, i, n, w, bonus);
    m = std::max(m, out[i]);
  }
  *best = m;
}

void AggregateNodes(const std::uint8_t* HWY_RESTRICT free, const std::uint8_t* HWY_RESTRICT cap, std::uint32_t begin,
                    std::uint32_t end, NodeAggregates* result)
{
  const hn::ScalableTag<std::int32_t> d;
  const hn::Rebind<std::uint8_t, decltype(d)> d8;
  const std::size_t lanes = hn::Lanes(d);
  const auto zero = hn::Zero(d);
  auto acc_cap = zero, acc_free = zero, acc_partial = zero;
  NodeAggregates r;
  std::uint32_t i = begin;
  // Lane sums stay exact: each lane adds at most 64 per node; flush every 2^20 vectors to stay far from 2^31.
  std::uint32_t since_flush = 0;
  auto flush = [&] {
    r.accelerators += static_cast<std::uint64_t>(hn::GetLane(hn::SumOfLanes(d, acc_cap)));
    r.free += static_cast<std::uint64_t>(hn::GetLane(hn::SumOfLanes(d, acc_free)));
    r.free_on_partial += static_cast<std::uint64_t>(hn::GetLane(hn::SumOfLanes(d, acc_partial)));
    acc_cap = acc_free = acc_partial = zero;
    since_flush = 0;
  };
  for (; i + lanes <= end; i += static_cast<std::uint32_t>(lanes)) {
    const auto f = hn::PromoteTo(d, hn::LoadU(d8, free + i));
    const auto c = hn::PromoteTo(d, hn::LoadU(d8, cap + i));
    acc_cap = hn::Add(acc_cap, c);
    acc_free = hn::Add(acc_free, f);
    const auto partial = hn::And(hn::Gt(f, zero), hn::Lt(f, c));
    acc_partial = hn::Add(acc_partial, hn::IfThenElseZero(partial, f));
    if (++since_flush == (1U << 20))
      flush();
  }
  flush();
  for (; i < end; i++) {
    r.accelerators += cap[i];
    r.free += free[i];
    if (free[i] > 0 && free[i] < cap[i])
      r.free_on_partial += free[i];
  }
  *result = r;
}

} // namespace ccsim::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ccsim {

HWY_EXPORT(ScoreNodes);
HWY_EXPORT(AggregateNodes);

std::int32_t score_nodes(const KernelNodes& nodes, std::uint32_t begin, std::uint32_t end, std::int32_t n,
                         const ScoreWeights& w, std::int32_t bonus, std::int32_t* out)
{
  std::int32_t best = NO_SCORE;
  HWY_DYNAMIC_DISPATCH(ScoreNodes)(nodes, begin, end, n, w, bonus, out, &best);
  return best;
}

// Kept scalar on purpose (the baseline the SIMD build is measured against): no auto-vectorization.
__attribute__((optimize("no-tree-vectorize"))) std::int32_t score_nodes_scalar(const KernelNodes& nodes,
                                                                               std::uint32_t begin, std::uint32_t end,
                                                                               std::int32_t n, const ScoreWeights& w,
                                                                               std::int32_t bonus, std::int32_t* out)
{
  std::int32_t best = NO_SCORE;
  for (std::uint32_t i = begin; i < end; i++) {
    const std::int32_t ef = nodes.ef[i];
    if (ef == 0) {
      out[i] = NO_SCORE;
      continue;
    }
    const std::int32_t contrib = std::min(ef, n);
    const std::int32_t allow = w.rack != 0 ? nodes.rack_allow[nodes.rack[i]] : 0;
    out[i] = bonus + ef * w.free + (nodes.cap[i] - ef) * w.busy + std::max(ef - n, 0) * w.leftover +
             contrib * w.contrib + ef * contrib * w.product + allow * w.rack;
    best = std::max(best, out[i]);
  }
  return best;
}

NodeAggregates aggregate_nodes(const std::uint8_t* free, const std::uint8_t* cap, std::uint32_t begin,
                               std::uint32_t end)
{
  NodeAggregates r;
  HWY_DYNAMIC_DISPATCH(AggregateNodes)(free, cap, begin, end, &r);
  return r;
}

__attribute__((optimize("no-tree-vectorize"))) NodeAggregates
aggregate_nodes_scalar(const std::uint8_t* free, const std::uint8_t* cap, std::uint32_t begin, std::uint32_t end)
{
  NodeAggregates r;
  for (std::uint32_t i = begin; i < end; i++) {
    r.accelerators += cap[i];
    r.free += free[i];
    if (free[i] > 0 && free[i] < cap[i])
      r.free_on_partial += free[i];
  }
  return r;
}

const char* score_kernel_target()
{
  // Highway orders targets best-first by bit value: the lowest set bit is the one dispatch picks.
  const std::int64_t targets = hwy::SupportedTargets() & HWY_TARGETS;
  return hwy::TargetName(targets & -targets);
}

} // namespace ccsim
#endif
