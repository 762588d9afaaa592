"""ccsim from Python: load and edit scenarios, run them, read their results as pandas DataFrames (docs/python.md).

    import ccsim
    s = ccsim.Scenario.load("scenarios/default.json")
    s.set("/sites/0/pue", 1.2)                       # `ccsim run --set` semantics
    r = ccsim.run(s, seed=7)                         # a Result
    r.summary["wait_s"]["mean"]; r.jobs              # summary.json as a dict, jobs.csv as a DataFrame
    ccsim.compare(s, ["fcfs", "easy+best-fit"], seeds=range(1, 6))

Scenario reading, editing and checking are the command line's own code (the native part, ccsim._ccsim), and raise
ccsim.InputError with every problem located (`.diagnostics`: (file, location, message) tuples). Each run is a child
process (SimGrid allows one engine per process, and a notebook runs many simulations): a `ccsim run` process, or,
once policies are written in Python (ccsim.QueuePolicy, ccsim.PlacementPolicy, ccsim.register), a fork of this
process that runs the command line in-process with them.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

from ._ccsim import InputError, version as _version
from ._ccsim import Job, ClusterView, SchedulingContext
from . import _ccsim

__version__ = _version()
__all__ = ["InputError", "PolicyError", "Scenario", "Result", "run", "compare", "sweep", "read_sweep", "read_plan",
           "binary", "QueuePolicy", "PlacementPolicy", "register", "Job", "ClusterView", "SchedulingContext"]


class PolicyError(RuntimeError):
    """A policy broke its contract during a run (an exception in a Python policy, an invalid decision, jobs left
    waiting on an idle platform): the message names the policy and, for Python ones, holds the traceback."""


class QueuePolicy:
    """A queue policy in Python: subclass it, register it (ccsim.register), and name it like a built-in one.

    decide(ctx) is called once per decision pass (ctx: a SchedulingContext, valid during the call): jobs that ended
    now (ctx.finished), then jobs submitted now (ctx.submitted, job indices), which the policy starts with
    ctx.try_start(j) (the scenario's placement policy chooses the accelerators) or ctx.place(j) / ctx.start(j,
    slots). head() may name the job at the head of the queue (None: no head named). The jobs waiting are counted for
    the policy (submitted and not started). The class is called with the scenario's queue_params (None when absent);
    raising ValueError refuses them (an input error located at /scheduler/queue_params)."""

    def __init__(self, params=None):
        self.params = params

    def decide(self, ctx):
        raise NotImplementedError("a QueuePolicy defines decide(ctx)")

    def head(self):
        return None


class PlacementPolicy:
    """A placement policy in Python: place(job, view) returns the slots the job takes now, a list of (node, mask)
    pairs (mask: bit i for accelerator i of the node; one pair per node, ascending, all in one pool the view allows,
    within rack caps: checked), or None when it cannot place the job now. Set places_whenever_a_pool_has_room = True
    only if place() succeeds exactly when an allowed pool has job.accelerators available within rack caps (wait
    attribution then counts instead of asking place()). Called with the scenario's placement_params."""

    places_whenever_a_pool_has_room = False

    def __init__(self, params=None):
        self.params = params

    def place(self, job, view):
        raise NotImplementedError("a PlacementPolicy defines place(job, view)")


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def register(name, cls=None, description=None):
    """Registers a QueuePolicy or PlacementPolicy subclass under `name` (letters, digits, '.', '_', '-'), usable in
    run, compare and sweep as ccsim's own policies are; a name registered from Python again is replaced (a notebook
    cell run twice). Without `cls`, a class decorator: @ccsim.register("my-fcfs")."""
    if cls is None:
        return lambda c: register(name, c, description)
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError("policy name %r: expected letters, digits, '.', '_' or '-' (it appears in queue+placement "
                         "labels and folder names)" % (name,))
    text = description if description is not None else (cls.__doc__ or "").strip().split("\n")[0]
    if isinstance(cls, type) and issubclass(cls, QueuePolicy):
        _ccsim.register_queue_policy(name, text or "queue policy written in Python", cls)
    elif isinstance(cls, type) and issubclass(cls, PlacementPolicy):
        _ccsim.register_placement_policy(name, text or "placement policy written in Python", cls)
    else:
        raise TypeError("register(%r, %r): expected a subclass of ccsim.QueuePolicy or ccsim.PlacementPolicy"
                        % (name, cls))
    return cls


