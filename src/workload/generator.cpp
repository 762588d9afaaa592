// src/workload/generator.cpp: the seeded synthetic workload generator (docs/workloads.md, "Generator").
#include "ccsim/workload/generator.hpp"

#include "ccsim/core/limits.hpp"
#include "ccsim/workload/importers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numbers>

namespace ccsim {

namespace {

using Need = ObjectReader::Need;
constexpr double INF = std::numeric_limits<double>::infinity();
constexpr std::uint64_t MEAN_SAMPLES = 200'000;      // draws estimating E[accelerators x duration] for offered_load
constexpr std::uint64_t MEAN_SEED = 0x5eed'0ff'10ad; // fixed: the rate must not depend on the run's seed

struct ClassDefaults {
  Precision precision;
  double efficiency;
};

ClassDefaults class_defaults(JobClass c)
{
  switch (c) {
    case JobClass::TRAINING:
      return {Precision::BF16, 0.4}; // typical model-FLOPs utilization of large training runs
    case JobClass::INFERENCE:
      return {Precision::FP16, 0.3};
    case JobClass::HPC:
      return {Precision::FP64, 0.6};
  }
  return {Precision::BF16, 1.0};
}

std::string join(std::initializer_list<std::string_view> names)
{
  std::string out;
  for (const auto n : names)
    out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

Distribution read_distribution(const nlohmann::json& v, const std::string& ptr, const ObjectReader& parent,
                               const std::string& base_dir)
{
  Distribution d;
  if (v.is_number()) { // shorthand: a constant
    d.a = v.get<double>();
    if (not(d.a >= 0) || not std::isfinite(d.a))
      parent.diagnostics().add(parent.file(), ptr,
                               "expected a number >= 0 or a distribution object, found " + describe_json(v));
    return d;
  }
  ObjectReader r(
      v, ptr, parent.file(), parent.diagnostics(),
      {"dist", "value", "mean", "median", "mu", "sigma", "min", "max", "values", "weights", "trace", "field"});
  const auto kind = r.string("dist", Need::REQUIRED).value_or("");
  d.min = r.number("min", Need::OPTIONAL, 0, INF).value_or(0);
  d.max = r.number("max", Need::OPTIONAL, 0, INF).value_or(1e300);
  if (d.max < d.min)
    r.error("max", fmt::format("expected max >= min ({})", d.min));
  if (kind == "constant") {
    d.kind = Distribution::Kind::CONSTANT;
    d.a = r.number("value", Need::REQUIRED, 0, INF).value_or(1);
  } else if (kind == "exponential") {
    d.kind = Distribution::Kind::EXPONENTIAL;
    d.a = r.number("mean", Need::REQUIRED, 0, INF, true).value_or(1);
  } else if (kind == "lognormal") {
    d.kind = Distribution::Kind::LOGNORMAL;
    if (r.has("median") == r.has("mu"))
      r.error_here("a lognormal needs exactly one of \"median\" (= exp(mu)) or \"mu\"");
    if (r.has("median"))
      d.a = std::log(r.number("median", Need::REQUIRED, 0, INF, true).value_or(1));
    else
      d.a = r.number("mu", Need::REQUIRED, -700, 700).value_or(0);
    d.b = r.number("sigma", Need::REQUIRED, 0, 20).value_or(1);
  } else if (kind == "uniform") {
    d.kind = Distribution::Kind::UNIFORM;
    d.a = r.number("min", Need::REQUIRED, 0, INF).value_or(0);
    d.b = r.number("max", Need::REQUIRED, 0, INF).value_or(1);
    if (d.b < d.a)
      r.error("max", "expected max >= min");
    d.min = 0;
    d.max = 1e300;
  } else if (kind == "empirical") {
    d.kind = Distribution::Kind::EMPIRICAL;
    std::vector<double> weights;
    if (r.has("values") == r.has("trace"))
      r.error_here("an empirical distribution needs exactly one of \"values\" (with optional \"weights\") or "
                   "\"trace\" (with \"field\")");
    // Elements of array `key` that are finite numbers >= 0; the others are reported at their pointer.
    const auto non_negative = [&](const nlohmann::json& array, const char* key, const char* what) {
      std::vector<double> out;
      for (std::size_t i = 0; i < array.size(); i++) {
        const auto& x = array[i];
        if (x.is_number() && x.get<double>() >= 0 && std::isfinite(x.get<double>()))
          out.push_back(x.get<double>());
        else
          parent.diagnostics().add(parent.file(), r.pointer_of(key) + "/" + std::to_string(i),
                                   std::string("expected ") + what + " >= 0, found " + describe_json(x));
      }
      return out;
    };
    if (const auto* values = r.value("values", Need::OPTIONAL)) {
      if (values->is_array() && not values->empty())
        d.values = non_negative(*values, "values", "a number");
      else
        r.error("values", "expected a non-empty array of numbers");
      if (const auto* w = r.value("weights", Need::OPTIONAL)) {
        if (w->is_array() && w->size() == values->size())
          weights = non_negative(*w, "weights", "a weight");
        else
          r.error("weights", "expected an array of weights as long as \"values\"");
      }
    }
    if (const auto* trace = r.value("trace", Need::OPTIONAL)) {
      ObjectReader t(*trace, r.pointer_of("trace"), parent.file(), parent.diagnostics(), {"format", "path", "options"});
      const auto format = t.string("format", Need::REQUIRED);
      const auto path = t.string("path", Need::REQUIRED);
      const auto field = r.string("field", Need::REQUIRED);
      if (field && *field != "duration_s" && *field != "accelerators" && *field != "walltime_s")
        r.error("field", "unknown field \"" + *field + "\" (expected duration_s, accelerators or walltime_s)");
      if (format && path && field) {
        std::filesystem::path p(*path);
        if (p.is_relative())
          p = std::filesystem::path(base_dir) / p;
        try {
          const auto* opts = t.value("options", Need::OPTIONAL);
          const auto w =
              import_trace(*format, p.string(), opts != nullptr ? *opts : nlohmann::json(), ImportUse::EVENTS);
          for (const Job& j : w.jobs) {
            const double x = *field == "accelerators" ? j.accelerators
                             : *field == "duration_s" ? j.duration_s
                                                      : j.walltime_s;
            if (std::isfinite(x) && x >= 0)
              d.values.push_back(x);
          }
          if (d.values.empty())
            t.error("path", "the trace has no job with a usable " + *field);
        } catch (const InputError& e) {
          parent.diagnostics().add(e);
        }
      }
    }
    if (weights.empty())
      weights.assign(d.values.size(), 1.0);
    double total = 0;
    for (const double w : weights)
      total += w;
    if (not d.values.empty() && not(total > 0))
      r.error("weights", "expected at least one positive weight");
    double acc = 0;
    for (const double w : weights) {
      acc += w;
      d.cumulative.push_back(total > 0 ? acc / total : 1);
    }
    if (not d.cumulative.empty())
      d.cumulative.back() = 1;
  } else if (not kind.empty()) {
    r.error("dist", "unknown distribution \"" + kind + "\" (expected one of: " +
                        join({"constant", "exponential", "lognormal", "uniform", "empirical"}) + ")");
  }
  return d;
}

} // namespace

double Distribution::draw(Rng& rng) const
{
  double x = 0;
  switch (kind) {
    case Kind::CONSTANT:
      x = a;
      break;
    case Kind::EXPONENTIAL:
      x = rng.exponential(1.0 / a);
      break;
    case Kind::LOGNORMAL:
      x = rng.lognormal(a, b);
      break;
    case Kind::UNIFORM:
      x = a + (b - a) * rng.uniform();
      break;
    case Kind::EMPIRICAL: {
      const double u = rng.uniform();
      const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
      x = values[std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()), values.size() - 1)];
      break;
    }
  }
  return std::clamp(x, min, max);
}

