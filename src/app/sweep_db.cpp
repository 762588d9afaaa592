// src/app/sweep_db.cpp
#include "sweep_db.hpp"

#include "stats.hpp"

#include "ccsim/output/writers.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>

namespace fs = std::filesystem;

namespace ccsim::app {

namespace {

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

} // namespace

//! Records a finished point: one row with its axis values (JSON text), seed, wall time and every summary metric
//! (a REAL column per metric, added on first sight), in one transaction.
void record_point(Database& db, const SweepSpec& spec, std::size_t config, std::uint64_t seed, double wall_s,
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

void check_points(Database& db, const SweepSpec& spec, const std::string& path)
{
  const auto have = db.columns("points");
  std::string cols = "rowid, point, config, seed, typeof(wall_s)";
  for (const auto& a : spec.axes) {
    if (not have.contains("axis:" + a.name))
      throw InputError(path, "points", "no column for axis \"" + a.name + "\" (expected the table ccsim sweep made)");
    cols += ", " + quote_id("axis:" + a.name);
  }
  const std::vector<std::string> metrics = metric_columns(db);
  for (const auto& m : metrics)
    cols += ", typeof(" + quote_id(m) + ")";
  const std::set<std::uint64_t> seeds(spec.seeds.begin(), spec.seeds.end());
  auto s = db.prepare("SELECT " + cols + " FROM points ORDER BY rowid");
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    int k = 0;
    const auto text = [&](int col) {
      const auto* t = sqlite3_column_text(s.get(), col);
      return t != nullptr ? std::string(reinterpret_cast<const char*>(t)) : std::string("NULL");
    };
    const std::string row = fmt::format("points row {}", sqlite3_column_int64(s.get(), k++));
    const std::string id = text(k++);
    const bool ints =
        sqlite3_column_type(s.get(), k) == SQLITE_INTEGER && sqlite3_column_type(s.get(), k + 1) == SQLITE_INTEGER;
    const auto config = sqlite3_column_int64(s.get(), k++);
    const auto seed = sqlite3_column_int64(s.get(), k++);
    const auto refuse = [&](const std::string& what) {
      throw InputError(path, row,
                       "point \"" + printable(id) + "\" " + what +
                           " (expected only what ccsim sweep recorded: was the database edited? Remove the row to run "
                           "the point again)");
    };
    if (not ints || config < 0 || static_cast<std::uint64_t>(config) >= spec.configs ||
        not seeds.contains(static_cast<std::uint64_t>(seed)))
      refuse("is not a point of this sweep (configuration and seed " + text(2) + ", " + text(3) + ")");
    if (id != point_id(static_cast<std::size_t>(config), static_cast<std::uint64_t>(seed)))
      refuse("has configuration " + std::to_string(config) + " and seed " + std::to_string(seed) + ", whose id is " +
             point_id(static_cast<std::size_t>(config), static_cast<std::uint64_t>(seed)));
    if (const std::string type = text(k++); type != "real" && type != "integer" && type != "null")
      refuse("has a wall time of type " + type);
    const auto idx = config_values(spec, static_cast<std::size_t>(config));
    for (std::size_t a = 0; a < spec.axes.size(); a++, k++) {
      const nlohmann::json& want = spec.axes[a].values[idx[a]];
      const int type = sqlite3_column_type(s.get(), k);
      const bool same = want.is_number() ? (type == SQLITE_FLOAT || type == SQLITE_INTEGER) &&
                                               sqlite3_column_double(s.get(), k) == want.get<double>()
                        : want.is_string() ? type == SQLITE_TEXT && text(k) == want.get<std::string>()
                                           : type == SQLITE_TEXT && text(k) == want.dump();
      if (not same)
        refuse("has " + printable(text(k)) + " for axis \"" + spec.axes[a].name + "\", where its configuration has " +
               printable(axis_value_text(want)));
    }
    for (std::size_t m = 0; m < metrics.size(); m++, k++)
      if (const std::string type = text(k); type != "real" && type != "integer" && type != "null")
        refuse("has a value of type " + type + " for metric " + metrics[m]);
  }
}

std::vector<std::string> metric_columns(Database& db)
{
  std::vector<std::string> metrics;
  auto s = db.prepare("SELECT name FROM pragma_table_info('points') ORDER BY cid");
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    const std::string name = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    if (name.starts_with("/"))
      metrics.push_back(name);
  }
  return metrics;
}