def binary():
    """The ccsim executable runs use: $CCSIM_BIN, else the one built or installed with this module, else PATH's."""
    if os.environ.get("CCSIM_BIN"):
        return os.environ["CCSIM_BIN"]
    try:
        from ._paths import CCSIM_BIN
        if os.path.exists(CCSIM_BIN):
            return CCSIM_BIN
    except ImportError:
        pass
    found = shutil.which("ccsim")
    if found is None:
        raise RuntimeError("no ccsim executable: set CCSIM_BIN, or install ccsim (cmake --install)")
    return found


class Scenario:
    """A scenario file with edits, applied as `ccsim run --patch ... --set ...` applies them (patches first, then
    sets, each in the order given). Relative paths inside (traces, catalogs) resolve against the file's folder."""

    def __init__(self, path, doc, sets=(), patches=(), owned=False):
        self.path = path
        self._doc = doc
        self._sets = list(sets)
        self._patches = list(patches)
        self._owned = owned  # a file this object wrote (from_dict): removed with it

    @classmethod
    def load(cls, path):
        """Reads and checks a scenario file (InputError, located, when it is not a valid scenario)."""
        path = os.fspath(path)
        doc = json.loads(_ccsim.read_json(path))
        s = cls(path, doc)
        s.check()
        return s

    @classmethod
    def from_dict(cls, doc, base_dir="."):
        """A scenario from a dict. It is written to a hidden file in `base_dir` (where its relative paths resolve),
        removed when the Scenario is garbage-collected."""
        fd, path = tempfile.mkstemp(prefix=".ccsim-scenario-", suffix=".json", dir=os.fspath(base_dir))
        with os.fdopen(fd, "w") as f:
            json.dump(doc, f)
        s = cls(path, json.loads(json.dumps(doc)), owned=True)
        s.check()
        return s

    def __del__(self):
        if getattr(self, "_owned", False):
            try:
                os.remove(self.path)
            except OSError:
                pass

    def copy(self):
        """An independent copy with the same edits (sharing the file)."""
        c = Scenario(self.path, json.loads(json.dumps(self._doc)), self._sets, self._patches)
        c._parent = self  # keeps an owned file alive
        return c

    def set(self, pointer, value):
        """Sets the value at a JSON pointer (`--set POINTER=JSON`); returns self. InputError when it cannot."""
        edit = pointer + "=" + json.dumps(value)
        self._check(self._sets + [edit], self._patches)
        self._sets.append(edit)
        self._doc = self._edited()
        return self

    def patch(self, operations):
        """Applies a JSON Patch (RFC 6902: a list of operations, `--patch`); returns self."""
        text = json.dumps(operations)
        self._check(self._sets, self._patches + [text])
        self._patches.append(text)
        self._doc = self._edited()
        return self

    def to_dict(self):
        """The scenario document with every edit applied."""
        return json.loads(json.dumps(self._doc))

    def check(self):
        """Validates the scenario as `ccsim validate` does (InputError listing every problem); returns facts."""
        return self._check(self._sets, self._patches)

    def _check(self, sets, patches):
        return _ccsim.check_scenario(self.path, sets, patches)

    def _edited(self):
        """The file's document with the patches, then the sets, applied: what `ccsim run` reads."""
        doc = json.dumps(json.loads(_ccsim.read_json(self.path)))
        for p in self._patches:
            doc = _ccsim.apply_patch(doc, p, "--patch")
        for e in self._sets:
            doc = _ccsim.apply_set(doc, e, "--set " + e)
        return json.loads(doc)

    def run_args(self):
        """The `ccsim run` arguments after the output folder: the file, then --patch and --set edits."""
        args = [self.path]
        for p in self._patches:
            args += ["--patch", p]
        for e in self._sets:
            args += ["--set", e]
        return args

    def __repr__(self):
        return "Scenario(%r, %d edit(s))" % (self.path, len(self._sets) + len(self._patches))


_COLUMN_TYPES = {  # jobs.csv: the documented columns with a fixed type (docs/metrics.md); the rest as read
    "id": str, "class": str, "placement": str, "final_state": str, "wait_cause": str, "site": str,
}