namespace {

//! An array of {name_field: string, "share": number > 0 (default 1)} at parent's `key`, as (name, share) pairs.
std::vector<std::pair<std::string, double>> read_shares(const ObjectReader& parent, const nlohmann::json& array,
                                                        std::string_view key, const char* name_field)
{
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t i = 0; i < array.size(); i++) {
    ObjectReader r(array[i], parent.pointer_of(key) + "/" + std::to_string(i), parent.file(), parent.diagnostics(),
                   {name_field, "share"});
    out.emplace_back(r.string(name_field, Need::REQUIRED).value_or(""),
                     r.number("share", Need::OPTIONAL, 0, INF, true).value_or(1));
  }
  return out;
}

} // namespace

GeneratorSpec read_generator(const ObjectReader& gen, const std::string& base_dir)
{
  GeneratorSpec spec;
  const ObjectReader& g = gen;
  if (g.has("seed"))
    spec.seed = static_cast<std::uint64_t>(g.integer("seed", Need::REQUIRED, 0, INT64_MAX).value_or(1));
  if (g.has("jobs") == g.has("horizon_s"))
    g.error_here("expected exactly one of \"jobs\" (a number of jobs) or \"horizon_s\" (arrivals until then)");
  spec.jobs = static_cast<std::uint64_t>(
      g.integer("jobs", Need::OPTIONAL, 1, static_cast<std::int64_t>(MAX_GENERATED_JOBS)).value_or(0));
  spec.horizon_s = g.number("horizon_s", Need::OPTIONAL, 0, MAX_TIME_S, true).value_or(0);
  if (const auto* av = g.value("arrival", Need::REQUIRED)) {
    ObjectReader a(*av, g.pointer_of("arrival"), g.file(), g.diagnostics(),
                   {"process", "rate_per_hour", "offered_load", "amplitude", "peak_hour", "reference_accelerators",
                    "growth_per_year", "weekday_factors", "annual", "steps"});
    const auto process = a.string("process", Need::OPTIONAL).value_or("poisson");
    if (process == "diurnal")
      spec.process = GeneratorSpec::Process::DIURNAL;
    else if (process != "poisson")
      a.error("process", "unknown arrival process \"" + process + "\" (expected poisson or diurnal)");
    if (a.has("rate_per_hour") == a.has("offered_load"))
      a.error_here("expected exactly one of \"rate_per_hour\" (jobs per hour) or \"offered_load\" (fraction of "
                   "the platform's accelerators busy on average)");
    spec.rate_per_s = a.number("rate_per_hour", Need::OPTIONAL, 0, 1e12, true).value_or(0) / 3600.0;
    spec.offered_load = a.number("offered_load", Need::OPTIONAL, 0, 100, true).value_or(0);
    if (const auto* ref = a.value("reference_accelerators", Need::OPTIONAL)) {
      if (not a.has("offered_load"))
        a.error("reference_accelerators", "only an offered_load is relative to a capacity (expected offered_load)");
      if (ref->is_string() && ref->get_ref<const std::string&>() == "platform")
        spec.reference = GeneratorSpec::Reference::PLATFORM;
      else if (ref->is_number_integer() && ref->get<std::int64_t>() >= 1 && ref->get<std::int64_t>() <= 1'000'000'000) {
        spec.reference = GeneratorSpec::Reference::GIVEN;
        spec.reference_accelerators = ref->get<std::uint64_t>();
      } else
        a.error("reference_accelerators",
                "expected a number of accelerators in [1, 1000000000] or \"platform\" (the platform simulated, "
                "--set edits included), found " +
                    describe_json(*ref));
    }
    spec.growth_per_year = a.number("growth_per_year", Need::OPTIONAL, -0.99, 100).value_or(0);
    if (const auto* wv = a.value("weekday_factors", Need::OPTIONAL)) {
      double total = 0;
      bool ok = wv->is_array() && wv->size() == 7;
      for (std::size_t d = 0; ok && d < 7; d++) {
        ok = (*wv)[d].is_number() && (*wv)[d].get<double>() > 0 && (*wv)[d].get<double>() <= 1e6;
        if (ok) {
          spec.weekday[d] = (*wv)[d].get<double>();
          total += spec.weekday[d];
        }
      }
      if (ok)
        for (double& f : spec.weekday)
          f *= 7 / total; // mean 1 over the week: the offered load stays the mean
      else {
        spec.weekday = {};
        a.error("weekday_factors",
                "expected 7 factors > 0 (Monday to Sunday; t = 0 is a Monday, 00:00), found " + describe_json(*wv));
      }
    }
    if (const auto* yv = a.value("annual", Need::OPTIONAL)) {
      ObjectReader y(*yv, a.pointer_of("annual"), a.file(), a.diagnostics(), {"amplitude", "peak_day"});
      spec.annual_amplitude = y.number("amplitude", Need::REQUIRED, 0, 1).value_or(0);
      spec.annual_peak_day = y.number("peak_day", Need::OPTIONAL, 0, 365).value_or(0);
    }
    if (const auto* sv = a.value("steps", Need::OPTIONAL); sv != nullptr && sv->is_array() && sv->empty())
      a.error("steps", "expected a non-empty array of {\"at_s\", \"factor\"}");
    for_each_element(a, "steps", Need::OPTIONAL, [&](const nlohmann::json& v, const std::string& at_ptr) {
      ObjectReader st(v, at_ptr, a.file(), a.diagnostics(), {"at_s", "factor"});
      const double at = st.number("at_s", Need::REQUIRED, 0, MAX_TIME_S).value_or(0);
      const double factor = st.number("factor", Need::REQUIRED, 0, 1e6, true).value_or(1);
      if (not spec.steps.empty() && at < spec.steps.back().first)
        st.error("at_s",
                 fmt::format("expected steps in time order (the previous one is at {} s)", spec.steps.back().first));
      spec.steps.emplace_back(at, factor);
    });
    if (spec.process == GeneratorSpec::Process::DIURNAL) {
      spec.amplitude = a.number("amplitude", Need::OPTIONAL, 0, 1).value_or(0.5);
      spec.peak_hour = a.number("peak_hour", Need::OPTIONAL, 0, 24).value_or(14);
    } else {
      for (const char* k : {"amplitude", "peak_hour"})
        if (a.has(k))
          a.error(k, "only a diurnal process has this (expected \"process\": \"diurnal\")");
    }
  }
  const auto* mix = g.value("mix", Need::REQUIRED);
  if (mix != nullptr && (not mix->is_array() || mix->empty()))
    g.error("mix", "expected a non-empty array of job classes");
  if (mix != nullptr && mix->is_array())
    for (std::size_t i = 0; i < mix->size(); i++) {
      const std::string ptr = g.pointer_of("mix") + "/" + std::to_string(i);
      ObjectReader m((*mix)[i], ptr, g.file(), g.diagnostics(),
                     {"class", "share", "accelerators", "duration_s", "work_flop", "precision", "efficiency",
                      "walltime_factor", "accept", "memory_gib", "data_sites", "data_bytes", "comm_share", "activity",
                      "slack_s", "arithmetic_intensity"});
      MixEntry e;
      if (const auto cls = m.string("class", Need::REQUIRED)) {
        if (const auto c = enum_from_name<JobClass>(JOB_CLASS_NAMES, *cls))
          e.job_class = *c;
        else
          m.error("class", "unknown job class \"" + *cls + "\" (expected training, inference or hpc)");
      }
      const ClassDefaults dflt = class_defaults(e.job_class);
      e.precision = dflt.precision;
      e.efficiency = m.number("efficiency", Need::OPTIONAL, 0, 1, true).value_or(dflt.efficiency);
      if (const auto prec = m.string("precision", Need::OPTIONAL)) {
        if (const auto p = enum_from_name<Precision>(PRECISION_NAMES, *prec))
          e.precision = *p;
        else
          m.error("precision", "unknown precision \"" + *prec + "\"");
      }
      e.share = m.number("share", Need::OPTIONAL, 0, INF, true).value_or(1);
      if (const auto* v = m.value("accelerators", Need::REQUIRED))
        e.accelerators = read_distribution(*v, m.pointer_of("accelerators"), m, base_dir);
      if (m.has("duration_s") == m.has("work_flop"))
        m.error_here("expected exactly one of \"duration_s\" or \"work_flop\" (a distribution)");
      if (const auto* v = m.value("duration_s", Need::OPTIONAL))
        e.duration_s = read_distribution(*v, m.pointer_of("duration_s"), m, base_dir);
      if (const auto* v = m.value("work_flop", Need::OPTIONAL))
        e.work_flop = read_distribution(*v, m.pointer_of("work_flop"), m, base_dir);
      e.arithmetic_intensity =
          m.number("arithmetic_intensity", Need::OPTIONAL, 0, MAX_ARITHMETIC_INTENSITY, true).value_or(0);
      if (m.has("arithmetic_intensity") && not m.has("work_flop"))
        m.error("arithmetic_intensity", "a roofline run time needs work: expected \"work_flop\" with it");
      e.walltime_factor = m.number("walltime_factor", Need::OPTIONAL, 1, 1e6).value_or(1);
      e.memory_gib = m.number("memory_gib", Need::OPTIONAL, 0, INF).value_or(0);
      if (const auto* acc = m.value("accept", Need::OPTIONAL)) {
        if (acc->is_array())
          for (const auto& x : *acc)
            if (x.is_string() && not x.get_ref<const std::string&>().empty())
              e.accept.push_back(x.get<std::string>());
        if (not acc->is_array() || e.accept.size() != acc->size())
          m.error("accept", "expected an array of accelerator type or kind names");
      }
      e.comm_share = m.number("comm_share", Need::OPTIONAL, 0, MAX_COMM_SHARE).value_or(0);
      e.activity = m.number("activity", Need::OPTIONAL, 0, 1, true);
      e.slack_s = m.number("slack_s", Need::OPTIONAL, 0, MAX_TIME_S).value_or(0);
      if (const auto* ds = m.value("data_sites", Need::OPTIONAL)) {
        if (ds->is_array() && not ds->empty())
          e.data_sites = read_shares(m, *ds, "data_sites", "site");
        else
          m.error("data_sites", "expected a non-empty array of {\"site\", \"share\"}");
      }
      if (const auto* v = m.value("data_bytes", Need::OPTIONAL))
        e.data_bytes = read_distribution(*v, m.pointer_of("data_bytes"), m, base_dir);
      if (m.has("data_sites") != m.has("data_bytes"))
        m.error_here("input data needs both \"data_sites\" (where it lives) and \"data_bytes\" (its size)");
      if (spec.offered_load > 0 && e.work_flop)
        m.error("work_flop", "an offered_load arrival rate needs run times: expected \"duration_s\" distributions "
                             "(or give arrival.rate_per_hour)");
      spec.mix.push_back(std::move(e));
    }
  if (const auto* t = g.value("tenants", Need::OPTIONAL)) {
    if (t->is_number_integer() && t->get<std::int64_t>() >= 1 && t->get<std::int64_t>() <= 1'000'000) {
      for (std::int64_t i = 0; i < t->get<std::int64_t>(); i++)
        spec.tenants.emplace_back("t" + std::to_string(i), 1.0);
    } else if (t->is_array() && not t->empty()) {
      spec.tenants = read_shares(g, *t, "tenants", "name");
    } else {
      g.error("tenants", "expected a number of tenants in [1, 1000000] or an array of {name, share}");
    }
  }
  return spec;
}

