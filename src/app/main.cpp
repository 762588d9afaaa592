// src/app/main.cpp: the `ccsim` executable (the command line itself is src/app/cli.cpp).
#include "child_process.hpp"
#include "cli.hpp"

int main(int argc, char** argv)
{
  ccsim::app::die_with_parent_if_asked(); // a sweep point or compare run: dies with its sweep or compare
  return ccsim::app::cli_main(argc, argv);
}
