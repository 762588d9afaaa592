// src/app/point_runner.hpp: runs `ccsim run` child processes for the sweep and the plan (their points), and keeps
// one such command per results folder (app-private).
#pragma once

#include "sweep_mpi.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ccsim::app {

//! What one point runs: `self_exe args` with its log in DIR/log.txt and its results in DIR/out/.
struct PointJob {
  std::filesystem::path dir;
  std::vector<std::string> args;
  bool prune = false; //!< keep only summary.json and run.json of DIR/out/ once it succeeded (a sweep's default)
};

//! Runs `mine`, `jobs` at a time, each as the PointJob `job_of(config, seed)` gives, reporting each end to `done`.
//! A point's folder is emptied first (a point killed mid-run left partial results: it is redone from scratch).
//! After a point fails with bad input no new point starts (the rest are reported NOT_RUN). `poll` (optional) is
//! called while children run and returns whether it did something (MPI rank 0 receives other ranks' outcomes there).
void run_points(const Points& mine, const std::function<PointJob(std::size_t, std::uint64_t)>& job_of, unsigned jobs,
                const std::string& self_exe, const std::function<void(PointOutcome&&)>& done,
                const std::function<bool()>& poll);

//! Runs every point of `batch` over the MPI ranks (round-robin; one rank without MPI), each rank `jobs` at a time:
//! called on rank 0, which gets every outcome through `done`; the other ranks run their share in serve_batches().
void run_batch(const Points& batch, int ranks, const std::function<PointJob(std::size_t, std::uint64_t)>& job_of,
               unsigned jobs, const std::string& self_exe, const std::function<void(PointOutcome&&)>& done);

//! On ranks other than 0: runs each batch rank 0 deals (run_batch) until it deals an empty one (end_batches()).
void serve_batches(int rank, int ranks, const std::function<PointJob(std::size_t, std::uint64_t)>& job_of,
                   unsigned jobs, const std::string& self_exe);

//! On rank 0: tells the other ranks that no batch follows.
void end_batches(int ranks);

//! `body(rank, ranks)` in an MPI session when `mpi` (else as rank 0 of 1). An exception on any rank of several
//! ends every rank (the others may wait in a collective call) after printing it; exit 2 for bad input. Without MPI
//! in this build, `mpi` is bad input (`command` names it in the message).
int with_ranks(bool mpi, const std::string& command, const std::function<int(int rank, int ranks)>& body);

//! Holds `<dir>/<name>` (flock) for the process's life, with this process's id in it: two sweeps (or plans) on one
//! folder removed each other's point files and failed with "database is locked". The kernel drops the lock when the
//! process ends, however it ends, so a command killed with -9 can be resumed at once. `what` ("sweep", "plan")
//! names the holder in the refusal (InputError, exit 2).
class FolderLock {
public:
  FolderLock(const std::filesystem::path& dir, const std::string& name, const std::string& what);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

private:
  int fd_ = -1;
};

} // namespace ccsim::app
