// src/app/sweep.cpp: `ccsim sweep` - what-if sweeps with resume, a SQLite results database and deltas. The sweep
// file is read in sweep_spec, results kept in sweep_db, points run as child processes (child_process), spread over
// MPI ranks by sweep_mpi.
#include "sweep.hpp"

#include "check.hpp"
#include "child_process.hpp"
#include "sweep_db.hpp"
#include "sweep_mpi.hpp"
#include "sweep_spec.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <set>
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

std::string human_s(double s)
{
  return s < 120    ? fmt::format("{:.1f} s", s)
         : s < 7200 ? fmt::format("{:.1f} min", s / 60)
                    : fmt::format("{:.1f} h", s / 3600);
}

//! Runs `mine`, `jobs` at a time, each as `ccsim run` in DIR/points/<id>/, reporting each end to `done`. After a
//! point fails with bad input no new point starts (the rest are reported NOT_RUN). `poll` (optional) is called
//! while children run and returns whether it did something (MPI rank 0 receives other ranks' outcomes there).
void run_points(const SweepSpec& spec, const SweepOptions& opt, const std::string& self_exe, const fs::path& out,
                const Points& mine, const std::function<void(PointOutcome&&)>& done, const std::function<bool()>& poll)
{
  std::map<pid_t, std::pair<std::size_t, std::uint64_t>> running;
  std::size_t next = 0;
  bool bad_input = false;
  const unsigned parallel = std::max(1U, opt.jobs);
  while (next < mine.size() || not running.empty()) {
    while (next < mine.size() && running.size() < parallel && not bad_input) {
      const auto [c, seed] = mine[next++];
      const fs::path dir = out / "points" / point_id(c, seed);
      fs::remove_all(dir); // a point killed mid-run left partial results: redo it from scratch
      fs::create_directories(dir);
      std::vector<std::string> args;
      for (const auto& lib : opt.policy_libs) {
        args.push_back("--policy-lib");
        args.push_back(lib);
      }
      args.insert(args.end(),
                  {"run", spec.scenario, "--seed", std::to_string(seed), "--out", (dir / "out").string(), "-q"});
      const auto idx = config_values(spec, c);
      for (std::size_t a = 0; a < spec.axes.size(); a++) {
        if (spec.axes[a].is_variants()) { // a variant's patch (applied before every --set)
          args.push_back("--patch");
          args.push_back(spec.axes[a].patches[idx[a]].dump());
          continue;
        }
        args.push_back("--set");
        args.push_back(spec.axes[a].pointer + "=" + spec.axes[a].values[idx[a]].dump());
      }
      args.insert(args.end(), spec.args.begin(), spec.args.end());
      running[spawn(self_exe, args, (dir / "log.txt").string())] = {c, seed};
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
    PointOutcome o;
    std::tie(o.config, o.seed) = it->second;
    running.erase(it);
    const fs::path dir = out / "points" / point_id(o.config, o.seed);
    o.code = exit_code(status);
    if (o.code == 0) {
      o.summary = parse_json_file((dir / "out" / "summary.json").string());
      o.wall_s = parse_json_file((dir / "out" / "run.json").string()).value("wall_s", 0.0);
      if (not spec.keep_all)
        for (const auto& f : fs::directory_iterator(dir / "out"))
          if (f.path().filename() != "summary.json" && f.path().filename() != "run.json")
            fs::remove(f.path());
    } else {
      bad_input = bad_input || o.code == static_cast<int>(ExitCode::BAD_INPUT); // would fail every point
      o.log = read_text(dir / "log.txt");
    }
    done(std::move(o));
  }
}

//! Holds `<out>/sweep.lock` (flock) for the process's life, with this process's id in it: two sweeps on one folder
//! removed each other's point files and failed with "database is locked". The kernel drops the lock when the
//! process ends, however it ends, so a sweep killed with -9 can be resumed at once.
class SweepLock {
public:
  explicit SweepLock(const fs::path& out)
  {
    const fs::path file = out / "sweep.lock";
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw InputError(file.string(), "", std::string("cannot open the sweep's lock file: ") + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      std::string holder(32, '\0');
      const ssize_t n = ::pread(fd_, holder.data(), holder.size(), 0);
      holder.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
      ::close(fd_);
      throw InputError(out.string(), "",
                       "another sweep (process " + (holder.empty() ? std::string("unknown") : holder) +
                           ") is running in this folder (expected one sweep per --out: wait for it, or choose "
                           "another --out)");
    }
    const std::string pid = std::to_string(::getpid());
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
      throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
  }
  ~SweepLock() { ::close(fd_); }
  SweepLock(const SweepLock&) = delete;
  SweepLock& operator=(const SweepLock&) = delete;

private:
  int fd_ = -1;
};

//! The sweep once MPI (if any) is up: rank 0 keeps the database, every rank runs its share of the points.
int run_sweep(const SweepSpec& spec, const SweepOptions& opt, const std::string& self_exe, int rank, int ranks)
{
  const fs::path out = opt.out;
  std::optional<SweepLock> lock;
  if (rank == 0) {
    fs::create_directories(out);
    lock.emplace(out);
  }
  fs::create_directories(out / "points");
  std::optional<Database> db;
  Points pending;
  std::size_t total = spec.configs * spec.seeds.size();
  if (rank == 0) {
    db.emplace((out / "sweep.sqlite").string());
    const std::string text = spec_text(spec);
    if (const auto existing = db->setting("spec"); existing && *existing != text)
      throw InputError(
          (out / "sweep.sqlite").string(), "",
          "this folder holds a different sweep (expected the same sweep file to resume, or another --out)");
    db->set_setting("spec", text);
    std::string cols = "point TEXT PRIMARY KEY, config INTEGER NOT NULL, seed INTEGER NOT NULL, wall_s REAL";
    for (const auto& a : spec.axes)
      cols += ", " + quote_id("axis:" + a.name); // no type: numbers stay numbers
    db->exec("CREATE TABLE IF NOT EXISTS points (" + cols + ")");
    check_points(*db, spec, (out / "sweep.sqlite").string());
    std::set<std::string> done;
    auto s = db->prepare("SELECT point FROM points");
    while (sqlite3_step(s.get()) == SQLITE_ROW)
      done.insert(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
    // Pending points, in order (config, then seed).
    for (std::size_t c = 0; c < spec.configs; c++)
      for (const auto seed : spec.seeds)
        if (not done.contains(point_id(c, seed)))
          pending.emplace_back(c, seed);
  }
#ifdef CCSIM_WITH_MPI
  if (ranks > 1)
    pending = broadcast_points(pending, rank);
#endif
  // Points are dealt round-robin over the ranks.
  Points mine;
  for (std::size_t i = 0; i < pending.size(); i++)
    if (static_cast<int>(i % static_cast<std::size_t>(ranks)) == rank)
      mine.push_back(pending[i]);

  if (rank != 0) {
#ifdef CCSIM_WITH_MPI
    run_points(spec, opt, self_exe, out, mine, [](PointOutcome&& o) { send_outcome(o); }, {});
#endif
    return 0;
  }

  const std::size_t skipped = total - pending.size();
  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [&t0] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  std::size_t finished = 0;
  std::size_t reported = 0;
  std::size_t not_run = 0;
  std::vector<std::string> failures;
  bool bad_input = false;
  // On a terminal one line rewritten in place; in a log (stderr not a terminal) one line per point.
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  const auto progress = [&] {
    if (opt.quiet)
      return;
    const double e = elapsed();
    const double eta =
        finished > 0 ? e / static_cast<double>(finished) * static_cast<double>(pending.size() - finished) : 0;
    const std::string line =
        fmt::format("sweep: {}/{} points ({} already done), {} elapsed, ETA {}", skipped + finished, total, skipped,
                    human_s(e), finished > 0 ? human_s(eta) : std::string("-"));
    std::cerr << (terminal ? "\r" + line + "   " : line + "\n") << std::flush;
  };
  const auto handle = [&](PointOutcome&& o) {
    reported++;
    if (o.code == NOT_RUN) {
      not_run++;
      return;
    }
    if (o.code == 0) {
      record_point(*db, spec, o.config, o.seed, o.wall_s, summary_metrics(o.summary));
    } else {
      bad_input = bad_input || o.code == static_cast<int>(ExitCode::BAD_INPUT);
      failures.push_back(fmt::format("point {} (exit {}): {}", point_id(o.config, o.seed), o.code, o.log));
    }
    finished++;
    progress();
  };
  progress();
  std::function<bool()> poll;
#ifdef CCSIM_WITH_MPI
  if (ranks > 1)
    poll = [&] {
      auto o = receive_outcome(false);
      if (o)
        handle(std::move(*o));
      return o.has_value();
    };
#endif
  run_points(spec, opt, self_exe, out, mine, handle, poll);
#ifdef CCSIM_WITH_MPI
  while (ranks > 1 && reported < pending.size())
    handle(std::move(*receive_outcome(true)));
#endif
  if (not opt.quiet && terminal)
    std::cerr << "\n";
  for (const auto& f : failures)
    std::cerr << "sweep: " << f;
  if (bad_input)
    return static_cast<int>(ExitCode::BAD_INPUT);

  write_points_csv(*db, out / "sweep.csv");
  write_deltas(*db, spec, out / "deltas.csv", metric_columns(*db));
  if (not opt.quiet)
    std::cout << fmt::format("sweep: {} points ({} run now, {} recorded before, {} failed{}) in {}{}\n"
                             "results: {}/{{sweep.sqlite, sweep.csv, deltas.csv, points/}}\n",
                             total, pending.size() - not_run, skipped, failures.size(),
                             not_run > 0 ? fmt::format(", {} not run", not_run) : std::string(), human_s(elapsed()),
                             ranks > 1 ? fmt::format(" on {} MPI ranks", ranks) : std::string(), out.string());
  return failures.empty() ? 0 : static_cast<int>(ExitCode::FAILURE);
}

} // namespace

bool sweep_has_mpi()
{
#ifdef CCSIM_WITH_MPI
  return true;
#else
  return false;
#endif
}

int sweep(const SweepOptions& opt, const std::string& self_exe)
{
  const SweepSpec spec = read_sweep_spec(opt.file);
  // Without throwing: a path the kernel refuses (a component past NAME_MAX) is bad input too (it was exit 1).
  std::error_code ec;
  if (const auto st = fs::status(spec.scenario, ec); not fs::exists(st))
    throw InputError(opt.file, "/scenario",
                     (ec && ec != std::errc::no_such_file_or_directory
                          ? "cannot use the scenario file (" + ec.message() + "): "
                          : std::string("no such scenario file: ")) +
                         printable(spec.scenario, 200));
#ifdef CCSIM_WITH_MPI
  if (opt.mpi) {
    MpiSession mpi;
    try {
      return run_sweep(spec, opt, self_exe, mpi.rank, mpi.size);
    } catch (const std::exception& e) {
      // The other ranks may wait in a collective call for this one: abort the job instead of finalizing.
      if (mpi.size > 1) {
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
  if (opt.mpi)
    throw InputError("--mpi", "", "this ccsim was built without MPI (install libopenmpi-dev and rebuild)");
#endif
  return run_sweep(spec, opt, self_exe, 0, 1);
}

} // namespace ccsim::app
