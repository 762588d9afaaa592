// python/src/policies.cpp: policies written in Python (ccsim.QueuePolicy, ccsim.PlacementPolicy subclasses) as
// policies of ccsim's registry, and what they see: a decision pass's context, the platform view, jobs (copies).
// Every call from Python is checked before it reaches the engine (job indices, pools, nodes, slots, holds), so a
// policy's mistake is a Python exception or a PolicyError, never a corrupted run (docs/python.md "Policies in
// Python").
#include "policies.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/types.hpp"
#include "ccsim/perf/runtime.hpp"
#include "ccsim/policy/policy.hpp"
#include "ccsim/policy/registry.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <bit>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace ccsim::python {

namespace {

//! The origin of policies registered from Python (Registry::set_origin): messages name it, and only these are
//! replaced when a notebook registers a name again.
constexpr const char* ORIGIN = "Python";

//! A Python exception as text: its traceback when `traceback` (a policy's bug), else "Type: message".
std::string describe(py::error_already_set& e, bool traceback)
{
  try {
    if (traceback) {
      const py::list lines = py::module_::import("traceback").attr("format_exception")(e.type(), e.value(), e.trace());
      std::string text;
      for (const auto& line : lines)
        text += line.cast<std::string>();
      while (not text.empty() && text.back() == '\n')
        text.pop_back();
      return text;
    }
    return py::str(e.type().attr("__name__")).cast<std::string>() + ": " + py::str(e.value()).cast<std::string>();
  } catch (...) {
    return e.what();
  }
}

//! A job as Python sees it: a copy (the engine's job store moves), with the site it is pinned to if any.
struct PyJob {
  Job job;
  std::uint32_t pinned_site = NO_SITE;
};

//! Whether `j` may run in pool `p` (ClusterView::may_use, with the copy's pin).
bool may_use(const Cluster& c, const PyJob& j, std::uint32_t p)
{
  return (j.job.eligible_types >> c.pools[p].type & 1U) != 0 &&
         (j.pinned_site == NO_SITE || c.pools[p].site == j.pinned_site);
}

py::list slots_to_list(std::span<const NodeSlots> slots)
{
  py::list out;
  for (const auto& s : slots)
    out.append(py::make_tuple(s.node, s.mask));
  return out;
}

//! A Python iterable of (node, mask) pairs as slots; throws PolicyError naming `what` otherwise.
std::vector<NodeSlots> slots_of(const py::handle& value, const std::string& what)
{
  std::vector<NodeSlots> out;
  try {
    for (const auto& item : py::iter(value)) {
      const auto pair = item.cast<py::sequence>();
      if (pair.size() != 2)
        throw py::cast_error("not a pair");
      out.push_back(NodeSlots{pair[0].cast<std::uint32_t>(), pair[1].cast<std::uint64_t>()});
    }
  } catch (const py::error_already_set&) {
    throw PolicyError(what + " " + py::repr(value).cast<std::string>().substr(0, 200) +
                      " (expected a list of (node, mask) pairs of non-negative integers)");
  } catch (const py::cast_error&) {
    throw PolicyError(what + " " + py::repr(value).cast<std::string>().substr(0, 200) +
                      " (expected a list of (node, mask) pairs of non-negative integers)");
  }
  return out;
}

//! The platform and its occupancy as Python sees them, valid during the call it was handed to (`alive`).
struct ViewHandle {
  ClusterView view;
  std::shared_ptr<const bool> alive;

