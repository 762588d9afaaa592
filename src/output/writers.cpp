// src/output/writers.cpp
#include "ccsim/output/writers.hpp"

#include "ccsim/core/process.hpp"

#include "ccsim/metrics/metrics.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include "ccsim/core/error.hpp"
#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace ccsim {

void expect_replaceable_file(const std::filesystem::path& path)
{
  // The file replaces what is at `path` when committed: never a device, FIFO or folder (as root, a report written
  // to /dev/null replaced the device with a regular file).
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (not ec && std::filesystem::exists(status) && status.type() != std::filesystem::file_type::regular)
    throw InputError(path.string(), "",
                     std::string("exists and is not a regular file (") +
                         (std::filesystem::is_directory(status) ? "a folder" : "a device, FIFO or socket") +
                         "); expected a path for a new file or a regular file to replace");
}

AtomicFile::AtomicFile(std::filesystem::path path)
    : path_(std::move(path))
    , tmp_(path_)
{
  expect_replaceable_file(path_);
  tmp_ += ".tmp";
  file_ = std::fopen(tmp_.c_str(), "wb");
  if (file_ == nullptr) {
    const int err = errno;
    const std::string why = "cannot write " + tmp_.string() + ": " + std::strerror(err);
    if (is_path_errno(err))
      throw InputError(path_.string(), "", why + " (expected a writable path)");
    throw std::runtime_error(why);
  }
}

AtomicFile::~AtomicFile()
{
  if (file_ != nullptr) {
    std::fclose(file_);
    std::error_code ignored;
    std::filesystem::remove(tmp_, ignored);
  }
}

void AtomicFile::write(std::string_view bytes)
{
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
    throw std::runtime_error("cannot write " + tmp_.string() + ": " + std::strerror(errno));
}

void AtomicFile::commit()
{
  const bool ok = std::fflush(file_) == 0 && std::fclose(file_) == 0;
  file_ = nullptr;
  if (not ok) {
    std::error_code ignored;
    std::filesystem::remove(tmp_, ignored);
    throw std::runtime_error("cannot write " + tmp_.string() + ": " + std::strerror(errno));
  }
  std::filesystem::rename(tmp_, path_);
}

namespace {
//! Input limits (core/limits.hpp) keep every output finite; a non-finite one is a bug, not a file to write ("inf" in
//! a CSV, null in JSON: ccsim's own readers refuse both).
void expect_finite(double value)
{
  if (not std::isfinite(value))
    throw std::logic_error(fmt::format("an output value is {} (every value ccsim writes must be finite)", value));
}

void expect_finite(const nlohmann::ordered_json& value)
{
  if (value.is_number_float())
    expect_finite(value.get<double>());
  else if (value.is_structured())
    for (const auto& item : value)
      expect_finite(item);
}

//! Appends `value` as fmt's "{}" does (integers in decimal, doubles in their shortest round-trip form), without
//! parsing a format string at run time: jobs.csv writes a dozen numbers per job.
template <typename T>
void put(std::string& out, T value)
{
  if constexpr (std::is_floating_point_v<T>)
    expect_finite(value);
  std::array<char, 40> buf; // NOLINT(cppcoreguidelines-pro-type-member-init): written before it is read
  char* end = fmt::format_to(buf.data(), FMT_COMPILE("{}"), value);
  out.append(buf.data(), end);
}

void append_interval_set(std::string& out, std::span<const std::uint32_t> sorted_indices)
{
  std::size_t i = 0;
  while (i < sorted_indices.size()) {
    std::size_t j = i;
    while (j + 1 < sorted_indices.size() && sorted_indices[j + 1] == sorted_indices[j] + 1)
      j++;
    if (i > 0)
      out += ' ';
    put(out, sorted_indices[i]);
    if (j != i) {
      out += '-';
      put(out, sorted_indices[j]);
    }
    i = j + 1;
  }
}
} // namespace

std::string interval_set(std::span<const std::uint32_t> sorted_indices)
{
  std::string out;
  append_interval_set(out, sorted_indices);
  return out;
}

namespace {
std::string_view state_name(JobState s)
{
  switch (s) {
    case JobState::COMPLETED_SUCCESSFULLY:
      return "COMPLETED_SUCCESSFULLY";
    case JobState::COMPLETED_WALLTIME_REACHED:
      return "COMPLETED_WALLTIME_REACHED";
    case JobState::PENDING:
      break;
  }
  return "PENDING";
}

} // namespace

void csv_field(std::string& out, std::string_view s)
{
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (const char c : s) {
    if (c == '"')
      out += '"';
    out += c;
  }
  out += '"';
}

