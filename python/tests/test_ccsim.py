"""Tests of the ccsim Python module (docs/python.md), run by ctest as python.api with PYTHONPATH at the build tree."""

import json
import os
import signal
import subprocess
import tempfile
import unittest

import ccsim

SOURCE = os.environ.get("CCSIM_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
SMALL = os.path.join(SOURCE, "scenarios", "small", "fcfs-3jobs.json")


class ScenarioTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ccsim-py-")
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, doc):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            json.dump(doc, f)
        return path

    def test_load_errors_carry_the_file_and_json_pointer(self):
        with open(SMALL) as f:
            doc = json.load(f)
        doc["sites"][0]["pue"] = 0.5
        doc["workload"]["jobs"][1]["accelerators"] = -2
        bad = self.write("bad.json", doc)
        with self.assertRaises(ccsim.InputError) as caught:
            ccsim.Scenario.load(bad)
        located = {(d[0], d[1]) for d in caught.exception.diagnostics}
        self.assertIn((bad, "/sites/0/pue"), located)
        self.assertIn((bad, "/workload/jobs/1/accelerators"), located)
        self.assertIsInstance(caught.exception, ValueError)
        # Malformed JSON: line and column.
        with open(os.path.join(self.dir, "broken.json"), "w") as f:
            f.write('{"name": "x",\n  "sites": [}\n')
        with self.assertRaises(ccsim.InputError) as broken:
            ccsim.Scenario.load(os.path.join(self.dir, "broken.json"))
        self.assertTrue(broken.exception.diagnostics[0][1].startswith("line 2"), broken.exception.diagnostics)

    def test_set_and_patch_have_the_command_lines_semantics(self):
        s = ccsim.Scenario.load(SMALL)
        s.set("/sites/0/racks/0/nodes_per_rack", 3)
        self.assertEqual(s.to_dict()["sites"][0]["racks"][0]["nodes_per_rack"], 3)
        self.assertEqual(s.check()["accelerators"], 3)
        # Past the end of an array: refused, located (as --set), and the scenario is unchanged.
        with self.assertRaises(ccsim.InputError) as past:
            s.set("/workload/jobs/10000000/id", "a")
        self.assertIn("/workload/jobs/10000000/id", str(past.exception))
        # A value the scenario cannot take: refused at once, with its pointer.
        with self.assertRaises(ccsim.InputError) as bad:
            s.set("/sites/0/pue", -1)
        self.assertIn("/sites/0/pue", [d[1] for d in bad.exception.diagnostics])
        self.assertEqual(s.run_args()[1:], ["--set", "/sites/0/racks/0/nodes_per_rack=3"])
        s.patch([{"op": "replace", "path": "/workload/jobs/2/submit_s", "value": 5}])
        self.assertEqual(s.to_dict()["workload"]["jobs"][2]["submit_s"], 5)
        with self.assertRaises(ccsim.InputError):
            s.patch([{"op": "remove", "path": "/sites/3"}])

    def test_run_gives_the_command_lines_results(self):
        # fcfs-3jobs (docs/metrics.md): on 2 nodes j2 waits 10 s for j1 and j3 14 s behind it.
        r = ccsim.run(SMALL, seed=3, out=os.path.join(self.dir, "py"))
        self.assertEqual(r.summary["wait_s"]["mean"], 8.0)
        self.assertEqual(list(r.jobs["job_id"]), ["j1", "j2", "j3"])
        self.assertEqual(list(r.jobs["waiting_time"]), [0.0, 10.0, 14.0])
        self.assertEqual(r.jobs["job_id"].dtype, object)
        cli = os.path.join(self.dir, "cli")
        subprocess.run([ccsim.binary(), "run", SMALL, "--seed", "3", "--out", cli, "-q"], check=True)
        for name in ("jobs.csv", "timeseries.csv", "summary.json"):
            with open(os.path.join(r.dir, name), "rb") as a, open(os.path.join(cli, name), "rb") as b:
                self.assertEqual(a.read(), b.read(), name)
        # Edits travel as --set: three nodes, j3 waits 4 s (mean 4/3).
        s = ccsim.Scenario.load(SMALL).set("/sites/0/racks/0/nodes_per_rack", 3)
        self.assertAlmostEqual(ccsim.run(s).summary["wait_s"]["mean"], 4 / 3)
        # A scenario from a dict, its relative paths resolved in base_dir.
        with open(SMALL) as f:
            doc = json.load(f)
        doc["sites"][0]["racks"][0]["nodes_per_rack"] = 4
        self.assertEqual(ccsim.run(ccsim.Scenario.from_dict(doc, self.dir)).summary["wait_s"]["mean"], 0.0)
        # Bad input found by the run itself: InputError with ccsim's located message, and no results folder.
        with self.assertRaises(ccsim.InputError) as caught:
            ccsim.run(SMALL, out=os.path.join(self.dir, "bad"), args=["--set", "/scheduler/queue=\"nope\""])
        self.assertIn("unknown queue policy", str(caught.exception))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "bad")))

    def test_compare_gives_means_and_intervals_over_paired_seeds(self):
        # FCFS: mean wait 8 s; EASY backfills j3 before j2's reservation: 10/3. No seed changes a fixed job list.
        frame = ccsim.compare(SMALL, ["fcfs", "easy+first-fit"], seeds=[1, 2], metrics=["/wait_s/mean"])
        self.assertEqual(list(frame["policy"]), ["fcfs", "easy+first-fit"])
        self.assertEqual(list(frame["n"]), [2, 2])
        self.assertEqual(frame["mean"][0], 8.0)
        self.assertAlmostEqual(frame["mean"][1], 10 / 3)
        self.assertEqual(list(frame["ci95"]), [0.0, 0.0])
        self.assertEqual(len(frame.attrs["runs"]), 4)
        # Each run is the command line's `ccsim compare --seeds` run for that policy and seed, byte for byte.
        cli = os.path.join(self.dir, "cli-compare")
        subprocess.run([ccsim.binary(), "compare", SMALL, "--policies", "fcfs,easy+first-fit", "--seeds", "2",
                        "--out", cli], check=True, stdout=subprocess.DEVNULL)
        for policy, seed, result in frame.attrs["runs"]:
            folder = os.path.join(cli, policy.replace("+", "_"), "seed-%d" % seed)
            for name in ("summary.json", "jobs.csv"):
                with open(os.path.join(result.dir, name), "rb") as a, open(os.path.join(folder, name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), (policy, seed, name))
        # Three runs at a time: the same table, the runs in the same order.
        parallel = ccsim.compare(SMALL, ["fcfs", "easy+first-fit"], seeds=[1, 2], metrics=["/wait_s/mean"], jobs=3)
        self.assertTrue(parallel.equals(frame))
        self.assertEqual([(p, s) for p, s, _ in parallel.attrs["runs"]],
                         [("fcfs", 1), ("fcfs", 2), ("easy+first-fit", 1), ("easy+first-fit", 2)])
        one = ccsim.compare(SMALL, ["fcfs"], seeds=[1], metrics=["/wait_s/mean"])
        self.assertTrue(one["ci95"].isna().all(), "one seed claims no certainty")
        with self.assertRaises(ValueError):
            ccsim.compare(SMALL, ["nope"])

    def test_an_interrupted_run_leaves_no_results_folder(self):
        year = ccsim.Scenario.load(os.path.join(SOURCE, "scenarios", "growth-year.json"))  # runs for seconds
        out = os.path.join(self.dir, "year")

        def interrupt(signum, frame):
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGALRM, interrupt)
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.5)
            with self.assertRaises(KeyboardInterrupt):
                ccsim.run(year, out=out)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        self.assertEqual(os.listdir(self.dir), [], "nothing left: no results folder, no temporary folder")

    def test_sweep_and_plan_databases_read_as_dataframes(self):
        sweep = self.write("s.json", {"scenario": SMALL, "axes": [
            {"name": "nodes", "path": "/sites/0/racks/0/nodes_per_rack", "values": [2, 3]}]})
        subprocess.run([ccsim.binary(), "sweep", sweep, "-q", "--out", os.path.join(self.dir, "sweep")], check=True)
        points = ccsim.read_sweep(os.path.join(self.dir, "sweep"))
        self.assertEqual(sorted(points["axis:nodes"]), [2, 3])
        self.assertEqual(sorted(points["/wait_s/mean"]), [4 / 3, 8.0])


if __name__ == "__main__":
    unittest.main()
