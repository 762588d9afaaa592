// src/app/sweep_db.hpp: the SQLite database of a sweep: ccsim sweep writes it (points, deltas, the spec), ccsim
// report reads it (app-private).
#pragma once

#include "sweep_spec.hpp"

#include "ccsim/core/error.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccsim::app {

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

inline std::string quote_id(const std::string& name)
{
  std::string q = "\"";
  for (const char c : name)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

class Database {
public:
  enum class Mode : std::uint8_t { READ_WRITE, READ_ONLY };

  //! Opens (READ_WRITE: creates) a sweep database; READ_WRITE also turns on WAL and makes the `sweep` table.
  explicit Database(const std::string& path, Mode mode = Mode::READ_WRITE)
      : path_(path)
  {
    sqlite3* raw = nullptr;
    const int flags = mode == Mode::READ_ONLY ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
      const std::string msg = raw != nullptr ? sqlite3_errmsg(raw) : "out of memory";
      sqlite3_close(raw);
      throw InputError(path, "", "cannot open the sweep database: " + msg);
    }
    db_.reset(raw);
    check_integrity();
    if (mode == Mode::READ_WRITE) {
      exec("PRAGMA journal_mode=WAL");
      exec("CREATE TABLE IF NOT EXISTS sweep (key TEXT PRIMARY KEY, value TEXT)");
    }
  }

  void exec(const std::string& sql)
  {
    char* err = nullptr;
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      const std::string msg = err != nullptr ? err : "unknown error";
      sqlite3_free(err);
      throw std::runtime_error(path_ + ": " + msg + " (in: " + sql.substr(0, 200) + ")");
    }
  }

  Stmt prepare(const std::string& sql)
  {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(path_ + ": " + sqlite3_errmsg(db_.get()) + " (in: " + sql.substr(0, 200) + ")");
    return Stmt(s);
  }

  std::optional<std::string> setting(const std::string& key)
  {
    auto s = prepare("SELECT value FROM sweep WHERE key = ?");
    sqlite3_bind_text(s.get(), 1, key.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s.get()) == SQLITE_ROW)
      if (const auto* text = sqlite3_column_text(s.get(), 0); text != nullptr) // NULL in a foreign database
        return std::string(reinterpret_cast<const char*>(text));
    return std::nullopt;
  }

  void set_setting(const std::string& key, const std::string& value)
  {
    auto s = prepare("INSERT OR REPLACE INTO sweep (key, value) VALUES (?, ?)");
    sqlite3_bind_text(s.get(), 1, key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s.get(), 2, value.c_str(), -1, SQLITE_TRANSIENT);
    step_done(s.get());
  }

  void step_done(sqlite3_stmt* s)
  {
    if (sqlite3_step(s) != SQLITE_DONE)
      throw std::runtime_error(path_ + ": " + sqlite3_errmsg(db_.get()));
  }

  std::set<std::string> columns(const std::string& table)
  {
    std::set<std::string> out;
    auto s = prepare("PRAGMA table_info(" + quote_id(table) + ")");
    while (sqlite3_step(s.get()) == SQLITE_ROW)
      out.insert(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 1)));
    return out;
  }

  sqlite3* get() { return db_.get(); }

private:
  //! A file that is not an SQLite database, or a damaged one, is bad input (it was an internal error, exit 1).
  void check_integrity()
  {
    const auto refuse = [this](const std::string& why) {
      throw InputError(path_, "",
                       "not a sweep database ccsim can read: " + why +
                           " (expected the sweep.sqlite that ccsim sweep writes; remove it, or use another --out, "
                           "to run the sweep again)");
    };
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), "PRAGMA quick_check", -1, &raw, nullptr) != SQLITE_OK)
      refuse(sqlite3_errmsg(db_.get()));
    const Stmt s(raw);
    const int rc = sqlite3_step(s.get());
    if (rc != SQLITE_ROW)
      refuse(sqlite3_errmsg(db_.get()));
    const auto* text = sqlite3_column_text(s.get(), 0);
    const std::string verdict = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    if (verdict != "ok")
      refuse(verdict.substr(0, 200));
  }

  std::string path_;
  Db db_;
};

//! Records a finished point in one transaction: its id, config, seed, wall time, axis values and every summary
//! metric (a REAL column per metric, added on first sight).
void record_point(Database& db, const SweepSpec& spec, std::size_t config, std::uint64_t seed, double wall_s,
                  const nlohmann::ordered_json& metrics);

//! Checks every recorded point against the sweep (a hand-edited database was trusted: a text metric averaged as 0,
//! a foreign row reached sweep.csv): its id is its config and seed, both of this sweep, its axis values are its
//! configuration's, its wall time and metrics are numbers (or NULL). Throws InputError naming the point.
void check_points(Database& db, const SweepSpec& spec, const std::string& path);

//! The metric columns of the points table, in table order.
std::vector<std::string> metric_columns(Database& db);

//! sweep.csv: the points table ordered by config and seed (written through AtomicFile).
void write_points_csv(Database& db, const std::filesystem::path& out);

//! The deltas table and deltas.csv: per config and metric, mean and 95 % CI over seeds, and the paired difference
//! with the baseline config over the seeds both have.
void write_deltas(Database& db, const SweepSpec& spec, const std::filesystem::path& out,
                  const std::vector<std::string>& metrics);

} // namespace ccsim::app
