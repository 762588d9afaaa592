// include/ccsim/core/error.hpp
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
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

class InputError;

//! Collects every problem of an input before failing, so users fix them all in one go.
class Diagnostics {
public:
  //! The most diagnostics kept; past it they are only counted (a trace with a million bad lines would otherwise
  //! hold a million messages).
  static constexpr std::size_t KEPT = 1000;
  void add(std::string file, std::string location, std::string message);
  //! Adds every problem of `other` (its count too, past what it kept).
  void add(const Diagnostics& other);
  void add(const InputError& error);
  bool empty() const { return count_ == 0; }
  //! Every diagnostic added, kept or only counted.
  std::size_t size() const { return count_; }
  //! The first KEPT.
  const std::vector<Diagnostic>& items() const { return items_; }
  //! Throws InputError holding the diagnostics kept and the count of all, if there is any.
  void throw_if_any() const;

private:
  std::vector<Diagnostic> items_;
  std::size_t count_ = 0;
};

//! Bad user input (scenario, trace, command line). Carries every diagnostic; `ccsim` exits with code 2.
class InputError : public std::runtime_error {
public:
  //! `count`: how many there were, if more than were kept (0: diagnostics.size()).
  explicit InputError(std::vector<Diagnostic> diagnostics, std::size_t count = 0);
  InputError(std::string file, std::string location, std::string message);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  //! How many problems there were (at least diagnostics().size()).
  std::size_t count() const { return count_; }

private:
  std::vector<Diagnostic> diagnostics_;
  std::size_t count_;
};

//! A policy broke its contract: an invalid start, slots still held at the end of a pass, jobs left waiting on an idle
//! platform, a Python policy's exception. The policy's fault (a plug-in's, a Python one's, or a built-in's bug), not
//! the scenario's: `ccsim` reports "error: policy: ..." and exits with code 1.
class PolicyError : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

//! Whether `c` is a control character (U+0000-U+001F, U+007F).
inline bool is_control_char(char c)
{
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}
//! `text` for a message: control characters as \xNN, cut after `max_shown` bytes ("...").
std::string printable(std::string_view text, std::size_t max_shown = 80);

//! Whether errno `err` says a path the user gave cannot be used (missing, not a folder, too long, a loop, no
//! permission, read-only, a folder where a file belongs): bad input, not an internal error.
bool is_path_errno(int err);

//! Exit codes of the `ccsim` command.
//! Process exit codes (README): `ccsim check` adds REGRESSION (a metric regressed, or changed under --strict) and
//! EXPERIMENT_CHANGED (the baseline's scenario inputs, seed or policies differ, under --strict or
//! --fail-on-experiment-change).
enum class ExitCode : int { OK = 0, FAILURE = 1, BAD_INPUT = 2, REGRESSION = 3, EXPERIMENT_CHANGED = 4 };

} // namespace ccsim
