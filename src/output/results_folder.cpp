// src/output/results_folder.cpp
#include "ccsim/output/results_folder.hpp"

#include "ccsim/core/process.hpp"
#include "ccsim/output/writers.hpp"

#include "ccsim/core/error.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <stdexcept>

#include <unistd.h>

namespace ccsim {

namespace fs = std::filesystem;

namespace {

std::string tmp_prefix(const fs::path& out)
{
  return "." + out.filename().string() + ".ccsim-tmp-";
}

//! Removes temporary folders that killed runs left beside `out` (their process is gone).
void remove_stale(const fs::path& parent, const std::string& prefix)
{
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string name = e.path().filename().string();
    if (not name.starts_with(prefix))
      continue;
    try {
      const long pid = std::stol(name.substr(prefix.size()));
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
        fs::remove_all(e.path(), ec);
    } catch (const std::exception&) {
      // not one of ours
    }
  }
}

} // namespace

ResultsFolder::ResultsFolder(fs::path out)
    : out_(std::move(out))
{
  if (out_.filename().empty()) // "results/" names the folder "results"
    out_ = out_.parent_path();
  fs::path parent = out_.parent_path();
  if (parent.empty())
    parent = ".";
  // A path the user gave: an existing file there, or a place no folder can be made (/proc, /dev/null/x), is bad
  // input, found before the run rather than when committing its results.
  std::error_code ec;
  if (fs::exists(out_, ec) && not fs::is_directory(out_, ec))
    throw InputError(out_.string(), "",
                     "exists and is not a folder (expected a folder for the results, or a path to create one)");
  const std::string prefix = tmp_prefix(out_);
  tmp_ = parent / (prefix + std::to_string(::getpid()));
  try {
    fs::create_directories(parent);
    remove_stale(parent, prefix);
    fs::remove_all(tmp_);
    fs::create_directory(tmp_);
  } catch (const fs::filesystem_error& e) {
    throw InputError(out_.string(), "",
                     std::string("cannot create the results folder here (") + e.code().message() +
                         "); expected a writable path");
  }
}

ResultsFolder::~ResultsFolder()
{
  if (not committed_) {
    std::error_code ignored;
    fs::remove_all(tmp_, ignored);
  }
}

void ResultsFolder::write(std::string_view name, std::string_view bytes)
{
  AtomicFile f(file(name));
  f.write(bytes);
  f.commit();
}

void ResultsFolder::commit()
{
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(tmp_))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  // summary.json marks a complete set: it moves last.
  std::stable_partition(names.begin(), names.end(), [](const std::string& n) { return n != "summary.json"; });
  if (not fs::exists(out_)) {
    for (const auto& n : names)
      fault_point("committing:" + n);
    fs::rename(tmp_, out_);
    committed_ = true;
    return;
  }
  if (not fs::is_directory(out_))
    throw std::runtime_error(out_.string() + " exists and is not a folder");
  fs::remove(out_ / "summary.json"); // never an old summary beside new files
  for (const auto& n : names) {
    fault_point("committing:" + n);
    fs::rename(tmp_ / n, out_ / n);
  }
  fs::remove(tmp_);
  committed_ = true;
}

} // namespace ccsim
