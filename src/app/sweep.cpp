// src/app/sweep.cpp: `ccsim sweep` - what-if sweeps with resume, a SQLite results database and deltas.
#include "sweep.hpp"

#include "check.hpp"
#include "sqlite_db.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <fmt/format.h>
#include <sqlite3.h>
#ifdef CCSIM_WITH_MPI
#include <mpi.h>
#endif

#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

extern char** environ;

namespace fs = std::filesystem;

namespace ccsim::app {

namespace {

using Need = ObjectReader::Need;

struct Axis {
  std::string name, pointer;
  std::vector<nlohmann::json> values;
};

struct Spec {
  std::string scenario; //!< resolved path
  std::vector<Axis> axes;
  std::vector<std::uint64_t> seeds;
  std::size_t baseline = 0; //!< config index of the baseline point
  std::vector<std::string> args; //!< extra `ccsim run` arguments (e.g. --queue easy)
  bool keep_all = true;          //!< false: keep only each point's summary.json and run.json
  std::size_t configs = 1;
};

//! The values of config c, one per axis (the first axis varies slowest).
std::vector<std::size_t> config_values(const Spec& spec, std::size_t c)
{
  std::vector<std::size_t> sizes;
  for (const auto& a : spec.axes)
    sizes.push_back(a.values.size());
  return config_indices(c, sizes);
}

Spec read_spec(const std::string& file)
{
  const nlohmann::json doc = parse_json_file(file);
  Diagnostics diags;
  ObjectReader root(doc, "", file, diags, {"$schema", "description", "scenario", "axes", "seeds", "baseline", "args", "keep"});
  Spec spec;
  if (const auto s = root.string("scenario", Need::REQUIRED)) {
    fs::path p(*s);
    if (p.is_relative())
      p = fs::path(file).parent_path() / p;
    spec.scenario = p.string();
  }
  if (const auto* axes = root.value("axes", Need::REQUIRED)) {
    if (not axes->is_array() || axes->empty())
      root.error("axes", "expected a non-empty array of {\"name\", \"path\", \"values\"}");
    else
      for (std::size_t i = 0; i < axes->size(); i++) {
        ObjectReader a((*axes)[i], root.pointer_of("axes") + "/" + std::to_string(i), file, diags,
                       {"name", "path", "values"});
        Axis axis;
        axis.pointer = a.string("path", Need::REQUIRED).value_or("/");
        axis.name = a.string("name", Need::OPTIONAL).value_or(axis.pointer);
        if (not axis.pointer.starts_with("/"))
          a.error("path", "expected a JSON pointer into the scenario, such as /scheduler/placement");
        const auto* values = a.value("values", Need::REQUIRED);
        if (values != nullptr && values->is_array() && not values->empty())
          axis.values.assign(values->begin(), values->end());
        else if (values != nullptr)
          a.error("values", "expected a non-empty array of values");
        for (const auto& other : spec.axes)
          if (other.name == axis.name)
            a.error("name", "duplicate axis name \"" + axis.name + "\" (expected unique names)");
        spec.axes.push_back(std::move(axis));
      }
  }
  if (const auto* seeds = root.value("seeds", Need::OPTIONAL)) {
    if (seeds->is_number_integer() && seeds->get<std::int64_t>() >= 1 && seeds->get<std::int64_t>() <= 10000) {
      for (std::int64_t s = 1; s <= seeds->get<std::int64_t>(); s++)
        spec.seeds.push_back(static_cast<std::uint64_t>(s));
    } else if (seeds->is_array() && not seeds->empty()) {
      for (const auto& s : *seeds)
        if (s.is_number_integer() && s.get<std::int64_t>() >= 0)
          spec.seeds.push_back(s.get<std::uint64_t>());
      if (spec.seeds.size() != seeds->size() || std::set(spec.seeds.begin(), spec.seeds.end()).size() != spec.seeds.size())
        root.error("seeds", "expected distinct integers >= 0");
    } else {
      root.error("seeds", "expected a count in [1, 10000] or an array of distinct seeds");
    }
  } else {
    spec.seeds = {1};
  }
  if (const auto* args = root.value("args", Need::OPTIONAL)) {
    if (args->is_array() && std::all_of(args->begin(), args->end(), [](const auto& x) { return x.is_string(); }))
      for (const auto& x : *args)
        spec.args.push_back(x.get<std::string>());
    else
      root.error("args", "expected an array of `ccsim run` arguments (strings)");
  }
  if (const auto keep = root.string("keep", Need::OPTIONAL)) {
    if (*keep == "summary")
      spec.keep_all = false;
    else if (*keep != "all")
      root.error("keep", "expected \"all\" (every output of every point) or \"summary\" (summary.json and run.json)");
  }
  diags.throw_if_any();
  for (const auto& a : spec.axes)
    spec.configs *= a.values.size();
  // The baseline: one value per axis, by axis name (default: every axis's first value).
  if (const auto* b = root.value("baseline", Need::OPTIONAL)) {
    if (not b->is_object())
      root.error("baseline", "expected an object {axis name: value}");
    else {
      std::size_t c = 0;
      for (const auto& axis : spec.axes) {
        std::size_t k = 0;
        if (b->contains(axis.name)) {
          const auto& v = (*b)[axis.name];
          k = static_cast<std::size_t>(std::find(axis.values.begin(), axis.values.end(), v) - axis.values.begin());
          if (k == axis.values.size()) {
            root.error("baseline", "value " + v.dump() + " of axis \"" + axis.name + "\" is not one of its values");
            k = 0;
          }
        }
        c = c * axis.values.size() + k;
      }
      for (const auto& [k, _] : b->items())
        if (std::none_of(spec.axes.begin(), spec.axes.end(), [&k](const Axis& a) { return a.name == k; }))
          root.error("baseline", "\"" + k + "\" is not an axis name");
      spec.baseline = c;
    }
  }
  diags.throw_if_any();
  return spec;
}

//! The canonical text of a spec: a rerun must be the same sweep.
std::string spec_text(const Spec& spec)
{
  nlohmann::ordered_json j;
  j["scenario"] = fs::weakly_canonical(spec.scenario).string();
  for (const auto& a : spec.axes)
    j["axes"].push_back({{"name", a.name}, {"path", a.pointer}, {"values", a.values}});
  j["seeds"] = spec.seeds;
  j["baseline"] = spec.baseline;
  j["args"] = spec.args;
  return j.dump();
}


//! Binds an axis value as what it is: a number as REAL, a string as TEXT, anything else as its JSON text.
void bind_value(sqlite3_stmt* s, int k, const nlohmann::json& v)
{
  if (v.is_number())
    sqlite3_bind_double(s, k, v.get<double>());
  else if (v.is_string())
    sqlite3_bind_text(s, k, v.get_ref<const std::string&>().c_str(), -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_text(s, k, v.dump().c_str(), -1, SQLITE_TRANSIENT);
}

//! An axis value in a CSV cell: a string as itself, anything else as JSON.

std::string point_id(std::size_t config, std::uint64_t seed) { return fmt::format("c{}-s{}", config, seed); }

//! Records a finished point: one row with its axis values (JSON text), seed, wall time and every summary metric
//! (a REAL column per metric, added on first sight), in one transaction.
void record_point(Database& db, const Spec& spec, std::size_t config, std::uint64_t seed, double wall_s,
                  const nlohmann::ordered_json& metrics)
{
  db.exec("BEGIN IMMEDIATE");
  try {
    auto have = db.columns("points");
    for (const auto& [m, _] : metrics.items())
      if (not have.contains(m))
        db.exec("ALTER TABLE points ADD COLUMN " + quote_id(m) + " REAL");
    std::string cols = "point, config, seed, wall_s";
    std::string marks = "?, ?, ?, ?";
    for (const auto& a : spec.axes) {
      cols += ", " + quote_id("axis:" + a.name);
      marks += ", ?";
    }
    for (const auto& [m, _] : metrics.items()) {
      cols += ", " + quote_id(m);
      marks += ", ?";
    }
    auto s = db.prepare("INSERT INTO points (" + cols + ") VALUES (" + marks + ")");
    int k = 1;
    const std::string id = point_id(config, seed);
    sqlite3_bind_text(s.get(), k++, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s.get(), k++, static_cast<sqlite3_int64>(config));
    sqlite3_bind_int64(s.get(), k++, static_cast<sqlite3_int64>(seed));
    sqlite3_bind_double(s.get(), k++, wall_s);
    const auto idx = config_values(spec, config);
    for (std::size_t a = 0; a < spec.axes.size(); a++)
      bind_value(s.get(), k++, spec.axes[a].values[idx[a]]);
    for (const auto& [_, v] : metrics.items())
      sqlite3_bind_double(s.get(), k++, v.get<double>());
    db.step_done(s.get());
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Processes

pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& log)
{
  std::vector<std::string> all{exe};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error("cannot start " + exe + ": " + std::strerror(rc));
  return pid;
}

std::string read_text(const fs::path& p)
{
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string human_s(double s)
{
  return s < 120 ? fmt::format("{:.1f} s", s) : s < 7200 ? fmt::format("{:.1f} min", s / 60) : fmt::format("{:.1f} h", s / 3600);
}

// ---------------------------------------------------------------------------------------------------------
// Results: CSV of the points, deltas against the baseline.

std::string csv_cell(const std::string& s)
{
  if (s.find_first_of(",\"\n") == std::string::npos)
    return s;
  std::string q = "\"";
  for (const char c : s)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void write_points_csv(Database& db, const fs::path& out)
{
  auto s = db.prepare("SELECT * FROM points ORDER BY config, seed");
  std::string text;
  const int n = sqlite3_column_count(s.get());
  for (int c = 0; c < n; c++)
    text += (c > 0 ? "," : "") + csv_cell(sqlite3_column_name(s.get(), c));
  text += "\n";
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    for (int c = 0; c < n; c++) {
      if (c > 0)
        text += ",";
      const auto type = sqlite3_column_type(s.get(), c);
      if (type == SQLITE_FLOAT)
        text += fmt::format("{}", sqlite3_column_double(s.get(), c));
      else if (type != SQLITE_NULL)
        text += csv_cell(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), c)));
    }
    text += "\n";
  }
  std::ofstream(out) << text;
}

//! Two-sided 95 % half-width of the mean of n samples with sample standard deviation sd (0 for n < 2).
double ci95(double sd, std::size_t n)
{
  if (n < 2)
    return 0;
  const boost::math::students_t t(static_cast<double>(n - 1));
  return boost::math::quantile(boost::math::complement(t, 0.025)) * sd / std::sqrt(static_cast<double>(n));
}

std::pair<double, double> mean_sd(const std::vector<double>& x)
{
  double mean = 0;
  for (const double v : x)
    mean += v;
  mean /= static_cast<double>(x.size());
  double ss = 0;
  for (const double v : x)
    ss += (v - mean) * (v - mean);
  return {mean, x.size() > 1 ? std::sqrt(ss / static_cast<double>(x.size() - 1)) : 0.0};
}

//! deltas table and deltas.csv: per config and metric, mean and 95 % CI over seeds, and the paired difference
//! with the baseline config over the seeds both have.
void write_deltas(Database& db, const Spec& spec, const fs::path& out, const std::vector<std::string>& metrics)
{
  // value[config][metric][seed]
  std::map<std::size_t, std::map<std::string, std::map<std::uint64_t, double>>> value;
  {
    std::string cols = "config, seed";
    for (const auto& m : metrics)
      cols += ", " + quote_id(m);
    auto s = db.prepare("SELECT " + cols + " FROM points");
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      const auto c = static_cast<std::size_t>(sqlite3_column_int64(s.get(), 0));
      const auto seed = static_cast<std::uint64_t>(sqlite3_column_int64(s.get(), 1));
      for (std::size_t m = 0; m < metrics.size(); m++)
        if (sqlite3_column_type(s.get(), static_cast<int>(m + 2)) != SQLITE_NULL)
          value[c][metrics[m]][seed] = sqlite3_column_double(s.get(), static_cast<int>(m + 2));
    }
  }
  db.exec("BEGIN IMMEDIATE");
  db.exec("DROP TABLE IF EXISTS deltas");
  std::string axis_cols;
  for (const auto& a : spec.axes)
    axis_cols += quote_id("axis:" + a.name) + ", ";
  db.exec("CREATE TABLE deltas (config INTEGER, " + axis_cols +
          "metric TEXT, n INTEGER, mean REAL, ci95 REAL, baseline_mean REAL, delta REAL, delta_ci95 REAL, "
          "PRIMARY KEY (config, metric))");
  std::string header = "config";
  for (const auto& a : spec.axes)
    header += "," + csv_cell(a.name);
  header += ",metric,n,mean,ci95,baseline_mean,delta,delta_ci95\n";
  std::string text = header;
  const auto& base = value[spec.baseline];
  for (const auto& [c, by_metric] : value) {
    const auto idx = config_values(spec, c);
    for (const auto& m : metrics) {
      const auto it = by_metric.find(m);
      if (it == by_metric.end())
        continue;
      std::vector<double> x, diff, b;
      const auto bit = base.find(m);
      for (const auto& [seed, v] : it->second) {
        x.push_back(v);
        if (bit != base.end())
          if (const auto bs = bit->second.find(seed); bs != bit->second.end()) {
            diff.push_back(v - bs->second);
            b.push_back(bs->second);
          }
      }
      const auto [mean, sd] = mean_sd(x);
      const double half = ci95(sd, x.size());
      double delta = std::nan(""), delta_half = std::nan(""), base_mean = std::nan("");
      if (not diff.empty()) {
        const auto [dm, dsd] = mean_sd(diff);
        delta = dm;
        delta_half = ci95(dsd, diff.size());
        base_mean = mean_sd(b).first;
      }
      std::string marks = "?"; // config, the axes, metric, n, mean, ci95, baseline_mean, delta, delta_ci95
      for (std::size_t k = 0; k < spec.axes.size() + 7; k++)
        marks += ", ?";
      auto s = db.prepare("INSERT INTO deltas VALUES (" + marks + ")");
      int k = 1;
      sqlite3_bind_int64(s.get(), k++, static_cast<sqlite3_int64>(c));
      std::string row = std::to_string(c);
      for (std::size_t a = 0; a < spec.axes.size(); a++) {
        bind_value(s.get(), k++, spec.axes[a].values[idx[a]]);
        row += "," + csv_cell(axis_value_text(spec.axes[a].values[idx[a]]));
      }
      sqlite3_bind_text(s.get(), k++, m.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(s.get(), k++, static_cast<sqlite3_int64>(x.size()));
      for (const double v : {mean, half, base_mean, delta, delta_half}) {
        if (std::isnan(v))
          sqlite3_bind_null(s.get(), k++);
        else
          sqlite3_bind_double(s.get(), k++, v);
      }
      db.step_done(s.get());
      const auto num = [](double v) { return std::isnan(v) ? std::string() : fmt::format("{}", v); };
      row += "," + csv_cell(m) + "," + std::to_string(x.size()) + "," + num(mean) + "," + num(half) + "," +
             num(base_mean) + "," + num(delta) + "," + num(delta_half) + "\n";
      text += row;
    }
  }
  db.exec("COMMIT");
  std::ofstream(out) << text;
}

} // namespace

namespace {

//! What became of one point.
struct Outcome {
  std::size_t config = 0;
  std::uint64_t seed = 0;
  int code = 0;           //!< the `ccsim run` exit code; NOT_RUN when it was never started
  double wall_s = 0;
  nlohmann::json summary; //!< summary.json (code 0)
  std::string log;        //!< what it printed (code != 0)
};
constexpr int NOT_RUN = -2;

using Points = std::vector<std::pair<std::size_t, std::uint64_t>>;

//! Runs `mine`, `jobs` at a time, each as `ccsim run` in DIR/points/<id>/, reporting each end to `done`. After a
//! point fails with bad input no new point starts (the rest are reported NOT_RUN). `poll` (optional) is called
//! while children run and returns whether it did something (MPI rank 0 receives other ranks' outcomes there).
void run_points(const Spec& spec, const SweepOptions& opt, const std::string& self_exe, const fs::path& out,
                const Points& mine, const std::function<void(Outcome&&)>& done, const std::function<bool()>& poll)
{
  std::map<pid_t, std::pair<std::size_t, std::uint64_t>> running;
  std::size_t next = 0;
  bool bad_input = false;
  const unsigned parallel = std::max(1U, opt.jobs);
  while (next < mine.size() || not running.empty()) {
    while (next < mine.size() && running.size() < parallel && not bad_input) {
      const auto [c, seed] = mine[next++];
      const fs::path dir = out / "points" / point_id(c, seed);
      fs::remove_all(dir); // a point killed mid-run left partial results: redo it from scratch
      fs::create_directories(dir);
      std::vector<std::string> args;
      for (const auto& lib : opt.policy_libs) {
        args.push_back("--policy-lib");
        args.push_back(lib);
      }
      args.insert(args.end(), {"run", spec.scenario, "--seed", std::to_string(seed), "--out", (dir / "out").string(),
                               "-q"});
      const auto idx = config_values(spec, c);
      for (std::size_t a = 0; a < spec.axes.size(); a++) {
        args.push_back("--set");
        args.push_back(spec.axes[a].pointer + "=" + spec.axes[a].values[idx[a]].dump());
      }
      args.insert(args.end(), spec.args.begin(), spec.args.end());
      running[spawn(self_exe, args, (dir / "log.txt").string())] = {c, seed};
    }
    if (bad_input)
      for (; next < mine.size(); next++)
        done(Outcome{mine[next].first, mine[next].second, NOT_RUN, 0, {}, {}});
    if (running.empty())
      break;
    int status = 0;
    const pid_t pid = waitpid(-1, &status, poll ? WNOHANG : 0);
    if (pid == 0) { // nothing ended yet (polling)
      if (not poll())
        usleep(2000);
      continue;
    }
    const auto it = running.find(pid);
    if (it == running.end())
      continue;
    Outcome o;
    std::tie(o.config, o.seed) = it->second;
    running.erase(it);
    const fs::path dir = out / "points" / point_id(o.config, o.seed);
    o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (o.code == 0) {
      o.summary = parse_json_file((dir / "out" / "summary.json").string());
      o.wall_s = parse_json_file((dir / "out" / "run.json").string()).value("wall_s", 0.0);
      if (not spec.keep_all)
        for (const auto& f : fs::directory_iterator(dir / "out"))
          if (f.path().filename() != "summary.json" && f.path().filename() != "run.json")
            fs::remove(f.path());
    } else {
      bad_input = bad_input || o.code == static_cast<int>(ExitCode::BAD_INPUT); // would fail every point
      o.log = read_text(dir / "log.txt");
    }
    done(std::move(o));
  }
}

#ifdef CCSIM_WITH_MPI
constexpr int TAG_OUTCOME = 1;

nlohmann::json outcome_json(const Outcome& o)
{
  return {{"config", o.config}, {"seed", o.seed}, {"code", o.code}, {"wall_s", o.wall_s}, {"summary", o.summary},
          {"log", o.log}};
}

Outcome outcome_from(const nlohmann::json& j)
{
  return Outcome{j["config"].get<std::size_t>(), j["seed"].get<std::uint64_t>(), j["code"].get<int>(),
                 j["wall_s"].get<double>(), j["summary"], j["log"].get<std::string>()};
}

void send_outcome(const Outcome& o)
{
  const std::string text = outcome_json(o).dump();
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, TAG_OUTCOME, MPI_COMM_WORLD);
}

//! Receives one outcome if one is waiting (or always, when `block`).
std::optional<Outcome> receive_outcome(bool block)
{
  MPI_Status st;
  int flag = 1;
  if (block)
    MPI_Probe(MPI_ANY_SOURCE, TAG_OUTCOME, MPI_COMM_WORLD, &st);
  else
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_OUTCOME, MPI_COMM_WORLD, &flag, &st);
  if (flag == 0)
    return std::nullopt;
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  std::string text(static_cast<std::size_t>(n), '\0');
  MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, TAG_OUTCOME, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return outcome_from(nlohmann::json::parse(text));
}