namespace {

//! Index drawn with probability proportional to weight(i).
template <typename Weight>
std::size_t pick(std::size_t n, Weight weight, double total, Rng& rng)
{
  double u = rng.uniform() * total;
  for (std::size_t i = 0; i + 1 < n; i++) {
    u -= weight(i);
    if (u < 0)
      return i;
  }
  return n - 1;
}

std::uint32_t draw_accelerators(const Distribution& d, Rng& rng)
{
  return static_cast<std::uint32_t>(std::clamp(std::round(d.draw(rng)), 1.0, 1e9));
}

} // namespace

namespace {
constexpr double DAY_S = 86400;
constexpr double YEAR_S = 365 * DAY_S;

double diurnal_factor(const GeneratorSpec& spec, double t)
{
  if (spec.process != GeneratorSpec::Process::DIURNAL)
    return 1;
  return 1 + spec.amplitude * std::cos(2 * std::numbers::pi * (t / 3600.0 - spec.peak_hour) / 24.0);
}

double step_factor(const GeneratorSpec& spec, double t)
{
  double f = 1;
  for (const auto& [at, factor] : spec.steps)
    if (at <= t)
      f *= factor;
  return f;
}
} // namespace

double GeneratorSpec::rate_factor(double t) const
{
  double f = diurnal_factor(*this, t) * step_factor(*this, t);
  if (growth_per_year != 0)
    f *= std::pow(1 + growth_per_year, t / YEAR_S);
  if (weekday[0] > 0)
    f *= weekday[static_cast<std::size_t>(std::fmod(std::floor(t / DAY_S), 7.0))];
  if (annual_amplitude > 0)
    f *= 1 + annual_amplitude * std::cos(2 * std::numbers::pi * (t / DAY_S - annual_peak_day) / 365.0);
  return std::max(0.0, f);
}

