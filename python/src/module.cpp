// python/src/module.cpp: the native part of the ccsim Python module (ccsim._ccsim, docs/python.md): scenario files
// read, edited and checked by the command line's own code (the JSON reader, --set, --patch, validation), its
// located errors as ccsim.InputError, the command line's statistics over seeds, the command line itself (run in a
// forked child when policies are written in Python) and those policies (policies.cpp).
#include "child_process.hpp" // src/app: set_spawner
#include "cli.hpp"           // src/app: cli_main
#include "policies.hpp"
#include "stats.hpp" // src/app/stats.hpp: the 95 % intervals of ccsim compare and sweep

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/core/version.hpp"
#include "ccsim/policy/registry.hpp"
#include "ccsim/scenario/loader.hpp"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

std::vector<ccsim::ScenarioEdit> edits_of(const std::vector<std::string>& sets, const std::string& source)
{
  std::vector<ccsim::ScenarioEdit> edits;
  for (const auto& s : sets)
    edits.push_back(ccsim::parse_scenario_edit(s, source));
  return edits;
}

std::vector<nlohmann::json> patches_of(const std::vector<std::string>& patches, const std::string& source)
{
  std::vector<nlohmann::json> out;
  for (const auto& p : patches) {
    auto doc = nlohmann::json::parse(p, nullptr, false);
    if (doc.is_discarded())
      throw ccsim::InputError(source, "", "a patch that is not JSON (expected a JSON Patch, RFC 6902)");
    out.push_back(std::move(doc));
  }
  return out;
}

//! What a checked scenario is: a few facts, for the Python side's repr and tests.
py::dict facts(const ccsim::Scenario& s)
{
  std::size_t accelerators = 0;
  for (const auto& site : s.sites)
    for (const auto& g : site.rack_groups)
      accelerators += static_cast<std::size_t>(g.racks) * g.nodes_per_rack * g.node.accelerators;
  py::dict d;
  d["name"] = s.name;
  d["seed"] = s.seed;
  d["sites"] = s.sites.size();
  d["accelerators"] = accelerators;
  d["sha256"] = s.sha256;
  return d;
}

} // namespace

PYBIND11_MODULE(_ccsim, m)
{
  m.doc() = "ccsim's native part: scenario reading, editing and checking as the command line does them";
  // ccsim.InputError: a ValueError whose `diagnostics` are (file, location, message) tuples, every problem found.
  static py::exception<ccsim::InputError> input_error(m, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const ccsim::InputError& e) {
      py::list diagnostics;
      std::string text;
      for (const auto& d : e.diagnostics()) {
        diagnostics.append(py::make_tuple(d.file, d.location, d.message));
        text += (text.empty() ? "" : "\n") + d.to_string();
      }
      if (e.count() > e.diagnostics().size())
        text += "\n... and " + std::to_string(e.count() - e.diagnostics().size()) + " more";
      py::object error = py::reinterpret_borrow<py::object>(input_error.ptr())(py::str(text));
      error.attr("diagnostics") = diagnostics;
      PyErr_SetObject(input_error.ptr(), error.ptr());
    }
  });
  m.def(
      "version", [] { return std::string(ccsim::version()); }, "ccsim's version");
  m.def(
      "read_json", [](const std::string& path) { return ccsim::parse_json_file(path).dump(); }, py::arg("path"),
      "A JSON file's text, re-serialized (InputError with the line and column when it is not JSON)");
  m.def(
      "check_scenario",
      [](const std::string& path, const std::vector<std::string>& sets, const std::vector<std::string>& patches) {
        return facts(ccsim::load_scenario(path, edits_of(sets, "--set"), patches_of(patches, "--patch")));
      },
      py::arg("path"), py::arg("sets") = std::vector<std::string>{}, py::arg("patches") = std::vector<std::string>{},
      "Reads and validates a scenario file with `ccsim run`'s --patch (first) and --set edits; InputError otherwise");
  m.def(
      "apply_set",
      [](const std::string& doc, const std::string& edit, const std::string& source) {
        auto j = nlohmann::json::parse(doc);
        ccsim::apply_scenario_edit(j, ccsim::parse_scenario_edit(edit, source), source);
        return j.dump();
      },
      py::arg("doc"), py::arg("edit"), py::arg("source"), "`--set POINTER=JSON` applied to a scenario document");
  m.def(
      "apply_patch",
      [](const std::string& doc, const std::string& patch, const std::string& source) {
        auto j = nlohmann::json::parse(doc);
        ccsim::apply_scenario_patch(j, patches_of({patch}, source).front(), source);
        return j.dump();
      },
      py::arg("doc"), py::arg("patch"), py::arg("source"), "`--patch JSON` applied to a scenario document");
  m.def(
      "policy_kind",
      [](const std::string& name) -> py::object {
        const auto& r = ccsim::PolicyRegistry::global();
        if (r.queues.has(name))
          return py::str("queue");
        if (r.placements.has(name))
          return py::str("placement");
        if (r.fills.has(name))
          return py::str("fill");
        return py::none();
      },
      py::arg("name"),
      "\"queue\", \"placement\" or \"fill\" for a registered policy's name (Python ones too), else None");
  m.def(
      "cli_main",
      [](const std::vector<std::string>& args, const py::object& spawner) {
        // In a forked child only (SimGrid allows one engine per process). Children the command starts (a sweep's
        // points, compare's runs) are started by `spawner(args, log) -> pid`, a fork of this process too.
        if (not spawner.is_none())
          ccsim::app::set_spawner([spawner](const std::vector<std::string>& a, const std::string& log) -> pid_t {
            py::gil_scoped_acquire gil;
            return spawner(a, log).cast<pid_t>();
          });
        std::vector<std::string> copy = args;
        std::vector<char*> argv;
        for (auto& a : copy)
          argv.push_back(a.data());
        argv.push_back(nullptr);
        int code = 0;
        {
          py::gil_scoped_release release; // policies take it back (whichever thread SimGrid runs them on)
          code = ccsim::app::cli_main(static_cast<int>(copy.size()), argv.data());
        }
        std::cout.flush();
        std::cerr.flush();
        (void)std::fflush(nullptr);
        return code;
      },
      py::arg("args"), py::arg("spawner") = py::none(),
      "Runs the ccsim command line in this process (args[0] the program's name): its exit code. Only in a forked "
      "child: SimGrid allows one engine per process");
  m.def(
      "die_with_parent",
      [](pid_t parent) {
        // As a spawned ccsim does (die_with_parent_if_asked): SIGKILL when the parent ends; if it already has, now.
        (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
          _exit(137);
      },
      py::arg("parent"), "In a forked child: be killed when `parent` ends");
  ccsim::python::bind_policies(m);
  m.def(
      "mean_ci95",
      [](const std::vector<double>& x) {
        if (x.empty())
          throw py::value_error("mean_ci95 of no values");
        const auto [mean, sd] = ccsim::app::mean_sd(x);
        return py::make_tuple(mean, ccsim::app::ci95(sd, x.size()));
      },
      py::arg("values"), "Mean and 95 % half-width (Student's t; NaN for one value), as ccsim compare --seeds");
}