//! Rank 0's pending points, to every rank (count, then config and seed pairs).
Points broadcast_points(const Points& points, int rank)
{
  std::vector<std::uint64_t> flat;
  if (rank == 0)
    for (const auto& [c, s] : points) {
      flat.push_back(c);
      flat.push_back(s);
    }
  std::uint64_t n = flat.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  flat.resize(n);
  MPI_Bcast(flat.data(), static_cast<int>(n), MPI_UINT64_T, 0, MPI_COMM_WORLD);
  Points out;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
    out.emplace_back(static_cast<std::size_t>(flat[i]), flat[i + 1]);
  return out;
}

//! MPI_Init on first use, MPI_Finalize at exit.
struct MpiSession {
  MpiSession()
  {
    int ready = 0;
    MPI_Initialized(&ready);
    if (ready == 0)
      MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  ~MpiSession() { MPI_Finalize(); }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank = 0, size = 1;
};
#endif

} // namespace

std::vector<std::size_t> config_indices(std::size_t config, const std::vector<std::size_t>& axis_sizes)
{
  std::vector<std::size_t> idx(axis_sizes.size());
  for (std::size_t a = axis_sizes.size(); a-- > 0;) {
    idx[a] = config % axis_sizes[a];
    config /= axis_sizes[a];
  }
  return idx;
}