double GeneratorSpec::rate_factor_bound(double from_s, double to_s) const
{
  double f = process == Process::DIURNAL ? 1 + amplitude : 1;
  double steps_max = step_factor(*this, from_s);
  for (const auto& [at, factor] : steps)
    if (at > from_s && at <= to_s)
      steps_max = std::max(steps_max, step_factor(*this, at));
  f *= steps_max;
  if (growth_per_year != 0) // monotone: the larger end
    f *= std::max(std::pow(1 + growth_per_year, from_s / YEAR_S), std::pow(1 + growth_per_year, to_s / YEAR_S));
  if (weekday[0] > 0)
    f *= *std::max_element(weekday.begin(), weekday.end());
  if (annual_amplitude > 0)
    f *= 1 + annual_amplitude;
  return f * (1 + 1e-12); // rounding: the bound must not fall below a factor computed another way
}

double generator_rate_per_s(const GeneratorSpec& spec, std::uint64_t capacity_accelerators)
{
  if (spec.offered_load <= 0)
    return spec.rate_per_s;
  double total_share = 0;
  for (const auto& m : spec.mix)
    total_share += m.share;
  Rng rng(MEAN_SEED);
  double sum = 0;
  for (std::uint64_t i = 0; i < MEAN_SAMPLES; i++) {
    const auto& m = spec.mix[pick(
        spec.mix.size(), [&](std::size_t k) { return spec.mix[k].share; }, total_share, rng)];
    const double acc = draw_accelerators(m.accelerators, rng);
    sum += acc * (m.duration_s ? m.duration_s->draw(rng) : 0.0);
  }
  const double mean_area = sum / static_cast<double>(MEAN_SAMPLES); // accelerator-seconds per job
  return mean_area > 0 ? spec.offered_load * static_cast<double>(capacity_accelerators) / mean_area : 0;
}

