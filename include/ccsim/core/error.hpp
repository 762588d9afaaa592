// include/ccsim/core/error.hpp
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace ccsim {

//! One problem found in an input: where it is and what was expected there.
struct Diagnostic {
  std::string file;     //!< input file as the user named it
  std::string location; //!< JSON pointer ("/workload/jobs/3/submit_s"), "line 12" or "line 3, column 7"
  std::string message;  //!< what was found and what was expected

  //! "file: location: message" (location omitted when empty).
  std::string to_string() const;
};

//! Collects every problem of an input before failing, so users fix them all in one go.
class Diagnostics {
public:
  void add(std::string file, std::string location, std::string message);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  //! Throws InputError holding every diagnostic collected so far, if there is any.
  void throw_if_any() const;

private:
  std::vector<Diagnostic> items_;
};

//! Bad user input (scenario, trace, command line). Carries every diagnostic; `ccsim` exits with code 2.
class InputError : public std::runtime_error {
public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  InputError(std::string file, std::string location, std::string message);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

private:
  std::vector<Diagnostic> diagnostics_;
};

//! Exit codes of the `ccsim` command.
enum class ExitCode : int { OK = 0, FAILURE = 1, BAD_INPUT = 2 };

} // namespace ccsim