  const ClusterView& get() const
  {
    if (not *alive)
      throw std::runtime_error("this ClusterView belongs to a call that has returned (keep indices, not the view)");
    return view;
  }
  const Cluster& cluster() const { return get().cluster; }
  std::uint32_t pool(std::int64_t p) const
  {
    if (p < 0 || static_cast<std::uint64_t>(p) >= cluster().pools.size())
      throw py::index_error("pool " + std::to_string(p) + " out of range (the platform has " +
                            std::to_string(cluster().pools.size()) + " pools)");
    return static_cast<std::uint32_t>(p);
  }
  std::uint32_t node(std::int64_t n) const
  {
    if (n < 0 || static_cast<std::uint64_t>(n) >= cluster().node_count())
      throw py::index_error("node " + std::to_string(n) + " out of range (the platform has " +
                            std::to_string(cluster().node_count()) + " nodes)");
    return static_cast<std::uint32_t>(n);
  }
  std::uint32_t rack(std::int64_t r) const
  {
    if (r < 0 || static_cast<std::uint64_t>(r) >= cluster().racks.size())
      throw py::index_error("rack " + std::to_string(r) + " out of range (the platform has " +
                            std::to_string(cluster().racks.size()) + " racks)");
    return static_cast<std::uint32_t>(r);
  }
};

//! Ends the validity of the handles of one call when it returns, however it returns.
struct Expire {
  bool& alive;
  explicit Expire(bool& a)
      : alive(a)
  {
  }
  Expire(const Expire&) = delete;
  Expire& operator=(const Expire&) = delete;
  ~Expire() { alive = false; }
};

//! One decision pass as Python sees it (ccsim.SchedulingContext), valid during decide().
struct PassHandle {
  SchedulingContext* ctx = nullptr;
  std::unordered_set<std::uint32_t>* waiting = nullptr;  //!< the policy's jobs submitted and not started
  std::shared_ptr<bool> alive;                           //!< false once decide() has returned (views share it)
  std::unordered_map<std::uint32_t, std::uint64_t> held; //!< node -> slots held in this pass through this handle

  SchedulingContext& get() const
  {
    if (not *alive)
      throw std::runtime_error("this SchedulingContext belongs to a decision pass that has ended (keep job indices, "
                               "not the context)");
    return *ctx;
  }
  //! `j` as a job index of this run (IndexError otherwise); with `waiting`, one submitted and not started yet.
  std::uint32_t job(std::int64_t j, bool must_wait = true) const
  {
    const auto n = get().jobs().size();
    if (j < 0 || static_cast<std::uint64_t>(j) >= n)
      throw py::index_error("job " + std::to_string(j) + " out of range (expected an index from ctx.submitted())");
    const auto i = static_cast<std::uint32_t>(j);
    if (must_wait && not waiting->contains(i))
      throw py::value_error("job " + std::to_string(j) + " is not waiting (not submitted yet, or already started)");
    return i;
  }
  std::uint32_t only_pool(const std::optional<std::int64_t>& p) const
  {
    if (not p)
      return ANY_POOL;
    const auto pools = get().view().cluster.pools.size();
    if (*p < 0 || static_cast<std::uint64_t>(*p) >= pools)
      throw py::index_error("pool " + std::to_string(*p) + " out of range (the platform has " + std::to_string(pools) +
                            " pools)");
    return static_cast<std::uint32_t>(*p);
  }
  PyJob job_copy(std::uint32_t j) const
  {
    const Job& job = get().jobs()[j];
    return PyJob{job, get().view().pinned_site(job)};
  }
  void started(std::uint32_t j) { waiting->erase(j); }
};

//! Slots a Python policy passed to hold(): valid nodes and masks on existing accelerators, free now.
std::vector<NodeSlots> checked_free(const PassHandle& h, const py::handle& value, const char* call)
{
  auto slots = slots_of(value, std::string(call) + ": given");
  const ClusterView v = h.get().view();
  for (std::size_t i = 0; i < slots.size(); i++) {
    const auto& s = slots[i];
    if (s.node >= v.cluster.node_count() || (i > 0 && s.node <= slots[i - 1].node) ||
        (v.cluster.node_accels[s.node] < 64 && (s.mask >> v.cluster.node_accels[s.node]) != 0) ||
        (v.state.used_mask(s.node) & s.mask) != 0)
      throw py::value_error(std::string(call) + ": slots on node " + std::to_string(s.node) +
                            " that are busy or missing (expected free accelerators, one piece per node in ascending "
                            "node order)");
  }
  return slots;
}

//! A queue policy written in Python: decide() calls the object's decide(ctx); queued() counts the jobs submitted
//! and not started (the policy need not); head() asks the object's head() (None: no head named).
class PyQueuePolicy final : public QueuePolicy {
public:
  PyQueuePolicy(std::string name, py::object policy)
      : who_("queue policy \"" + std::move(name) + "\" (Python)")
      , policy_(std::move(policy))
  {
  }
  ~PyQueuePolicy() override
  {
    py::gil_scoped_acquire gil;
    policy_ = py::object();
  }

