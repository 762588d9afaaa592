// src/app/child_process.hpp: how ccsim runs itself in child processes (sweep points, compare's policies) and
// names their results folders (app-private).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace ccsim::app {

//! Starts `exe` with `args`. Its stdout and stderr go to the file `log` (created or truncated), or are inherited
//! when `log` is empty; it dies with this process if it calls die_with_parent_if_asked() (ccsim does). Throws
//! std::runtime_error when it cannot be started. With a spawner set (set_spawner), the spawner starts the child.
pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& log = "");

//! Starts a child that runs the ccsim command `args` (a subcommand and its options) with its output in `log` (or
//! inherited), and returns its pid; throws std::runtime_error when it cannot.
using Spawner = std::function<pid_t(const std::vector<std::string>& args, const std::string& log)>;
//! Makes spawn() start every child with `spawner` instead of executing `exe` (empty: executes again). The Python
//! module forks itself so that its children have the policies registered in Python (docs/python.md).
void set_spawner(Spawner spawner);

//! In a child that spawn() started: asks the kernel to SIGKILL this process when its parent dies (a sweep killed
//! with SIGKILL took none of its points with it). Call first thing in main(); does nothing in other processes.
void die_with_parent_if_asked();

//! The exit code of a child that exited (`status` from waitpid), or -1 when a signal ended it.
int exit_code(int status);

//! Runs `exe` with `args` (output inherited) and waits for it: its exit code, or -1.
int run_child(const std::string& exe, const std::vector<std::string>& args);

//! The results folder of a run labelled `label` (a compare choice such as "easy+best-fit"): the label with '/'
//! and '+' written as '_'. ccsim compare writes, and ccsim report reads, the same name.
std::string run_folder_name(std::string_view label);

} // namespace ccsim::app
