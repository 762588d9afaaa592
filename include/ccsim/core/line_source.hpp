// include/ccsim/core/line_source.hpp: line-by-line input (plain or gzip files, or text in memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ccsim {

//! Yields the lines of a file (plain or gzip, streamed through zlib) or of a text in memory, without their '\n'.
//! Truncated or corrupt gzip data is an InputError naming the file and the line where the data broke off.
//! Bounds on what is read (a gzip bomb or /dev/zero must end in an error, not in exhausted memory): a line of a
//! text file, and a file read whole (decompressed).
inline constexpr std::size_t MAX_LINE_BYTES = std::size_t{64} << 20;
inline constexpr std::size_t MAX_FILE_BYTES = std::size_t{1} << 30;

//! Throws InputError unless `path` is a regular file (or does not exist: opening it reports that): a directory, a
//! FIFO (which would block), a device (/dev/zero never ends) are refused. `what` names the kind of file expected.
void expect_regular_file(const std::string& path, const std::string& what);

class LineSource {
public:
  //! Opens `path`; a missing or unreadable file is an InputError (`what` says which kind of file was expected).
  static LineSource from_file(const std::string& path, const std::string& what);
  //! Lines of `text` (which must outlive the source); `path` names it in messages.
  static LineSource from_text(std::string_view text, std::string path);

  //! Next line into `line`; false at the end of the input.
  bool next(std::string& line) { return next_(line); }
  //! 1-based number of the last line returned.
  std::uint64_t line_number() const { return *line_no_; }
  const std::string& path() const { return path_; }

private:
  std::string path_;
  std::shared_ptr<std::uint64_t> line_no_ = std::make_shared<std::uint64_t>(0);
  std::function<bool(std::string&)> next_;
};

//! `s` without its leading and trailing spaces, tabs and carriage returns.
inline std::string_view trim_blanks(std::string_view s)
{
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos)
    return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

//! The whole content of a file, plain or gzip (zlib reads plain files transparently). A missing or unreadable
//! file, one that is not a regular file, one over MAX_FILE_BYTES (decompressed), or truncated or corrupt gzip data,
//! is an InputError naming the file (`what` says which kind was expected). A line over MAX_LINE_BYTES read by
//! LineSource::from_file is one too.
std::string read_file_text(const std::string& path, const std::string& what);

} // namespace ccsim
