// Line-based traces streamed through prepare (docs/workloads.md, "Streaming traces"): read again at each pass,
// never held, unless their rows are out of submission order; problems located by line.
#include "../support/helpers.hpp"

#include "ccsim/workload/trace_reader.hpp"
#include "ccsim/workload/workload_json.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace ccsim;
namespace fs = std::filesystem;

namespace {

//! A scenario beside an SWF file with `rows` (one 4-accelerator node).
class SwfScenario {
public:
  explicit SwfScenario(const std::string& rows, const std::string& workload_extra = "")
      : dir_(fs::temp_directory_path() / ("ccsim-stream-test-" + std::to_string(::getpid())))
  {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "t.swf") << "; Version: 2.2\n; MaxProcs: 4\n" << rows;
    std::ofstream(dir_ / "s.json") << R"({"name": "t",
      "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"fp32": 10}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
      "sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 4}}]}],
      "workload": {"format": "swf", "path": "t.swf", "defaults": {"precision": "fp32"})"
                                   << workload_extra << R"(},
      "scheduler": {"queue": "fcfs", "placement": "first-fit"}})";
  }
  ~SwfScenario() { fs::remove_all(dir_); }
  SwfScenario(const SwfScenario&) = delete;
  SwfScenario& operator=(const SwfScenario&) = delete;

  PreparedRun prepare_run(bool hold_jobs) const
  {
    return prepare(load_scenario((dir_ / "s.json").string()), {}, PolicyRegistry::global(), hold_jobs);
  }

private:
  fs::path dir_;
};

//! A job row: id, submit, run time, processors, requested time (the other fields -1 or 1).
std::string row(int id, double submit, double run, int procs, double wall)
{
  return std::to_string(id) + " " + std::to_string(submit) + " 0 " + std::to_string(run) + " " + std::to_string(procs) +
         " -1 -1 " + std::to_string(procs) + " " + std::to_string(wall) + " -1 1 1 1 1 1 1 -1 -1\n";
}

struct Seen {
  std::string id;
  std::uint32_t index;
  double submit_s;
};

std::vector<Seen> stream(const PreparedRun& run)
{
  std::vector<Seen> out;
  const auto src = run.open_jobs();
  for (Job job; src->next(job);)
    out.push_back({job.id, job.index, job.submit_s});
  return out;
}

} // namespace

TEST(StreamedTrace, SortedRowsAreReadAgainNotHeldAndShiftedToZero)
{
  const SwfScenario s(row(1, 100, 50, 2, 60) + row(2, 100, 10, 1, 20) + "\n" + row(3, 250, 5, 4, 10));
  const PreparedRun run = s.prepare_run(/*hold_jobs=*/false);
  EXPECT_TRUE(run.jobs.empty()); // nothing held: open_jobs() reads the file again
  EXPECT_EQ(run.job_count, 3U);
  EXPECT_EQ(run.workload_report.read, 3U);
  EXPECT_EQ(run.workload_report.kept, 3U);
  EXPECT_EQ(run.workload_report.header.at("MaxProcs"), "4");
  const std::vector<Seen> jobs = stream(run);
  ASSERT_EQ(jobs.size(), 3U);
  EXPECT_EQ(jobs[0].id, "1");
  EXPECT_EQ(jobs[0].index, 0U);
  EXPECT_EQ(jobs[0].submit_s, 0); // start_at_zero: 100 s earlier
  EXPECT_EQ(jobs[1].id, "2");
  EXPECT_EQ(jobs[1].submit_s, 0);
  EXPECT_EQ(jobs[2].id, "3");
  EXPECT_EQ(jobs[2].index, 2U);
  EXPECT_EQ(jobs[2].submit_s, 150);
  // Held (fill mode, tests), the same jobs with the same shift.
  const PreparedRun held = s.prepare_run(/*hold_jobs=*/true);
  ASSERT_EQ(held.jobs.size(), 3U);
  EXPECT_EQ(held.jobs[2].submit_s, 150);
  EXPECT_EQ(held.jobs[1].id, "2");
}

