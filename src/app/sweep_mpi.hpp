// src/app/sweep_mpi.hpp: what one sweep point became, and how MPI ranks share the points (app-private).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ccsim::app {

//! What became of one point.
struct PointOutcome {
  std::size_t config = 0;
  std::uint64_t seed = 0;
  int code = 0; //!< the `ccsim run` exit code; NOT_RUN when it was never started
  double wall_s = 0;
  nlohmann::json summary; //!< summary.json (code 0)
  std::string log;        //!< what it printed (code != 0)
};
inline constexpr int NOT_RUN = -2;

//! Points as (config, seed), in the order they are dealt.
using Points = std::vector<std::pair<std::size_t, std::uint64_t>>;

#ifdef CCSIM_WITH_MPI
//! Sends an outcome to rank 0.
void send_outcome(const PointOutcome& o);
//! Receives one outcome if one is waiting (or always, when `block`).
std::optional<PointOutcome> receive_outcome(bool block);
//! Rank 0's pending points, to every rank.
Points broadcast_points(const Points& points, int rank);

//! MPI_Init on first use, MPI_Finalize at exit.
struct MpiSession {
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank = 0, size = 1;
};
//! Ends every rank of the job (the others may wait in a collective call): exit code `code`.
[[noreturn]] void mpi_abort(int code);
#endif

} // namespace ccsim::app
