// include/ccsim/output/writers.hpp
#pragma once

#include "ccsim/attribution/wait_causes.hpp"
#include "ccsim/engine/run_result.hpp"
#include "ccsim/fill/fill.hpp"
#include "ccsim/power/energy.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace ccsim {

//! Throws InputError if `path` exists and is not a regular file (a device, FIFO, socket or folder): a file written
//! there would replace it. Checked by AtomicFile, and before a run for the files it writes after its results.
void expect_replaceable_file(const std::filesystem::path& path);

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

//! An AtomicFile written through a buffer: rows are appended to buffer() and go to the file in blocks
//! (flush_if_full()), so a streamed output holds at most one block.
class BufferedFile {
public:
  explicit BufferedFile(std::filesystem::path path)
      : file_(std::move(path))
  {
  }
  std::string& buffer() { return buffer_; }
  //! Writes the buffer out once it holds a block.
  void flush_if_full()
  {
    if (buffer_.size() >= FLUSH_BYTES) {
      file_.write(buffer_);
      buffer_.clear();
    }
  }
  //! Writes the rest, then AtomicFile::commit().
  void commit()
  {
    file_.write(buffer_);
    buffer_.clear();
    file_.commit();
  }

private:
  static constexpr std::size_t FLUSH_BYTES = 1 << 20;
  AtomicFile file_;
  std::string buffer_;
};

//! Appends `s` as one CSV field: quoted when it holds a comma, quote or line break (RFC 4180). Every name taken
//! from an input file goes through this.
void csv_field(std::string& out, std::string_view s);

//! Batsim interval-set text of sorted indices: "0-3 7 9-10".
std::string interval_set(std::span<const std::uint32_t> sorted_indices);

//! jobs.csv's header: Batsim's columns (job_id ... final_state; workload_name, profile and success in Batsim's
//! places) then ccsim's (site, accelerator_type, nodes, staging_time, ...; docs/metrics.md "jobs.csv").
inline constexpr std::string_view JOBS_CSV_HEADER =
    "job_id,workload_name,profile,submission_time,requested_number_of_resources,requested_time,success,"
    "starting_time,execution_time,"
    "finish_time,waiting_time,turnaround_time,stretch,consumed_energy,allocated_resources,final_state,"
    "site,accelerator_type,nodes,staging_time,staged_bytes,comm_slowdown,class,tenant,precision,data_site,"
    "wait_staging_s,wait_policy_s,wait_fragmentation_s,wait_power_cap_s,wait_eligibility_s,wait_capacity_s\n";
//! One row of jobs.csv: times in seconds, shortest round-trip decimal form; consumed_energy in J (job_energy_j).
//! `workload_name`: Batsim's column (the scenario's name); `slots`: the job's own pieces.
void append_job_row(std::string& out, const Cluster& cluster, std::string_view workload_name, const Job& job,
                    const JobRecord& record, std::span<const NodeSlots> slots);
//! jobs.csv of every job in `jobs`' order (tests and small runs; `ccsim run` streams it with JobsCsvWriter).
std::string jobs_csv(const Cluster& cluster, std::string_view workload_name, std::span<const Job> jobs,
                     const RunResult& result);

//! jobs.csv written as jobs end, in that order (time, then input order), as Batsim writes its jobs file: a row is
//! formatted when its job ends and written in blocks, so memory does not grow with the run. Written to
//! `path`.tmp and renamed by commit().
class JobsCsvWriter final : public JobRecordSink {
public:
  JobsCsvWriter(const Cluster& cluster, std::string workload_name, const std::filesystem::path& path);
  void job_ended(const Job& job, const JobRecord& record, std::span<const NodeSlots> slots) override;
  void commit();

private:
  const Cluster* cluster_;
  std::string workload_name_;
  BufferedFile file_;
};

//! wait_log.csv's header: one row per interval of a job's wait (docs/metrics.md "wait_log.csv").
inline constexpr std::string_view WAIT_LOG_CSV_HEADER = "job_id,from_s,to_s,cause,at_head\n";

//! wait_log.csv written as wait attribution closes each interval of a wait (in the order of their ends): the job,
//! [from_s, to_s) in seconds, its cause then, and at_head 1 when it was the queue policy's head. A job's rows tile
//! its wait. Written to `path`.tmp and renamed by commit().
class WaitLogCsvWriter final : public WaitLogSink {
public:
  explicit WaitLogCsvWriter(const std::filesystem::path& path);
  void interval(const Job& job, double from_s, double to_s, WaitCause cause, bool at_head) override;
  void commit() { file_.commit(); }

private:
  BufferedFile file_;
};

//! timeseries.csv written row by row as the meter samples.
class TimeseriesCsvWriter final : public TimeseriesSink {
public:
  explicit TimeseriesCsvWriter(const std::filesystem::path& path);
  void columns(std::span<const std::string> names) override;
  void row(std::span<const double> values) override;
  void commit() { file_.commit(); }

private:
  BufferedFile file_;
};

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
