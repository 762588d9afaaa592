// include/ccsim/workload/trace_reader.hpp: line-based traces read one job at a time.
#pragma once

#include "ccsim/workload/importers.hpp"
#include "ccsim/workload/job_source.hpp"

#include <exception>
#include <memory>
#include <string>

namespace ccsim {

//! A trace read one kept job at a time, in file order, so that a trace of any length is never held whole
//! (docs/workloads.md, "Streaming traces"). Every line-based importer is one (SWF, openb, PAI, Tiresias); the
//! import_* functions read theirs whole.
class TraceReader {
public:
  virtual ~TraceReader() = default;
  //! The next kept job, with its submit time as in the file (start_at_zero not applied; Job::index unset), or
  //! false at the end. A malformed row throws InputError with its line.
  virtual bool next(Job& job) = 0;
  //! The source line of the job last returned (1-based).
  virtual std::uint64_t line() const = 0;
  //! Where the job last returned comes from, for messages: "line N", or a JSON pointer ("/jobs/N").
  virtual std::string where() const { return "line " + std::to_string(line()); }
  //! Counts so far (read, kept, skipped by reason) and the trace's header; `lines` stays empty.
  const ImportReport& report() const { return report_; }
  //! Whether the options ask for submit times shifted so that the earliest kept job is submitted at 0.
  bool start_at_zero() const { return start_at_zero_; }

protected:
  ImportReport report_;
  bool start_at_zero_ = false;
};

//! Thrown by a reader of a JSON file that is not laid out one job per line, or that has a problem the reader
//! leaves to the whole-file reader (which reports every mistake with its JSON pointer): read the file whole.
struct ReadWhole : std::exception {
  const char* what() const noexcept override { return "not one job per line: read the file whole"; }
};

//! Whether `format` is read through a TraceReader (swf, openb, pai, tiresias, ccsim).
bool is_line_based(const std::string& format);

//! A reader of `path` in a line-based `format` (swf, openb, pai, tiresias, and ccsim workload files as `ccsim
//! workload convert` writes them: one job per line, else ReadWhole), or nullptr for a format that is read whole
//! (batsim). Bad options and a missing file throw InputError.
std::unique_ptr<TraceReader> open_trace_reader(const std::string& format, const std::string& path,
                                               const nlohmann::json& options, ImportUse use);

//! Every job of `reader`, with start_at_zero applied and report.lines filled.
ImportedWorkload read_whole(TraceReader& reader);

//! A trace whose rows are in submission order, as a JobSource: the reader's jobs in file order, Job::index their
//! rank, submit times minus `shift_s` (start_at_zero: the earliest submit time, found by a first pass).
class TraceJobSource final : public JobSource {
public:
  TraceJobSource(std::unique_ptr<TraceReader> reader, double shift_s);
  bool next(Job& job) override;
  std::string where() const override { return reader_->where(); }
  const TraceReader& reader() const { return *reader_; }

private:
  std::unique_ptr<TraceReader> reader_;
  double shift_s_;
  std::uint32_t index_ = 0;
};

} // namespace ccsim
