"""ccsim from Python: load and edit scenarios, run them, read their results as pandas DataFrames (docs/python.md).

    import ccsim
    s = ccsim.Scenario.load("scenarios/default.json")
    s.set("/sites/0/pue", 1.2)                       # `ccsim run --set` semantics
    r = ccsim.run(s, seed=7)                         # a Result
    r.summary["wait_s"]["mean"]; r.jobs              # summary.json as a dict, jobs.csv as a DataFrame
    ccsim.compare(s, ["fcfs", "easy+best-fit"], seeds=range(1, 6))

Scenario reading, editing and checking are the command line's own code (the native part, ccsim._ccsim), and raise
ccsim.InputError with every problem located (`.diagnostics`: (file, location, message) tuples). Each run is a
`ccsim run` child process: SimGrid allows one engine per process, and a notebook runs many simulations.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile

from ._ccsim import InputError, version as _version
from . import _ccsim

__version__ = _version()
__all__ = ["InputError", "Scenario", "Result", "run", "compare", "read_sweep", "read_plan", "binary"]


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


def run(scenario, seed=None, out=None, policy=None, args=(), timeout=None):
    """Runs a Scenario (or a scenario file's path) in a `ccsim run` child process and returns its Result.

    out: the results folder (default: a new temporary folder; ccsim writes into a temporary folder and renames it
    at the end, so an interrupted or failed run leaves none). policy: "fcfs", "best-fit", "easy+best-fit", ...
    args: further `ccsim run` arguments. Bad input raises InputError (the run's located errors); Ctrl-C stops the
    child and raises KeyboardInterrupt."""
    if not isinstance(scenario, Scenario):
        scenario = Scenario.load(scenario)
    if out is None:
        out = os.path.join(tempfile.mkdtemp(prefix="ccsim-run-"), "out")
    command = [binary(), "run"] + scenario.run_args() + ["--out", os.fspath(out), "-q"]
    if seed is not None:
        command += ["--seed", str(seed)]
    command += _policy_args(policy) + [str(a) for a in args]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = child.communicate(timeout=timeout)
    except BaseException:  # KeyboardInterrupt, a timeout: the child goes too, and its unfinished results
        child.kill()
        child.communicate()  # reaps it and closes its pipes
        # ccsim writes into .<name>.ccsim-tmp-<pid> beside the results folder and renames it at the end: a run
        # killed before that left only this temporary folder.
        parent, name = os.path.split(os.path.abspath(os.fspath(out)))
        shutil.rmtree(os.path.join(parent, ".%s.ccsim-tmp-%d" % (name, child.pid)), ignore_errors=True)
        raise
    if child.returncode == 2:
        raise _input_error(stderr)
    if child.returncode != 0:
        raise RuntimeError("ccsim run failed (exit code %d): %s" % (child.returncode, (stderr or stdout).strip()))
    return Result(out)


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


def compare(scenario, policies, seeds=(1,), metrics=DEFAULT_METRICS, args=()):
    """Runs the scenario under each policy with each seed (paired: the same seeds for every policy) and returns a
    tidy DataFrame: one row per policy and metric (a summary.json pointer) with n, the mean over seeds and its 95 %
    half-width (Student's t, NaN with one seed), as `ccsim compare --seeds`. The runs are in `.attrs["runs"]`
    (policy, seed, Result)."""
    if not isinstance(scenario, Scenario):
        scenario = Scenario.load(scenario)
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("compare needs at least one seed")
    runs = []
    rows = []
    for policy in policies:
        values = {m: [] for m in metrics}
        for seed in seeds:
            result = run(scenario, seed=seed, policy=policy, args=args)
            runs.append((policy, seed, result))
            flat = _flatten(result.summary)
            for m in metrics:
                if m not in flat:
                    raise KeyError("summary.json has no number at %s (expected a metric such as /wait_s/mean)" % m)
                values[m].append(flat[m])
        for m in metrics:
            mean, ci = _ccsim.mean_ci95(values[m])
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