TEST(StreamedTrace, RowsOutOfSubmissionOrderAreHeldAndSorted)
{
  const SwfScenario s(row(1, 300, 50, 2, 60) + row(2, 100, 10, 1, 20) + row(3, 200, 5, 4, 10));
  const PreparedRun run = s.prepare_run(/*hold_jobs=*/false);
  const std::vector<Seen> jobs = stream(run);
  ASSERT_EQ(jobs.size(), 3U);
  EXPECT_EQ(jobs[0].id, "2");
  EXPECT_EQ(jobs[0].index, 1U); // its place in the file
  EXPECT_EQ(jobs[0].submit_s, 0);
  EXPECT_EQ(jobs[1].id, "3");
  EXPECT_EQ(jobs[1].submit_s, 100);
  EXPECT_EQ(jobs[2].id, "1");
  EXPECT_EQ(jobs[2].index, 0U);
  EXPECT_EQ(jobs[2].submit_s, 200);
}

TEST(StreamedTrace, RepeatedIdsAndJobsTooLargeAreLocatedByLine)
{
  // Lines 1-2 are the header.
  const SwfScenario s(row(1, 0, 5, 1, 10) + row(2, 1, 5, 9, 10) + row(1, 2, 5, 1, 10) + row(3, 3, 5, 1, 10) +
                      row(3, 4, 5, 1, 10));
  try {
    s.prepare_run(false);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("t.swf: line 4"), std::string::npos) << what; // 9 accelerators on a 4-accelerator node
    EXPECT_NE(what.find("t.swf: line 5: duplicate job id \"1\" (expected unique ids)"), std::string::npos) << what;
    EXPECT_NE(what.find("t.swf: line 7: duplicate job id \"3\""), std::string::npos) << what;
    EXPECT_EQ(what.find("line 3:"), std::string::npos) << what; // the first of each id is not the repeat
  }
}

// Issue 17, item 18: SWF ids passed through a double (9007199254740993 became "9007199254740992"; two distinct
// 20-digit ids were "duplicate job id 1.2345678901234567e+19"). Integer ids keep their digits; leading
// zeros go, as before.
TEST(StreamedTrace, SwfIdsKeepTheirDigits)
{
  const std::string tail = " 0 0 5 1 -1 -1 1 10 -1 1 1 1 1 1 1 -1 -1\n";
  const SwfScenario s("9007199254740993" + tail + "12345678901234567890" + tail + "12345678901234567891" + tail +
                      "007" + tail + "0" + tail);
  const auto jobs = stream(s.prepare_run(false));
  ASSERT_EQ(jobs.size(), 5U);
  EXPECT_EQ(jobs[0].id, "9007199254740993");
  EXPECT_EQ(jobs[1].id, "12345678901234567890");
  EXPECT_EQ(jobs[2].id, "12345678901234567891");
  EXPECT_EQ(jobs[3].id, "7");
  EXPECT_EQ(jobs[4].id, "0");
}

// Issue 17, smaller items: SWF skip reasons said "-1" for -5 processors or a run time of -2; status 99 was accepted.
TEST(StreamedTrace, SwfSkipReasonsNameTheValueAndStatusesAreChecked)
{
  const SwfScenario s(row(1, 0, 5, 1, 10) + "2 1 0 5 -5 -1 -1 -5 10 -1 1 1 1 1 1 1 -1 -1\n" +
                      "3 1 0 5 0 -1 -1 0 10 -1 1 1 1 1 1 1 -1 -1\n" + "4 1 0 -2 1 -1 -1 1 10 -1 1 1 1 1 1 1 -1 -1\n" +
                      "5 1 0 -1 1 -1 -1 1 10 -1 1 1 1 1 1 1 -1 -1\n");
  const PreparedRun run = s.prepare_run(false);
  const auto& skipped = run.workload_report.skipped;
  EXPECT_EQ(skipped.at("no processor count (fields 5 and 8 are not positive)"), 2U);
  EXPECT_EQ(skipped.at("negative run time (field 4 is below -1)"), 1U);
  EXPECT_EQ(skipped.at("unknown run time (field 4 is -1)"), 1U);
  const SwfScenario bad(row(1, 0, 5, 1, 10) + "2 1 0 5 1 -1 -1 1 10 -1 99 1 1 1 1 1 -1 -1\n");
  try {
    bad.prepare_run(false);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t.swf: line 4: field 11 (status) is 99 (expected -1, 0, 1, 2, 3, 4 or 5)"),
              std::string::npos)
        << e.what();
  }
}

