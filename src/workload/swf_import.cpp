// src/workload/swf_import.cpp: Standard Workload Format (Parallel Workloads Archive), plain or gzip, streamed
// line by line: a TraceReader. Mapping rules: docs/workloads.md.
#include "ccsim/workload/importers.hpp"

#include "ccsim/core/line_source.hpp"
#include "ccsim/workload/trace_reader.hpp"
#include "readers.hpp"
#include "trace_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

namespace ccsim {

namespace {

struct SwfOptions {
  bool start_at_zero = true;
  std::uint32_t procs_per_accelerator = 1;
  bool raise_walltime = true; // walltime below the run time -> the run time
  bool keep_failed = true;    // status 0 jobs held their processors: keep
  std::string cancelled = "drop-zero-runtime";
  bool keep_zero_runtime = true;
};

SwfOptions read_options(const nlohmann::json& o, const std::string& path)
{
  const TraceOptions t(
      o, path, "swf",
      {"start_at_zero", "processors_per_accelerator", "walltime_below_runtime", "failed", "cancelled", "zero_runtime"});
  SwfOptions opt;
  opt.start_at_zero = t.flag("start_at_zero", true);
  opt.procs_per_accelerator = static_cast<std::uint32_t>(t.integer("processors_per_accelerator", 1, 1'000'000, 1));
  opt.raise_walltime = t.choice("walltime_below_runtime", {"raise", "keep"}, "raise") == "raise";
  opt.keep_failed = t.keep("failed", true);
  opt.cancelled = t.choice("cancelled", {"drop-zero-runtime", "keep", "drop"}, "drop-zero-runtime");
  opt.keep_zero_runtime = t.keep("zero_runtime", true);
  return opt;
}

//! The job id of SWF field 1 as written: an integer keeps its digits (through a double, 9007199254740993 became
//! 9007199254740992 and two distinct 20-digit ids collided), without a '+' or leading zeros (as before). Anything
//! else (a float) prints as its value.
std::string id_text(std::string_view token, double value)
{
  std::string_view digits = token;
  const bool negative = not digits.empty() && digits[0] == '-';
  if (not digits.empty() && (digits[0] == '+' || digits[0] == '-'))
    digits.remove_prefix(1);
  if (digits.empty() || not std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return fmt::format("{}", value);
  while (digits.size() > 1 && digits[0] == '0')
    digits.remove_prefix(1);
  return (negative && digits != "0" ? "-" : "") + std::string(digits);
}

//! SWF rows as jobs, one at a time.
class SwfReader final : public TraceReader {
public:
  SwfReader(LineSource lines, const nlohmann::json& options)
      : lines_(std::move(lines))
      , opt_(read_options(options, lines_.path()))
  {
    report_.format = "swf";
    report_.path = lines_.path();
    start_at_zero_ = opt_.start_at_zero;
  }

  std::uint64_t line() const override { return line_no_; }

  bool next(Job& job) override
  {
    const std::string& path = lines_.path();
    constexpr std::size_t FIELDS = 18;
    std::array<double, FIELDS> f{};
    while (lines_.next(line_)) {
      const std::uint64_t line_no = lines_.line_number();
      const std::string_view view(line_);
      const auto start = view.find_first_not_of(" \t\r");
      if (start == std::string_view::npos)
        continue; // blank line
      if (view[start] == ';') {
        // Header: "; Key: value".
        const std::string body(trim_blanks(view.substr(start + 1)));
        const auto colon = body.find(':');
        if (colon != std::string::npos && colon > 0 && body.find(' ') > colon)
          report_.header[body.substr(0, colon)] = trim_blanks(std::string_view(body).substr(colon + 1));
        continue;
      }
      // A job: exactly 18 whitespace-separated numbers (floats are legal).
      std::size_t n = 0;
      std::size_t pos = start;
      while (pos < view.size()) {
        const auto end = view.find_first_of(" \t\r", pos);
        const std::string_view token =
            view.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (n == 0)
          id_token_ = token;
        if (n < FIELDS) {
          double value = 0;
          const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
          if (ec != std::errc() || ptr != token.data() + token.size() || not std::isfinite(value))
            throw InputError(path, fmt::format("line {}", line_no),
                             fmt::format("field {} is \"{}\" (expected a number)", n + 1, std::string(token)));
          f[n] = value;
        }
        n++;
        if (end == std::string_view::npos)
          break;
        pos = view.find_first_not_of(" \t\r", end);
        if (pos == std::string_view::npos)
          break;
      }
      if (n != FIELDS)
        throw InputError(path, fmt::format("line {}", line_no),
                         fmt::format("{} fields (expected 18 whitespace-separated SWF fields)", n));
      report_.read++;
      const double submit = f[1], run = f[3], allocated = f[4], requested = f[7], wall = f[8], status = f[10];
      if (submit < 0)
        throw InputError(path, fmt::format("line {}", line_no), fmt::format("submit time {} (expected >= 0)", submit));
      auto skip = [this](const char* reason) { report_.skipped[reason]++; };
      if (status != std::floor(status) || status < -1 || status > 5)
        throw InputError(path, fmt::format("line {}", line_no),
                         fmt::format("field 11 (status) is {} (expected -1, 0, 1, 2, 3, 4 or 5)", status));
      const double procs = allocated > 0 ? allocated : requested;
      if (procs <= 0) {
        skip(allocated == -1 && requested == -1 ? "no processor count (fields 5 and 8 are -1)"
                                                : "no processor count (fields 5 and 8 are not positive)");
        continue;
      }
      if (run < 0) {
        skip(run == -1 ? "unknown run time (field 4 is -1)" : "negative run time (field 4 is below -1)");
        continue;
      }
      if (status == 0 && not opt_.keep_failed) {
        skip("failed (status 0)");
        continue;
      }
      if (status == 5 && (opt_.cancelled == "drop" || (opt_.cancelled == "drop-zero-runtime" && run == 0))) {
        skip(run == 0 ? "cancelled with zero run time (status 5)" : "cancelled (status 5)");
        continue;
      }
      if (run == 0 && not opt_.keep_zero_runtime) {
        skip("zero run time");
        continue;
      }
      job = Job();
      job.id = id_text(id_token_, f[0]);
      job.submit_s = submit;
      job.duration_s = run;
      job.accelerators =
          static_cast<std::uint32_t>(std::min(1e9, std::ceil(procs / static_cast<double>(opt_.procs_per_accelerator))));
      if (wall > 0 && (wall >= run || not opt_.raise_walltime))
        job.walltime_s = wall;
      else
        job.walltime_s = run > 0 ? run : UNSET; // -1, or below the run time: the run time
      report_.kept++;
      line_no_ = line_no;
      return true;
    }
    return false;
  }

private:
  LineSource lines_;
  SwfOptions opt_;
  std::string line_;
  std::string_view id_token_; //!< field 1 of the current line, as written
  std::uint64_t line_no_ = 0;
};

} // namespace

std::unique_ptr<TraceReader> open_swf_reader(const std::string& path, const nlohmann::json& options)
{
  return std::make_unique<SwfReader>(LineSource::from_file(path, ".swf or .swf.gz file"), options);
}

ImportedWorkload import_swf(const std::string& path, const nlohmann::json& options)
{
  return read_whole(*open_swf_reader(path, options));
}

ImportedWorkload import_swf_text(std::string_view text, const std::string& path, const nlohmann::json& options)
{
  SwfReader reader(LineSource::from_text(text, path), options);
  return read_whole(reader);
}

} // namespace ccsim
