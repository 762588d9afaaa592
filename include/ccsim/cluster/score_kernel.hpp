// include/ccsim/cluster/score_kernel.hpp
#pragma once

#include <cstdint>
#include <limits>

namespace ccsim {

//! Integer weights of the node-scoring kernel. A node's score for a job needing `n` accelerators is
//!   bonus + ef*w.free + (cap-ef)*w.busy + max(ef-n,0)*w.leftover + min(ef,n)*w.contrib
//!         + ef*min(ef,n)*w.product + rack_allow*w.rack
//! where ef = accelerators it can give now (free and within its rack's power cap), cap = its accelerators and
//! rack_allow = accelerators its rack may still power. Nodes with ef = 0 score NO_SCORE. Integer arithmetic makes
//! the SIMD and scalar builds bit-identical.
struct ScoreWeights {
  std::int32_t free = 0;
  std::int32_t busy = 0;
  std::int32_t leftover = 0;
  std::int32_t contrib = 0;
  std::int32_t product = 0;
  std::int32_t rack = 0;
};

inline constexpr std::int32_t NO_SCORE = std::numeric_limits<std::int32_t>::min();

//! Node state in structure-of-arrays form: ef, cap and rack indexed by node, rack_allow by rack (so that a rack's
//! allowance is one value, updated in O(1) when its busy count changes, whatever the rack's size). The kernel
//! reads rack_allow (a gather through the node's rack) only when w.rack != 0.
struct KernelNodes {
  const std::uint8_t* ef;         //!< per node: effective free accelerators (free, and within its rack's cap)
  const std::uint8_t* cap;        //!< per node: accelerators on the node
  const std::uint32_t* rack;      //!< per node: its rack
  const std::int32_t* rack_allow; //!< per rack: accelerators the rack may still power
};

//! Scores nodes [begin, end) for a job of `n` accelerators into out[begin, end) and returns the highest score
//! (NO_SCORE if none can give anything). SIMD (Highway, runtime dispatch to the best target of this CPU).
std::int32_t score_nodes(const KernelNodes& nodes, std::uint32_t begin, std::uint32_t end, std::int32_t n,
                         const ScoreWeights& w, std::int32_t bonus, std::int32_t* out);
//! The same computation, one node at a time (the reference and the benchmark's baseline).
std::int32_t score_nodes_scalar(const KernelNodes& nodes, std::uint32_t begin, std::uint32_t end, std::int32_t n,
                                const ScoreWeights& w, std::int32_t bonus, std::int32_t* out);

//! Aggregates over nodes [begin, end): accelerators, free accelerators, and free accelerators on partly used
//! nodes (0 < free < cap), the numerator of fragmentation. Uses true free counts (`free`), not ef.
struct NodeAggregates {
  std::uint64_t accelerators = 0;
  std::uint64_t free = 0;
  std::uint64_t free_on_partial = 0;
};
NodeAggregates aggregate_nodes(const std::uint8_t* free, const std::uint8_t* cap, std::uint32_t begin,
                               std::uint32_t end);
NodeAggregates aggregate_nodes_scalar(const std::uint8_t* free, const std::uint8_t* cap, std::uint32_t begin,
                                      std::uint32_t end);

//! Name of the SIMD target the dispatcher picked on this CPU (e.g. "AVX2").
const char* score_kernel_target();

} // namespace ccsim