GeneratedJobs::GeneratedJobs(const GeneratorSpec& spec, std::uint64_t capacity_accelerators, std::uint64_t seed)
    : spec_(spec)
    , rate_(generator_rate_per_s(spec, capacity_accelerators))
    , rng_(spec.seed.value_or(seed))
{
  for (const auto& m : spec_.mix)
    total_share_ += m.share;
  for (const auto& t : spec_.tenants)
    tenant_total_ += t.second;
  for (const auto& m : spec_.mix) {
    double total = 0;
    for (const auto& d : m.data_sites)
      total += d.second;
    data_totals_.push_back(total);
  }
  done_ = not(rate_ > 0) || spec_.mix.empty();
}

bool GeneratedJobs::next(Job& job)
{
  if (done_ || (spec_.jobs > 0 && produced_ >= spec_.jobs))
    return false;
  // Poisson: exponential gaps at the rate. Diurnal: thinning of a Poisson process at the peak rate. A rate that
  // changes over time: thinning day by day, each day at a bound of the rate over it (a candidate past the day's end
  // is dropped and the next day starts afresh: exact, as exponential gaps are memoryless).
  const double peak_rate = rate_ * (1 + spec_.amplitude);
  if (spec_.changes_over_time()) {
    for (;;) {
      if (spec_.jobs == 0 && t_ > spec_.horizon_s)
        break;               // past the horizon: ends below
      if (t_ > MAX_TIME_S) { // a rate decaying towards 0 with a job count to reach
        done_ = true;
        return false;
      }
      const double day_end = (std::floor(t_ / DAY_S) + 1) * DAY_S;
      const double bound = rate_ * spec_.rate_factor_bound(t_, day_end);
      const double candidate = bound > 0 ? t_ + rng_.exponential(bound) : day_end + 1;
      if (candidate > day_end) {
        t_ = day_end;
        continue;
      }
      t_ = candidate;
      if (rng_.uniform() * bound <= rate_ * spec_.rate_factor(t_))
        break;
    }
  } else if (spec_.process == GeneratorSpec::Process::POISSON) {
    t_ += rng_.exponential(rate_);
  } else {
    for (;;) {
      t_ += rng_.exponential(peak_rate);
      const double phase = 2 * std::numbers::pi * (t_ / 3600.0 - spec_.peak_hour) / 24.0;
      if (rng_.uniform() * peak_rate <= rate_ * (1 + spec_.amplitude * std::cos(phase)))
        break;
    }
  }
  if ((spec_.jobs == 0 && t_ > spec_.horizon_s) || produced_ >= MAX_GENERATED_JOBS) {
    truncated_ = produced_ >= MAX_GENERATED_JOBS;
    done_ = true;
    return false;
  }
  const std::size_t k = pick(
      spec_.mix.size(), [&](std::size_t i) { return spec_.mix[i].share; }, total_share_, rng_);
  const MixEntry& m = spec_.mix[k];
  job = Job{};
  job.id = "g" + std::to_string(produced_);
  job.index = static_cast<std::uint32_t>(produced_);
  job.submit_s = t_;
  job.job_class = m.job_class;
  job.precision = m.precision;
  job.efficiency = m.efficiency;
  job.accept = m.accept;
  job.memory_gib = m.memory_gib;
  job.accelerators = draw_accelerators(m.accelerators, rng_);
  if (m.duration_s) {
    job.duration_s = m.duration_s->draw(rng_);
    if (job.duration_s > 0)
      job.walltime_s = job.duration_s * m.walltime_factor;
  } else {
    job.work_flop = std::max(1.0, m.work_flop->draw(rng_));
    job.arithmetic_intensity = m.arithmetic_intensity;
  }
  job.comm_share = m.comm_share;
  job.slack_s = m.slack_s;
  if (m.activity) {
    job.activity = *m.activity;
    job.activity_given = true;
  }
  if (not m.data_sites.empty() && m.data_bytes) {
    const std::size_t d = pick(
        m.data_sites.size(), [&](std::size_t i) { return m.data_sites[i].second; }, data_totals_[k], rng_);
    job.data_site = m.data_sites[d].first;
    job.data_bytes = m.data_bytes->draw(rng_);
  }
  if (not spec_.tenants.empty())
    job.tenant =
        spec_
            .tenants[pick(
                spec_.tenants.size(), [&](std::size_t i) { return spec_.tenants[i].second; }, tenant_total_, rng_)]
            .first;
  produced_++;
  return true;
}

std::vector<Job> generate_jobs(const GeneratorSpec& spec, std::uint64_t capacity_accelerators, std::uint64_t seed)
{
  std::vector<Job> jobs;
  GeneratedJobs source(spec, capacity_accelerators, seed);
  for (Job job; source.next(job);)
    jobs.push_back(std::move(job));
  return jobs;
}

} // namespace ccsim
