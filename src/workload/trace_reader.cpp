// src/workload/trace_reader.cpp
#include "ccsim/workload/trace_reader.hpp"

#include "readers.hpp"

#include <algorithm>
#include <limits>

namespace ccsim {

bool is_line_based(const std::string& format)
{
  return format == "swf" || format == "openb" || format == "pai" || format == "tiresias" || format == "ccsim";
}

std::unique_ptr<TraceReader> open_trace_reader(const std::string& format, const std::string& path,
                                               const nlohmann::json& options, ImportUse use)
{
  if (format == "swf")
    return open_swf_reader(path, options);
  if (format == "openb")
    return open_openb_reader(path, options, use);
  if (format == "pai")
    return open_pai_reader(path, options, use);
  if (format == "tiresias")
    return open_tiresias_reader(path, options);
  if (format == "ccsim")
    return open_ccsim_reader(path, use);
  return nullptr;
}

ImportedWorkload read_whole(TraceReader& reader)
{
  ImportedWorkload out;
  std::vector<std::uint64_t> lines;
  double first_submit = std::numeric_limits<double>::infinity();
  for (Job job; reader.next(job);) {
    first_submit = std::min(first_submit, job.submit_s);
    lines.push_back(reader.line());
    out.jobs.push_back(std::move(job));
  }
  out.report = reader.report();
  out.report.lines = std::move(lines);
  if (reader.start_at_zero() && not out.jobs.empty())
    for (Job& j : out.jobs)
      j.submit_s -= first_submit;
  return out;
}

TraceJobSource::TraceJobSource(std::unique_ptr<TraceReader> reader, double shift_s)
    : reader_(std::move(reader))
    , shift_s_(shift_s)
{
}

bool TraceJobSource::next(Job& job)
{
  if (not reader_->next(job))
    return false;
  job.submit_s -= shift_s_;
  job.index = index_++;
  return true;
}

} // namespace ccsim