std::string racks_csv(const Cluster& cluster)
{
  std::string out = "rack,site,region,accelerator_type,nodes,accelerators,first_accelerator,power_cap_w,max_busy\n";
  for (const Rack& rack : cluster.racks) {
    const Site& site = cluster.sites[rack.site];
    csv_field(out, rack.name);
    out += ',';
    csv_field(out, site.name);
    out += ',';
    csv_field(out, site.region);
    out += ',';
    csv_field(out, cluster.types[cluster.node_type[rack.first_node]].name);
    const auto back = std::back_inserter(out);
    fmt::format_to(back, ",{},{},{},", rack.node_count, rack.accelerators, cluster.node_first_accel[rack.first_node]);
    if (not std::isnan(rack.power_cap_w))
      fmt::format_to(back, "{}", rack.power_cap_w);
    fmt::format_to(back, ",{}\n", rack.max_busy);
  }
  return out;
}

namespace {
//! The last columns of a job's jobs.csv row: its labels (",class,tenant,precision,data_site") and its wait by cause
//! (WAIT_CAUSE_NAMES order; empty when not attributed: output.wait_causes off, or a job that never started), then
//! the line's end.
void append_job_tail(std::string& out, const Job& job, const JobRecord& rec)
{
  out += ',';
  out += JOB_CLASS_NAMES[static_cast<std::size_t>(job.job_class)];
  out += ',';
  csv_field(out, job.tenant);
  out += ',';
  out += PRECISION_NAMES[static_cast<std::size_t>(job.precision)];
  out += ',';
  csv_field(out, job.data_site);
  for (const double s : rec.wait_s) {
    out += ',';
    if (rec.wait_attributed)
      put(out, s);
  }
  out += '\n';
}
} // namespace

void append_job_row(std::string& out, const Cluster& cluster, std::string_view workload_name, const Job& job,
                    const JobRecord& rec, std::span<const NodeSlots> slots)
{
  csv_field(out, job.id);
  out += ',';
  csv_field(out, workload_name);
  out += ',';
  out += JOB_CLASS_NAMES[static_cast<std::size_t>(job.job_class)]; // ccsim has no Batsim profiles: the class
  out += ',';
  put(out, job.submit_s);
  out += ',';
  put(out, job.accelerators);
  out += ',';
  put(out, job.walltime_s);
  out += rec.state == JobState::COMPLETED_SUCCESSFULLY ? ",1" : ",0"; // Batsim's success: ended before its walltime
  if (rec.state == JobState::PENDING) {
    out += ",,,,,,,-1,,PENDING,,,0,";
    put(out, rec.staging_s);
    out += ',';
    put(out, rec.staged_bytes);
    out += ',';
    append_job_tail(out, job, rec);
    return;
  }
  const double execution = rec.finish_s - rec.start_s;
  const double turnaround = rec.finish_s - job.submit_s;
  for (const double v : {rec.start_s, execution, rec.finish_s, rec.start_s - job.submit_s, turnaround}) {
    out += ',';
    put(out, v);
  }
  out += ',';
  if (execution > 0)
    put(out, turnaround / execution);
  out += ',';
  put(out, job_energy_j(cluster, rec, slots, job.activity));
  out += ',';
  thread_local std::vector<std::uint32_t> accels;
  accels.clear();
  for (const NodeSlots& s : slots)
    for (std::uint64_t m = s.mask; m != 0; m &= m - 1)
      accels.push_back(cluster.node_first_accel[s.node] + static_cast<std::uint32_t>(std::countr_zero(m)));
  std::sort(accels.begin(), accels.end());
  append_interval_set(out, accels);
  const Pool& pool = cluster.pools[rec.pool];
  out += ',';
  out += state_name(rec.state);
  out += ',';
  // The site, or the sites joined by '+' for a job spanning sites (in platform order).
  thread_local std::string sites;
  sites = cluster.sites[pool.site].name;
  std::uint32_t last = pool.site;
  for (const NodeSlots& s : slots)
    if (const std::uint32_t site = cluster.node_site[s.node]; site != last && site != pool.site) {
      sites += '+';
      sites += cluster.sites[site].name;
      last = site;
    }
  csv_field(out, sites);
  out += ',';
  csv_field(out, cluster.types[pool.type].name);
  out += ',';
  put(out, slots.size());
  out += ',';
  put(out, rec.staging_s);
  out += ',';
  put(out, rec.staged_bytes);
  out += ',';
  put(out, rec.comm_slowdown);
  append_job_tail(out, job, rec);
}

std::string jobs_csv(const Cluster& cluster, std::string_view workload_name, std::span<const Job> jobs,
                     const RunResult& result)
{
  std::string out;
  out.reserve(jobs.size() * 160 + 256);
  out += JOBS_CSV_HEADER;
  for (const Job& job : jobs)
    append_job_row(out, cluster, workload_name, job, result.records[job.index],
                   result.slots_of(result.records[job.index]));
  return out;
}

JobsCsvWriter::JobsCsvWriter(const Cluster& cluster, std::string workload_name, const std::filesystem::path& path)
    : cluster_(&cluster)
    , workload_name_(std::move(workload_name))
    , file_(path)
{
  file_.buffer() = JOBS_CSV_HEADER;
}

