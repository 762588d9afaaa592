// bench/trace_load.cpp: loads an N-job SWF trace through the streaming importer and reports wall time and peak
// RSS, showing that memory grows with the jobs kept (~ a Job each), not with the file.
// Usage: ccsim_bench_trace_load [--jobs N] [--gzip] [--path FILE]   (writes FILE, default /tmp/ccsim-bench.swf[.gz])
#include "ccsim/core/process.hpp"
#include "ccsim/workload/importers.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

int main(int argc, char** argv)
{
  std::uint64_t jobs = 1'000'000;
  bool gzip = false;
  std::string path;
  CLI::App app{"SWF trace loading benchmark"};
  app.add_option("--jobs", jobs, "jobs in the generated trace");
  app.add_flag("--gzip", gzip, "write and read a .swf.gz");
  app.add_option("--path", path, "where to write the trace");
  CLI11_PARSE(app, argc, argv);
  if (path.empty())
    path = gzip ? "/tmp/ccsim-bench.swf.gz" : "/tmp/ccsim-bench.swf";

  {
    gzFile out = gzopen(path.c_str(), gzip ? "wb6" : "wbT"); // "T": plain, uncompressed output
    std::mt19937_64 rng(1);
    gzprintf(out, "; Version: 2.2\n; MaxProcs: 1024\n");
    double t = 0;
    for (std::uint64_t i = 1; i <= jobs; i++) {
      t += static_cast<double>(rng() % 120);
      const auto procs = 1 + rng() % 64;
      const auto run = 1 + rng() % 20000;
      gzprintf(out, "%6llu %10.0f %6d %8llu %5llu %6d %6d %5llu %8llu %4d %2d %4d %4d %4d %3d %3d %3d %3d\n",
               static_cast<unsigned long long>(i), t, -1, static_cast<unsigned long long>(run),
               static_cast<unsigned long long>(procs), -1, -1, static_cast<unsigned long long>(procs),
               static_cast<unsigned long long>(run * 2), -1, 1, 1, 1, -1, 1, -1, -1, -1);
    }
    gzclose(out);
  }
  const auto file_mib = static_cast<double>(std::filesystem::file_size(path)) / (1024.0 * 1024.0);
  const double rss_before = static_cast<double>(ccsim::peak_rss_bytes()) / (1024.0 * 1024.0);
  const auto t0 = std::chrono::steady_clock::now();
  const ccsim::ImportedWorkload w = ccsim::import_swf(path, nullptr);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double rss = static_cast<double>(ccsim::peak_rss_bytes()) / (1024.0 * 1024.0);
  fmt::print("trace={} file_mib={:.1f} jobs_read={} jobs_kept={}\n", path, file_mib, w.report.read, w.report.kept);
  fmt::print("load_wall_s={:.3f} jobs_per_s={:.0f} peak_rss_mib={:.1f} (before loading {:.1f}) bytes_per_job={:.0f}\n",
             wall, static_cast<double>(w.report.kept) / wall, rss, rss_before,
             (rss - rss_before) * 1024 * 1024 / static_cast<double>(w.report.kept));
  std::remove(path.c_str());
  return 0;
}
