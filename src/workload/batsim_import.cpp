// src/workload/batsim_import.cpp
#include "ccsim/core/json_reader.hpp"
#include "ccsim/core/line_source.hpp"
#include "ccsim/workload/importers.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace ccsim {

namespace {
//! The fast path: one SAX pass over a file that follows the format exactly builds the jobs without a DOM (a DOM of
//! Batsim's synth100k costs more than simulating it). It accepts exactly what the DOM path accepts without a
//! diagnostic and gives the same jobs; at anything else (an unknown or repeated key, an object inside a value it
//! skips, a wrong type or range, a syntax error) it stops, and the DOM path reads the file again to report every
//! mistake with its JSON pointer.
class FastBatsimReader {
public:
  //! The jobs, or nothing if the file needs the DOM path.
  std::optional<std::vector<Job>> read(std::string_view text)
  {
    jobs_.reserve(text.size() / 96); // synth100k: ~95 bytes per job
    if (not nlohmann::json::sax_parse(text.begin(), text.end(), this) || not ok_ || (seen_root_ & BOTH) != BOTH)
      return std::nullopt;
    std::vector<double> delay(profile_names_.size(), -1);
    for (const auto& [name, d] : delays_)
      if (const auto it = profile_names_.find(name); it != profile_names_.end())
        delay[it->second] = d;
    for (std::size_t i = 0; i < jobs_.size(); i++) {
      if (delay[job_profile_[i]] < 0)
        return std::nullopt; // an unknown profile
      jobs_[i].duration_s = delay[job_profile_[i]];
    }
    return std::move(jobs_);
  }

  // nlohmann's SAX interface: each returns false to stop the parse.
  bool null() { return scalar(Kind::OTHER, 0, nullptr); }
  bool boolean(bool /*value*/) { return scalar(Kind::OTHER, 0, nullptr); }
  bool number_integer(std::int64_t v) { return scalar(Kind::INTEGER, static_cast<double>(v), nullptr, v); }
  bool number_unsigned(std::uint64_t v)
  {
    return v > static_cast<std::uint64_t>(INT64_MAX)
               ? scalar(Kind::FLOAT, static_cast<double>(v), nullptr)
               : scalar(Kind::INTEGER, static_cast<double>(v), nullptr, static_cast<std::int64_t>(v));
  }
  bool number_float(double v, const std::string& /*text*/) { return scalar(Kind::FLOAT, v, nullptr); }
  bool string(std::string& v) { return scalar(Kind::STRING, 0, &v); }
  bool binary(nlohmann::json::binary_t& /*value*/) { return fail(); }
  bool start_object(std::size_t /*size*/) { return open(true); }
  bool start_array(std::size_t /*size*/) { return open(false); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(std::string& k);
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const nlohmann::detail::exception& /*e*/)
  {
    return fail();
  }

private:
  enum class Kind : std::uint8_t { INTEGER, FLOAT, STRING, OTHER };
  // Where the parse is: a value to skip, or the structure being read.
  enum class At : std::uint8_t { TOP, ROOT, JOBS, JOB, PROFILES, PROFILE };
  // The value that comes next (after its key), and the keys seen in the current object, as bits.
  enum Field : std::uint16_t {
    NONE = 0,
    ID = 1,
    SUBTIME = 2,
    RES = 4,
    WALLTIME = 8,
    PROFILE_NAME = 16,
    EXTRA = 32,
    TYPE = 64,
    DELAY = 128,
    JOBS_LIST = 256,
    PROFILE_MAP = 512,
    SKIP = 1024,
  };
  static constexpr std::uint32_t JOBS_KEY = 1;
  static constexpr std::uint32_t PROFILES_KEY = 2;
  static constexpr std::uint32_t BOTH = JOBS_KEY | PROFILES_KEY;

  bool fail()
  {
    ok_ = false;
    return false;
  }

  bool scalar(Kind kind, double number, std::string* text, std::int64_t integer = 0);
  bool open(bool object);
  bool close();

