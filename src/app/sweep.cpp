// src/app/sweep.cpp: `ccsim sweep` - what-if sweeps with resume, a SQLite results database and deltas. The sweep
// file is read in sweep_spec, results kept in sweep_db, points run as child processes spread over MPI ranks by
// point_runner (shared with ccsim plan).
#include "sweep.hpp"

#include "check.hpp"
#include "child_process.hpp"
#include "point_runner.hpp"
#include "sweep_db.hpp"
#include "sweep_spec.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <set>

namespace fs = std::filesystem;

namespace ccsim::app {

namespace {

std::string human_s(double s)
{
  return s < 120    ? fmt::format("{:.1f} s", s)
         : s < 7200 ? fmt::format("{:.1f} min", s / 60)
                    : fmt::format("{:.1f} h", s / 3600);
}

//! The sweep once MPI (if any) is up: rank 0 keeps the database, every rank runs its share of the points.
int run_sweep(const SweepSpec& spec, const SweepOptions& opt, const std::string& self_exe, int rank, int ranks)
{
  const fs::path out = opt.out;
  std::optional<FolderLock> lock;
  if (rank == 0) {
    fs::create_directories(out);
    lock.emplace(out, "sweep.lock", "sweep");
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
  // A point's command: the scenario, its seed and the configuration's --patch (a variant) and --set edits.
  const auto job_of = [&](std::size_t c, std::uint64_t seed) {
    PointJob job{out / "points" / point_id(c, seed), {}, not spec.keep_all};
    for (const auto& lib : opt.policy_libs)
      job.args.insert(job.args.end(), {"--policy-lib", lib});
    job.args.insert(job.args.end(),
                    {"run", spec.scenario, "--seed", std::to_string(seed), "--out", (job.dir / "out").string(), "-q"});
    const auto idx = config_values(spec, c);
    for (std::size_t a = 0; a < spec.axes.size(); a++) {
      if (spec.axes[a].is_variants()) // a variant's patch (applied before every --set)
        job.args.insert(job.args.end(), {"--patch", spec.axes[a].patches[idx[a]].dump()});
      else
        job.args.insert(job.args.end(), {"--set", spec.axes[a].pointer + "=" + spec.axes[a].values[idx[a]].dump()});
    }
    job.args.insert(job.args.end(), spec.args.begin(), spec.args.end());
    return job;
  };
  if (rank != 0) {
    serve_batches(rank, ranks, job_of, opt.jobs, self_exe);
    return 0;
  }

  const std::size_t skipped = total - pending.size();
  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [&t0] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  std::size_t finished = 0;
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
  run_batch(pending, ranks, job_of, opt.jobs, self_exe, handle); // the points, dealt round-robin over the ranks
  end_batches(ranks);
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
  return with_ranks(opt.mpi, "ccsim sweep",
                    [&](int rank, int ranks) { return run_sweep(spec, opt, self_exe, rank, ranks); });
}

} // namespace ccsim::app
