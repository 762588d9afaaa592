// src/core/line_source.cpp
#include "ccsim/core/line_source.hpp"

#include "ccsim/core/error.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <array>
#include <filesystem>
#include <memory>

namespace ccsim {

void expect_regular_file(const std::string& path, const std::string& what)
{
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || status.type() == std::filesystem::file_type::not_found)
    return; // opening it reports the problem
  const char* kind = nullptr;
  switch (status.type()) {
    case std::filesystem::file_type::regular:
      return;
    case std::filesystem::file_type::directory:
      kind = "a directory";
      break;
    case std::filesystem::file_type::fifo:
      kind = "a FIFO (named pipe)";
      break;
    case std::filesystem::file_type::character:
      kind = "a character device";
      break;
    case std::filesystem::file_type::block:
      kind = "a block device";
      break;
    case std::filesystem::file_type::socket:
      kind = "a socket";
      break;
    default:
      kind = "not a regular file";
  }
  throw InputError(path, "", std::string("is ") + kind + " (expected a regular file: a " + what + ")");
}

LineSource LineSource::from_file(const std::string& path, const std::string& what)
{
  expect_regular_file(path, what);
  // zlib reads plain files transparently, so .csv and .csv.gz (or .swf and .swf.gz) share this path.
  std::shared_ptr<gzFile_s> file(gzopen(path.c_str(), "rb"), [](gzFile f) {
    if (f != nullptr)
      gzclose(f);
  });
  if (not file)
    throw InputError(path, "", "cannot open file (expected a readable " + what + ")");
  gzbuffer(file.get(), 1 << 16);
  LineSource src;
  src.path_ = path;
  auto buf = std::make_shared<std::array<char, 1 << 14>>();
  src.next_ = [file, buf, path, line_no = src.line_no_](std::string& line) {
    line.clear();
    while (gzgets(file.get(), buf->data(), static_cast<int>(buf->size())) != nullptr) {
      line += buf->data();
      if (line.size() > MAX_LINE_BYTES)
        throw InputError(path, fmt::format("line {}", *line_no + 1),
                         fmt::format("longer than {} MiB (expected lines of a text trace)", MAX_LINE_BYTES >> 20));
      if (not line.empty() && line.back() == '\n') {
        line.pop_back();
        ++*line_no;
        return true;
      }
    }
    int err = Z_OK;
    const char* message = gzerror(file.get(), &err);
    if (err != Z_OK && err != Z_STREAM_END)
      throw InputError(path, fmt::format("line {}", *line_no + 1),
                       std::string("truncated or corrupt gzip data (") + message + "); expected a complete file");
    if (not line.empty()) {
      ++*line_no;
      return true; // last line without '\n'
    }
    return false;
  };
  return src;
}

std::string read_file_text(const std::string& path, const std::string& what)
{
  expect_regular_file(path, what);
  const std::unique_ptr<gzFile_s, int (*)(gzFile)> file(gzopen(path.c_str(), "rb"), gzclose);
  if (not file)
    throw InputError(path, "", "cannot open file (expected a readable " + what + ")");
  gzbuffer(file.get(), 1 << 16);
  std::string text;
  std::array<char, 1 << 16> buf{};
  int n = 0;
  while ((n = gzread(file.get(), buf.data(), static_cast<unsigned>(buf.size()))) > 0) {
    text.append(buf.data(), static_cast<std::size_t>(n));
    if (text.size() > MAX_FILE_BYTES)
      throw InputError(path, "",
                       fmt::format("more than {} GiB{} (expected a {} of at most that size)", MAX_FILE_BYTES >> 30,
                                   path.ends_with(".gz") ? " once decompressed" : "", what));
  }
  int err = Z_OK;
  const char* message = gzerror(file.get(), &err);
  if (n < 0 || (err != Z_OK && err != Z_STREAM_END)) { // a truncated stream ends with Z_BUF_ERROR, not n < 0
    throw InputError(path, fmt::format("byte {}", text.size()),
                     std::string("truncated or corrupt gzip data (") + message + "); expected a complete file");
  }
  return text;
}

LineSource LineSource::from_text(std::string_view text, std::string path)
{
  LineSource src;
  src.path_ = std::move(path);
  src.next_ = [text, pos = std::size_t{0}, line_no = src.line_no_](std::string& line) mutable {
    if (pos >= text.size())
      return false;
    const auto end = text.find('\n', pos);
    line.assign(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
    pos = end == std::string_view::npos ? text.size() : end + 1;
    ++*line_no;
    return true;
  };
  return src;
}

} // namespace ccsim