std::string axis_value_text(const nlohmann::json& value)
{
  return value.is_string() ? value.get<std::string>() : value.dump();
}

bool sweep_has_mpi()
{
#ifdef CCSIM_WITH_MPI
  return true;
#else
  return false;
#endif
}

namespace {

//! The sweep once MPI (if any) is up: rank 0 keeps the database, every rank runs its share of the points.
int run_sweep(const Spec& spec, const SweepOptions& opt, const std::string& self_exe, int rank, int ranks)
{
  const fs::path out = opt.out;
  fs::create_directories(out / "points");
  std::optional<Database> db;
  Points pending;
  std::size_t total = spec.configs * spec.seeds.size();
  if (rank == 0) {
    db.emplace((out / "sweep.sqlite").string());
    const std::string text = spec_text(spec);
    if (const auto existing = db->setting("spec"); existing && *existing != text)
      throw InputError((out / "sweep.sqlite").string(), "",
                       "this folder holds a different sweep (expected the same sweep file to resume, or another --out)");
    db->set_setting("spec", text);
    std::string cols = "point TEXT PRIMARY KEY, config INTEGER NOT NULL, seed INTEGER NOT NULL, wall_s REAL";
    for (const auto& a : spec.axes)
      cols += ", " + quote_id("axis:" + a.name); // no type: numbers stay numbers
    db->exec("CREATE TABLE IF NOT EXISTS points (" + cols + ")");
    std::set<std::string> done;
    auto s = db->prepare("SELECT point FROM points");
    while (sqlite3_step(s.get()) == SQLITE_ROW)
      done.insert(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)));
    // Pending points, in order (config, then seed).
    for (std::size_t c = 0; c < spec.configs; c++)
      for (const auto seed : spec.seeds)
        if (not done.contains(point_id(c, seed)))
          pending.emplace_back(c, seed);
  }