  void decide(SchedulingContext& ctx) override
  {
    py::gil_scoped_acquire gil;
    for (const std::uint32_t j : ctx.submitted())
      waiting_.insert(j);
    const auto alive = std::make_shared<bool>(true);
    const Expire expire{*alive};
    try {
      policy_.attr("decide")(PassHandle{&ctx, &waiting_, alive, {}});
    } catch (py::error_already_set& e) {
      throw PolicyError(who_ + ": decide() raised:\n" + describe(e, true));
    }
  }
  std::size_t queued() const override { return waiting_.size(); }
  std::uint32_t head() const override
  {
    py::gil_scoped_acquire gil;
    try {
      const py::object h = policy_.attr("head")();
      if (h.is_none())
        return NO_JOB;
      const auto j = h.cast<std::int64_t>();
      if (j < 0 || not waiting_.contains(static_cast<std::uint32_t>(j)))
        throw PolicyError(who_ + ": head() returned " + std::to_string(j) +
                          ", not a waiting job (expected None or a job index from ctx.submitted() not started yet)");
      return static_cast<std::uint32_t>(j);
    } catch (py::error_already_set& e) {
      throw PolicyError(who_ + ": head() raised:\n" + describe(e, true));
    } catch (const py::cast_error&) {
      throw PolicyError(who_ + ": head() returned something that is not an integer (expected None or a job index)");
    }
  }

private:
  std::string who_;
  py::object policy_;
  std::unordered_set<std::uint32_t> waiting_;
};

//! A placement policy written in Python: place(job, view) returns None (cannot place now) or the slots, which are
//! checked as SchedulingContext::start() checks them (and against the view's pool restriction).
class PyPlacementPolicy final : public PlacementPolicy {
public:
  PyPlacementPolicy(std::string name, py::object policy)
      : who_("placement policy \"" + std::move(name) + "\" (Python)")
      , policy_(std::move(policy))
      , room_(py::bool_(py::getattr(policy_, "places_whenever_a_pool_has_room", py::bool_(false))))
  {
  }
  ~PyPlacementPolicy() override
  {
    py::gil_scoped_acquire gil;
    policy_ = py::object();
  }

  bool places_whenever_a_pool_has_room() const override { return room_; }
  bool place(const Job& job, const ClusterView& view, std::vector<NodeSlots>& out) override
  {
    py::gil_scoped_acquire gil;
    py::object result;
    {
      const auto alive = std::make_shared<bool>(true);
      const Expire expire{*alive};
      try {
        result = policy_.attr("place")(PyJob{job, view.pinned_site(job)}, ViewHandle{view, alive});
      } catch (py::error_already_set& e) {
        throw PolicyError(who_ + ": place() raised:\n" + describe(e, true));
      }
    }
    if (result.is_none() || (py::isinstance<py::bool_>(result) && not result.cast<bool>()))
      return false;
    const auto slots = slots_of(result, who_ + ": place() returned");
    std::string problem = slots_problem(job, slots, view, racks_);
    if (problem.empty() && view.only_pool != ANY_POOL && not slots.empty() &&
        view.cluster.node_pool[slots.front().node] != view.only_pool)
      problem = "job " + job.id + " given slots outside pool " + std::to_string(view.only_pool) + ", the one allowed";
    if (not problem.empty())
      throw PolicyError(who_ + ": place() returned slots that cannot be given: " + problem);
    out.insert(out.end(), slots.begin(), slots.end());
    return true;
  }

private:
  std::string who_;
  py::object policy_;
  bool room_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> racks_;
};

//! The registry's factory for a Python class: `cls(params)` (params: None, or the scenario's *_params as Python
//! objects). An exception from it is the scenario's parameters refused (located at *_params, exit 2).
template <typename Policy, typename Adapter>
typename Registry<Policy>::Factory factory_of(const std::string& name, const py::object& cls)
{
  // Leaked on purpose: the registry outlives the interpreter, and a Python object cannot be released after it.
  auto* held = new py::object(cls);
  return [name, held](const nlohmann::json& params) -> std::unique_ptr<Policy> {
    py::gil_scoped_acquire gil;
    py::object policy;
    try {
      const py::object p = params.is_null() ? py::none() : py::module_::import("json").attr("loads")(params.dump());
      policy = (*held)(p);
    } catch (py::error_already_set& e) {
      throw std::invalid_argument(name + " (Python): " + describe(e, false));
    }
    return std::make_unique<Adapter>(name, std::move(policy));
  };
}

//! Names registered from Python, by kind.
std::vector<std::string>& python_names()
{
  static std::vector<std::string> names;
  return names;
}

template <typename Policy, typename Adapter>
void register_in(Registry<Policy>& registry, const std::string& name, const std::string& description,
                 const py::object& cls)
{
  const bool replaced = registry.remove(name, ORIGIN);
  registry.set_origin(ORIGIN);
  try {
    registry.add(name, description, factory_of<Policy, Adapter>(name, cls));
  } catch (...) {
    registry.set_origin("");
    throw;
  }
  registry.set_origin("");
  if (not replaced)
    python_names().push_back(name);
}

//! Whether `name` is taken by a policy of another kind than `registry`'s, or by ccsim's own of any kind.
void expect_free_elsewhere(const std::string& name, const PolicyRegistry& r, const std::string& kind)
{
  const bool queue = r.queues.has(name), placement = r.placements.has(name), fill = r.fills.has(name);
  if ((kind != "queue" && queue) || (kind != "placement" && placement) || fill)
    throw py::value_error("policy name \"" + name + "\" is already taken by another kind of policy");
}

} // namespace