class Result:
    """A results folder of `ccsim run`: summary.json as a dict, the CSV files as pandas DataFrames (numpy
    structured arrays when pandas is missing), read on first use."""

    def __init__(self, folder):
        self.dir = os.fspath(folder)
        with open(os.path.join(self.dir, "summary.json")) as f:
            self.summary = json.load(f)
        self._tables = {}

    def table(self, name):
        """Any CSV of the folder by name (without .csv)."""
        if name not in self._tables:
            path = os.path.join(self.dir, name + ".csv")
            if not os.path.exists(path):
                raise FileNotFoundError("%s: this run wrote no %s.csv" % (self.dir, name))
            try:
                import pandas
                dtypes = _COLUMN_TYPES if name == "jobs" else None
                self._tables[name] = pandas.read_csv(path, dtype=dtypes, keep_default_na=False,
                                                     na_values=[""])
            except ImportError:
                import numpy
                self._tables[name] = numpy.genfromtxt(path, delimiter=",", names=True, dtype=None,
                                                      encoding="utf-8")
        return self._tables[name]

    @property
    def jobs(self):
        return self.table("jobs")

    @property
    def timeseries(self):
        return self.table("timeseries")

    @property
    def racks(self):
        return self.table("racks")

    def __repr__(self):
        return "Result(%r)" % self.dir


_ERROR_LINE = re.compile(r"^error: (.*)$")


def _input_error(stderr):
    """ccsim's exit-2 report as an InputError: each `error: file: location: message` line a diagnostic."""
    diagnostics = []
    lines = []
    for line in stderr.splitlines():
        m = _ERROR_LINE.match(line)
        if not m:
            continue
        lines.append(m.group(1))
        parts = m.group(1).split(": ", 2)
        if len(parts) == 3 and parts[1].startswith(("/", "line ")):
            diagnostics.append((parts[0], parts[1], parts[2]))
        elif len(parts) >= 2:
            diagnostics.append((parts[0], "", ": ".join(parts[1:])))
        else:
            diagnostics.append(("", "", m.group(1)))
    error = InputError("\n".join(lines) or stderr.strip())
    error.diagnostics = diagnostics
    return error


def _policy_args(policy):
    """"queue", "placement" or "queue+placement" (as `ccsim compare --policies`) as --queue and --placement."""
    if policy is None:
        return []
    first, _, second = policy.partition("+")
    kind = _ccsim.policy_kind(first)
    if second:
        if kind != "queue" or _ccsim.policy_kind(second) != "placement":
            raise ValueError("unknown policy %r (expected queue+placement, e.g. easy+best-fit)" % policy)
        return ["--queue", first, "--placement", second]
    if kind == "queue":
        return ["--queue", first]
    if kind in ("placement", "fill"):
        return ["--placement", first]
    raise ValueError("unknown policy %r (expected a queue or placement name, or queue+placement)" % policy)


