"""Policies written in Python (docs/python.md "Policies in Python"), run by ctest as part of python.api.

Registering a policy makes every later run of this process a fork that runs the command line in-process (the
`ccsim` executable does not know Python policies): the outputs must be the executable's, byte for byte."""

import collections
import json
import os
import signal
import subprocess
import tempfile
import unittest

import ccsim

SOURCE = os.environ.get("CCSIM_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
SMALL = os.path.join(SOURCE, "scenarios", "small", "fcfs-3jobs.json")
KTH = os.path.join(SOURCE, "scenarios", "traces", "kth-sp2.json")
SHARED = os.path.join(SOURCE, "..", "shared", "data")


@ccsim.register("py-fcfs")
class PyFcfs(ccsim.QueuePolicy):
    """first come, first served, in Python"""

    def __init__(self, params=None):
        super().__init__(params)
        self.queue = collections.deque()

    def decide(self, ctx):
        self.queue.extend(ctx.submitted)
        while self.queue and ctx.may_fit_now(self.queue[0]) and ctx.try_start(self.queue[0]):
            self.queue.popleft()

    def head(self):
        return self.queue[0] if self.queue else None


@ccsim.register("py-first-fit")
class PyFirstFit(ccsim.PlacementPolicy):
    """the first allowed pool with room; its lowest-numbered free accelerators"""

    places_whenever_a_pool_has_room = True

    def place(self, job, view):
        for p in range(view.pool_count):
            if view.pool_allowed(job, p) and view.available_in_pool(p) >= job.accelerators:
                return view.take_lowest_free(p, job.accelerators)
        return None


def queue_policy(name, decide, params_check=None):
    """Registers a queue policy whose decide is `decide(self, ctx)`."""

    class Policy(ccsim.QueuePolicy):
        def __init__(self, params=None):
            super().__init__(params)
            if params_check:
                params_check(params)
            self.queue = []

    Policy.decide = decide
    ccsim.register(name, Policy, "a test policy")
    return Policy


def placement_policy(name, place):
    class Policy(ccsim.PlacementPolicy):
        pass

    Policy.place = place
    ccsim.register(name, Policy, "a test policy")
    return Policy


class PolicyTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ccsim-pypol-")
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def same_files(self, a, b, names):
        for name in names:
            with open(os.path.join(a, name), "rb") as x, open(os.path.join(b, name), "rb") as y:
                self.assertEqual(x.read(), y.read(), name)

    def cli(self, name, *args):
        out = os.path.join(self.dir, name)
        subprocess.run([ccsim.binary(), "run"] + list(args) + ["--out", out, "-q"], check=True)
        return out

    def test_registered_names_are_policies_like_ccsims_own(self):
        self.assertIn("py-fcfs", ccsim._ccsim.python_policies())
        self.assertEqual(ccsim._ccsim.policy_kind("py-fcfs"), "queue")
        self.assertEqual(ccsim._ccsim.policy_kind("py-first-fit"), "placement")
        with self.assertRaises(ValueError):
            ccsim.register("fcfs", PyFcfs)  # ccsim's own: never replaced
        with self.assertRaises(ValueError):
            ccsim.register("py-fcfs", PyFirstFit)  # a queue policy's name for a placement policy
        with self.assertRaises(ValueError):
            ccsim.register("a+b", PyFcfs)
        with self.assertRaises(TypeError):
            ccsim.register("py-x", dict)
        ccsim.register("py-fcfs", PyFcfs)  # again (a notebook cell run twice): replaced
        self.assertEqual(ccsim._ccsim.python_policies().count("py-fcfs"), 1)

    def test_a_forked_run_gives_the_executables_outputs(self):
        # fcfs-3jobs under the built-in FCFS, through the fork (a Python policy is registered) and the executable.
        r = ccsim.run(SMALL, seed=3, out=os.path.join(self.dir, "fork"))
        self.assertEqual(list(r.jobs["waiting_time"]), [0.0, 10.0, 14.0])
        self.same_files(r.dir, self.cli("cli", SMALL, "--seed", "3"), ["jobs.csv", "timeseries.csv", "summary.json"])
        # The same schedule under the Python policies.
        p = ccsim.run(SMALL, seed=3, policy="py-fcfs+py-first-fit", out=os.path.join(self.dir, "py"))
        self.same_files(p.dir, r.dir, ["jobs.csv", "timeseries.csv"])
        # Bad input is still located (exit 2): a Python policy's name misspelt.
        with self.assertRaises(ccsim.InputError) as caught:
            ccsim.run(SMALL, out=os.path.join(self.dir, "bad"), args=["--set", '/scheduler/queue="py-fcfz"'])
        self.assertIn("/scheduler/queue", [d[1] for d in caught.exception.diagnostics])
        self.assertFalse(os.path.exists(os.path.join(self.dir, "bad")))

    @unittest.skipUnless(os.path.isdir(SHARED), "../shared/data is absent: KTH-SP2 not available")
    def test_python_fcfs_and_first_fit_give_the_builtins_jobs_csv_on_kth_sp2(self):
        builtin = self.cli("builtin", KTH, "--queue", "fcfs", "--placement", "first-fit")
        python = ccsim.run(KTH, policy="py-fcfs+py-first-fit", out=os.path.join(self.dir, "python"))
        self.same_files(python.dir, builtin, ["jobs.csv", "timeseries.csv"])
        self.assertEqual(len(python.jobs), 28_475)
        # Under EASY backfilling (which asks placement where reservations go, and holds them) as well.
        easy = self.cli("easy", KTH, "--queue", "easy", "--placement", "first-fit")
        easy_py = ccsim.run(KTH, policy="easy+py-first-fit", out=os.path.join(self.dir, "easy-python"))
        self.same_files(easy_py.dir, easy, ["jobs.csv", "timeseries.csv"])

    def test_a_policy_sees_the_jobs_fields(self):
        seen = os.path.join(self.dir, "seen.json")

        def record(self, ctx):
            self.seen = getattr(self, "seen", [])
            for j in ctx.submitted:
                job = ctx.job(j)
                self.seen.append({"id": job.id, "accelerators": job.accelerators, "submit_s": job.submit_s,
                                  "work_flop_is_nan": job.work_flop != job.work_flop,
                                  "memory_bytes": job.memory_bytes, "class": job.job_class,
                                  "precision": job.precision, "now": ctx.now})
                self.queue.append(j)
            self.queue = [j for j in self.queue if not ctx.try_start(j)]  # any that fits, in order
            with open(seen, "w") as f:
                json.dump(self.seen, f)
        queue_policy("py-record", record)
        ccsim.run(SMALL, policy="py-record", out=os.path.join(self.dir, "r"))
        with open(seen) as f:
            jobs = json.load(f)
        self.assertEqual([j["id"] for j in jobs], ["j1", "j2", "j3"])
        self.assertEqual([j["accelerators"] for j in jobs], [1, 2, 1])
        self.assertTrue(all(j["work_flop_is_nan"] and j["memory_bytes"] == 0 for j in jobs))
        self.assertEqual({(j["class"], j["precision"]) for j in jobs}, {("training", "bf16")})
        self.assertEqual([j["submit_s"] for j in jobs], [j["now"] for j in jobs])

    def test_compare_and_sweep_take_python_policies(self):
        frame = ccsim.compare(SMALL, ["fcfs", "py-fcfs", "easy+py-first-fit"], seeds=[1, 2], metrics=["/wait_s/mean"],
                              jobs=2)
        self.assertEqual(list(frame["mean"][:2]), [8.0, 8.0])
        self.assertAlmostEqual(frame["mean"][2], 10 / 3)  # EASY backfills j3 (test_ccsim: the same with first-fit)
        spec = os.path.join(self.dir, "s.json")
        with open(spec, "w") as f:
            json.dump({"scenario": SMALL, "axes": [
                {"name": "queue", "path": "/scheduler/queue", "values": ["fcfs", "py-fcfs"]},
                {"name": "nodes", "path": "/sites/0/racks/0/nodes_per_rack", "values": [2, 3]}]}, f)
        points = ccsim.sweep(spec, os.path.join(self.dir, "sweep"), jobs=2)
        waits = {(q, n): w for q, n, w in zip(points["axis:queue"], points["axis:nodes"], points["/wait_s/mean"])}
        self.assertEqual(waits, {("fcfs", 2): 8.0, ("py-fcfs", 2): 8.0, ("fcfs", 3): 4 / 3, ("py-fcfs", 3): 4 / 3})

    def policy_error(self, policy, *expected):
        out = os.path.join(self.dir, "failed")
        with self.assertRaises(ccsim.PolicyError) as caught:
            ccsim.run(SMALL, policy=policy, out=out)
        for text in expected:
            self.assertIn(text, str(caught.exception))
        self.assertEqual(os.listdir(self.dir), [], "no results folder, no temporary folder")
        return caught.exception

    def test_an_invalid_decision_is_a_clear_error_not_a_crash(self):
        # Placement: slots on a busy node (nodes 0, 1, ... whether free or not: EASY backfills j3 while j1 holds
        # node 0), a shape that is not slots, the wrong count.
        placement_policy("py-node0", lambda self, job, view: [(n, 1) for n in range(job.accelerators)])
        self.policy_error("easy+py-node0", 'placement policy "py-node0" (Python): place() returned slots that cannot be',
                          "busy")
        placement_policy("py-junk", lambda self, job, view: "node 0")
        self.policy_error("py-junk", "expected a list of (node, mask) pairs")
        placement_policy("py-none", lambda self, job, view: [])
        self.policy_error("py-none", "needs 1 accelerators of an eligible type, given 0")
        # Queue: an exception (with its traceback), a job that does not exist, a job started twice, a hold kept,
        # a context used after its pass, jobs never started.

        def boom(self, ctx):
            raise ValueError("boom")
        queue_policy("py-boom", boom)
        e = self.policy_error("py-boom", 'queue policy "py-boom" (Python): decide() raised', "ValueError: boom",
                              "Traceback")
        self.assertIn("in boom", str(e))

        def missing(self, ctx):
            ctx.try_start(99)
        queue_policy("py-missing", missing)
        self.policy_error("py-missing", "IndexError: job 99 out of range")

        def twice(self, ctx):
            for j in ctx.submitted:
                ctx.try_start(j)
                ctx.try_start(j)
        queue_policy("py-twice", twice)
        self.policy_error("py-twice", "is not waiting (not submitted yet, or already started)")

        def keep_hold(self, ctx):
            if ctx.submitted:
                ctx.hold([(1, 1)])
        queue_policy("py-hold", keep_hold)
        self.policy_error("py-hold", 'queue policy "py-hold" ended a decision pass with slots still held')

        def stale(self, ctx):
            if getattr(self, "kept", None) is not None:
                self.kept.try_start(ctx.submitted[0])
            self.kept = ctx
        queue_policy("py-stale", stale)
        self.policy_error("py-stale", "decision pass that has ended")

        queue_policy("py-idle", lambda self, ctx: None)
        self.policy_error("py-idle", 'queue policy "py-idle" left 3 jobs waiting on an idle platform')

    def test_params_a_python_policy_refuses_are_located_input_errors(self):
        def check(params):
            if params is not None and "depth" not in params:
                raise ValueError("expected {\"depth\": N}")
        queue_policy("py-params", lambda self, ctx: None, check)
        with self.assertRaises(ccsim.InputError) as caught:
            ccsim.run(SMALL, policy="py-params", args=["--set", '/scheduler/queue_params={"deep": 1}'],
                      out=os.path.join(self.dir, "p"))
        self.assertIn(("/scheduler/queue_params"), [d[1] for d in caught.exception.diagnostics])
        self.assertIn('expected {"depth": N}', str(caught.exception))

    def test_an_interrupted_forked_run_leaves_no_results_folder(self):
        year = ccsim.Scenario.load(os.path.join(SOURCE, "scenarios", "growth-year.json"))

        def interrupt(signum, frame):
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGALRM, interrupt)
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.5)
            with self.assertRaises(KeyboardInterrupt):
                ccsim.run(year, out=os.path.join(self.dir, "year"), policy="py-fcfs")
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        self.assertEqual(os.listdir(self.dir), [], "nothing left: no results folder, no temporary folder")


if __name__ == "__main__":
    unittest.main()
