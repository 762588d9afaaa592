// src/core/csv_table.cpp
#include "ccsim/core/csv_table.hpp"

#include "ccsim/core/error.hpp"

#include <csv.h>
#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace ccsim {

void CsvTable::on_field(void* data, std::size_t len, void* self)
{
  auto* t = static_cast<CsvTable*>(self);
  t->pending_.emplace_back(static_cast<const char*>(data), len);
}

void CsvTable::on_row(int /*terminator*/, void* self)
{
  auto* t = static_cast<CsvTable*>(self);
  t->complete_.push_back(std::move(t->pending_));
  t->pending_.clear();
}

CsvTable::CsvTable(LineSource source, std::string format, std::initializer_list<std::string_view> required,
                   std::vector<std::string> implicit_header)
    : source_(std::move(source))
    , format_(std::move(format))
{
  auto* p = new csv_parser;
  if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    delete p;
    throw std::bad_alloc();
  }
  parser_.reset(p);
  if (not read_row())
    throw InputError(path(), "line 1", "empty file (expected a " + format_ + " CSV header row)");
  if (not implicit_header.empty() && (fields_.empty() || trim_blanks(fields_[0]) != implicit_header[0])) {
    header_ = std::move(implicit_header);
    replay_first_ = true;
  }
  for (const auto& f : replay_first_ ? std::vector<std::string>{} : fields_)
    header_.emplace_back(trim_blanks(f));
  for (std::size_t i = 0; i < header_.size(); i++)
    if (not columns_.try_emplace(header_[i], static_cast<int>(i)).second)
      throw InputError(path(), fmt::format("line {}", row_line_),
                       "column \"" + header_[i] + "\" appears twice (expected unique column names)");
  std::string missing;
  for (const auto name : required)
    if (column(name) == ABSENT)
      missing += (missing.empty() ? "" : ", ") + std::string(name);
  if (not missing.empty()) {
    std::string all;
    for (const auto name : required)
      all += (all.empty() ? "" : ",") + std::string(name);
    throw InputError(path(), fmt::format("line {}", row_line_),
                     fmt::format("{} header lacks column(s) {} (expected at least: {})", format_, missing, all));
  }
}

void CsvTable::ParserDeleter::operator()(csv_parser* p) const
{
  csv_free(p);
  delete p;
}

CsvTable::~CsvTable() = default;

int CsvTable::column(std::string_view name) const
{
  const auto it = columns_.find(std::string(name));
  return it == columns_.end() ? ABSENT : it->second;
}

bool CsvTable::read_row()
{
  std::string line;
  std::size_t fed = 0; // bytes given to the parser for this row: a quoted field may span lines
  while (complete_pos_ >= complete_.size()) {
    complete_.clear();
    complete_pos_ = 0;
    if (eof_)
      return false;
    if (source_.next(line)) {
      line += '\n';
      fed += line.size();
      if (fed > MAX_LINE_BYTES)
        throw InputError(path(), fmt::format("line {}", source_.line_number()),
                         fmt::format("a row longer than {} MiB (a quoted field left open?); expected rows of a "
                                     "text trace",
                                     MAX_LINE_BYTES >> 20));
      if (csv_parse(parser_.get(), line.data(), line.size(), on_field, on_row, this) != line.size())
        throw InputError(path(), fmt::format("line {}", source_.line_number()),
                         std::string("malformed CSV (") + csv_strerror(csv_error(parser_.get())) +
                             "); expected RFC 4180 fields, quotes doubled inside quoted fields");
    } else {
      eof_ = true;
      if (csv_fini(parser_.get(), on_field, on_row, this) != 0)
        throw InputError(path(), fmt::format("line {}", source_.line_number()),
                         "a quoted field is not closed at the end of the file (expected a closing quote)");
    }
  }
  fields_ = std::move(complete_[complete_pos_++]);
  row_line_ = source_.line_number();
  return true;
}

bool CsvTable::next_row()
{
  const auto take = [this] {
    if (replay_first_) {
      replay_first_ = false;
      return true;
    }
    return read_row();
  };
  while (take()) {
    if (fields_.empty() || (fields_.size() == 1 && trim_blanks(fields_[0]).empty()))
      continue; // blank line
    if (fields_.size() != header_.size())
      fail_row(fmt::format("{} fields (expected {}, as in the header)", fields_.size(), header_.size()));
    return true;
  }
  return false;
}

std::string_view CsvTable::text(int col) const
{
  if (col < 0 || static_cast<std::size_t>(col) >= fields_.size())
    return {};
  return trim_blanks(fields_[static_cast<std::size_t>(col)]);
}

std::string CsvTable::required_text(int col, const std::string& expected) const
{
  const std::string_view t = text(col);
  if (t.empty())
    fail(col, expected);
  return std::string(t);
}

void CsvTable::fail(int col, const std::string& expected) const
{
  const std::string name = col >= 0 ? header_[static_cast<std::size_t>(col)] : std::string("?");
  throw InputError(path(), fmt::format("line {}", row_line_),
                   fmt::format("{} is \"{}\" (expected {})", name, std::string(text(col)), expected));
}

void CsvTable::fail_row(const std::string& message) const
{
  throw InputError(path(), fmt::format("line {}", row_line_), message);
}

double CsvTable::number(int col, double min, double max, std::optional<double> empty_value) const
{
  const std::string_view t = text(col);
  const std::string expected = fmt::format("a number in [{}, {}]", min, max);
  if (t.empty()) {
    if (empty_value)
      return *empty_value;
    fail(col, expected);
  }
  double v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size() || not std::isfinite(v) || v < min || v > max)
    fail(col, expected);
  return v;
}

std::int64_t CsvTable::integer(int col, std::int64_t min, std::int64_t max,
                               std::optional<std::int64_t> empty_value) const
{
  const std::string_view t = text(col);
  const std::string expected = fmt::format("an integer in [{}, {}]", min, max);
  if (t.empty()) {
    if (empty_value)
      return *empty_value;
    fail(col, expected);
  }
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size() || v < min || v > max)
    fail(col, expected);
  return v;
}

} // namespace ccsim
