// python/src/policies.hpp: policies written in Python, registered in ccsim's registry (docs/python.md).
#pragma once

#include <pybind11/pybind11.h>

namespace ccsim::python {

//! Adds to the module: Job, ClusterView and SchedulingContext (what a Python policy sees), register_queue_policy,
//! register_placement_policy and python_policies.
void bind_policies(pybind11::module_& m);

} // namespace ccsim::python
