// src/workload/batsim_import.cpp
#include "ccsim/core/json_reader.hpp"
#include "ccsim/workload/importers.hpp"

#include <fmt/format.h>

#include <limits>

namespace ccsim {

ImportedWorkload import_batsim(const std::string& path, const nlohmann::json& options)
{
  std::string text;
  parse_json_file(path, &text); // reports a missing file or malformed JSON with its location
  return import_batsim_text(text, path, options);
}

ImportedWorkload import_batsim_text(std::string_view text, const std::string& path, const nlohmann::json& options)
{
  if (not options.is_null() && not options.empty())
    throw InputError(path, "", "the batsim format takes no options (expected none)");
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
