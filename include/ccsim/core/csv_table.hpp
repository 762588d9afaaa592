// include/ccsim/core/csv_table.hpp: a header-addressed CSV reader (RFC 4180, via libcsv): the trace importers and
// ccsim report read CSV files with it.
#pragma once

#include "ccsim/core/line_source.hpp"

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct csv_parser;

namespace ccsim {

//! Reads a CSV file whose first row names the columns. Rows are streamed; every problem is an InputError naming
//! the file and the line: a row whose field count differs from the header's, a malformed quoted field, a missing
//! required column, a value that is not what the column expects.
class CsvTable {
public:
  static constexpr int ABSENT = -1;

  //! Reads the header row. Every name in `required` must be a column; `format` names the format in messages.
  //! With an `implicit_header` (files published without a header row, such as Alibaba PAI's), a first row whose
  //! first field is not implicit_header[0] is data and the columns are implicit_header.
  CsvTable(LineSource source, std::string format, std::initializer_list<std::string_view> required,
           std::vector<std::string> implicit_header = {});
  ~CsvTable();
  CsvTable(const CsvTable&) = delete;
  CsvTable& operator=(const CsvTable&) = delete;

  //! Index of column `name`, or ABSENT.
  int column(std::string_view name) const;
  const std::vector<std::string>& header() const { return header_; }

  //! Advances to the next data row; false at the end of the file. Blank lines are skipped.
  bool next_row();
  //! Line on which the current row ends (1-based).
  std::uint64_t line() const { return row_line_; }
  const std::string& path() const { return source_.path(); }

  //! Raw text of column `col` in the current row ("" when the column is ABSENT).
  std::string_view text(int col) const;
  //! The text of column `col`, which must not be empty (`expected` says what it should hold).
  std::string required_text(int col, const std::string& expected) const;
  //! A number in [min, max]; an empty field is an error unless `empty_value` is given, which is then returned.
  double number(int col, double min, double max, std::optional<double> empty_value = std::nullopt) const;
  //! An integer in [min, max] (same rule for empty fields).
  std::int64_t integer(int col, std::int64_t min, std::int64_t max,
                       std::optional<std::int64_t> empty_value = std::nullopt) const;
  //! InputError at the current row's line: "<column> is "<text>" (expected <what>)".
  [[noreturn]] void fail(int col, const std::string& expected) const;
  [[noreturn]] void fail_row(const std::string& message) const;

private:
  LineSource source_;
  std::string format_;
  struct ParserDeleter {
    void operator()(csv_parser* p) const;
  };
  //! Owned, so a constructor that throws (a bad header) frees it too.
  std::unique_ptr<csv_parser, ParserDeleter> parser_;
  std::vector<std::string> header_;
  std::unordered_map<std::string, int> columns_;   //!< header name -> index (a header of n columns costs O(n))
  std::vector<std::string> fields_;                //!< the current row
  std::vector<std::string> pending_;               //!< fields of the row being parsed
  std::vector<std::vector<std::string>> complete_; //!< rows completed by the last chunk fed to the parser
  std::size_t complete_pos_ = 0;
  bool replay_first_ = false; //!< the first row read was data (implicit header): next_row() returns it first
  std::uint64_t row_line_ = 0;
  bool eof_ = false;

  //! Reads the next raw row (header or data) into fields_; false at the end.
  bool read_row();
  static void on_field(void* data, std::size_t len, void* self);
  static void on_row(int terminator, void* self);
};

} // namespace ccsim
