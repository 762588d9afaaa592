// src/app/plan.hpp: `ccsim plan` (app-private): for each option, the smallest value of its variable meeting every
// SLO, then the options ranked by an objective (docs/planning.md).
#pragma once

#include <string>
#include <vector>

namespace ccsim::app {

struct PlanOptions {
  std::string file;  //!< the plan (JSON)
  std::string out;   //!< results folder: plan.sqlite, runs/, plan.csv, decisions.csv
  unsigned jobs = 1; //!< runs at once (per MPI rank)
  bool quiet = false;
  bool mpi = false;        //!< spread runs over MPI ranks (mpirun -np K ccsim plan ... --mpi); rank 0 decides
  bool check_only = false; //!< read and check the plan (and its patches against the scenario), run nothing
  std::vector<std::string> policy_libs;
};

//! Runs the plan: rounds of runs (every option's next values at once, as `ccsim run` child processes, `jobs` at a
//! time on each MPI rank), recorded in DIR/plan.sqlite, so a rerun reuses every run it recorded; returns the exit
//! code (2 on bad input, located).
int plan(const PlanOptions& opt, const std::string& self_exe);

} // namespace ccsim::app