def _child(args, out_fd, err_fd):
    """In a forked child: the ccsim command `args` in-process with the policies registered here; never returns."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it; its parent removes what it left
        os.dup2(out_fd, 1)
        os.dup2(err_fd, 2)
        sys.stdout = open(1, "w", closefd=False)  # a policy's print() (a notebook's own streams are the kernel's)
        sys.stderr = open(2, "w", closefd=False)
        code = _ccsim.cli_main(["ccsim"] + list(args), _spawn)
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _spawn(args, log):
    """How a forked command starts its own children (a sweep's points, compare's runs): forks again, output to
    `log` (inherited when empty), killed with its parent."""
    parent = os.getpid()
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644) if log else None
    pid = os.fork()
    if pid == 0:
        _ccsim.die_with_parent(parent)
        _child(args, 1 if fd is None else fd, 2 if fd is None else fd)
    if fd is not None:
        os.close(fd)
    return pid


class _Child:
    """The ccsim command `args` (a subcommand and its options) in a child process, its output in temporary files:
    the `ccsim` executable, or, once policies are registered from Python, a fork of this process with them.
    `aborted(pid)` cleans up after a child killed before its end."""

    def __init__(self, args, aborted=None):
        self._files = (tempfile.TemporaryFile(), tempfile.TemporaryFile())
        self._aborted = aborted
        self._popen = None
        self.code = None
        if not _ccsim.python_policies():
            self._popen = subprocess.Popen([binary()] + list(args), stdout=self._files[0], stderr=self._files[1])
            self.pid = self._popen.pid
            return
        sys.stdout.flush()
        sys.stderr.flush()
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:
            _ccsim.die_with_parent(parent)
            _child(args, self._files[0].fileno(), self._files[1].fileno())

    def poll(self):
        """The exit code once it has ended (negative: the signal that ended it), else None."""
        if self.code is None:
            if self._popen is not None:
                self.code = self._popen.poll()
            else:
                done, status = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    self.code = os.waitstatus_to_exitcode(status)
        return self.code

    def wait(self, timeout=None):
        """Waits for its end: the exit code; subprocess.TimeoutExpired after `timeout` seconds."""
        if self._popen is not None:
            self.code = self._popen.wait(timeout)
        elif timeout is None:
            self.code = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        else:
            deadline = time.monotonic() + timeout
            while self.poll() is None:
                if time.monotonic() > deadline:
                    raise subprocess.TimeoutExpired(["ccsim"], timeout)
                time.sleep(0.01)
        return self.code

    def kill(self):
        """Kills it if it runs, reaps it and cleans up after it."""
        if self.code is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if self._popen is not None:
                self._popen.wait()
            else:
                os.waitpid(self.pid, 0)
            self.code = -signal.SIGKILL
            if self._aborted:
                self._aborted(self.pid)
        self.output()

    def output(self):
        """(stdout, stderr) as text once it has ended."""
        texts = []
        for f in self._files:
            if f.closed:
                return ("", "")
            f.seek(0)
            texts.append(f.read().decode("utf-8", "replace"))
            f.close()
        return tuple(texts)


def _command(args, timeout=None, aborted=None):
    """Runs the ccsim command `args` in a child process (_Child) and waits: (exit code, stdout, stderr). On Ctrl-C
    or a timeout the child is killed, `aborted(pid)` cleans up after it, and the exception goes on."""
    child = _Child(args, aborted)
    try:
        child.wait(timeout)
    except BaseException:
        child.kill()
        raise
    return (child.code,) + child.output()


def _failed(what, code, stdout, stderr):
    """A command's failure (exit code other than 0 and 2) as PolicyError (a policy's) or RuntimeError."""
    text = (stderr or stdout).strip()
    at = text.find("error: policy: ")
    if at >= 0:
        return PolicyError(text[at + len("error: policy: "):])
    return RuntimeError("%s failed (exit code %d): %s" % (what, code, text))


def _start_run(scenario, seed=None, out=None, policy=None, args=()):
    """A run's child process, started: (_Child, results folder)."""
    if not isinstance(scenario, Scenario):
        scenario = Scenario.load(scenario)
    if out is None:
        out = os.path.join(tempfile.mkdtemp(prefix="ccsim-run-"), "out")
    command = ["run"] + scenario.run_args() + ["--out", os.fspath(out), "-q"]
    if seed is not None:
        command += ["--seed", str(seed)]
    command += _policy_args(policy) + [str(a) for a in args]

    def aborted(pid):
        # ccsim writes into .<name>.ccsim-tmp-<pid> beside the results folder and renames it at the end: a run
        # killed before that left only this temporary folder.
        parent, name = os.path.split(os.path.abspath(os.fspath(out)))
        shutil.rmtree(os.path.join(parent, ".%s.ccsim-tmp-%d" % (name, pid)), ignore_errors=True)

    return _Child(command, aborted), out


def _end_run(child, out):
    """The Result of a run's child that has ended, or its error raised."""
    stdout, stderr = child.output()
    if child.code == 2:
        raise _input_error(stderr)
    if child.code != 0:
        raise _failed("ccsim run", child.code, stdout, stderr)
    return Result(out)


def run(scenario, seed=None, out=None, policy=None, args=(), timeout=None):
    """Runs a Scenario (or a scenario file's path) in a child process (`ccsim run`) and returns its Result.

    out: the results folder (default: a new temporary folder; ccsim writes into a temporary folder and renames it
    at the end, so an interrupted or failed run leaves none). policy: "fcfs", "best-fit", "easy+best-fit", a name
    registered from Python, ... args: further `ccsim run` arguments. Bad input raises InputError (the run's located
    errors); a policy's failure PolicyError; Ctrl-C stops the child and raises KeyboardInterrupt."""
    child, out = _start_run(scenario, seed, out, policy, args)
    try:
        child.wait(timeout)
    except BaseException:  # KeyboardInterrupt, a timeout: the child goes too, and its unfinished results
        child.kill()
        raise
    return _end_run(child, out)