#ifdef CCSIM_WITH_MPI
  if (ranks > 1)
    pending = broadcast_points(pending, rank);
#endif
  // Points are dealt round-robin over the ranks.
  Points mine;
  for (std::size_t i = 0; i < pending.size(); i++)
    if (static_cast<int>(i % static_cast<std::size_t>(ranks)) == rank)
      mine.push_back(pending[i]);

  if (rank != 0) {
#ifdef CCSIM_WITH_MPI
    run_points(spec, opt, self_exe, out, mine, [](Outcome&& o) { send_outcome(o); }, {});
#endif
    return 0;
  }

  const std::size_t skipped = total - pending.size();
  const auto t0 = std::chrono::steady_clock::now();
  const auto elapsed = [&t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  std::size_t finished = 0;
  std::size_t reported = 0;
  std::size_t not_run = 0;
  std::vector<std::string> failures;
  bool bad_input = false;
  const auto progress = [&] {
    if (opt.quiet)
      return;
    const double e = elapsed();
    const double eta = finished > 0 ? e / static_cast<double>(finished) * static_cast<double>(pending.size() - finished) : 0;
    std::cerr << fmt::format("\rsweep: {}/{} points ({} already done), {} elapsed, ETA {}   ", skipped + finished,
                             total, skipped, human_s(e), finished > 0 ? human_s(eta) : std::string("-"))
              << std::flush;
  };
  const auto handle = [&](Outcome&& o) {
    reported++;
    if (o.code == NOT_RUN) {
      not_run++;
      return;
    }
    if (o.code == 0) {
      record_point(*db, spec, o.config, o.seed, o.wall_s, summary_metrics(o.summary));
    } else {
      bad_input = bad_input || o.code == static_cast<int>(ExitCode::BAD_INPUT);
      failures.push_back(fmt::format("point {} (exit {}): {}", point_id(o.config, o.seed), o.code, o.log));
    }
    finished++;
    progress();
  };
  progress();
  std::function<bool()> poll;
#ifdef CCSIM_WITH_MPI
  if (ranks > 1)
    poll = [&] {
      auto o = receive_outcome(false);
      if (o)
        handle(std::move(*o));
      return o.has_value();
    };
#endif
  run_points(spec, opt, self_exe, out, mine, handle, poll);
#ifdef CCSIM_WITH_MPI
  while (ranks > 1 && reported < pending.size())
    handle(std::move(*receive_outcome(true)));
#endif
  if (not opt.quiet)
    std::cerr << "\n";
  for (const auto& f : failures)
    std::cerr << "sweep: " << f;
  if (bad_input)
    return static_cast<int>(ExitCode::BAD_INPUT);

  // Every metric column, in table order.
  std::vector<std::string> metrics;
  {
    auto s = db->prepare("SELECT name FROM pragma_table_info('points') ORDER BY cid");
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
      if (name.starts_with("/"))
        metrics.push_back(name);
    }
  }
  write_points_csv(*db, out / "sweep.csv");
  write_deltas(*db, spec, out / "deltas.csv", metrics);
  if (not opt.quiet)
    std::cout << fmt::format("sweep: {} points ({} run now, {} recorded before, {} failed{}) in {}{}\n"
                             "results: {}/{{sweep.sqlite, sweep.csv, deltas.csv, points/}}\n",
                             total, pending.size() - not_run, skipped, failures.size(),
                             not_run > 0 ? fmt::format(", {} not run", not_run) : std::string(), human_s(elapsed()),
                             ranks > 1 ? fmt::format(" on {} MPI ranks", ranks) : std::string(), out.string());
  return failures.empty() ? 0 : static_cast<int>(ExitCode::FAILURE);
}

} // namespace