void bind_policies(py::module_& m)
{
  py::class_<PyJob>(m, "Job", "A job (a copy, valid after the call that handed it out)")
      .def_property_readonly("id", [](const PyJob& j) { return j.job.id; })
      .def_property_readonly(
          "index", [](const PyJob& j) { return j.job.index; }, "position in the workload's input")
      .def_property_readonly("submit_s", [](const PyJob& j) { return j.job.submit_s; })
      .def_property_readonly("accelerators", [](const PyJob& j) { return j.job.accelerators; })
      .def_property_readonly("walltime_s", [](const PyJob& j) { return j.job.walltime_s; })
      .def_property_readonly("duration_s", [](const PyJob& j) { return j.job.duration_s; })
      .def_property_readonly(
          "work_flop", [](const PyJob& j) { return j.job.work_flop; }, "NaN for a duration job")
      .def_property_readonly(
          "memory_bytes", [](const PyJob& j) { return memory_bytes_of(j.job); },
          "bytes moved through accelerator memory over its run (0: compute-bound only)")
      .def_property_readonly("priority", [](const PyJob& j) { return j.job.priority; })
      .def_property_readonly("slack_s", [](const PyJob& j) { return j.job.slack_s; })
      .def_property_readonly("background", [](const PyJob& j) { return j.job.background; })
      .def_property_readonly("memory_gib", [](const PyJob& j) { return j.job.memory_gib; })
      .def_property_readonly("tenant", [](const PyJob& j) { return j.job.tenant; })
      .def_property_readonly("data_site", [](const PyJob& j) { return j.job.data_site; })
      .def_property_readonly("span_sites", [](const PyJob& j) { return j.job.span_sites; })
      .def_property_readonly("precision",
                             [](const PyJob& j) { return std::string(enum_name(PRECISION_NAMES, j.job.precision)); })
      .def_property_readonly("job_class",
                             [](const PyJob& j) { return std::string(enum_name(JOB_CLASS_NAMES, j.job.job_class)); })
      .def_property_readonly(
          "eligible_types", [](const PyJob& j) { return j.job.eligible_types; },
          "bit t set when accelerator type t may run it")
      .def_property_readonly(
          "pinned_site",
          [](const PyJob& j) -> py::object {
            return j.pinned_site == NO_SITE ? py::object(py::none()) : py::object(py::int_(j.pinned_site));
          },
          "the site it must run at (prefetch staging), or None")
      .def("__repr__", [](const PyJob& j) {
        return "Job(" + j.job.id + ", " + std::to_string(j.job.accelerators) +
               " accelerators, submit_s=" + std::to_string(j.job.submit_s) + ")";
      });

  py::class_<ViewHandle>(m, "ClusterView", "The platform and its occupancy, valid during the call it was handed to")
      .def_property_readonly("pool_count", [](const ViewHandle& v) { return v.cluster().pools.size(); })
      .def_property_readonly("node_count", [](const ViewHandle& v) { return v.cluster().node_count(); })
      .def_property_readonly("rack_count", [](const ViewHandle& v) { return v.cluster().racks.size(); })
      .def_property_readonly("site_count", [](const ViewHandle& v) { return v.cluster().sites.size(); })
      .def_property_readonly(
          "only_pool",
          [](const ViewHandle& v) -> py::object {
            const auto p = v.get().only_pool;
            return p == ANY_POOL ? py::object(py::none()) : py::object(py::int_(p));
          },
          "the one pool placement may use now, or None")
      .def("pool_site", [](const ViewHandle& v, std::int64_t p) { return v.cluster().pools[v.pool(p)].site; })
      .def("pool_type", [](const ViewHandle& v,
                           std::int64_t p) { return v.cluster().types[v.cluster().pools[v.pool(p)].type].name; })
      .def("pool_nodes", [](const ViewHandle& v, std::int64_t p) { return v.cluster().pools[v.pool(p)].nodes; })
      .def("site_name",
           [](const ViewHandle& v, std::int64_t s) {
             if (s < 0 || static_cast<std::uint64_t>(s) >= v.cluster().sites.size())
               throw py::index_error("site " + std::to_string(s) + " out of range");
             return v.cluster().sites[static_cast<std::size_t>(s)].name;
           })
      .def(
          "pool_allowed",
          [](const ViewHandle& v, const PyJob& j, std::int64_t p) {
            const auto pool = v.pool(p);
            return (v.get().only_pool == ANY_POOL || v.get().only_pool == pool) && may_use(v.cluster(), j, pool);
          },
          "whether placement may use pool p for the job now (its types, its pinned site, only_pool)")
      .def(
          "usable_pools",
          [](const ViewHandle& v, const PyJob& j) {
            std::vector<std::uint32_t> pools;
            for (std::uint32_t p = 0; p < v.cluster().pools.size(); p++)
              if (may_use(v.cluster(), j, p))
                pools.push_back(p);
            return pools;
          },
          "the pools the job may ever use, in platform order")
      .def(
          "available_in_pool",
          [](const ViewHandle& v, std::int64_t p) { return v.get().state.available_in_pool(v.pool(p)); },
          "free accelerators of pool p that may be taken within rack power caps")
      .def("busy_in_pool", [](const ViewHandle& v, std::int64_t p) { return v.get().state.busy_in_pool(v.pool(p)); })
      .def(
          "take_lowest_free",
          [](const ViewHandle& v, std::int64_t p, std::uint32_t needed) {
            std::vector<NodeSlots> out;
            take_lowest_free(v.cluster(), v.get().state, v.pool(p), needed, out);
            return slots_to_list(out);
          },
          py::arg("pool"), py::arg("needed"),
          "first fit in pool p: the lowest-numbered free accelerators, node by node, within rack caps, up to needed")
      .def(
          "lowest_free_slots",
          [](const ViewHandle& v, std::int64_t n, std::uint32_t k) {
            return lowest_free_slots(v.cluster(), v.get().state, v.node(n), k);
          },
          "the mask of the k lowest-numbered free accelerators of node n")
      .def("used_mask", [](const ViewHandle& v, std::int64_t n) { return v.get().state.used_mask(v.node(n)); })
      .def("free_on_node", [](const ViewHandle& v, std::int64_t n) { return v.get().state.free_on_node(v.node(n)); })
      .def("node_accelerators", [](const ViewHandle& v, std::int64_t n) { return v.cluster().node_accels[v.node(n)]; })
      .def("node_rack", [](const ViewHandle& v, std::int64_t n) { return v.cluster().node_rack[v.node(n)]; })
      .def("node_pool", [](const ViewHandle& v, std::int64_t n) { return v.cluster().node_pool[v.node(n)]; })
      .def(
          "rack_allowance", [](const ViewHandle& v, std::int64_t r) { return v.get().state.rack_allowance(v.rack(r)); },
          "accelerators of rack r that may still become busy under its power cap")
      .def(
          "free_counts",
          [](const ViewHandle& v) {
            const auto n = v.cluster().node_count();
            py::array_t<std::uint8_t> a(static_cast<py::ssize_t>(n));
            std::copy_n(v.get().state.free_counts(), n, a.mutable_data());
            return a;
          },
          "free accelerators per node (a numpy copy)");

  py::class_<PassHandle>(m, "SchedulingContext", "One decision pass, valid during decide()")
      .def_property_readonly(
          "now", [](const PassHandle& h) { return h.get().now(); }, "the pass's time, s")
      .def_property_readonly(
          "finished",
          [](const PassHandle& h) {
            const auto f = h.get().finished();
            return std::vector<std::uint32_t>(f.begin(), f.end());
          },
          "jobs that ended now, ascending")
      .def_property_readonly(
          "submitted",
          [](const PassHandle& h) {
            const auto s = h.get().submitted();
            return std::vector<std::uint32_t>(s.begin(), s.end());
          },
          "jobs submitted now, in submission order")
      .def(
          "job", [](const PassHandle& h, std::int64_t j) { return h.job_copy(h.job(j, false)); }, py::arg("job"),
          "the job with this index (a copy)")
      .def_property_readonly("view",
                             [](const PassHandle& h) {
                               return ViewHandle{h.get().view(), h.alive};
                             })
      .def(
          "may_fit_now",
          [](const PassHandle& h, std::int64_t j, std::optional<std::int64_t> pool) {
            return h.get().may_fit_now(h.job(j), h.only_pool(pool));
          },
          py::arg("job"), py::arg("only_pool") = py::none(), "cheap necessary condition for try_start (counts only)")
      .def(
          "try_start",
          [](PassHandle& h, std::int64_t j, std::optional<std::int64_t> pool) {
            const auto job = h.job(j);
            const bool ok = h.get().try_start(job, h.only_pool(pool));
            if (ok)
              h.started(job);
            return ok;
          },
          py::arg("job"), py::arg("only_pool") = py::none(),
          "places the job with the scenario's placement policy and starts it if it fits")
      .def(
          "place",
          [](PassHandle& h, std::int64_t j, std::optional<std::int64_t> pool) -> py::object {
            std::vector<NodeSlots> out;
            if (not h.get().place(h.job(j), out, h.only_pool(pool)))
              return py::none();
            return slots_to_list(out);
          },
          py::arg("job"), py::arg("only_pool") = py::none(),
          "where the placement policy would put the job now: a list of (node, mask), or None")
      .def(
          "start",
          [](PassHandle& h, std::int64_t j, const py::object& slots) {
            const auto job = h.job(j);
            h.get().start(job, slots_of(slots, "start(): given"));
            h.started(job);
          },
          py::arg("job"), py::arg("slots"), "starts the job on these (node, mask) slots (checked)")
      .def(
          "hold",
          [](PassHandle& h, const py::object& value) {
            const auto slots = checked_free(h, value, "hold()");
            h.get().hold(slots);
            for (const auto& s : slots)
              h.held[s.node] |= s.mask;
          },
          py::arg("slots"), "keeps free slots out of placement's reach until release_hold (before decide returns)")
      .def(
          "release_hold",
          [](PassHandle& h, const py::object& value) {
            const auto slots = slots_of(value, "release_hold(): given");
            for (const auto& s : slots)
              if (const auto it = h.held.find(s.node); it == h.held.end() || (it->second & s.mask) != s.mask)
                throw py::value_error("release_hold(): slots on node " + std::to_string(s.node) +
                                      " that this pass did not hold");
            h.get().release_hold(slots);
            for (const auto& s : slots)
              if ((h.held[s.node] &= ~s.mask) == 0)
                h.held.erase(s.node);
          },
          py::arg("slots"))
      .def(
          "wake_up_at", [](PassHandle& h, double t) { h.get().wake_up_at(t); }, py::arg("t"),
          "asks for a decision pass at time t (s) even if nothing happens then");

  m.def(
      "register_queue_policy",
      [](const std::string& name, const std::string& description, const py::object& cls) {
        auto& r = PolicyRegistry::global();
        expect_free_elsewhere(name, r, "queue");
        register_in<QueuePolicy, PyQueuePolicy>(r.queues, name, description, cls);
      },
      py::arg("name"), py::arg("description"), py::arg("cls"));
  m.def(
      "register_placement_policy",
      [](const std::string& name, const std::string& description, const py::object& cls) {
        auto& r = PolicyRegistry::global();
        expect_free_elsewhere(name, r, "placement");
        register_in<PlacementPolicy, PyPlacementPolicy>(r.placements, name, description, cls);
      },
      py::arg("name"), py::arg("description"), py::arg("cls"));
  m.def(
      "python_policies", [] { return python_names(); }, "names of the policies registered from Python");
}

} // namespace ccsim::python