  bool ok_ = true;
  At at_ = At::TOP;
  std::uint32_t skip_depth_ = 0; //!< inside a value being skipped (extra_data, description...): its depth
  Field field_ = NONE;           //!< what the next value is
  std::uint32_t seen_root_ = 0;  //!< root keys seen (each once; jobs and profiles required)
  std::uint16_t seen_ = 0;       //!< Fields seen in the current job, or in the current profile
  std::vector<Job> jobs_;
  std::vector<std::uint32_t> job_profile_; //!< per job, an index into profile_names_
  std::unordered_map<std::string, std::uint32_t> profile_names_;
  std::unordered_map<std::string, double> delays_; //!< valid delay profiles
  std::string profile_;                            //!< name of the profile being read
  std::string profile_type_;
  double profile_delay_ = -1;
};

bool FastBatsimReader::key(std::string& k)
{
  if (skip_depth_ > 0)
    return true;
  Field f = NONE;
  switch (at_) {
    case At::ROOT: {
      const std::uint32_t bit = k == "jobs"          ? JOBS_KEY
                                : k == "profiles"    ? PROFILES_KEY
                                : k == "nb_res"      ? 4U
                                : k == "description" ? 8U
                                : k == "command"     ? 16U
                                : k == "date"        ? 32U
                                                     : 0U;
      if (bit == 0 || (seen_root_ & bit) != 0) // unknown or repeated
        return fail();
      seen_root_ |= bit;
      field_ = bit == JOBS_KEY ? JOBS_LIST : bit == PROFILES_KEY ? PROFILE_MAP : SKIP;
      return true;
    }
    case At::JOB:
      f = k == "id"           ? ID
          : k == "subtime"    ? SUBTIME
          : k == "res"        ? RES
          : k == "walltime"   ? WALLTIME
          : k == "profile"    ? PROFILE_NAME
          : k == "extra_data" ? EXTRA
                              : NONE;
      if (f == NONE || (seen_ & f) != 0)
        return fail();
      seen_ |= f;
      field_ = f == EXTRA ? SKIP : f;
      return true;
    case At::PROFILES:
      if (delays_.contains(k))
        return fail(); // a repeated profile name
      profile_ = k;
      profile_type_.clear();
      profile_delay_ = -1;
      seen_ = 0;
      field_ = NONE;
      return true;
    case At::PROFILE:
      f = k == "type" ? TYPE : k == "delay" ? DELAY : NONE;
      if (f == NONE || (seen_ & f) != 0) // other keys (of other profile types) are the DOM path's
        return fail();
      seen_ |= f;
      field_ = f;
      return true;
    default:
      return fail();
  }
}

bool FastBatsimReader::scalar(Kind kind, double number, std::string* text, std::int64_t integer)
{
  constexpr double INF = std::numeric_limits<double>::infinity();
  if (skip_depth_ > 0)
    return true;
  if (field_ == SKIP) {
    field_ = NONE;
    return true;
  }
  const bool is_number = kind == Kind::INTEGER || kind == Kind::FLOAT;
  if (at_ == At::JOB) {
    Job& job = jobs_.back();
    switch (field_) {
      case ID:
        if (kind == Kind::STRING && not text->empty())
          job.id = std::move(*text);
        else if (kind == Kind::INTEGER)
          job.id = std::to_string(integer);
        else
          return fail();
        break;
      case SUBTIME:
        if (not is_number || not(number >= 0) || number == INF)
          return fail();
        job.submit_s = number;
        break;
      case RES:
        if (kind != Kind::INTEGER || integer < 1 || integer > 1'000'000'000)
          return fail();
        job.accelerators = static_cast<std::uint32_t>(integer);
        break;
      case WALLTIME:
        if (not is_number || not std::isfinite(number) || not(number > 0 || number == -1))
          return fail();
        job.walltime_s = number == -1 ? UNSET : number; // Batsim: -1 means unlimited
        break;
      case PROFILE_NAME: {
        if (kind != Kind::STRING || text->empty())
          return fail();
        const auto [it, added] =
            profile_names_.try_emplace(std::move(*text), static_cast<std::uint32_t>(profile_names_.size()));
        job_profile_.back() = it->second;
        break;
      }
      default:
        return fail();
    }
    field_ = NONE;
    return true;
  }
  if (at_ == At::PROFILE) {
    if (field_ == TYPE && kind == Kind::STRING)
      profile_type_ = std::move(*text);
    else if (field_ == DELAY && is_number)
      profile_delay_ = number;
    else
      return fail();
    field_ = NONE;
    return true;
  }
  return fail(); // a scalar where the format has a container (the root, a job, a profile)
}

bool FastBatsimReader::open(bool object)
{
  if (skip_depth_ > 0 || field_ == SKIP) {
    if (object) // its keys are not read here, so not checked for repeats: the DOM path's
      return fail();
    skip_depth_++;
    field_ = NONE;
    return true;
  }
  switch (at_) {
    case At::TOP:
      at_ = At::ROOT;
      return object || fail();
    case At::ROOT:
      if (field_ == JOBS_LIST && not object)
        at_ = At::JOBS;
      else if (field_ == PROFILE_MAP && object)
        at_ = At::PROFILES;
      else
        return fail();
      field_ = NONE;
      return true;
    case At::JOBS:
      if (not object)
        return fail();
      at_ = At::JOB;
      seen_ = 0;
      jobs_.emplace_back();
      job_profile_.push_back(0);
      return true;
    case At::PROFILES:
      if (not object)
        return fail();
      at_ = At::PROFILE;
      return true;
    default:
      return fail();
  }
}

bool FastBatsimReader::close()
{
  if (skip_depth_ > 0) {
    skip_depth_--;
    return true;
  }
  switch (at_) {
    case At::ROOT:
      at_ = At::TOP;
      return true;
    case At::JOBS:
    case At::PROFILES:
      at_ = At::ROOT;
      return true;
    case At::JOB:
      if ((seen_ & (ID | SUBTIME | RES | PROFILE_NAME)) != (ID | SUBTIME | RES | PROFILE_NAME))
        return fail();
      at_ = At::JOBS;
      return true;
    case At::PROFILE:
      if ((profile_type_ != "delay" && profile_type_ != "DelayProfile") || not(profile_delay_ >= 0) ||
          profile_delay_ == std::numeric_limits<double>::infinity())
        return fail();
      delays_[profile_] = profile_delay_;
      at_ = At::PROFILES;
      return true;
    default:
      return fail();
  }
}
} // namespace

ImportedWorkload import_batsim(const std::string& path, const nlohmann::json& options)
{
  // Plain or gzip (Batsim's benchmark workloads ship as .json.gz); parsed once, errors located by line and column.
  return import_batsim_text(read_file_text(path, "Batsim JSON workload (.json or .json.gz)"), path, options);
}

ImportedWorkload import_batsim_text(std::string_view text, const std::string& path, const nlohmann::json& options)
{
  if (not options.is_null() && not options.empty())
    throw InputError(path, "", "the batsim format takes no options (expected none)");
  if (auto jobs = FastBatsimReader().read(text)) {
    ImportedWorkload out;
    out.report.format = "batsim";
    out.report.path = path;
    out.report.read = out.report.kept = jobs->size();
    out.jobs = std::move(*jobs);
    return out;
  }
  const nlohmann::json doc = parse_json_text(text, path);
  Diagnostics diags;
  using Need = ObjectReader::Need;
  constexpr double INF = std::numeric_limits<double>::infinity();
  ObjectReader root(doc, "", path, diags, {"jobs", "profiles", "nb_res", "description", "command", "date"});
  ImportedWorkload out;
  out.report.format = "batsim";
  out.report.path = path;
  const auto* profiles = root.value("profiles", Need::REQUIRED);
  const auto* jobs = root.value("jobs", Need::REQUIRED);
  if (profiles != nullptr && not profiles->is_object())
    root.error("profiles", "expected an object of profile name -> profile, found " + describe_json(*profiles));
  if (jobs != nullptr && not jobs->is_array())
    root.error("jobs", "expected an array of jobs, found " + describe_json(*jobs));
  diags.throw_if_any();

  // Profiles: only delay profiles describe a run time (the job holds its machines for `delay` seconds).
  std::map<std::string, double> delay_of;
  for (const auto& [name, p] : profiles->items()) {
    const std::string ptr = "/profiles/" + name;
    if (not p.is_object() || not p.contains("type") || not p["type"].is_string()) {
      diags.add(path, ptr, "expected a profile object with a \"type\", found " + describe_json(p));
      continue;
    }
    const std::string type = p["type"].get<std::string>();
    if (type != "delay" && type != "DelayProfile") {
      diags.add(path, ptr + "/type",
                "unsupported profile type \"" + type + "\" (expected \"delay\" or \"DelayProfile\")");
      continue;
    }
    if (not p.contains("delay") || not p["delay"].is_number() || not(p["delay"].get<double>() >= 0) ||
        p["delay"].get<double>() == INF) {
      diags.add(path, ptr + "/delay",
                "expected a finite number of seconds >= 0, found " +
                    (p.contains("delay") ? describe_json(p["delay"]) : std::string("nothing")));
      continue;
    }
    delay_of[name] = p["delay"].get<double>();
  }
  out.jobs.reserve(jobs->size());
  for (std::size_t i = 0; i < jobs->size(); i++) {
    const std::string ptr = "/jobs/" + std::to_string(i);
    out.report.read++;
    ObjectReader j((*jobs)[i], ptr, path, diags, {"id", "subtime", "res", "walltime", "profile", "extra_data"});
    Job job;
    job.id = j.identifier("id", Need::REQUIRED).value_or("");
    job.submit_s = j.number("subtime", Need::REQUIRED, 0, INF).value_or(0);
    job.accelerators = static_cast<std::uint32_t>(j.integer("res", Need::REQUIRED, 1, 1'000'000'000).value_or(1));
    if (const auto profile = j.string("profile", Need::REQUIRED)) {
      const auto it = delay_of.find(*profile);
      if (it != delay_of.end())
        job.duration_s = it->second;
      else if (not profiles->contains(*profile))
        j.error("profile", "unknown profile \"" + *profile + "\" (expected a key of /profiles)");
    }
    // Batsim: a walltime of -1 (or none) means unlimited; ccsim then uses the run time as the estimate.
    const auto* wall = j.value("walltime", Need::OPTIONAL);
    if (wall != nullptr && wall->is_number() && wall->get<double>() == -1)
      job.walltime_s = UNSET;
    else if (wall != nullptr)
      job.walltime_s = j.number("walltime", Need::REQUIRED, 0, INF, true).value_or(UNSET);
    out.jobs.push_back(std::move(job));
  }
  diags.throw_if_any();
  out.report.kept = out.jobs.size();
  return out;
}

} // namespace ccsim
