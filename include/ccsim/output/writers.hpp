// include/ccsim/output/writers.hpp
#pragma once

#include "ccsim/engine/run_result.hpp"
#include "ccsim/fill/fill.hpp"
#include "ccsim/power/energy.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace ccsim {

//! A file written under a temporary name ("<name>.tmp" beside it) and renamed into place by commit(), so a
//! reader never sees a half-written file. Destroyed uncommitted, it removes the temporary.
class AtomicFile {
public:
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  //! Flushes, closes and renames into place. Throws std::runtime_error on an I/O failure.
  void commit();

private:
  std::filesystem::path path_, tmp_;
  std::FILE* file_ = nullptr;
};

//! Appends `s` as one CSV field: quoted when it holds a comma, quote or line break (RFC 4180). Every name taken
//! from an input file goes through this.
void csv_field(std::string& out, std::string_view s);

//! Batsim interval-set text of sorted indices: "0-3 7 9-10".
std::string interval_set(std::span<const std::uint32_t> sorted_indices);

//! jobs.csv: Batsim's columns (job_id ... final_state) then ccsim's (site, accelerator_type, nodes), one row per
//! job in input order. Times in seconds, shortest round-trip decimal form; consumed_energy in J (job_energy_j).
std::string jobs_csv(const Cluster& cluster, std::span<const Job> jobs, const RunResult& result);

//! racks.csv: one row per rack in platform order: rack, site, region, accelerator_type, nodes, accelerators,
//! first_accelerator (global index of its first accelerator: a rack's accelerators are consecutive), power_cap_w
//! (empty when uncapped), max_busy. With jobs.csv's allocated_resources it places every job in its racks
//! (ccsim report).
std::string racks_csv(const Cluster& cluster);

//! timeseries.csv: one row per sample, columns as named by the meter.
std::string timeseries_csv(const Timeseries& series);

//! JSON text with 2-space indentation and a final newline.
std::string json_text(const nlohmann::ordered_json& value);

//! Writes each (file name, bytes) into `dir` (created if needed), every file atomically, in the given order.
void write_files(const std::filesystem::path& dir, const std::vector<std::pair<std::string, std::string>>& files);

//! Fill mode's fill.csv (one row per step of arrived demand) and placements.csv (one row per task).
std::string fill_csv(const FillResult& result);
std::string placements_csv(const Cluster& cluster, std::span<const Job> jobs, const FillResult& result);

} // namespace ccsim