def _run_all(runs, jobs):
    """Runs `runs` ((scenario, seed, policy, args) tuples), `jobs` child processes at a time: their Results in
    order. The first failure (or Ctrl-C) kills the children still running and is raised."""
    jobs = max(1, int(jobs))
    results = [None] * len(runs)
    running = {}  # index -> (_Child, out)
    pending = list(range(len(runs)))
    try:
        while pending or running:
            while pending and len(running) < jobs:
                i = pending.pop(0)
                scenario, seed, policy, args = runs[i]
                running[i] = _start_run(scenario, seed, None, policy, args)
            ended = [i for i, (child, _) in running.items() if child.poll() is not None]
            for i in ended:
                child, out = running.pop(i)
                results[i] = _end_run(child, out)
            if not ended:
                time.sleep(0.005)
    except BaseException:
        for child, _ in running.values():
            child.kill()
        raise
    return results


def sweep(spec, out, jobs=1, timeout=None):
    """Runs a sweep file (`ccsim sweep SPEC --out OUT -j JOBS`: every point in its own process, policies registered
    from Python included) and returns its points as read_sweep(out) does. A rerun resumes (docs/sweeps.md)."""
    command = ["sweep", os.fspath(spec), "--out", os.fspath(out), "-j", str(int(jobs)), "-q"]
    code, stdout, stderr = _command(command, timeout)
    if code == 2:
        raise _input_error(stderr)
    if code != 0:
        raise _failed("ccsim sweep", code, stdout, stderr)
    return read_sweep(out)


def _flatten(summary, prefix=""):
    out = {}
    for key, value in summary.items():
        name = prefix + "/" + str(key)
        if isinstance(value, dict):
            out.update(_flatten(value, name))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = float(value)
    return out


DEFAULT_METRICS = ("/wait_s/mean", "/wait_s/p95", "/bounded_slowdown/mean", "/utilization/accelerators",
                   "/makespan_s", "/energy/facility_kwh")


def compare(scenario, policies, seeds=(1,), metrics=DEFAULT_METRICS, args=(), jobs=1):
    """Runs the scenario under each policy with each seed (paired: the same seeds for every policy) and returns a
    tidy DataFrame: one row per policy and metric (a summary.json pointer) with n, the mean over seeds and its 95 %
    half-width (Student's t, NaN with one seed), as `ccsim compare --seeds`. `jobs` runs at a time (each its own
    process). The runs are in `.attrs["runs"]` (policy, seed, Result)."""
    if not isinstance(scenario, Scenario):
        scenario = Scenario.load(scenario)
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("compare needs at least one seed")
    for policy in policies:
        _policy_args(policy)  # an unknown name: ValueError before anything runs
    plan = [(policy, seed) for policy in policies for seed in seeds]
    results = _run_all([(scenario, seed, policy, args) for policy, seed in plan], jobs)
    runs = [(policy, seed, result) for (policy, seed), result in zip(plan, results)]
    rows = []
    for k, policy in enumerate(policies):
        mine = results[k * len(seeds):(k + 1) * len(seeds)]
        flats = [_flatten(r.summary) for r in mine]
        for m in metrics:
            if any(m not in flat for flat in flats):
                raise KeyError("summary.json has no number at %s (expected a metric such as /wait_s/mean)" % m)
            mean, ci = _ccsim.mean_ci95([flat[m] for flat in flats])
            rows.append({"policy": policy, "metric": m, "n": len(seeds), "mean": mean, "ci95": ci})
    try:
        import pandas
        frame = pandas.DataFrame(rows, columns=["policy", "metric", "n", "mean", "ci95"])
        frame.attrs["runs"] = runs
        return frame
    except ImportError:
        return rows


def _read_db(path, table):
    import sqlite3
    connection = sqlite3.connect("file:%s?mode=ro" % os.fspath(path), uri=True)
    try:
        try:
            import pandas
            return pandas.read_sql_query("SELECT * FROM %s" % table, connection)
        except ImportError:
            cursor = connection.execute("SELECT * FROM %s" % table)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        connection.close()


def read_sweep(folder):
    """A sweep's points (sweep.sqlite, table points: one row per point, a column per axis and per metric)."""
    return _read_db(os.path.join(os.fspath(folder), "sweep.sqlite"), "points")


def read_plan(folder):
    """A plan's runs (plan.sqlite, table runs: option, value, seed, wall_s, summary as JSON text)."""
    return _read_db(os.path.join(os.fspath(folder), "plan.sqlite"), "runs")