void write_points_csv(Database& db, const fs::path& out)
{
  auto s = db.prepare("SELECT * FROM points ORDER BY config, seed");
  std::string text;
  const int n = sqlite3_column_count(s.get());
  for (int c = 0; c < n; c++) {
    if (c > 0)
      text += ",";
    csv_field(text, sqlite3_column_name(s.get(), c));
  }
  text += "\n";
  while (sqlite3_step(s.get()) == SQLITE_ROW) {
    for (int c = 0; c < n; c++) {
      if (c > 0)
        text += ",";
      const auto type = sqlite3_column_type(s.get(), c);
      if (type == SQLITE_FLOAT)
        text += fmt::format("{}", sqlite3_column_double(s.get(), c));
      else if (type != SQLITE_NULL)
        csv_field(text, reinterpret_cast<const char*>(sqlite3_column_text(s.get(), c)));
    }
    text += "\n";
  }
  AtomicFile file(out);
  file.write(text);
  file.commit();
}

//! deltas table and deltas.csv: per config and metric, mean and 95 % CI over seeds, and the paired difference
//! with the baseline config over the seeds both have.
void write_deltas(Database& db, const SweepSpec& spec, const fs::path& out, const std::vector<std::string>& metrics)
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
  for (const auto& a : spec.axes) {
    header += ",";
    csv_field(header, a.name);
  }
  header += ",metric,n,mean,ci95,baseline_mean,delta,delta_ci95\n";
  std::string text = header;
  const auto& base = value[spec.baseline];
  for (const auto& [c, by_metric] : value) {
    const auto idx = config_values(spec, c);
    for (const auto& m : metrics) {
      const auto it = by_metric.find(m);
      if (it == by_metric.end())
        continue;
      const auto bit = base.find(m);
      const SeedStats st = seed_stats(it->second, bit != base.end() ? &bit->second : nullptr);
      std::string marks = "?"; // config, the axes, metric, n, mean, ci95, baseline_mean, delta, delta_ci95
      for (std::size_t k = 0; k < spec.axes.size() + 7; k++)
        marks += ", ?";
      auto s = db.prepare("INSERT INTO deltas VALUES (" + marks + ")");
      int k = 1;
      sqlite3_bind_int64(s.get(), k++, static_cast<sqlite3_int64>(c));
      std::string row = std::to_string(c);
      for (std::size_t a = 0; a < spec.axes.size(); a++) {
        bind_value(s.get(), k++, spec.axes[a].values[idx[a]]);
        row += ",";
        csv_field(row, axis_value_text(spec.axes[a].values[idx[a]]));
      }
      sqlite3_bind_text(s.get(), k++, m.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(s.get(), k++, static_cast<sqlite3_int64>(st.n));
      for (const double v : {st.mean, st.ci95, st.baseline_mean, st.delta, st.delta_ci95}) {
        if (std::isnan(v))
          sqlite3_bind_null(s.get(), k++);
        else
          sqlite3_bind_double(s.get(), k++, v);
      }
      db.step_done(s.get());
      const auto num = [](double v) { return std::isnan(v) ? std::string() : fmt::format("{}", v); };
      row += ",";
      csv_field(row, m);
      row += "," + std::to_string(st.n) + "," + num(st.mean) + "," + num(st.ci95) + "," + num(st.baseline_mean) + "," +
             num(st.delta) + "," + num(st.delta_ci95) + "\n";
      text += row;
    }
  }
  db.exec("COMMIT");
  AtomicFile file(out);
  file.write(text);
  file.commit();
}

} // namespace ccsim::app
