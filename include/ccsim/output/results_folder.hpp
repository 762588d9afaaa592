// include/ccsim/output/results_folder.hpp: a run's results folder, written whole or not at all.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ccsim {

//! The results of one run. Files are written into a temporary folder beside the results folder
//! (`.<name>.ccsim-tmp-<pid>`); commit() moves them into it, summary.json last, so that:
//!  - a run that fails (bad input found late, an exception) leaves nothing: the destructor removes the temporary
//!    folder, and an earlier run's results in the same folder are untouched;
//!  - a run killed while writing its files (SIGKILL) leaves the earlier results or files without summary.json,
//!    never a summary.json beside another run's files (a rerun into the folder removes the old summary.json before
//!    it moves any file in);
//!  - a temporary folder left by a killed run is removed by the next run into the same folder.
//! When the results folder does not exist yet, commit() renames the temporary folder into place (atomic).
class ResultsFolder {
public:
  //! Throws InputError when `out` is an existing file or no folder can be made there (the temporary one beside
  //! it is made at once, so a bad --out fails before the run).
  explicit ResultsFolder(std::filesystem::path out);
  ~ResultsFolder();
  ResultsFolder(const ResultsFolder&) = delete;
  ResultsFolder& operator=(const ResultsFolder&) = delete;

  //! Where the file `name` is being written (inside the temporary folder).
  std::filesystem::path file(std::string_view name) const { return tmp_ / name; }
  //! Writes a whole file (atomically, inside the temporary folder).
  void write(std::string_view name, std::string_view bytes);
  //! Moves every file into the results folder, summary.json last. Fault points (core/process.hpp):
  //! "committing:<file>" before each file moves.
  void commit();
  const std::filesystem::path& path() const { return out_; }

private:
  std::filesystem::path out_, tmp_;
  bool committed_ = false;
};

} // namespace ccsim