int sweep(const SweepOptions& opt, const std::string& self_exe)
{
  const Spec spec = read_spec(opt.file);
  if (not fs::exists(spec.scenario))
    throw InputError(opt.file, "/scenario", "no such scenario file: " + spec.scenario);
#ifdef CCSIM_WITH_MPI
  if (opt.mpi) {
    MpiSession mpi;
    try {
      return run_sweep(spec, opt, self_exe, mpi.rank, mpi.size);
    } catch (const std::exception& e) {
      // The other ranks may wait in a collective call for this one: abort the job instead of finalizing.
      if (mpi.size > 1) {
        if (const auto* input = dynamic_cast<const InputError*>(&e))
          for (const auto& d : input->diagnostics())
            std::cerr << "error: " << d.to_string() << "\n";
        else
          std::cerr << "ccsim: internal error: " << e.what() << "\n";
        MPI_Abort(MPI_COMM_WORLD, dynamic_cast<const InputError*>(&e) != nullptr ? 2 : 1);
      }
      throw;
    }
  }
#else
  if (opt.mpi)
    throw InputError("--mpi", "", "this ccsim was built without MPI (install libopenmpi-dev and rebuild)");
#endif
  return run_sweep(spec, opt, self_exe, 0, 1);
}

} // namespace ccsim::app