void JobsCsvWriter::job_ended(const Job& job, const JobRecord& record, std::span<const NodeSlots> slots)
{
  append_job_row(file_.buffer(), *cluster_, workload_name_, job, record, slots);
  file_.flush_if_full();
}

void JobsCsvWriter::commit()
{
  fault_point("writing:jobs.csv"); // the run is over, jobs.csv not complete yet
  file_.commit();
}

WaitLogCsvWriter::WaitLogCsvWriter(const std::filesystem::path& path)
    : file_(path)
{
  file_.buffer() = WAIT_LOG_CSV_HEADER;
}

void WaitLogCsvWriter::interval(const Job& job, double from_s, double to_s, WaitCause cause, bool at_head)
{
  std::string& out = file_.buffer();
  csv_field(out, job.id);
  out += ',';
  put(out, from_s);
  out += ',';
  put(out, to_s);
  out += ',';
  out += WAIT_CAUSE_NAMES[static_cast<std::size_t>(cause)];
  out += at_head ? ",1\n" : ",0\n";
  file_.flush_if_full();
}

TimeseriesCsvWriter::TimeseriesCsvWriter(const std::filesystem::path& path)
    : file_(path)
{
}

void TimeseriesCsvWriter::columns(std::span<const std::string> names)
{
  std::string& out = file_.buffer();
  for (std::size_t c = 0; c < names.size(); c++) {
    if (c > 0)
      out += ',';
    csv_field(out, names[c]);
  }
  out += '\n';
}

void TimeseriesCsvWriter::row(std::span<const double> values)
{
  std::string& out = file_.buffer();
  for (std::size_t i = 0; i < values.size(); i++) {
    expect_finite(values[i]);
    fmt::format_to(std::back_inserter(out), "{}{}", values[i], i + 1 == values.size() ? "\n" : ",");
  }
  file_.flush_if_full();
}

std::string timeseries_csv(const Timeseries& series)
{
  std::string out;
  for (std::size_t c = 0; c < series.columns.size(); c++) {
    if (c > 0)
      out += ',';
    csv_field(out, series.columns[c]);
  }
  out += '\n';
  const std::size_t width = series.columns.size();
  for (std::size_t i = 0; i < series.values.size(); i++) {
    expect_finite(series.values[i]);
    fmt::format_to(std::back_inserter(out), "{}{}", series.values[i], (i + 1) % width == 0 ? "\n" : ",");
  }
  return out;
}

std::string json_text(const nlohmann::ordered_json& value)
{
  expect_finite(value);
  return value.dump(2) + "\n";
}

void write_files(const std::filesystem::path& dir, const std::vector<std::pair<std::string, std::string>>& files)
{
  std::filesystem::create_directories(dir);
  for (const auto& [name, bytes] : files) {
    AtomicFile f(dir / name);
    f.write(bytes);
    fault_point("writing:" + name); // its .tmp is written, not yet renamed
    f.commit();
    fault_point("wrote:" + name);
  }
}

std::string fill_csv(const FillResult& result)
{
  std::string out = "arrived_percent,tasks_arrived,tasks_placed,tasks_failed,arrived_gpus,allocated_gpus,"
                    "allocation_ratio,idle_gpus,fragmented_gpus,fragmentation_ratio\n";
  for (const auto& r : result.rows)
    out += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", r.arrived_percent, r.tasks_arrived, r.tasks_placed,
                       r.tasks_failed, r.arrived_gpus, r.allocated_gpus,
                       result.capacity_gpus > 0 ? r.allocated_gpus / result.capacity_gpus : 0.0, r.idle_gpus,
                       r.fragmented_gpus, r.idle_gpus > 0 ? r.fragmented_gpus / r.idle_gpus : 0.0);
  return out;
}

std::string placements_csv(const Cluster& cluster, std::span<const Job> jobs, const FillResult& result)
{
  std::string out = "order,task_id,cpu_milli,gpus,gpu_milli,placed,node,site,accelerator_type,gpu_slots\n";
  for (std::size_t i = 0; i < result.placements.size(); i++) {
    const auto& p = result.placements[i];
    const Job& job = jobs[p.job];
    // Ids and names come from input files: csv_field quotes them when needed.
    out += fmt::format("{},", i);
    csv_field(out, p.task_id);
    out += fmt::format(",{},{},{},{},", job.cpu_milli, job.accelerators, job.accelerators > 0 ? job.gpu_milli : 0,
                       p.choice ? 1 : 0);
    if (p.choice) {
      const std::uint32_t n = p.choice->node;
      csv_field(out, cluster.node_name(n));
      out += ',';
      csv_field(out, cluster.sites[cluster.node_site[n]].name);
      out += ',';
      csv_field(out, cluster.types[cluster.node_type[n]].name);
      out += ',';
      for (std::size_t k = 0; k < p.choice->slots.size(); k++)
        out += (k == 0 ? "" : " ") + std::to_string(p.choice->slots[k]);
    } else {
      out += ",,,";
    }
    out += '\n';
  }
  return out;
}

} // namespace ccsim
