// include/ccsim/perf/comm_model.hpp: how much a placement's network slows a job's collectives (docs/model.md "Communication").
#pragma once

#include "ccsim/cluster/state.hpp"
#include "ccsim/workload/job.hpp"

#include <cstdint>
#include <span>

namespace ccsim {

//! The network level a set of accelerators spans, from the most compact to the widest.
enum class CommLevel : std::uint8_t { NODE, RACK, SITE, MULTI_SITE };

//! What a collective over some accelerators sees: the one-way latency and per-flow bandwidth of the slowest
//! hop of its ring.
struct CommPath {
  CommLevel level = CommLevel::NODE;
  double latency_s = 0;     //!< s
  double bandwidth_Bps = 0; //!< bytes/s
};

//! Ring all-reduce of `bytes` over `participants`: 2 (p - 1) latency + 2 (p - 1) / p x bytes / bandwidth, s
//! (0 for one participant).
double ring_allreduce_s(std::uint32_t participants, double bytes, double latency_s, double bandwidth_Bps);

//! The path of a placement (pieces in any pools; sites joined by the topology's routes). docs/model.md.
CommPath comm_path(const Cluster& cluster, std::span<const NodeSlots> slots);
//! The path of the most compact placement of `accelerators` in pool `pool`: one node if a node of the pool holds
//! them, else one rack if a rack does, else the site.
CommPath reference_path(const Cluster& cluster, std::uint32_t pool, std::uint32_t accelerators);
//! Factor on a job's compute time at this placement: (1 - f) + f x T(placement) / T(reference), f its comm_share,
//! T the ring all-reduce time of allreduce_bytes. 1 when f = 0 or at the reference level.
double comm_slowdown(const Cluster& cluster, const Job& job, std::span<const NodeSlots> slots);

} // namespace ccsim
