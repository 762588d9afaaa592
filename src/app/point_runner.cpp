// src/app/point_runner.cpp: child processes, MPI batches and folder locks for ccsim sweep and ccsim plan.
#include "point_runner.hpp"

#include "child_process.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace ccsim::app {

namespace {

std::string read_text(const fs::path& p)
{
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

#ifdef CCSIM_WITH_MPI
//! A rank's share of a batch: round-robin.
Points share_of(const Points& batch, int rank, int ranks)
{
  Points mine;
  for (std::size_t i = 0; i < batch.size(); i++)
    if (static_cast<int>(i % static_cast<std::size_t>(ranks)) == rank)
      mine.push_back(batch[i]);
  return mine;
}
#endif

} // namespace

void run_points(const Points& mine, const std::function<PointJob(std::size_t, std::uint64_t)>& job_of, unsigned jobs,
                const std::string& self_exe, const std::function<void(PointOutcome&&)>& done,
                const std::function<bool()>& poll)
{
  struct Running {
    std::size_t config;
    std::uint64_t seed;
    PointJob job;
  };
  std::map<pid_t, Running> running;
  std::size_t next = 0;
  bool bad_input = false;
  const unsigned parallel = std::max(1U, jobs);
  while (next < mine.size() || not running.empty()) {
    while (next < mine.size() && running.size() < parallel && not bad_input) {
      const auto [c, seed] = mine[next++];
      PointJob job = job_of(c, seed);
      fs::remove_all(job.dir);
      fs::create_directories(job.dir);
      const pid_t pid = spawn(self_exe, job.args, (job.dir / "log.txt").string());
      running.emplace(pid, Running{c, seed, std::move(job)});
    }
    if (bad_input)
      for (; next < mine.size(); next++)
        done(PointOutcome{mine[next].first, mine[next].second, NOT_RUN, 0, {}, {}});
    if (running.empty())
      break;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, poll ? WNOHANG : 0);
    if (pid == 0) { // nothing ended yet (polling)
      if (not poll())
        usleep(2000);
      continue;
    }
    const auto it = running.find(pid);
    if (it == running.end())
      continue;
    const Running r = std::move(it->second);
    running.erase(it);
    PointOutcome o{r.config, r.seed, exit_code(status), 0, {}, {}};
    const fs::path out = r.job.dir / "out";
    if (o.code == 0) {
      o.summary = parse_json_file((out / "summary.json").string());
      o.wall_s = parse_json_file((out / "run.json").string()).value("wall_s", 0.0);
      if (r.job.prune)
        for (const auto& f : fs::directory_iterator(out))
          if (f.path().filename() != "summary.json" && f.path().filename() != "run.json")
            fs::remove(f.path());
    } else {
      bad_input = bad_input || o.code == static_cast<int>(ExitCode::BAD_INPUT); // would fail every point
      o.log = read_text(r.job.dir / "log.txt");
    }
    done(std::move(o));
  }
}

void run_batch(const Points& batch, [[maybe_unused]] int ranks,
               const std::function<PointJob(std::size_t, std::uint64_t)>& job_of, unsigned jobs,
               const std::string& self_exe, const std::function<void(PointOutcome&&)>& done)
{
  if (batch.empty()) // an empty batch would tell the other ranks that none follows
    return;
#ifdef CCSIM_WITH_MPI
  if (ranks > 1) {
    broadcast_points(batch, 0);
    std::size_t reported = 0;
    const auto count = [&](PointOutcome&& o) {
      reported++;
      done(std::move(o));
    };
    const auto poll = [&] {
      auto o = receive_outcome(false);
      if (o)
        count(std::move(*o));
      return o.has_value();
    };
    run_points(share_of(batch, 0, ranks), job_of, jobs, self_exe, count, poll);
    while (reported < batch.size())
      count(std::move(*receive_outcome(true)));
    return;
  }
#endif
  run_points(batch, job_of, jobs, self_exe, done, {}); // one rank: all of it
}

void serve_batches([[maybe_unused]] int rank, [[maybe_unused]] int ranks,
                   [[maybe_unused]] const std::function<PointJob(std::size_t, std::uint64_t)>& job_of,
                   [[maybe_unused]] unsigned jobs, [[maybe_unused]] const std::string& self_exe)
{
#ifdef CCSIM_WITH_MPI
  for (;;) {
    const Points batch = broadcast_points({}, rank);
    if (batch.empty())
      return;
    run_points(share_of(batch, rank, ranks), job_of, jobs, self_exe, [](PointOutcome&& o) { send_outcome(o); }, {});
  }
#endif
}

void end_batches([[maybe_unused]] int ranks)
{
#ifdef CCSIM_WITH_MPI
  if (ranks > 1)
    broadcast_points({}, 0);
#endif
}

int with_ranks(bool mpi, [[maybe_unused]] const std::string& command,
               const std::function<int(int rank, int ranks)>& body)
{
#ifdef CCSIM_WITH_MPI
  if (mpi) {
    MpiSession session;
    try {
      return body(session.rank, session.size);
    } catch (const std::exception& e) {
      // The other ranks may wait in a collective call for this one: abort the job instead of finalizing.
      if (session.size > 1) {
        if (const auto* input = dynamic_cast<const InputError*>(&e))
          for (const auto& d : input->diagnostics())
            std::cerr << "error: " << d.to_string() << "\n";
        else
          std::cerr << "ccsim: internal error: " << e.what() << "\n";
        mpi_abort(dynamic_cast<const InputError*>(&e) != nullptr ? 2 : 1);
      }
      throw;
    }
  }
#else
  if (mpi)
    throw InputError("--mpi", "",
                     "this ccsim was built without MPI (install libopenmpi-dev and rebuild), so " + command +
                         " --mpi cannot run");
#endif
  return body(0, 1);
}

FolderLock::FolderLock(const fs::path& dir, const std::string& name, const std::string& what)
{
  const fs::path file = dir / name;
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw InputError(file.string(), "", "cannot open the " + what + "'s lock file: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    std::string holder(32, '\0');
    const ssize_t n = ::pread(fd_, holder.data(), holder.size(), 0);
    holder.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    ::close(fd_);
    throw InputError(dir.string(), "",
                     "another " + what + " (process " + (holder.empty() ? std::string("unknown") : holder) +
                         ") is running in this folder (expected one " + what +
                         " per --out: wait for it, or choose another --out)");
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
    throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
}

FolderLock::~FolderLock()
{
  ::close(fd_);
}

} // namespace ccsim::app
