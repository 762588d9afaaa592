// src/app/sweep.hpp: `ccsim sweep` (app-private).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ccsim::app {

struct SweepOptions {
  std::string file;                     //!< the sweep JSON file (docs/sweeps.md)
  std::string out;                      //!< results folder: sweep.sqlite, sweep.csv, deltas.csv, points/
  unsigned jobs = 1;                    //!< points run at once (-j)
  bool quiet = false;                   //!< no progress line
  bool mpi = false;                     //!< spread points over MPI ranks (mpirun -np K ccsim sweep ... --mpi)
  std::vector<std::string> policy_libs; //!< passed to every point's `ccsim run`
};

//! Runs every point (axes' cartesian product x seeds) of a sweep, each in its own `ccsim run` process, `jobs` at a
//! time, recording each finished point in DIR/sweep.sqlite in one transaction; points already recorded are
//! skipped (a rerun resumes), a point killed mid-run is redone. Then writes sweep.csv, and deltas against the
//! baseline point (paired over seeds: mean and 95 % confidence interval) as a table and deltas.csv.
//! Returns 0, 1 when a point failed, or throws InputError (exit 2) on a bad sweep file.
//! With `mpi`, rank 0 keeps the database and the points are dealt round-robin over the ranks, each running its
//! share `jobs` at a time and sending every outcome to rank 0: the same database as a local run.
int sweep(const SweepOptions& options, const std::string& self_exe);

//! Whether this build has MPI (CCSIM_WITH_MPI).
bool sweep_has_mpi();

} // namespace ccsim::app
