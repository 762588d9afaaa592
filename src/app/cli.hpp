// src/app/cli.hpp: the `ccsim` command line as a function (app-private): the executable's main() calls it, and the
// Python module calls it in a forked child to run a command with policies written in Python (docs/python.md).
#pragma once

namespace ccsim::app {

//! Parses `argv` (argv[0] the program's name, then a subcommand and its options) and runs the command: its exit
//! code (0; 1 a failure, a policy's error included; 2 bad input; 3 and 4 from `ccsim check`). Reports errors on
//! stderr; throws nothing.
int cli_main(int argc, char** argv);

} // namespace ccsim::app