namespace {

//! A scenario beside a ccsim workload file holding `text`.
class CcsimScenario {
public:
  explicit CcsimScenario(const std::string& text)
      : dir_(fs::temp_directory_path() /
             ("ccsim-stream-json-test-" + std::to_string(::getpid()) + "-" + std::to_string(instances_++)))
  {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "w.json") << text;
    std::ofstream(dir_ / "s.json") << R"({"name": "t",
      "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"fp32": 10, "bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
      "sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 4}}]}],
      "workload": {"format": "ccsim", "path": "w.json"},
      "scheduler": {"queue": "fcfs", "placement": "first-fit"}})";
  }
  ~CcsimScenario() { fs::remove_all(dir_); }
  CcsimScenario(const CcsimScenario&) = delete;
  CcsimScenario& operator=(const CcsimScenario&) = delete;

  PreparedRun prepare_run() const
  {
    return prepare(load_scenario((dir_ / "s.json").string()), {}, PolicyRegistry::global(), /*hold_jobs=*/false);
  }
  std::string workload_path() const { return (dir_ / "w.json").string(); }

private:
  static inline int instances_ = 0;
  fs::path dir_;
};

std::vector<Job> three_jobs()
{
  std::vector<Job> jobs(3);
  const double submits[] = {0, 5, 5};
  for (std::size_t i = 0; i < jobs.size(); i++) {
    jobs[i].id = "j" + std::to_string(i);
    jobs[i].submit_s = submits[i];
    jobs[i].accelerators = static_cast<std::uint32_t>(i + 1);
    jobs[i].duration_s = 10.0 * static_cast<double>(i + 1);
  }
  return jobs;
}

} // namespace

// A ccsim workload file as `ccsim workload convert` writes it (one job per line) is streamed; laid out otherwise
// it is read whole, with the same jobs.
TEST(StreamedTrace, CcsimWorkloadFilesStreamWhenOneJobPerLineAndReadWholeOtherwise)
{
  ImportReport source;
  source.format = "swf";
  const std::string text = workload_json_text(three_jobs(), source);
  std::string pretty = nlohmann::json::parse(text).dump(2); // one field per line: not streamable
  {
    const CcsimScenario s(text);
    const auto reader = open_trace_reader("ccsim", s.workload_path(), nlohmann::json(), ImportUse::EVENTS);
    Job job;
    ASSERT_TRUE(reader->next(job));
    EXPECT_EQ(reader->where(), "/jobs/0");
    ASSERT_TRUE(reader->next(job));
    ASSERT_TRUE(reader->next(job));
    EXPECT_EQ(job.id, "j2");
    EXPECT_FALSE(reader->next(job));
    const CcsimScenario p(pretty);
    EXPECT_THROW(
        {
          const auto r = open_trace_reader("ccsim", p.workload_path(), nlohmann::json(), ImportUse::EVENTS);
          r->next(job); // "{" alone on its line: not a job
        },
        ReadWhole);
  }
  for (const std::string& t : {text, pretty}) {
    const CcsimScenario s(t);
    const PreparedRun run = s.prepare_run();
    EXPECT_EQ(run.workload_report.format, "ccsim");
    EXPECT_EQ(run.workload_report.kept, 3U);
    const std::vector<Seen> jobs = stream(run);
    ASSERT_EQ(jobs.size(), 3U);
    EXPECT_EQ(jobs[0].id, "j0");
    EXPECT_EQ(jobs[2].id, "j2");
    EXPECT_EQ(jobs[2].index, 2U);
    EXPECT_EQ(jobs[2].submit_s, 5);
  }
}

// A problem in a streamed ccsim file is reported as the whole-file reader reports it: by JSON pointer, every one.
TEST(StreamedTrace, CcsimWorkloadFileMistakesKeepTheirJsonPointers)
{
  std::vector<Job> jobs = three_jobs();
  jobs[2].id = "j0"; // a repeated id
  const std::string text = workload_json_text(jobs, ImportReport());
  try {
    CcsimScenario(text).prepare_run();
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("w.json: /jobs/2/id: duplicate job id \"j0\""), std::string::npos) << e.what();
  }
  std::string bad = text;
  bad.replace(bad.find("\"accelerators\":2"), 16, "\"accelerators\":0"); // events mode needs >= 1
  try {
    CcsimScenario(bad).prepare_run();
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("w.json: /jobs/1/accelerators"), std::string::npos) << e.what();
  }
  // A key twice in a streamed job line (nlohmann would keep the last): located like the whole-file reader does.
  std::string twice = text;
  twice.replace(twice.find("\"accelerators\":2"), 16, "\"accelerators\":2,\"accelerators\":1");
  try {
    CcsimScenario(twice).prepare_run();
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("w.json: /jobs/1: the key \"accelerators\" appears twice"), std::string::npos)
        << e.what();
  }
}

TEST(StreamedTrace, ATraceScaledInTimeAndLoad)
{
  // Shifted to zero (0, 0, 150), then times x 2 and every job twice: copies "<id>#1" at their job's time, indices
  // renumbered in delivery order. Streamed or held (out of order), the same jobs.
  const auto expect_doubled = [](const std::vector<Seen>& jobs) {
    ASSERT_EQ(jobs.size(), 6U);
    const std::vector<std::string> ids = {"1", "1#1", "2", "2#1", "3", "3#1"};
    const std::vector<double> times = {0, 0, 0, 0, 300, 300};
    for (std::size_t i = 0; i < 6; i++) {
      EXPECT_EQ(jobs[i].id, ids[i]);
      EXPECT_EQ(jobs[i].index, i);
      EXPECT_EQ(jobs[i].submit_s, times[i]) << ids[i];
    }
  };
  const std::string scale = R"(, "time_scale": 2, "load_scale": 2)";
  const SwfScenario sorted(row(1, 100, 50, 2, 60) + row(2, 100, 10, 1, 20) + row(3, 250, 5, 4, 10), scale);
  const PreparedRun streamed = sorted.prepare_run(false);
  EXPECT_EQ(streamed.job_count, 6U);
  EXPECT_EQ(streamed.workload_report.read, 3U); // the trace's own counts
  expect_doubled(stream(streamed));
  expect_doubled(stream(sorted.prepare_run(true)));
  const SwfScenario unsorted(row(3, 250, 5, 4, 10) + row(1, 100, 50, 2, 60) + row(2, 100, 10, 1, 20), scale);
  expect_doubled(stream(unsorted.prepare_run(false)));
  // Half the jobs, drawn at random (seeded: the same ones every time), each at its own time.
  std::string rows;
  for (int i = 1; i <= 400; i++)
    rows += row(i, 10.0 * i, 5, 1, 10);
  const SwfScenario half(rows, R"(, "load_scale": 0.5)");
  const auto kept = stream(half.prepare_run(false));
  EXPECT_GT(kept.size(), 170U);
  EXPECT_LT(kept.size(), 230U);
  const auto again = stream(half.prepare_run(false));
  ASSERT_EQ(again.size(), kept.size());
  for (std::size_t i = 0; i < kept.size(); i++) {
    EXPECT_EQ(again[i].id, kept[i].id);
    EXPECT_EQ(kept[i].submit_s, 10.0 * std::stoi(kept[i].id) - 10); // shifted to zero, not moved
  }
  // A job that cannot run is located at its line, copies included.
  const SwfScenario bad(row(1, 100, 50, 2, 60) + row(2, 100, 10, 8, 20), R"(, "load_scale": 2, "time_scale": 3)");
  try {
    (void)bad.prepare_run(false);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 4"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(test::has_error(test::load_errors(R"({"sites": [{"name": "s", "region": "east", "racks": [{"count": 1,
      "nodes_per_rack": 1, "node": {"accelerator": "H100-SXM", "count": 8}}]}],
      "workload": {"format": "swf", "path": "x.swf", "load_scale": 0}})"),
                              "/workload/load_scale", ""));
}
