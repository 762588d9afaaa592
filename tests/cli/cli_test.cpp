// Runs the real `ccsim` binary: exit codes, outputs, determinism, the bad-input corpus.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

struct Result {
  int code;
  std::string output; // stdout and stderr
};

//! Runs a shell command line, capturing its stdout and stderr; code -1 when it did not exit normally.
Result shell(const std::string& command_line)
{
  const std::string cmd = command_line + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr)
    return {-1, "popen failed"};
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
    out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

Result ccsim(const std::string& args)
{
  return shell(std::string(CCSIM_BIN) + " " + args);
}

std::string read_file(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path fresh_dir(const std::string& name)
{
  const fs::path dir = fs::temp_directory_path() / ("ccsim-cli-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  return dir;
}

const fs::path SOURCE = CCSIM_SOURCE_DIR;

} // namespace

// Issue 26: shipped files named docs/validation.md, trace-formats.md and domain-facts.md, none of them in the
// repository. Every "*.md" a shipped file names must exist: beside it, at the repository root or in docs/
// (../shared/... paths are outside the repository and are not checked).
TEST(Cli, ShippedFilesNameOnlyDocumentsThatExist)
{
  const std::regex md(R"([A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b)");
  std::vector<fs::path> files = {SOURCE / "README.md"};
  for (const char* folder : {"docs", "scenarios", "scripts", "src", "include", "tests", "schema", "bench", "fuzz"})
    for (const auto& e : fs::recursive_directory_iterator(SOURCE / folder))
      if (e.is_regular_file() && e.path().extension() != ".gz" && e.file_size() < 4'000'000)
        files.push_back(e.path());
  int checked = 0;
  for (const fs::path& f : files) {
    if (f.filename() == "cli_test.cpp") // this file names the missing ones on purpose
      continue;
    const std::string text = read_file(f);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), md); it != std::sregex_iterator(); ++it) {
      std::string name = it->str();
      if (name.starts_with('/')) // SOURCE + "/docs/x.md" in code
        name.erase(0, 1);
      if (name.starts_with("../shared/") || name.find("://") != std::string::npos)
        continue;
      const bool found =
          fs::exists(f.parent_path() / name) || fs::exists(SOURCE / name) || fs::exists(SOURCE / "docs" / name);
      EXPECT_TRUE(found) << f.string() << " names " << name << ", which does not exist";
      checked++;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(Cli, Version)
{
  const Result r = ccsim("--version");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("ccsim 0."), std::string::npos) << r.output;
}

TEST(Cli, HelpEverywhere)
{
  EXPECT_EQ(ccsim("--help").code, 0);
  EXPECT_EQ(ccsim("run --help").code, 0);
  EXPECT_EQ(ccsim("validate --help").code, 0);
}

// Issue 17, item 10: a seed past 2^63 - 1 was clamped to it without a word.
TEST(Cli, SeedsOutOfRangeAreRejected)
{
  const std::string scenario = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  const fs::path out = fresh_dir("seed-range");
  for (const char* seed : {"18446744073709551616", "9223372036854775808", "-1", "1e3", "12x"}) {
    const Result r = ccsim("run " + scenario + " -q --out " + out.string() + " --seed " + seed);
    EXPECT_EQ(r.code, 2) << seed << ": " << r.output;
    EXPECT_FALSE(fs::exists(out)) << seed;
  }
  const Result bad = ccsim("run " + scenario + " -q --out " + out.string() + " --seed 18446744073709551616");
  EXPECT_NE(bad.output.find("expected an integer seed in [0, 9223372036854775807]"), std::string::npos) << bad.output;
  ASSERT_EQ(ccsim("run " + scenario + " -q --out " + out.string() + " --seed 9223372036854775807").code, 0);
  EXPECT_EQ(nlohmann::json::parse(read_file(out / "summary.json"))["seed"].get<std::uint64_t>(),
            9223372036854775807ULL);
  EXPECT_EQ(ccsim("compare " + scenario + " --policies fcfs,easy --seed 18446744073709551616 --out " +
                  (out.parent_path() / "seed-compare").string())
                .code,
            2);
  // The file's seed field at 2^63: one located message (it was clamped like the option, and the schema check added
  // a misleading "expected >= 0" plus a redundant error at "/").
  auto doc = nlohmann::json::parse(read_file(scenario));
  doc["seed"] = 9223372036854775808ULL;
  std::ofstream(out.parent_path() / "seed-2-63.json") << doc.dump();
  const Result field = ccsim("validate " + (out.parent_path() / "seed-2-63.json").string());
  EXPECT_EQ(field.code, 2) << field.output;
  EXPECT_NE(
      field.output.find("/seed: expected an integer in [0, 9223372036854775807], found number 9223372036854775808"),
      std::string::npos)
      << field.output;
  EXPECT_EQ(std::count(field.output.begin(), field.output.end(), '\n'), 1) << field.output; // that error only
}

// Issue 17: a --set value with a key twice was taken as nlohmann's last-wins; it is refused like in a file. A bare
// string with invalid UTF-8 (found by the --set fuzz target) was an internal error when the edit was written back.
TEST(Cli, SetValuesWithADuplicateKeyOrInvalidUtf8AreRefused)
{
  const fs::path out = fresh_dir("set-duplicate");
  const Result r = ccsim("run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() +
                         R"( --set '/scheduler={"queue": "fcfs", "queue": "easy"}' --out )" + out.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--set /scheduler: /: the key \"queue\" appears twice"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
  for (const char* set : {"'/description=a\x92"
                          "b'",
                          "'/descr\x92"
                          "iption=ab'",
                          "'/description=ab\xc5'"}) { // the last: incomplete at the end
    const Result bad = ccsim("run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + " --set " + set +
                             " --out " + out.string());
    EXPECT_EQ(bad.code, 2) << set << ": " << bad.output;
    EXPECT_NE(bad.output.find("is not valid UTF-8: "), std::string::npos) << bad.output;
    EXPECT_NE(bad.output.find("(expected UTF-8 text)"), std::string::npos) << bad.output;
    EXPECT_FALSE(fs::exists(out));
  }
}

// Issue 17, item 7: --set past the end of an array filled it with nulls (index 10,000,000: 5.9 GB, then
// bad_alloc; 2^63 - 1: "vector::_M_default_append"). Only existing elements or - (append) may be set.
TEST(Cli, SetNeverGrowsAnArrayByAnIndexPastItsEnd)
{
  const std::string scenario = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  const fs::path out = fresh_dir("set-past-end");
  for (const char* set : {"'/workload/jobs/10000000/id=\"a\"'", "/sites/9223372036854775807/pue=1.2",
                          "/sites/18446744073709551616/pue=1.2", "/sites/01/pue=1.2", "/sites/x/pue=1.2",
                          "'/workload/jobs/-/id=\"a\"'", "/name/x=1"}) {
    const Result r = ccsim("run " + scenario + " -q --out " + out.string() + " --set " + set);
    EXPECT_EQ(r.code, 2) << set << ": " << r.output;
    EXPECT_NE(r.output.find("cannot set this value"), std::string::npos) << set << ": " << r.output;
    EXPECT_FALSE(fs::exists(out)) << set;
  }
  const Result past = ccsim("run " + scenario + " -q --out " + out.string() + " --set /workload/jobs/3/id=j4");
  EXPECT_NE(past.output.find("fcfs-3jobs.json: /workload/jobs/3/id: cannot set this value: /workload/jobs/3 is past "
                             "the end of the array (3 elements)"),
            std::string::npos)
      << past.output;
  // An existing element is replaced; - appends.
  ASSERT_EQ(ccsim("run " + scenario + " -q --out " + out.string() + " --set /workload/jobs/2/duration_s=30").code, 0);
  EXPECT_NE(read_file(out / "jobs.csv").find("j3,"), std::string::npos);
  fs::remove_all(out);
  const Result appended =
      ccsim("run " + scenario + " -q --out " + out.string() +
            " --set '/workload/jobs/-={\"id\": \"j4\", \"submit_s\": 2, \"accelerators\": 1, \"duration_s\": 1}'");
  ASSERT_EQ(appended.code, 0) << appended.output;
  EXPECT_NE(read_file(out / "jobs.csv").find("j4,"), std::string::npos);
}

// Issue 17, item 15: the scenario name is the default results folder, results/<name>: ".." wrote into the current
// folder, "../../../x" outside results/, 300 characters failed with exit 1 "File name too long". Without --out (or
// output.dir) the name must be one folder name; with one, it is free text.
TEST(Cli, ScenarioNamesThatAreNotAFolderNameAreRefusedAsTheResultsFolder)
{
  const std::string scenario = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  const fs::path out = fresh_dir("bad-name");
  for (const std::string& name :
       std::vector<std::string>{"..", ".", "../../../x", "a/b", "a\\\\b", std::string(201, 'n')}) {
    const Result r = ccsim("run " + scenario + " -q --set '/name=\"" + name + "\"'");
    EXPECT_EQ(r.code, 2) << name << ": " << r.output;
    EXPECT_NE(r.output.find("fcfs-3jobs.json: /name: "), std::string::npos) << name << ": " << r.output;
    EXPECT_NE(r.output.find("and it names the results folder results/<name>"), std::string::npos) << r.output;
  }
  EXPECT_FALSE(fs::exists("results/x")) << "nothing written";
  // With --out the name is only a label.
  const Result labelled = ccsim("run " + scenario + " -q --out " + out.string() + " --set '/name=\"east/west v1.2\"'");
  ASSERT_EQ(labelled.code, 0) << labelled.output;
  EXPECT_EQ(nlohmann::json::parse(read_file(out / "summary.json"))["scenario"]["name"], "east/west v1.2");
}

TEST(Cli, UsageErrorsExitWith2)
{
  EXPECT_EQ(ccsim("").code, 2);
  EXPECT_EQ(ccsim("frobnicate").code, 2);
  EXPECT_EQ(ccsim("run --seed -3").code, 2);
  EXPECT_EQ(ccsim("validate").code, 2);
}

TEST(Cli, RunWritesTheThreeResultFiles)
{
  const fs::path out = fresh_dir("run");
  const Result r = ccsim("run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("utilization 63.9 %"), std::string::npos) << r.output;
  for (const char* f : {"jobs.csv", "racks.csv", "summary.json", "run.json"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  for (const auto& e : fs::directory_iterator(out))
    EXPECT_NE(e.path().extension(), ".tmp");
  const auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  EXPECT_EQ(summary["seed"], 7);
  EXPECT_EQ(summary["makespan_s"], 18.0);
  EXPECT_EQ(summary["ccsim"]["version"].get<std::string>().substr(0, 2), "0.");
  EXPECT_EQ(summary["scenario"]["sha256"].get<std::string>().size(), 64U);
  EXPECT_EQ(read_file(out / "racks.csv"),
            "rack,site,region,accelerator_type,nodes,accelerators,first_accelerator,power_cap_w,max_busy\n"
            "alpha/r-0,alpha,east,GPU-X,2,2,0,,2\n");
  const auto run = nlohmann::json::parse(read_file(out / "run.json"));
  EXPECT_EQ(run["events"], 6);
  EXPECT_GT(run["peak_rss_bytes"].get<double>(), 0);
  EXPECT_GE(run["wall_s"].get<double>(), 0);
  EXPECT_EQ(run["simgrid"]["config"][0], "network/model:CM02");
  // Issue 23, item 6: its nodes have no base power, which the run warns about (stderr, run.json) but still runs.
  const std::string warning = "/sites: node base power is 0 in 1 rack group (first: r at site alpha)";
  EXPECT_NE(r.output.find("warning: " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + ": " + warning),
            std::string::npos)
      << r.output;
  ASSERT_EQ(run["warnings"].size(), 1U);
  EXPECT_NE(run["warnings"][0].get<std::string>().find(warning), std::string::npos);
  // The bundled default scenario gives every node its base power: no warning.
  const fs::path def = fresh_dir("run-default");
  const Result d = ccsim("run " + (SOURCE / "scenarios/default.json").string() + " -q --out " + def.string());
  ASSERT_EQ(d.code, 0) << d.output;
  EXPECT_EQ(d.output.find("warning"), std::string::npos) << d.output;
  EXPECT_FALSE(nlohmann::json::parse(read_file(def / "run.json")).contains("warnings"));
}

// Issue 26: conservative backfilling picks the pool itself; a placement that would choose pools is said to act
// only inside it. First-fit (batsched's) is not warned about.
TEST(Cli, ConservativeWithAPoolChoosingPlacementWarns)
{
  const std::string scenario = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  const Result best = ccsim("run " + scenario + " -q --queue conservative --placement best-fit --out " +
                            fresh_dir("conservative-best-fit").string());
  ASSERT_EQ(best.code, 0) << best.output;
  EXPECT_NE(best.output.find("/scheduler/placement: conservative backfilling chooses each job's pool itself"),
            std::string::npos)
      << best.output;
  const Result first = ccsim("run " + scenario + " -q --queue conservative --placement first-fit --out " +
                             fresh_dir("conservative-first-fit").string());
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_EQ(first.output.find("/scheduler/placement"), std::string::npos) << first.output;
}

TEST(Cli, SeedOverride)
{
  const fs::path out = fresh_dir("seed");
  ASSERT_EQ(
      ccsim("run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + " -q --seed 123 --out " + out.string())
          .code,
      0);
  EXPECT_EQ(nlohmann::json::parse(read_file(out / "summary.json"))["seed"], 123);
}

TEST(Cli, APolicyNamedOnTheCommandLineTakesOnlyTheParametersGivenWithSet)
{
  const fs::path dir = fresh_dir("policy-params");
  fs::create_directories(dir);
  const std::string three = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  // Parameters given with --set reach the policy named with --placement: a bad one is reported...
  const Result bad = ccsim("run " + three +
                           " -q --placement locality --set '/scheduler/placement_params={\"nodes\": "
                           "\"nonsense\"}' --out " +
                           (dir / "bad").string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("unknown \"nodes\" policy \"nonsense\""), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(dir / "bad"));
  // ... and a good one is used; so is one set through a parent field.
  for (const char* set : {"'/scheduler/placement_params={\"nodes\": \"compact\"}'",
                          "'/scheduler={\"placement_params\": {\"nodes\": \"compact\"}}'"}) {
    const Result ok =
        ccsim("run " + three + " -q --placement locality --set " + set + " --out " + (dir / "ok").string());
    EXPECT_EQ(ok.code, 0) << set << "\n" << ok.output;
  }
  // Parameters in the scenario file were written for its own policy: --placement drops them.
  auto scenario = nlohmann::json::parse(read_file(three));
  scenario.erase("$schema");
  scenario["scheduler"]["placement"] = "locality";
  scenario["scheduler"]["placement_params"] = {{"nodes", "nonsense"}};
  std::ofstream(dir / "own-params.json") << scenario.dump(2);
  EXPECT_EQ(ccsim("run " + (dir / "own-params.json").string() + " -q --out " + (dir / "own").string()).code, 2);
  const Result dropped = ccsim("run " + (dir / "own-params.json").string() + " -q --placement compact --out " +
                               (dir / "dropped").string());
  EXPECT_EQ(dropped.code, 0) << dropped.output;
  EXPECT_EQ(nlohmann::json::parse(read_file(dir / "dropped" / "summary.json"))["scheduler"]["placement"], "compact");
}

TEST(Cli, SameScenarioAndSeedGiveByteIdenticalResults)
{
  const fs::path a = fresh_dir("det-a");
  const fs::path b = fresh_dir("det-b");
  const std::string scenario = (SOURCE / "scenarios/default.json").string();
  ASSERT_EQ(ccsim("run " + scenario + " -q --out " + a.string()).code, 0);
  ASSERT_EQ(ccsim("run " + scenario + " -q --out " + b.string()).code, 0);
  for (const char* f : {"jobs.csv", "racks.csv", "summary.json", "timeseries.csv"}) {
    const std::string x = read_file(a / f);
    EXPECT_FALSE(x.empty());
    EXPECT_EQ(x, read_file(b / f)) << f << " differs between two runs";
  }
}

TEST(Cli, DefaultScenarioRunsWithoutArguments)
{
  const fs::path out = fresh_dir("default");
  const Result r = ccsim("run --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  EXPECT_EQ(summary["scenario"]["name"], "default");
  EXPECT_EQ(summary["jobs"]["completed"], summary["jobs"]["submitted"]);
}

namespace {
//! Validates every shipped scenario that reads (`shared`) or does not read ../shared/data (scenarios/traces and
//! scenarios/fill read it); returns how many.
int validate_shipped_scenarios(bool shared)
{
  int validated = 0;
  for (const auto& e : fs::recursive_directory_iterator(SOURCE / "scenarios")) {
    const auto folder = e.path().parent_path().filename();
    if (e.path().extension() != ".json" || folder == "bench") // bench: baselines and their manifest
      continue;
    if (e.path().string().ends_with(".plan.json")) { // a plan (docs/planning.md): checked as one, not run
      const fs::path out = fresh_dir("plan-check");
      const Result r = ccsim("plan " + e.path().string() + " --check --out " + out.string());
      EXPECT_EQ(r.code, 0) << e.path() << "\n" << r.output;
      EXPECT_NE(r.output.find("valid plan: 2 option(s)"), std::string::npos) << r.output;
      EXPECT_FALSE(fs::exists(out)); // nothing run
      continue;
    }
    if ((folder == "traces" || folder == "fill") != shared)
      continue;
    const Result r = ccsim("validate " + e.path().string());
    EXPECT_EQ(r.code, 0) << e.path() << "\n" << r.output;
    validated++;
  }
  return validated;
}
} // namespace

TEST(Cli, ValidateAcceptsEveryShippedScenario)
{
  EXPECT_GE(validate_shipped_scenarios(false), 5);
}

TEST(Cli, ValidateAcceptsEveryShippedScenarioThatReadsSharedTraces)
{
  if (not fs::exists(SOURCE / ".." / "shared" / "data"))
    GTEST_SKIP() << "../shared/data is absent: scenarios/traces/ and scenarios/fill/ (which read it) are not validated";
  EXPECT_GE(validate_shipped_scenarios(true), 3);
}

TEST(Cli, MissingScenarioFile)
{
  const Result r = ccsim("run /nonexistent/scenario.json --out " + fresh_dir("missing").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("/nonexistent/scenario.json: cannot open file"), std::string::npos) << r.output;
}

// Every file in tests/bad-inputs/ must fail with exit code 2, print each line of its .expect file, and leave
// no output directory behind.
TEST(Cli, BadInputCorpus)
{
  int cases = 0;
  for (const auto& e : fs::directory_iterator(SOURCE / "tests/bad-inputs")) {
    if (e.path().extension() != ".json")
      continue;
    cases++;
    fs::path expect = e.path();
    expect.replace_extension(".expect");
    ASSERT_TRUE(fs::exists(expect)) << "missing " << expect;
    const fs::path out = fresh_dir("bad-" + e.path().stem().string());
    const Result r = ccsim("run " + e.path().string() + " --out " + out.string());
    EXPECT_EQ(r.code, 2) << e.path() << "\n" << r.output;
    std::ifstream lines(expect);
    std::string fragment;
    while (std::getline(lines, fragment)) {
      if (not fragment.empty()) {
        EXPECT_NE(r.output.find(fragment), std::string::npos)
            << e.path().filename() << ": expected \"" << fragment << "\" in:\n"
            << r.output;
      }
    }
    EXPECT_FALSE(fs::exists(out)) << e.path() << " left output behind";
    EXPECT_EQ(ccsim("validate " + e.path().string()).code, 2) << e.path();
  }
  EXPECT_GE(cases, 10);
}

TEST(Cli, AJobThatNeverFitsTheCapacityInServiceIsAnInputError)
{
  // A 1-accelerator job of 5000 s on a rack in service from 0 to 1000 s with maintenance over [100, 150): it never
  // fits (docs/scenario.md "Platform over time"). The run fails with exit 2, says why, and leaves nothing behind.
  const fs::path dir = fresh_dir("never-fits");
  fs::create_directories(dir);
  std::ofstream(dir / "never.json") << R"({"name": "t", "accelerators": {"G": {"kind": "gpu",
      "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
      "sites": [{"name": "s", "region": "east", "maintenance": [{"start_s": 100, "end_s": 150}],
        "racks": [{"name": "a", "count": 1, "nodes_per_rack": 1, "offline_s": 1000,
                   "node": {"accelerator": "G", "count": 4, "base_power_w": 100}}]}],
      "workload": {"jobs": [{"id": "x", "submit_s": 0, "accelerators": 2, "duration_s": 50},
                            {"id": "long", "submit_s": 0, "accelerators": 1, "duration_s": 5000}]},
      "scheduler": {"queue": "easy", "placement": "first-fit"}})";
  const Result r = ccsim("run " + (dir / "never.json").string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("/sites: 1 jobs were still waiting after the platform's last change (at 1000 s)"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(Cli, NumbersPastTheirLimitsAreRefusedAndAtTheLimitsEveryOutputReadsBack)
{
  // 1e308 in a PUE, a power, a price or a time used to reach the outputs as "inf" (CSV) or null (JSON), which
  // `ccsim report` and `ccsim check` then refused. Past its limit (core/limits.hpp) each is a located error.
  const fs::path dir = fresh_dir("limits");
  const std::string scenario = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  const std::vector<std::pair<std::string, std::string>> beyond = {
      {"/sites/0/pue=10.5", "/sites/0/pue: expected a finite number >= 1 and <= 10, found 10.5"},
      {R"(/sites/0/pue={"curve": [[0, 1.2], [1, 1e308]]})",
       "/sites/0/pue/curve/1: expected [load fraction in [0, 1], PUE in [1, 10]]"},
      {"/accelerators/GPU-X/power_w/max=1e308",
       "/accelerators/GPU-X/power_w/max: expected a finite number >= 0 and <= 1e+09"},
      {"/sites/0/racks/0/node/base_power_w=2e9",
       "/sites/0/racks/0/node/base_power_w: expected a finite number >= 0 and <= 1e+09"},
      {"/sites/0/racks/0/power_cap_kw=1e308",
       "/sites/0/racks/0/power_cap_kw: expected a finite number > 0 and <= 1e+06"},
      {"/sites/0/electricity_price_per_kwh=1e308",
       "/sites/0/electricity_price_per_kwh: expected a finite number >= 0 and <= 1e+09"},
      {"/sites/0/carbon_kg_per_kwh=1001", "/sites/0/carbon_kg_per_kwh: expected a finite number >= 0 and <= 1000"},
      {"/accelerators/GPU-X/peak_tflops/fp32=1e308",
       "/accelerators/GPU-X/peak_tflops/fp32: expected a finite number > 0 and <= 1e+09"},
      {"/workload/jobs/0/duration_s=1e308", "/workload/jobs/0/duration_s: expected a finite number >= 0 and <= 1e+10"},
      {"/workload/jobs/0/submit_s=1.5e10", "/workload/jobs/0/submit_s: expected a finite number >= 0 and <= 1e+10"},
      {"/workload/jobs/0/walltime_s=1e308", "/workload/jobs/0/walltime_s: expected a finite number > 0 and <= 1e+10"},
      {"/output/timeseries_interval_s=1e308",
       "/output/timeseries_interval_s: expected a finite number >= 0 and <= 1e+10"},
  };
  for (const auto& [set, message] : beyond) {
    const Result r = ccsim("run " + scenario + " --set '" + set + "' --out " + (dir / "beyond").string());
    EXPECT_EQ(r.code, 2) << set << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << set << "\n" << r.output;
    EXPECT_FALSE(fs::exists(dir / "beyond")) << set;
  }
  // Work past what its slowest type computes in MAX_TIME_S: the derived run time is checked too.
  const Result slow =
      ccsim("run " + scenario +
            R"( --set '/workload/jobs/0={"id": "w", "submit_s": 0, "accelerators": 1, "work_flop": 1e30}')" +
            " --out " + (dir / "beyond").string());
  EXPECT_EQ(slow.code, 2) << slow.output;
  EXPECT_NE(slow.output.find("/workload/jobs/0/work_flop: job \"w\" runs 1e+16 s on its slowest eligible accelerator "
                             "type (expected at most 1e+10 s"),
            std::string::npos)
      << slow.output;
  // Every limit at once, on one run: outputs finite, the report reads the run back, check passes its own baseline.
  const std::string at_limits =
      " --set /sites/0/pue=10 --set /accelerators/GPU-X/power_w/idle=1e9 --set /accelerators/GPU-X/power_w/max=1e9"
      " --set /sites/0/racks/0/node/base_power_w=1e9 --set /sites/0/electricity_price_per_kwh=1e9"
      " --set /sites/0/carbon_kg_per_kwh=1000 --set /workload/jobs/0/duration_s=1e10 --set "
      "/workload/jobs/0/walltime_s=1e10"
      " --set /workload/jobs/2/submit_s=1e10 --set /output/timeseries_interval_s=1e5";
  const fs::path run = dir / "at-limits";
  const Result r = ccsim("run " + scenario + at_limits + " -q --out " + run.string() + " --save-baseline " +
                         (dir / "base.json").string());
  ASSERT_EQ(r.code, 0) << r.output;
  // summary.json: nlohmann writes an infinite or NaN number as null. CSVs: no field is a non-finite number (a
  // substring test would trip on the class label "inference").
  EXPECT_EQ(read_file(run / "summary.json").find("null"), std::string::npos);
  for (const char* file : {"jobs.csv", "timeseries.csv", "racks.csv"}) {
    const std::string text = read_file(run / file);
    std::size_t from = 0;
    while (from < text.size()) {
      const std::size_t end = std::min(text.find_first_of(",\n", from), text.size());
      const std::string field = text.substr(from, end - from);
      for (const char* bad : {"inf", "-inf", "nan", "-nan", "null"})
        EXPECT_NE(field, bad) << file << " holds " << bad;
      from = end + 1;
    }
  }
  const auto summary = nlohmann::json::parse(read_file(run / "summary.json"));
  EXPECT_GT(summary["energy"]["facility_kwh"].get<double>(), 1e14); // 4 GW x 1e10 s x PUE 10 = 1.1e14 kWh
  const Result report = ccsim("report " + run.string() + " -o " + (dir / "report.html").string());
  EXPECT_EQ(report.code, 0) << report.output;
  const Result check = ccsim("check " + run.string() + " --baseline " + (dir / "base.json").string());
  EXPECT_EQ(check.code, 0) << check.output;
}

TEST(Cli, MoreThanTwentyErrorsShowTheFirstTwentyThenTheRestsCount)
{
  // Mutation guard ("mutant errors-shown"): 23 located errors; the first 20 are printed, then "... and 3 more"
  // and the total, never the 21st.
  const Result r = ccsim("validate " + (SOURCE / "tests/bad-inputs/more-than-twenty-errors.json").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 22) << r.output;
  EXPECT_NE(r.output.find("/workload/jobs/19/submit_s"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("/workload/jobs/20/"), std::string::npos) << r.output;
  EXPECT_TRUE(r.output.ends_with("... and 3 more\n23 errors\n")) << r.output;
}

TEST(Cli, PolicyPluginEndToEnd)
{
  const std::string lib = CCSIM_PLUGIN;
  const Result list = ccsim("list policies --policy-lib " + lib);
  ASSERT_EQ(list.code, 0) << list.output;
  EXPECT_NE(list.output.find("largest-first"), std::string::npos);
  EXPECT_NE(list.output.find("last-fit"), std::string::npos);
  // The example's placement policy (issue 26): under FCFS, j1 (1 accelerator of 2) takes the highest-numbered one,
  // accelerator 1, where first-fit takes 0; j3 then takes accelerator 1 again when j2 (both) has ended.
  const fs::path placed = fresh_dir("plugin-placement");
  const Result p = ccsim("run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + " --policy-lib " + lib +
                         " --placement last-fit -q --out " + placed.string());
  ASSERT_EQ(p.code, 0) << p.output;
  const std::string jobs = read_file(placed / "jobs.csv");
  EXPECT_NE(jobs.find("\nj1,fcfs-3jobs,training,0,1,20,1,0,10,10,0,10,1,"), std::string::npos) << jobs;
  for (const std::string line : {"j1,", "j3,"}) {
    const auto at = jobs.find("\n" + line);
    ASSERT_NE(at, std::string::npos) << jobs;
    const std::string row = jobs.substr(at + 1, jobs.find('\n', at + 1) - at - 1);
    std::vector<std::string> cells;
    std::istringstream l(row);
    for (std::string c; std::getline(l, c, ',');)
      cells.push_back(c);
    ASSERT_GT(cells.size(), 14U) << row;
    EXPECT_EQ(cells[14], "1") << row; // allocated_resources
  }
  const fs::path out = fresh_dir("plugin");
  const Result r = ccsim("run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + " --policy-lib " + lib +
                         " --queue largest-first -q --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  EXPECT_EQ(summary["scheduler"]["queue"], "largest-first");
  EXPECT_EQ(summary["jobs"]["completed"], 3);
  // Largest first (the plug-in's rule, not FCFS's): at 0, j2 (2 accelerators) goes before j1 and takes both; j1
  // and j3 (submitted at 1) start when it ends at 5. FCFS would start j1 at 0 and j2 at 10. The plug-in names its
  // head: j1 heads the queue while both wait.
  EXPECT_EQ(read_file(out / "wait_log.csv"),
            "job_id,from_s,to_s,cause,at_head\nj1,0,5,capacity,1\nj3,1,5,capacity,0\n");
  std::map<std::string, std::string> start; // job_id -> starting_time, from jobs.csv
  std::istringstream csv(read_file(out / "jobs.csv"));
  std::string line;
  std::getline(csv, line);
  ASSERT_TRUE(line.starts_with("job_id,")) << line;
  const auto cells_of = [](const std::string& text) {
    std::vector<std::string> cells;
    std::istringstream l(text);
    for (std::string c; std::getline(l, c, ',');)
      cells.push_back(c);
    return cells;
  };
  const std::vector<std::string> header = cells_of(line);
  const auto column =
      static_cast<std::size_t>(std::find(header.begin(), header.end(), "starting_time") - header.begin());
  ASSERT_LT(column, header.size()) << line;
  while (std::getline(csv, line)) {
    const std::vector<std::string> cells = cells_of(line);
    ASSERT_GT(cells.size(), column) << line;
    start[cells[0]] = cells[column];
  }
  EXPECT_EQ(start, (std::map<std::string, std::string>{{"j1", "5"}, {"j2", "0"}, {"j3", "5"}}));
  EXPECT_EQ(ccsim("run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + " --queue largest-first").code, 2)
      << "without the library the policy is unknown";
  const Result bad = ccsim("list policies --policy-lib /nonexistent/libx.so");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("/nonexistent/libx.so: cannot load policy library"), std::string::npos) << bad.output;
}

// Issue 17, item 4: a policy library whose factory returns nullptr, or throws a non-std exception, or whose
// ccsim_register_policies is a variable crashed ccsim (SIGSEGV, abort). Each is exit 2 naming the library and the
// policy.
TEST(Cli, MisbehavingPolicyLibrariesAreReportedNotCrashes)
{
  const std::string scenario = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  const std::string bad = CCSIM_BAD_PLUGIN;
  const fs::path out = fresh_dir("bad-plugin");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"returns-null", ": its factory returned no object (expected a new queue policy)"},
      {"throws-int", ": its factory threw something that is not a std::exception"},
      {"throws-runtime-error", ": its factory failed: out of licences"}};
  for (const auto& [policy, message] : cases) {
    const Result r =
        ccsim("run " + scenario + " --policy-lib " + bad + " --queue " + policy + " -q --out " + out.string());
    EXPECT_EQ(r.code, 2) << policy << ": " << r.output;
    EXPECT_NE(r.output.find("queue policy \"" + policy + "\" of policy library " + bad + message), std::string::npos)
        << r.output;
    EXPECT_FALSE(fs::exists(out)) << policy;
  }
  const Result data = ccsim("list policies --policy-lib " + std::string(CCSIM_DATA_PLUGIN));
  EXPECT_EQ(data.code, 2) << data.output;
  EXPECT_NE(data.output.find(std::string(CCSIM_DATA_PLUGIN) + ": ccsim_register_policies is not a function"),
            std::string::npos)
      << data.output;
  const Result throwing = ccsim("list policies --policy-lib " + std::string(CCSIM_THROWING_PLUGIN));
  EXPECT_EQ(throwing.code, 2) << throwing.output;
  EXPECT_NE(throwing.output.find("ccsim_register_policies threw something that is not a std::exception"),
            std::string::npos)
      << throwing.output;
  // The well-behaved policies of the same library still list.
  const Result list = ccsim("list policies --policy-lib " + bad);
  EXPECT_EQ(list.code, 0) << list.output;
  EXPECT_NE(list.output.find("returns-null"), std::string::npos) << list.output;
}

TEST(Cli, CompareRunsEachPolicyAndWritesATable)
{
  const fs::path out = fresh_dir("compare");
  const Result r = ccsim("compare " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() +
                         " --policies fcfs,easy,conservative+best-fit --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string csv = read_file(out / "compare.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4) << csv;
  EXPECT_NE(csv.find("\nconservative+best-fit,conservative,best-fit,3,"), std::string::npos) << csv;
  EXPECT_TRUE(fs::exists(out / "easy" / "summary.json"));
  // FCFS: waits 0, 10, 14 -> mean 8. EASY: j2 is reserved at 20 (j1's walltime end); j3 (walltime 4) submitted at
  // 1 ends by 5 <= 20, so it backfills at once; j1 really ends at 10 and j2 starts then: waits 0, 10, 0.
  EXPECT_NE(csv.find("\nfcfs,fcfs,first-fit,3,8,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\neasy,easy,first-fit,3,3.3333333333333335,"), std::string::npos) << csv;
  EXPECT_EQ(ccsim("compare " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + " --policies nope").code, 2);
}

TEST(Cli, CompareRunsEachVariantUnderEachPolicy)
{
  // Issue 25, item 1: compare takes named variants (a sweep's), crossed with the policies. fcfs-3jobs on its 2
  // nodes: FCFS waits 0, 10, 14 (mean 8), EASY 0, 10, 0; on 4 nodes nobody waits.
  const fs::path out = fresh_dir("compare-variants");
  fs::create_directories(out);
  std::ofstream(out / "variants.json") << R"({"variants": [{"label": "today", "patch": []},
      {"label": "four-nodes", "patch": [{"op": "replace", "path": "/sites/0/racks/0/nodes_per_rack", "value": 4}]}]})";
  const std::string scenario = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  const Result r = ccsim("compare " + scenario + " --variants " + (out / "variants.json").string() +
                         " --policies fcfs,easy --out " + (out / "cmp").string());
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string csv = read_file(out / "cmp" / "compare.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "policy,variant,queue,placement,jobs_completed,wait_mean_s,wait_p95_s,"
                                           "bounded_slowdown_mean,utilization,makespan_s,energy_facility_kwh,"
                                           "cost_electricity");
  EXPECT_NE(csv.find("\ntoday:fcfs,today,fcfs,first-fit,3,8,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\ntoday:easy,today,easy,first-fit,3,3.3333333333333335,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nfour-nodes:fcfs,four-nodes,fcfs,first-fit,3,0,"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nfour-nodes:easy,four-nodes,easy,first-fit,3,0,"), std::string::npos) << csv;
  // Without --policies: each variant under the scenario's own policy.
  const Result own = ccsim("compare " + scenario + " --variants " + (out / "variants.json").string() + " --out " +
                           (out / "own").string());
  ASSERT_EQ(own.code, 0) << own.output;
  EXPECT_NE(read_file(out / "own" / "compare.csv").find("\nfour-nodes,four-nodes,fcfs,first-fit,3,0,"),
            std::string::npos);
  // A patch that does not apply: located, exit 2, nothing run.
  std::ofstream(out / "bad.json")
      << R"({"variants": [{"label": "x", "patch": [{"op": "remove", "path": "/sites/9"}]}]})";
  const Result bad =
      ccsim("compare " + scenario + " --variants " + (out / "bad.json").string() + " --out " + (out / "bad").string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("/variants/0/patch"), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(out / "bad"));
}

TEST(Cli, CompareShowsWhatCompactPlacementSavesAJobThatCommunicates)
{
  // scenarios/small/compact-two-racks.json: best-fit spans two racks (slowdown 2.4513445, the hierarchical
  // all-reduce of unit.CommModel.CompactPlacementKeepsTheJobAtItsReferenceLevel), compact keeps the job in rack b:
  // makespans 245.13 s and 100 s. The bounded slowdown is relative to the 100 s at the reference placement:
  // 2.4513 under best-fit (issue 23, item 4), 1 under compact.
  const fs::path out = fresh_dir("compare-compact");
  const Result r = ccsim("compare " + (SOURCE / "scenarios/small/compact-two-racks.json").string() +
                         " --policies fcfs+best-fit,fcfs+compact --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string csv = read_file(out / "compare.csv");
  EXPECT_NE(csv.find("\nfcfs+best-fit,fcfs,best-fit,1,0,0,2.4513445004160244,0.6,245.13445004160"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\nfcfs+compact,fcfs,compact,1,0,0,1,0.6,100,"), std::string::npos) << csv;
  const auto summary = nlohmann::json::parse(read_file(out / "fcfs_best-fit" / "summary.json"));
  EXPECT_EQ(summary["comm_slowdown"]["jobs"], 1);
  // 6 accelerators x (245.13 - 100) s = 870.8 accelerator-s.
  EXPECT_NEAR(summary["comm_slowdown"]["accelerator_hours"].get<double>(), 6 * 145.13445004160 / 3600, 1e-9);
}

TEST(Cli, AKilledRunLeavesNothingThatLooksComplete)
{
  // A run killed (SIGKILL, as by the OOM killer) at known points, through the fault hook CCSIM_FAULT
  // (docs/reliability.md), with a complete earlier run in the same results folder. Results are written into a
  // temporary folder beside it and moved in at the end, summary.json last.
  const fs::path results = fresh_dir("killed");
  const std::string small = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  const std::string other = (SOURCE / "scenarios/small/compact-two-racks.json").string();
  const auto killed_run = [&](const std::string& point) {
    const Result r = shell("CCSIM_FAULT=" + point + " " + CCSIM_BIN + " run " + other + " -q --out " +
                           results.string() + "; echo status=$?");
    EXPECT_NE(r.output.find("status=137"), std::string::npos) << "not killed by the hook at " << point << ":\n"
                                                              << r.output;
  };
  ASSERT_EQ(ccsim("run " + small + " -q --out " + results.string()).code, 0);
  // Killed while the run is still writing (jobs.csv not complete): the earlier results are untouched, complete.
  killed_run("writing:jobs.csv");
  EXPECT_EQ(nlohmann::json::parse(read_file(results / "summary.json"))["scenario"]["name"], "fcfs-3jobs");
  EXPECT_NE(read_file(results / "jobs.csv").find("\nj1,"), std::string::npos);
  // Killed while moving its files in, before summary.json: the new files are there, no summary.json at all.
  killed_run("committing:summary.json");
  EXPECT_FALSE(fs::exists(results / "summary.json")) << "a summary.json beside a killed run's files";
  EXPECT_NE(read_file(results / "jobs.csv").find("\nj,"), std::string::npos) << read_file(results / "jobs.csv");
  // The temporary folders the killed runs left beside the results are removed by the next run, which completes.
  int temporary = 0;
  for (const auto& e : fs::directory_iterator(results.parent_path()))
    temporary += e.path().filename().string().starts_with(".killed.ccsim-tmp-") ? 1 : 0;
  EXPECT_GE(temporary, 1);
  ASSERT_EQ(ccsim("run " + other + " -q --out " + results.string()).code, 0);
  EXPECT_EQ(nlohmann::json::parse(read_file(results / "summary.json"))["scenario"]["name"], "compact-two-racks");
  for (const auto& e : fs::directory_iterator(results.parent_path()))
    EXPECT_FALSE(e.path().filename().string().starts_with(".killed.ccsim-tmp-")) << e.path();
}

TEST(Cli, ARunThatFailsLeavesNoResultsFolder)
{
  // Bad input found while the run goes (the timeseries would exceed its sample limit): exit 2, and neither the
  // results folder nor a temporary folder is left.
  const fs::path dir = fresh_dir("fails");
  fs::create_directories(dir);
  const Result r = ccsim("run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() +
                         " --set /output/timeseries_interval_s=0.001 --set /workload/jobs/0/duration_s=2000 --out " +
                         (dir / "out").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("/output/timeseries_interval_s"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::is_empty(dir)) << "something left in " << dir;
}

TEST(Cli, FillModeWritesItsFilesDeterministically)
{
  if (not fs::exists(SOURCE / "../shared/data/gpu/alibaba-openb-v2023"))
    GTEST_SKIP() << "../shared/data/gpu is absent: skipping the openb fill scenario";
  const std::string scenario = (SOURCE / "scenarios/fill/openb-default.json").string();
  const fs::path a = fresh_dir("fill-a"), b = fresh_dir("fill-b");
  const Result r = ccsim("run " + scenario + " --placement fill-best-fit --out " + a.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("fill mode, policy fill-best-fit"), std::string::npos) << r.output;
  for (const char* f : {"fill.csv", "placements.csv", "summary.json", "run.json"})
    EXPECT_TRUE(fs::exists(a / f)) << f;
  const auto summary = nlohmann::json::parse(read_file(a / "summary.json"));
  EXPECT_EQ(summary["mode"], "fill");
  EXPECT_EQ(summary["tasks"]["originals"], 8152);
  EXPECT_EQ(summary["capacity_gpus"], 6212.0);
  ASSERT_EQ(ccsim("run " + scenario + " --placement fill-best-fit -q --out " + b.string()).code, 0);
  for (const char* f : {"fill.csv", "placements.csv", "summary.json"})
    EXPECT_EQ(read_file(a / f), read_file(b / f)) << f << " differs between identical runs";
  // Another seed shuffles differently.
  const fs::path c = fresh_dir("fill-c");
  ASSERT_EQ(ccsim("run " + scenario + " --placement fill-best-fit -q --seed 2 --out " + c.string()).code, 0);
  EXPECT_NE(read_file(a / "placements.csv"), read_file(c / "placements.csv"));
  // Fill mode has no queue.
  EXPECT_EQ(ccsim("run " + scenario + " --queue easy --out " + fresh_dir("fill-q").string()).code, 2);
}

TEST(Cli, WorkloadConvertThenRunTheConvertedFile)
{
  const fs::path dir = fresh_dir("convert");
  fs::create_directories(dir);
  // A small Tiresias-format trace written here, so the test needs no shared data.
  std::ofstream(dir / "jobs.csv") << "job_id,num_gpu,submit_time,iterations,model_name,duration,interval\n"
                                     "0,1,0,606,vgg19,164,30\n1,8,30,133,vgg11,147,23\n2,2,53,10,resnet,40,0\n";
  const Result conv = ccsim("workload convert " + (dir / "jobs.csv").string() + " --format tiresias --out " +
                            (dir / "jobs.json").string());
  ASSERT_EQ(conv.code, 0) << conv.output;
  EXPECT_NE(conv.output.find("read 3, kept 3"), std::string::npos) << conv.output;
  const auto converted = nlohmann::json::parse(read_file(dir / "jobs.json"));
  ASSERT_EQ(converted["jobs"].size(), 3U);
  EXPECT_EQ(converted["jobs"][1]["accelerators"], 8);
  EXPECT_EQ(converted["source"]["format"], "tiresias");
  std::ofstream(dir / "s.json") << R"({"name": "conv", "sites": [{"name": "s", "region": "east", "racks": [{"count": 1,
      "nodes_per_rack": 2, "node": {"accelerator": "H100-SXM", "count": 8}}]}],
      "workload": {"format": "ccsim", "path": "jobs.json"}, "output": {"timeseries_interval_s": 0}})";
  const Result run = ccsim("run " + (dir / "s.json").string() + " --out " + (dir / "out").string());
  ASSERT_EQ(run.code, 0) << run.output;
  EXPECT_NE(run.output.find("3 submitted, 3 completed"), std::string::npos) << run.output;
  // A malformed trace: exit 2, the line named, no output file left behind.
  std::ofstream(dir / "bad.csv") << "job_id,num_gpu,submit_time,duration\n0,1,0,5\n1,two,3,4\n";
  const Result bad = ccsim("workload convert " + (dir / "bad.csv").string() + " --format tiresias --out " +
                           (dir / "bad.json").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("line 3: num_gpu is \"two\""), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(dir / "bad.json"));
  EXPECT_EQ(
      ccsim("workload convert " + (dir / "jobs.csv").string() + " --format nope --out " + (dir / "x.json").string())
          .code,
      2);
}

TEST(Cli, DefaultScenarioRunsUnderEveryPolicyPair)
{
  // The bundled scenario has power-capped racks and several types per site: every queue policy with every
  // placement policy must finish it (regressions: easy + first-fit overbooked a capped rack; conservative
  // livelocked on a pool whose caps could never power a job).
  for (const char* queue : {"fcfs", "sjf", "priority", "easy", "conservative"})
    for (const char* placement : {"first-fit", "best-fit", "power-aware", "heterogeneity-aware", "compact"}) {
      const Result r = ccsim(std::string("run --queue ") + queue + " --placement " + placement + " -q --out " +
                             fresh_dir(std::string("default-") + queue + "-" + placement).string());
      EXPECT_EQ(r.code, 0) << queue << " + " << placement << ": " << r.output;
    }
}

namespace {
//! Runs each benchmark scenario of scenarios/bench/manifest.json that does (`shared`) or does not need
//! ../shared/data and checks it against its baseline in strict mode: any change of any metric, better or worse,
//! fails (a bug that under-counts energy must not pass as an improvement). Returns how many were checked.
int check_bench_scenarios(bool shared)
{
  const fs::path bench = SOURCE / "scenarios/bench";
  const auto manifest = nlohmann::json::parse(read_file(bench / "manifest.json"));
  int checked = 0;
  for (const auto& run : manifest["runs"]) {
    if (run.value("needs_shared_data", false) != shared)
      continue;
    std::string args;
    for (const auto& a : run["args"])
      args += " " + a.get<std::string>();
    const std::string name = run["baseline"].get<std::string>();
    const fs::path out = fresh_dir("bench-" + name);
    const Result r =
        ccsim("run " + (bench / run["scenario"].get<std::string>()).string() + args + " -q --out " + out.string());
    EXPECT_EQ(r.code, 0) << name << ": " << r.output;
    if (r.code != 0)
      continue;
    const Result c = ccsim("check --strict " + out.string() + " --baseline " + (bench / name).string());
    EXPECT_EQ(c.code, 0) << name << ":\n" << c.output;
    EXPECT_NE(c.output.find("check (strict): "), std::string::npos) << c.output;
    checked++;
  }
  return checked;
}
} // namespace

TEST(Cli, BenchScenariosMatchTheirBaselines)
{
  EXPECT_GE(check_bench_scenarios(false), 6);
}

TEST(Cli, BenchScenariosOnSharedTracesMatchTheirBaselines)
{
  if (not fs::exists(SOURCE / "../shared/data"))
    GTEST_SKIP() << "../shared/data is absent: the benchmark scenarios that replay its traces are not checked";
  EXPECT_GE(check_bench_scenarios(true), 1);
}

TEST(Cli, CheckFailsOnAPlantedRegressionOnly)
{
  const fs::path dir = fresh_dir("check");
  ASSERT_EQ(ccsim("run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + " -q --out " + (dir / "r").string() +
                  " --save-baseline " + (dir / "base.json").string())
                .code,
            0);
  auto base = nlohmann::json::parse(read_file(dir / "base.json"));
  ASSERT_TRUE(base["metrics"].contains("/wait_s/mean"));
  EXPECT_EQ(ccsim("check " + (dir / "r").string() + " --baseline " + (dir / "base.json").string()).code, 0);
  // The baseline waited less: now is worse -> exit 3 (a regression: not 1, an internal error), and the line says so.
  const double wait = base["metrics"]["/wait_s/mean"].get<double>();
  auto planted = base;
  planted["metrics"]["/wait_s/mean"] = wait / 2;
  std::ofstream(dir / "worse.json") << planted.dump();
  const Result worse = ccsim("check " + (dir / "r").string() + " --baseline " + (dir / "worse.json").string());
  EXPECT_EQ(worse.code, 3) << worse.output;
  EXPECT_NE(worse.output.find("/wait_s/mean"), std::string::npos);
  EXPECT_NE(worse.output.find("REGRESSION"), std::string::npos);
  // A tolerance wide enough accepts it; an improvement never fails.
  EXPECT_EQ(ccsim("check " + (dir / "r").string() + " --baseline " + (dir / "worse.json").string() +
                  " --tolerance /wait_s=1.5")
                .code,
            0);
  planted["metrics"]["/wait_s/mean"] = wait * 2;
  std::ofstream(dir / "better.json") << planted.dump();
  const Result better = ccsim("check " + (dir / "r").string() + " --baseline " + (dir / "better.json").string());
  EXPECT_EQ(better.code, 0) << better.output;
  EXPECT_NE(better.output.find("better"), std::string::npos);
  // Strict mode fails on any change, better too, and says which way it moved.
  const Result strict_better =
      ccsim("check --strict " + (dir / "r").string() + " --baseline " + (dir / "better.json").string());
  EXPECT_EQ(strict_better.code, 3) << strict_better.output;
  EXPECT_NE(strict_better.output.find("CHANGED (better)"), std::string::npos) << strict_better.output;
  EXPECT_EQ(ccsim("check --strict " + (dir / "r").string() + " --baseline " + (dir / "base.json").string()).code, 0);
  // ... and on a metric the baseline does not have (the summary's shape changed).
  auto fewer = base;
  fewer["metrics"].erase("/makespan_s");
  std::ofstream(dir / "fewer.json") << fewer.dump();
  EXPECT_EQ(ccsim("check " + (dir / "r").string() + " --baseline " + (dir / "fewer.json").string()).code, 0);
  const Result strict_fewer =
      ccsim("check --strict " + (dir / "r").string() + " --baseline " + (dir / "fewer.json").string());
  EXPECT_EQ(strict_fewer.code, 3) << strict_fewer.output;
  EXPECT_NE(strict_fewer.output.find("/makespan_s"), std::string::npos) << strict_fewer.output;
  EXPECT_NE(strict_fewer.output.find("CHANGED (not in baseline)"), std::string::npos) << strict_fewer.output;
  // A changed experiment (another platform size) is a regression whatever its direction.
  planted = base;
  planted["metrics"]["/platform/accelerators"] = 999;
  std::ofstream(dir / "other.json") << planted.dump();
  EXPECT_EQ(ccsim("check " + (dir / "r").string() + " --baseline " + (dir / "other.json").string()).code, 3);
  // Bad input: exit 2.
  std::ofstream(dir / "bad.json") << R"({"metrics": {"/wait_s/mean": "x"}})";
  EXPECT_EQ(ccsim("check " + (dir / "r").string() + " --baseline " + (dir / "bad.json").string()).code, 2);
  EXPECT_EQ(ccsim("check " + (dir / "missing").string() + " --baseline " + (dir / "base.json").string()).code, 2);
  EXPECT_EQ(
      ccsim("check " + (dir / "r").string() + " --baseline " + (dir / "base.json").string() + " --tolerance nope").code,
      2);
}

// Issue 26: what a CI pipeline needs from check.
TEST(Cli, CheckServesCiPipelines)
{
  const fs::path dir = fresh_dir("check-ci");
  const std::string scenario = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  ASSERT_EQ(ccsim("run " + scenario + " -q --out " + (dir / "r").string() + " --save-baseline " +
                  (dir / "base.json").string())
                .code,
            0);
  const std::string results = (dir / "r").string();
  // A tolerance that names no metric is refused before anything is printed, with the closest names.
  for (const std::string t : {"/wiat_s/mean=10", "wait_s=10", "/wait=10"}) {
    const Result r = ccsim("check " + results + " --baseline " + (dir / "base.json").string() + " --tolerance " + t);
    EXPECT_EQ(r.code, 2) << t << r.output;
    EXPECT_NE(r.output.find("names no metric of the baseline or the results"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("verdict"), std::string::npos) << r.output; // no table header first
  }
  const Result typo =
      ccsim("check " + results + " --baseline " + (dir / "base.json").string() + " --tolerance /wiat_s/mean=10");
  EXPECT_NE(typo.output.find("closest: /wait_s/mean"), std::string::npos) << typo.output;
  // A malformed baseline: the error alone, no table header.
  std::ofstream(dir / "bad.json")
      << R"({"ccsim_baseline": 1, "scenario": "fcfs-3jobs", "metrics": {"/wait_s/mean": "x"}})";
  const Result bad = ccsim("check " + results + " --baseline " + (dir / "bad.json").string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_EQ(bad.output.find("verdict"), std::string::npos) << bad.output;
  // Another run's summary.json serves as the baseline (an A/B of two result folders): a faster machine would not
  // change it, another seed does.
  ASSERT_EQ(ccsim("run " + scenario + " -q --seed 9 --out " + (dir / "s9").string()).code, 0);
  const Result ab = ccsim("check " + results + " --baseline " + (dir / "r" / "summary.json").string());
  EXPECT_EQ(ab.code, 0) << ab.output;
  const Result seeds = ccsim("check " + results + " --baseline " + (dir / "s9" / "summary.json").string() +
                             " --fail-on-experiment-change --only-failures");
  EXPECT_EQ(seeds.code, 4) << seeds.output;
  EXPECT_NE(seeds.output.find("EXPERIMENT CHANGED: seed: 9 in the baseline, 7 now"), std::string::npos) << seeds.output;
  // --only-failures lists the failed rows only; --format json is one document; --junit writes XML for CI servers.
  auto base = nlohmann::json::parse(read_file(dir / "base.json"));
  base["metrics"]["/wait_s/mean"] = base["metrics"]["/wait_s/mean"].get<double>() / 2;
  std::ofstream(dir / "worse.json") << base.dump();
  const std::string worse = " --baseline " + (dir / "worse.json").string();
  const Result only = ccsim("check " + results + worse + " --only-failures");
  EXPECT_EQ(only.code, 3) << only.output;
  EXPECT_NE(only.output.find("/wait_s/mean"), std::string::npos) << only.output;
  EXPECT_EQ(only.output.find("/makespan_s"), std::string::npos) << only.output;
  const Result json =
      ccsim("check " + results + worse + " --format json --only-failures --junit " + (dir / "junit.xml").string());
  EXPECT_EQ(json.code, 3) << json.output;
  const auto doc = nlohmann::json::parse(json.output);
  EXPECT_EQ(doc["verdict"], "regression");
  EXPECT_EQ(doc["exit_code"], 3);
  ASSERT_EQ(doc["metrics"].size(), 1U);
  EXPECT_EQ(doc["metrics"][0]["metric"], "/wait_s/mean");
  EXPECT_EQ(doc["metrics"][0]["verdict"], "REGRESSION");
  const std::string xml = read_file(dir / "junit.xml");
  EXPECT_NE(xml.find(R"(<testsuite name="ccsim check fcfs-3jobs" tests=")"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(failures="1")"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(name="/wait_s/mean"><failure message="REGRESSION: )"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(name="/makespan_s"></testcase>)"), std::string::npos) << xml;
  // Directions (docs/metrics.md): a lower effective PUE is better; more accelerator-hours held for the same work
  // are not; tau is a parameter.
  auto directions = nlohmann::json::parse(read_file(dir / "base.json"));
  directions["metrics"]["/pue/effective"] = directions["metrics"]["/pue/effective"].get<double>() * 1.1;
  directions["metrics"]["/accelerator_hours/busy"] = directions["metrics"]["/accelerator_hours/busy"].get<double>() / 2;
  directions["metrics"]["/bounded_slowdown/tau_s"] = 20;
  std::ofstream(dir / "dir.json") << directions.dump();
  const Result d = ccsim("check " + results + " --baseline " + (dir / "dir.json").string() + " --format json");
  const auto verdicts = nlohmann::json::parse(d.output)["metrics"];
  for (const auto& m : verdicts) {
    if (m["metric"] == "/pue/effective") {
      EXPECT_EQ(m["verdict"], "better");
    } else if (m["metric"] == "/accelerator_hours/busy") {
      EXPECT_EQ(m["verdict"], "REGRESSION");
    } else if (m["metric"] == "/bounded_slowdown/tau_s") {
      EXPECT_EQ(m["verdict"], "REGRESSION (changed)");
    }
  }
}

// Issue 26: one command runs and checks every benchmark scenario (no hand-written loop in CI).
TEST(Cli, ExplainPrintsTheBottleneckOfAHandComputedRun)
{
  // fcfs-3jobs (docs/metrics.md): j2 (2 accelerators) waits 10 s for capacity, j3 9 s behind j2 (policy) then 5 s
  // for capacity: 25 accelerator-s of capacity (0.006944 h) and 9 of policy (0.0025 h).
  const fs::path dir = fresh_dir("explain");
  ASSERT_EQ(
      ccsim("run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + " -q --out " + (dir / "r").string()).code,
      0);
  const Result r = ccsim("explain " + (dir / "r").string() + " --bottleneck");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output, (dir / "r").string() + ": 0.009444 accelerator-hours waited\n"
                                             "  capacity           0.006944 h   73.5 %\n"
                                             "  policy               0.0025 h   26.5 %\n"
                                             "  eligibility           0.000 h    0.0 %\n"
                                             "  fragmentation         0.000 h    0.0 %\n"
                                             "  power_cap             0.000 h    0.0 %\n"
                                             "  staging               0.000 h    0.0 %\n"
                                             "bottleneck  capacity\n"
                                             "what-if     more GPU-X at alpha\n"
                                             "  type      GPU-X 0.006944 h\n"
                                             "  site      alpha 0.006944 h\n"
                                             "  class     training 0.006944 h\n"
                                             "  size      2 accelerators 0.005556 h, 1 accelerator 0.001389 h\n");
  // A summary without attribution, or with a negative figure: located errors, exit 2.
  std::ofstream(dir / "plain.json") << R"({"wait_s": {"mean": 1}})";
  const Result plain = ccsim("explain " + (dir / "plain.json").string() + " --bottleneck");
  EXPECT_EQ(plain.code, 2);
  EXPECT_NE(plain.output.find("plain.json: /wait_causes: expected the summary of a run whose waits were attributed"),
            std::string::npos)
      << plain.output;
  std::ofstream(dir / "neg.json") << R"({"wait_causes": {"accelerator_hours": {"policy": -1}}})";
  const Result neg = ccsim("explain " + (dir / "neg.json").string() + " --bottleneck");
  EXPECT_EQ(neg.code, 2);
  EXPECT_NE(neg.output.find("/wait_causes/accelerator_hours/policy: expected a number of accelerator-hours >= 0"),
            std::string::npos)
      << neg.output;
}

TEST(Cli, ExplainTellsOneJobsWait)
{
  // easy-reservation (docs/metrics.md "Why jobs wait"): c (1 accelerator, walltime 200) fits from 2 s, but would
  // delay b's reservation at 100: policy 2-3 and 13-100 behind b, capacity 3-13 (d, backfilled, holds the free
  // accelerator) and 100-150 (b runs, c at the head).
  const fs::path dir = fresh_dir("explain-job");
  const std::string scenario = (SOURCE / "scenarios/small/easy-reservation.json").string();
  ASSERT_EQ(ccsim("run " + scenario + " -q --out " + (dir / "r").string()).code, 0);
  const Result r = ccsim("explain " + (dir / "r").string() + " --job c");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(
      r.output,
      "job c: 1 accelerator (training, bf16), walltime 200 s\n"
      "  2 s          +0 s       submitted\n"
      "  2 s          +0 s       policy        it fits, but the queue policy holds it; behind b (the queue's head)\n"
      "  3 s          +1 s       capacity      too few accelerators are free, of any type; behind b (the queue's "
      "head)\n"
      "  13 s         +11 s      policy        it fits, but the queue policy holds it; behind b (the queue's head)\n"
      "  100 s        +98 s      capacity      too few accelerators are free, of any type; it heads the queue\n"
      "  150 s        +2.5 min   started after waiting 148 s (policy 88 s, capacity 60 s)\n"
      "  155 s        +2.5 min   ended after running 5 s at alpha on GPU-X, accelerators 0\n");
  const Result d = ccsim("explain " + (dir / "r").string() + " --job d");
  EXPECT_EQ(d.output, "job d: 1 accelerator (training, bf16), walltime 50 s\n"
                      "  3 s          +0 s       submitted\n"
                      "  3 s          +0 s       started at once\n"
                      "  13 s         +10 s      ended after running 10 s at alpha on GPU-X, accelerators 3\n");
  const Result j = ccsim("explain " + (dir / "r").string() + " --job c --json");
  ASSERT_EQ(j.code, 0) << j.output;
  const auto story = nlohmann::json::parse(j.output);
  EXPECT_EQ(story.at("wait_by_cause_s").at("policy"), 88.0);
  ASSERT_EQ(story.at("intervals").size(), 4U);
  EXPECT_EQ(story["intervals"][1].at("cause"), "capacity");
  EXPECT_EQ(story["intervals"][1].at("behind").at(0).at("job_id"), "b");
  EXPECT_EQ(story["intervals"][3].at("at_head"), true);

  // Mistakes: located, exit 2.
  const auto fails_with = [&](const std::string& args, const std::string& message) {
    const Result bad = ccsim("explain " + args);
    EXPECT_EQ(bad.code, 2) << args << "\n" << bad.output;
    EXPECT_NE(bad.output.find(message), std::string::npos) << args << "\n" << bad.output;
  };
  fails_with((dir / "r").string() + " --job zz", "jobs.csv: expected a job with id \"zz\"");
  fails_with((dir / "r").string(), "expected --bottleneck or --job ID");
  fails_with((dir / "r").string() + " --job c --bottleneck", "excludes");
  // A log that does not tile c's wait (a row lost), and a run without attribution.
  std::string log = read_file(dir / "r" / "wait_log.csv");
  log.erase(log.find("c,3,13,capacity,0\n"), 18);
  std::ofstream(dir / "r" / "wait_log.csv") << log;
  fails_with((dir / "r").string() + " --job c", "wait_log.csv: expected job \"c\"'s rows to tile its wait from 2 s");
  ASSERT_EQ(ccsim("run " + scenario + " -q --set /output/wait_causes=false --out " + (dir / "off").string()).code, 0);
  EXPECT_FALSE(fs::exists(dir / "off" / "wait_log.csv"));
  fails_with((dir / "off").string() + " --job c", "expected the wait log of a run whose waits were attributed");
  // Attributed, but the log turned off (output.wait_log): the causes are there, the story is not.
  ASSERT_EQ(ccsim("run " + scenario + " -q --set /output/wait_log=false --out " + (dir / "nolog").string()).code, 0);
  EXPECT_FALSE(fs::exists(dir / "nolog" / "wait_log.csv"));
  EXPECT_NE(read_file(dir / "nolog" / "summary.json").find("\"wait_causes\""), std::string::npos);
  fails_with((dir / "nolog").string() + " --job c", "nolog/wait_log.csv: expected the wait log");
}

TEST(Cli, CheckRunsAManifest)
{
  const bool shared = fs::exists(SOURCE / "../shared/data");
  const Result all = ccsim("check --strict --manifest " + (SOURCE / "scenarios/bench/manifest.json").string());
  EXPECT_EQ(all.code, 0) << all.output;
  EXPECT_NE(all.output.find(shared ? "7 runs: 7 passed, 0 failed, 0 skipped" : "7 runs: 6 passed, 0 failed, 1 skipped"),
            std::string::npos)
      << all.output;
  // A manifest with a regressed baseline and a scenario that does not exist: both reported, one exit code (the run
  // that failed on bad input: 2), and JUnit with a failure for each.
  const fs::path dir = fresh_dir("manifest");
  const std::string scenario = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  ASSERT_EQ(ccsim("run " + scenario + " -q --out " + (dir / "r").string() + " --save-baseline " +
                  (dir / "base.json").string())
                .code,
            0);
  auto worse = nlohmann::json::parse(read_file(dir / "base.json"));
  worse["metrics"]["/wait_s/mean"] = worse["metrics"]["/wait_s/mean"].get<double>() / 2;
  std::ofstream(dir / "worse.json") << worse.dump();
  nlohmann::json manifest = {{"runs",
                              {{{"baseline", "worse.json"}, {"scenario", scenario}, {"args", nlohmann::json::array()}},
                               {{"baseline", "base.json"}, {"scenario", "nowhere.json"}}}}};
  std::ofstream(dir / "m.json") << manifest.dump();
  const Result r = ccsim("check --manifest " + (dir / "m.json").string() + " --junit " + (dir / "j.xml").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("worse.json: regression (102 metrics: 1 regressed"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/wait_s/mean"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("base.json: RUN FAILED (ccsim run exited 2)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 runs: 0 passed, 2 failed, 0 skipped"), std::string::npos) << r.output;
  const std::string xml = read_file(dir / "j.xml");
  EXPECT_NE(xml.find(R"(name="run"><failure message="ccsim run exited 2)"), std::string::npos) << xml;
  EXPECT_NE(xml.find(R"(name="/wait_s/mean"><failure)"), std::string::npos) << xml;
  // Only the regression: exit 3. RESULTS with --manifest, or neither: bad input.
  manifest["runs"].erase(1);
  std::ofstream(dir / "m.json") << manifest.dump();
  EXPECT_EQ(ccsim("check --manifest " + (dir / "m.json").string()).code, 3);
  EXPECT_EQ(ccsim("check " + (dir / "r").string() + " --manifest " + (dir / "m.json").string()).code, 2);
  EXPECT_EQ(ccsim("check").code, 2);
  std::ofstream(dir / "bad.json") << R"({"runs": [{"baseline": 3}]})";
  const Result bad = ccsim("check --manifest " + (dir / "bad.json").string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("bad.json: /runs/0/baseline: expected a file name"), std::string::npos) << bad.output;
}

// Issue 17: check passed "metrics": {} (0 checked), another scenario's baseline and "ccsim_baseline": 2.
TEST(Cli, CheckRefusesBaselinesThatCheckNothingOrAreOfAnotherScenario)
{
  const fs::path dir = fresh_dir("check-foreign");
  const std::string scenario = (SOURCE / "scenarios/small/fcfs-3jobs.json").string();
  ASSERT_EQ(ccsim("run " + scenario + " -q --out " + (dir / "r").string() + " --save-baseline " +
                  (dir / "base.json").string())
                .code,
            0);
  const auto base = nlohmann::json::parse(read_file(dir / "base.json"));
  const auto check_with = [&](const nlohmann::json& b, const std::string& options = "") {
    std::ofstream(dir / "b.json") << b.dump();
    return ccsim("check " + options + (dir / "r").string() + " --baseline " + (dir / "b.json").string());
  };
  auto empty = base;
  empty["metrics"] = nlohmann::json::object();
  Result r = check_with(empty);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("b.json: /metrics: expected at least one metric"), std::string::npos) << r.output;
  auto version = base;
  version["ccsim_baseline"] = 2;
  r = check_with(version);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("b.json: /ccsim_baseline: expected 1, the baseline format this ccsim reads, found number 2"),
            std::string::npos)
      << r.output;
  version.erase("ccsim_baseline");
  EXPECT_EQ(check_with(version).code, 2);
  auto other = base;
  other["scenario"] = "default";
  r = check_with(other);
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("b.json: /scenario: the baseline is of scenario \"default\" and the results of "
                          "\"fcfs-3jobs\""),
            std::string::npos)
      << r.output;
  // The same scenario with other inputs (its file or --set edits changed): said loudly, and fatal (exit 4) in
  // strict mode or with --fail-on-experiment-change (issue 26).
  auto edited = base;
  edited["scenario_sha256"] = std::string(64, '0');
  r = check_with(edited);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("EXPERIMENT CHANGED: scenario sha256 (its file or --set edits): 0000"), std::string::npos)
      << r.output;
  EXPECT_EQ(check_with(edited, "--strict ").code, 4);
  EXPECT_EQ(check_with(edited, "--fail-on-experiment-change ").code, 4);
  // Another seed or other policies than the baseline's: the same.
  auto seeded = base;
  seeded["seed"] = 8;
  r = check_with(seeded, "--fail-on-experiment-change ");
  EXPECT_EQ(r.code, 4) << r.output;
  EXPECT_NE(r.output.find("EXPERIMENT CHANGED: seed: 8 in the baseline, 7 now"), std::string::npos) << r.output;
  auto policies = base;
  ASSERT_EQ(policies["queue"], "fcfs");
  policies["queue"] = "easy";
  r = check_with(policies, "--fail-on-experiment-change ");
  EXPECT_EQ(r.code, 4) << r.output;
  EXPECT_NE(r.output.find("EXPERIMENT CHANGED: queue policy: easy in the baseline, fcfs now"), std::string::npos)
      << r.output;
  EXPECT_EQ(check_with(base, "--strict ").code, 0);
}

TEST(Cli, CompareRunsFillModePolicies)
{
  if (not fs::exists(SOURCE / "../shared/data/gpu/alibaba-openb-v2023"))
    GTEST_SKIP() << "../shared/data/gpu is absent: skipping the openb fill comparison";
  const fs::path out = fresh_dir("compare-fill");
  const Result r = ccsim("compare " + (SOURCE / "scenarios/fill/openb-default.json").string() +
                         " --policies fill-best-fit,random --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string csv = read_file(out / "compare.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "policy,tasks_placed,tasks_failed,allocation_ratio_at_full_demand,"
                                           "allocation_ratio_final,fragmentation_ratio_final,first_failure_percent");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
}

namespace {
//! Writes a sweep over scenarios/small/fcfs-3jobs.json (FCFS or EASY x j1's duration 10 or 20 s, 2 seeds).
fs::path write_sweep(const fs::path& dir, const std::string& axes, const std::string& extra = "")
{
  fs::create_directories(dir);
  const fs::path file = dir / "sweep.json";
  std::ofstream(file) << R"({"scenario": ")" << (SOURCE / "scenarios/small/fcfs-3jobs.json").string()
                      << R"(", "axes": )" << axes << extra << "}";
  return file;
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text)
{
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::istringstream l(line);
    for (std::string c; std::getline(l, c, ',');)
      cells.push_back(c);
    rows.push_back(cells);
  }
  return rows;
}
} // namespace

TEST(Cli, SweepOfTwoAxesAndTwoSeedsGivesTheExpectedRowsAndDeltas)
{
  // Hand-computed makespans (2 accelerators; j1 1 acc, j2 2 acc, j3 1 acc submitted at 1 s, walltimes 20/5/4):
  // FCFS: j1, then j2, then j3: 10 + 5 + 3 = 18 s (j1 = 10 s) and 20 + 5 + 3 = 28 s (j1 = 20 s).
  // EASY: j3 backfills at 1 s (ends by 5 <= j2's reservation at 20); j2 runs when j1 ends: 15 s and 25 s.
  // Inline jobs do not depend on the seed, so every confidence interval is 0. Baseline: FCFS, j1 = 10.
  const fs::path dir = fresh_dir("sweep");
  const fs::path file = write_sweep(dir, R"([{"name": "queue", "path": "/scheduler/queue", "values": ["fcfs", "easy"]},
      {"name": "j1", "path": "/workload/jobs/0/duration_s", "values": [10, 20]}])",
                                    R"(, "seeds": 2, "baseline": {"queue": "fcfs", "j1": 10})");
  const Result r = ccsim("sweep " + file.string() + " --out " + (dir / "out").string() + " -j 2");
  ASSERT_EQ(r.code, 0) << r.output;
  // Its stderr is a pipe, not a terminal: one progress line per point, no carriage returns (issue 26: logs).
  EXPECT_EQ(r.output.find('\r'), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("sweep: 8/8 points (0 already done)"), std::string::npos) << r.output;
  const auto points = csv_rows(read_file(dir / "out" / "sweep.csv"));
  ASSERT_EQ(points.size(), 9U); // header + 2 x 2 configs x 2 seeds
  EXPECT_EQ(points[1][0], "c0-s1");
  EXPECT_EQ(points[1][4], "fcfs");
  EXPECT_EQ(points[8][0], "c3-s2");
  std::map<std::string, std::vector<std::string>> makespan; // "queue/j1" -> row
  for (const auto& row : csv_rows(read_file(dir / "out" / "deltas.csv")))
    if (row.size() > 3 && row[3] == "/makespan_s")
      makespan[row[1] + "/" + row[2]] = row;
  ASSERT_EQ(makespan.size(), 4U);
  // config, queue, j1, metric, n, mean, ci95, baseline_mean, delta, delta_ci95
  EXPECT_EQ(makespan["fcfs/10"],
            (std::vector<std::string>{"0", "fcfs", "10", "/makespan_s", "2", "18", "0", "18", "0", "0"}));
  EXPECT_EQ(makespan["fcfs/20"][5], "28");
  EXPECT_EQ(makespan["fcfs/20"][8], "10");
  EXPECT_EQ(makespan["easy/10"][5], "15");
  EXPECT_EQ(makespan["easy/10"][8], "-3");
  EXPECT_EQ(makespan["easy/20"][5], "25");
  EXPECT_EQ(makespan["easy/20"][8], "7");
  // A rerun resumes: nothing left to run.
  const Result again = ccsim("sweep " + file.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("8 points (0 run now, 8 recorded before, 0 failed)"), std::string::npos) << again.output;
  // Another sweep into the same folder is refused.
  const fs::path other = write_sweep(dir / "other", R"([{"path": "/scheduler/queue", "values": ["sjf"]}])");
  const Result refused = ccsim("sweep " + other.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.output.find("holds a different sweep"), std::string::npos) << refused.output;
}

TEST(Cli, SweepGivesTheSameResultsWithOneOrTwoPointsAtATime)
{
  // east-west.json generates its jobs from the seed (half a day of them here, ~300 jobs, with data staged over
  // SimGrid): 2 queue policies x 3 seeds. Run one point at a time and two at a time: sweep.csv without its wall_s
  // column, deltas.csv and every point's summary.json and jobs.csv are byte-identical.
  const fs::path dir = fresh_dir("sweep-j");
  fs::create_directories(dir);
  std::ofstream(dir / "sweep.json") << R"({"scenario": ")" << (SOURCE / "scenarios/east-west.json").string()
                                    << R"(", "axes": [{"name": "queue", "path": "/scheduler/queue",
                                          "values": ["fcfs", "easy"]}], "seeds": 3,
                                          "args": ["--set", "/workload/generate/horizon_s=43200"]})";
  for (const char* j : {"1", "2"}) {
    const Result r = ccsim("sweep " + (dir / "sweep.json").string() + " --out " + (dir / j).string() + " -q -j " + j);
    ASSERT_EQ(r.code, 0) << r.output;
  }
  const auto without_wall = [](const fs::path& csv) {
    auto rows = csv_rows(read_file(csv));
    for (auto& r : rows) {
      EXPECT_GT(r.size(), 3U);
      if (r.size() > 3)
        r.erase(r.begin() + 3);
    }
    return rows;
  };
  const auto one = without_wall(dir / "1" / "sweep.csv");
  ASSERT_EQ(one.size(), 7U);
  EXPECT_EQ(one, without_wall(dir / "2" / "sweep.csv"));
  EXPECT_EQ(read_file(dir / "1" / "deltas.csv"), read_file(dir / "2" / "deltas.csv"));
  int compared = 0;
  for (const auto& e : fs::directory_iterator(dir / "1" / "points")) {
    for (const char* file : {"summary.json", "jobs.csv"}) {
      const fs::path a = e.path() / "out" / file;
      const fs::path b = dir / "2" / "points" / e.path().filename() / "out" / file;
      ASSERT_TRUE(fs::exists(a)) << a;
      EXPECT_EQ(read_file(a), read_file(b)) << a << " and " << b << " differ";
      compared++;
    }
  }
  EXPECT_EQ(compared, 12);
  // The seeds do change the workload: the three FCFS points differ from each other.
  EXPECT_NE(read_file(dir / "1" / "points" / "c0-s1" / "out" / "jobs.csv"),
            read_file(dir / "1" / "points" / "c0-s2" / "out" / "jobs.csv"));
}

TEST(Cli, SweepResumedAfterSigkillRecordsEveryPointExactlyOnce)
{
  // 40 points, one at a time; SIGKILL the sweep once a few points have finished, then rerun it.
  const fs::path dir = fresh_dir("sweep-kill");
  std::string values;
  for (int d = 1; d <= 40; d++)
    values += (d > 1 ? ", " : "") + std::to_string(d);
  const fs::path file =
      write_sweep(dir, R"([{"name": "j1", "path": "/workload/jobs/0/duration_s", "values": [)" + values + "]}]");
  const fs::path out = dir / "out";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl(CCSIM_BIN, CCSIM_BIN, "sweep", file.c_str(), "--out", out.c_str(), "-q", static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto finished = [&out] {
    int n = 0;
    if (fs::exists(out / "points"))
      for (const auto& e : fs::directory_iterator(out / "points"))
        n += fs::exists(e.path() / "out" / "summary.json") ? 1 : 0;
    return n;
  };
  for (int i = 0; i < 6000 && finished() < 3; i++)
    usleep(5000);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sweep ended before it could be killed";
  ASSERT_FALSE(fs::exists(out / "sweep.csv"));
  const Result r = ccsim("sweep " + file.string() + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  // Some points were recorded before the kill and skipped now, the others run now.
  std::size_t now = 0;
  std::size_t before = 0;
  const auto at = r.output.find("sweep: 40 points (");
  ASSERT_NE(at, std::string::npos) << r.output;
  ASSERT_EQ(std::sscanf(r.output.c_str() + at, "sweep: 40 points (%zu run now, %zu recorded before", &now, &before), 2)
      << r.output;
  EXPECT_EQ(now + before, 40U);
  EXPECT_GE(before, 2U);
  EXPECT_LT(before, 40U);
  const auto rows = csv_rows(read_file(out / "sweep.csv"));
  ASSERT_EQ(rows.size(), 41U);
  std::set<std::string> ids;
  for (std::size_t i = 1; i < rows.size(); i++)
    ids.insert(rows[i][0]);
  EXPECT_EQ(ids.size(), 40U);
}

TEST(Cli, SweepFileMistakesAreLocated)
{
  const fs::path dir = fresh_dir("sweep-bad");
  const fs::path file =
      write_sweep(dir, R"([{"path": "scheduler", "values": []}])", R"(, "seeds": 0, "baseline": {"nope": 1})");
  const Result r = ccsim("sweep " + file.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("/axes/0/path: expected a JSON pointer"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/axes/0/values: expected a non-empty array"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/seeds: expected a count"), std::string::npos) << r.output;
  // A scenario path the kernel refuses (a name past NAME_MAX, found by the sweep fuzz target): exit 2, not 1.
  std::ofstream(dir / "long.json") << R"({"scenario": ")" << std::string(300, 'x')
                                   << R"(.json", "axes": [{"path": "/seed", "values": [1]}]})";
  const Result too_long = ccsim("sweep " + (dir / "long.json").string() + " --out " + (dir / "out").string());
  EXPECT_EQ(too_long.code, 2) << too_long.output;
  EXPECT_NE(too_long.output.find("/scenario: cannot use the scenario file (File name too long): "), std::string::npos)
      << too_long.output;
  // A path with "=" cannot reach `ccsim run --set POINTER=VALUE` whole: the split at the first "=" would cut it (the
  // sweep fuzz target checks that every axis value comes back from its --set text).
  const fs::path eq = write_sweep(dir, R"([{"path": "/accelerators/a=b/memory_gib", "values": [1]}])");
  const Result e = ccsim("sweep " + eq.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(e.code, 2) << e.output;
  EXPECT_NE(e.output.find("/axes/0/path: a path with \"=\" cannot be given to `ccsim run --set POINTER=VALUE`"),
            std::string::npos)
      << e.output;
  // Three axes named alike: one error for each of the last two (each axis was compared with every earlier one and
  // reported once per match: 2,000 unnamed axes, found by the sweep fuzz target, made 2 million errors in 12 s).
  const fs::path dup = write_sweep(
      dir, R"([{"path": "/seed", "values": [1]}, {"path": "/seed", "values": [2]}, {"path": "/seed", "values": [3]}])");
  const Result d = ccsim("sweep " + dup.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(d.code, 2) << d.output;
  std::size_t duplicates = 0;
  for (std::size_t at = d.output.find("duplicate axis name"); at != std::string::npos;
       at = d.output.find("duplicate axis name", at + 1))
    duplicates++;
  EXPECT_EQ(duplicates, 2U) << d.output;
  EXPECT_NE(d.output.find("/axes/2/name: duplicate axis name \"/seed\""), std::string::npos) << d.output;
}

//! The pids of processes whose command line contains `needle`.
std::vector<pid_t> processes_with(const std::string& needle)
{
  std::vector<pid_t> found;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.empty() || not std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    std::string cmdline = read_file(e.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(needle) != std::string::npos)
      found.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return found;
}

// Issue 17: after a kill -9 of a sweep, its running `ccsim run` children went on to the end. They now die with it.
TEST(Cli, SweepPointsDieWithAKilledSweep)
{
  const fs::path dir = fresh_dir("sweep-orphans");
  fs::create_directories(dir);
  // Two points of a few seconds each, both running at once.
  std::ofstream(dir / "sweep.json") << R"({"scenario": ")" << (SOURCE / "scenarios/national.json").string()
                                    << R"(", "axes": [{"name": "h", "path": "/workload/generate/horizon_s",
                                          "values": [86400, 86401]}]})";
  const fs::path out = dir / "out";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl(CCSIM_BIN, CCSIM_BIN, "sweep", (dir / "sweep.json").c_str(), "--out", out.c_str(), "-j", "2", "-q",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const std::string child_marker = (out / "points").string();
  for (int i = 0; i < 2000 && processes_with(child_marker).size() < 2; i++)
    usleep(5000);
  const std::size_t running = processes_with(child_marker).size();
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the sweep ended before it could be killed";
  ASSERT_EQ(running, 2U) << "the points did not start";
  // The kernel kills them at once; allow a moment for their exit (each runs for seconds otherwise).
  std::vector<pid_t> left = processes_with(child_marker);
  for (int i = 0; i < 200 && not left.empty(); i++) {
    usleep(10000);
    left = processes_with(child_marker);
  }
  EXPECT_TRUE(left.empty()) << left.size() << " point(s) still running after the sweep was killed";
  for (const pid_t p : left)
    kill(p, SIGKILL);
}

// Paths the kernel refuses (a component past NAME_MAX, found by the sweep fuzz target) are bad input in every
// command, not internal errors (`check` and `report` were exit 1).
TEST(Cli, PathsTheKernelRefusesAreBadInputEverywhere)
{
  const fs::path dir = fresh_dir("long-paths");
  fs::create_directories(dir);
  const std::string name = (dir / std::string(300, 'z')).string();
  for (const std::string& args :
       {"run " + name + ".json", "run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + " -q --out " + name,
        "report " + name + " -o " + (dir / "r.html").string(), "check " + name + " --baseline " + name,
        "validate " + name, "sweep " + name + " --out " + (dir / "out").string()}) {
    const Result r = ccsim(args);
    EXPECT_EQ(r.code, 2) << args.substr(0, 40) << ": " << r.output;
    EXPECT_EQ(r.output.find("internal error"), std::string::npos) << r.output;
  }
}

// Issue 17: a garbage or truncated sweep.sqlite was an internal error (exit 1); a hand-edited one was trusted (a text
// metric averaged as 0, a foreign row reached sweep.csv). Now each is exit 2, located, and nothing is rewritten.
TEST(Cli, SweepDatabasesThatAreGarbageTruncatedOrEditedAreRefused)
{
  const fs::path dir = fresh_dir("sweep-db");
  const fs::path file =
      write_sweep(dir, R"([{"name": "j1", "path": "/workload/jobs/0/duration_s", "values": [10, 20]}])");
  const fs::path good = dir / "good";
  ASSERT_EQ(ccsim("sweep " + file.string() + " --out " + good.string() + " -q").code, 0);
  // One seed: no confidence interval (empty, not 0, which would claim certainty; issue 26).
  const auto deltas = csv_rows(read_file(good / "deltas.csv"));
  ASSERT_GT(deltas.size(), 1U);
  ASSERT_EQ(deltas[0][5], "ci95");
  ASSERT_EQ(deltas[0][8], "delta_ci95");
  for (std::size_t i = 1; i < deltas.size(); i++) {
    auto row = deltas[i];
    row.resize(9); // csv_rows() drops an empty last field
    EXPECT_EQ(row[3], "1");
    EXPECT_EQ(row[5], "") << row[2];
    EXPECT_EQ(row[8], "") << row[2];
  }
  const auto refused = [&](const std::string& name, const std::string& fragment,
                           const std::function<void(const fs::path&)>& damage) {
    const fs::path out = dir / name;
    fs::create_directories(out);
    fs::copy(good, out, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    damage(out / "sweep.sqlite");
    const std::string csv_before = read_file(out / "sweep.csv");
    const Result r = ccsim("sweep " + file.string() + " --out " + out.string() + " -q");
    EXPECT_EQ(r.code, 2) << name << ": " << r.output;
    EXPECT_NE(r.output.find(fragment), std::string::npos) << name << ": " << r.output;
    EXPECT_EQ(read_file(out / "sweep.csv"), csv_before) << name << ": sweep.csv rewritten";
  };
  const auto edit = [](const std::string& sql) {
    return [sql](const fs::path& db_path) {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open(db_path.string().c_str(), &db), SQLITE_OK);
      EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
      sqlite3_close(db);
    };
  };
  refused("garbage", "sweep.sqlite: not a sweep database ccsim can read: file is not a database",
          [](const fs::path& p) { std::ofstream(p, std::ios::trunc) << std::string(8192, 'x'); });
  refused("truncated", "sweep.sqlite: not a sweep database ccsim can read: ", [](const fs::path& p) {
    const std::string bytes = read_file(p);
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 2);
  });
  refused("text-metric", "sweep.sqlite: points row 1: point \"c0-s1\" has a value of type text for metric /makespan_s",
          edit(R"(UPDATE points SET "/makespan_s" = 'fast' WHERE point = 'c0-s1')"));
  refused("foreign-row", "point \"c7-s1\" is not a point of this sweep (configuration and seed 7, 1)",
          edit(R"(INSERT INTO points (point, config, seed, wall_s, "axis:j1") VALUES ('c7-s1', 7, 1, 0, 10))"));
  refused("renamed-row", "point \"c9-s1\" has configuration 1 and seed 1, whose id is c1-s1",
          edit(R"(UPDATE points SET point = 'c9-s1' WHERE point = 'c1-s1')"));
  refused("other-axis-value", "has 15 for axis \"j1\", where its configuration has 20",
          edit(R"(UPDATE points SET "axis:j1" = 15 WHERE point = 'c1-s1')"));
  // ccsim report refuses the damaged file as well.
  const Result report = ccsim("report " + (dir / "garbage").string() + " -o " + (dir / "r.html").string());
  EXPECT_EQ(report.code, 2) << report.output;
  // The untouched copy still resumes (nothing to run) and rewrites the same sweep.csv.
  const std::string csv = read_file(good / "sweep.csv");
  EXPECT_EQ(ccsim("sweep " + file.string() + " --out " + good.string() + " -q").code, 0);
  EXPECT_EQ(read_file(good / "sweep.csv"), csv);
}

// Issue 17, item 16: two sweeps on one --out were not locked out ("database is locked", a point's files removed
// under the other, "UNIQUE constraint failed"). The second refuses at once, naming the holder; the lock goes with its
// holder (here: this test process holds it, as a running sweep would).
TEST(Cli, ASecondSweepOnTheSameFolderIsRefused)
{
  const fs::path dir = fresh_dir("sweep-lock");
  const fs::path file = write_sweep(dir, R"([{"name": "q", "path": "/scheduler/queue", "values": ["fcfs"]}])");
  const fs::path out = dir / "out";
  fs::create_directories(out);
  const int fd = ::open((out / "sweep.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  ASSERT_EQ(::write(fd, "4242", 4), 4);
  const Result refused = ccsim("sweep " + file.string() + " --out " + out.string());
  EXPECT_EQ(refused.code, 2) << refused.output;
  EXPECT_NE(refused.output.find(out.string() + ": another sweep (process 4242) is running in this folder"),
            std::string::npos)
      << refused.output;
  EXPECT_FALSE(fs::exists(out / "sweep.sqlite")) << "refused before touching anything";
  ::close(fd); // the holder ends: the folder is free again
  const Result ran = ccsim("sweep " + file.string() + " --out " + out.string());
  EXPECT_EQ(ran.code, 0) << ran.output;
  EXPECT_TRUE(fs::exists(out / "sweep.csv"));
}

// Issue 17, item 9: the documented limit, 4,194,304 nodes, took 7.8 GB and 45 s for three jobs. The limit is now
// 1,048,576 nodes (measured: 10 s, 1.8 GB in a Release build; docs/reliability.md): exactly that many validate,
// one more is refused. (Running it is left to the measurement: under AddressSanitizer it would take minutes.)
TEST(Cli, ThePlatformNodeLimitIsExact)
{
  const fs::path dir = fresh_dir("node-limit");
  fs::create_directories(dir);
  const auto platform = [&](const std::string& name, const std::string& extra_rack) {
    const fs::path f = dir / (name + ".json");
    std::ofstream(f) << R"({"sites": [{"name": "s", "region": "east", "racks": [
        {"name": "r", "count": 32768, "nodes_per_rack": 32, "node": {"accelerator": "H100-SXM", "count": 8}})"
                     << extra_rack << R"(]}], "workload": {"jobs": [{"id": "a", "submit_s": 0, "accelerators": 8,
        "duration_s": 10}]}})";
    return f;
  };
  const Result at = ccsim("validate " + platform("at", "").string());
  EXPECT_EQ(at.code, 0) << at.output;
  EXPECT_NE(at.output.find("1048576 nodes"), std::string::npos) << at.output;
  const Result over = ccsim("validate " + platform("over", R"(, {"name": "x", "count": 1, "nodes_per_rack": 1,
      "node": {"accelerator": "H100-SXM", "count": 8}})")
                                              .string());
  EXPECT_EQ(over.code, 2) << over.output;
  EXPECT_NE(over.output.find("/sites: the platform has 1048577 nodes and 8388616 accelerators (expected at most "
                             "1048576 nodes"),
            std::string::npos)
      << over.output;
}

// Issue 17, item 8: 40 two-value axes (2^40 points) ran out of memory (bad_alloc at 4.2 GB). The points are
// counted before anything is built; 1,000,000 at most.
TEST(Cli, SweepOfTooManyPointsIsRefusedBeforeAnythingIsBuilt)
{
  const fs::path dir = fresh_dir("sweep-huge");
  std::string axes;
  for (int a = 0; a < 40; a++)
    axes += std::string(a == 0 ? "" : ", ") + R"({"name": "a)" + std::to_string(a) +
            R"(", "path": "/description", "values": ["x", "y"]})";
  const fs::path file = write_sweep(dir, "[" + axes + "]", "");
  const Result r = ccsim("sweep " + file.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("/axes: 1099511627776 points (configurations x 1 seed(s)): expected at most 1000000"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(dir / "out"));
  // 1,000 x 1,000 x 2 seeds is over too.
  std::string wide;
  for (int v = 0; v < 1000; v++)
    wide += std::string(v == 0 ? "" : ", ") + std::to_string(v);
  const fs::path two = write_sweep(dir,
                                   R"([{"name": "p", "path": "/description", "values": [)" + wide +
                                       R"(]}, {"name": "q", "path": "/seed", "values": [)" + wide + "]}]",
                                   R"(, "seeds": 2)");
  const Result r2 = ccsim("sweep " + two.string() + " --out " + (dir / "out").string());
  EXPECT_EQ(r2.code, 2) << r2.output;
  EXPECT_NE(r2.output.find("2000000 points"), std::string::npos) << r2.output;
}

namespace {
// Two options over fcfs-3jobs (small_plan's hand schedule), nodes in [2, 64], one seed: "more-nodes" needs 4 nodes
// (mean waits 8, 4/3, 0 s at 2, 3, 4); "j3-later" submits j3 at 5 s, when j2 ends on 3 nodes: nobody waits at 3
// (at 2: j2 and j3 wait 10 s each), so it needs 3.
fs::path two_option_plan(const fs::path& dir)
{
  fs::create_directories(dir);
  const nlohmann::json variable = {
      {"name", "nodes"}, {"path", "/sites/0/racks/0/nodes_per_rack"}, {"min", 2}, {"max", 64}};
  const nlohmann::json plan = {{"scenario", (SOURCE / "scenarios/small/fcfs-3jobs.json").string()},
                               {"options",
                                {{{"label", "more-nodes"}, {"variable", variable}},
                                 {{"label", "j3-later"},
                                  {"patch", {{{"op", "replace"}, {"path", "/workload/jobs/2/submit_s"}, {"value", 5}}}},
                                  {"variable", variable}}}},
                               {"slos", {{{"metric", "/wait_s/mean"}, {"max", 1}}}}};
  std::ofstream(dir / "two.plan.json") << plan.dump(2);
  return dir / "two.plan.json";
}

//! Rows of the plan's database: option, value, seed (sorted).
std::vector<std::string> plan_runs(const fs::path& db_path)
{
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(db_path.string().c_str(), &db), SQLITE_OK);
  std::vector<std::string> rows;
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(
      sqlite3_prepare_v2(db, "SELECT option, value, seed FROM runs ORDER BY option, value, seed", -1, &s, nullptr),
      SQLITE_OK)
      << sqlite3_errmsg(db);
  while (s != nullptr && sqlite3_step(s) == SQLITE_ROW)
    rows.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0))) + "," +
                   std::to_string(sqlite3_column_int64(s, 1)) + "," + std::to_string(sqlite3_column_int64(s, 2)));
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rows;
}
} // namespace

#ifdef CCSIM_HAVE_MPI
TEST(Cli, SweepOnTwoMpiRanksGivesTheSameDatabaseAsALocalSweep)
{
  const fs::path dir = fresh_dir("sweep-mpi");
  const fs::path file = write_sweep(dir, R"([{"name": "queue", "path": "/scheduler/queue", "values": ["fcfs", "easy"]},
      {"name": "j1", "path": "/workload/jobs/0/duration_s", "values": [10, 20]}])",
                                    R"(, "seeds": 2)");
  ASSERT_EQ(ccsim("sweep " + file.string() + " --out " + (dir / "local").string() + " -q").code, 0);
  // Open MPI refuses root without these; its own allocations at exit are not ccsim's leaks (ASan builds).
  const std::string env = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 ";
  const Result mpi = shell(env + MPIEXEC + " --oversubscribe -np 2 " + CCSIM_BIN + " sweep " + file.string() +
                           " --out " + (dir / "mpi").string() + " --mpi");
  ASSERT_EQ(mpi.code, 0) << mpi.output;
  EXPECT_NE(mpi.output.find("on 2 MPI ranks"), std::string::npos) << mpi.output;
  // The points table (sweep.csv) without its wall_s column, and the deltas table, are identical.
  const auto without_wall = [](const fs::path& csv) {
    auto rows = csv_rows(read_file(csv));
    for (auto& r : rows)
      if (r.size() > 3)
        r.erase(r.begin() + 3);
    return rows;
  };
  const auto local = without_wall(dir / "local" / "sweep.csv");
  EXPECT_EQ(local.size(), 9U);
  EXPECT_EQ(local, without_wall(dir / "mpi" / "sweep.csv"));
  EXPECT_EQ(read_file(dir / "local" / "deltas.csv"), read_file(dir / "mpi" / "deltas.csv"));
}

TEST(Cli, SweepOnMpiRanksEndsWithExit2OnBadInputInsteadOfHanging)
{
  // A bad sweep file (every rank reads it) and a point whose scenario edit is bad input (one rank runs it while
  // the other may wait in a collective): the MPI job must end with exit 2 and the located error, not hang.
  // `timeout` turns a hang into exit 124.
  const fs::path dir = fresh_dir("sweep-mpi-bad");
  const fs::path bad_file = write_sweep(dir / "file", R"([{"name": "queue", "path": "no-slash", "values": ["fcfs"]}])");
  const fs::path bad_point =
      write_sweep(dir / "point", R"([{"name": "queue", "path": "/scheduler/queue", "values": ["fcfs", "nope"]}])",
                  R"(, "seeds": 2)");
  const std::string env = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 ";
  for (const auto& [file, expected] : {std::pair{bad_file, std::string("/axes/0/path")},
                                       std::pair{bad_point, std::string("unknown queue policy \"nope\"")}}) {
    const Result r = shell(env + "timeout 300 " + MPIEXEC + " --oversubscribe -np 2 " + CCSIM_BIN + " sweep " +
                           file.string() + " -q --out " + (file.parent_path() / "out").string() + " --mpi");
    EXPECT_EQ(r.code, 2) << r.output; // 124: timeout killed a hang
    EXPECT_NE(r.output.find(expected), std::string::npos) << r.output;
  }
}

TEST(Cli, PlanOnTwoMpiRanksDecidesAsALocalPlan)
{
  const fs::path dir = fresh_dir("plan-mpi");
  const fs::path file = two_option_plan(dir);
  ASSERT_EQ(ccsim("plan " + file.string() + " -q -j 2 --out " + (dir / "local").string()).code, 0);
  // Two ranks of one process each: the same 2 processes as -j 2, so the same rounds, runs and decisions.
  const std::string env = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ASAN_OPTIONS=detect_leaks=0 ";
  const Result mpi = shell(env + "timeout 300 " + MPIEXEC + " --oversubscribe -np 2 " + CCSIM_BIN + " plan " +
                           file.string() + " --out " + (dir / "mpi").string() + " --mpi");
  ASSERT_EQ(mpi.code, 0) << mpi.output;
  EXPECT_NE(mpi.output.find("(16 runs in 7 rounds on 2 MPI ranks, 0 reused"), std::string::npos) << mpi.output;
  for (const char* f : {"decisions.csv", "plan.csv"})
    EXPECT_EQ(read_file(dir / "local" / f), read_file(dir / "mpi" / f)) << f;
  EXPECT_EQ(plan_runs(dir / "local" / "plan.sqlite"), plan_runs(dir / "mpi" / "plan.sqlite"));
  // A run that fails with bad input on either rank ends the job with exit 2 and its log named, not a hang.
  auto bad = nlohmann::json::parse(read_file(file));
  bad["args"] = {"--set", "/scheduler/queue=\"nope\""};
  std::ofstream(dir / "bad.plan.json") << bad.dump();
  const Result failed = shell(env + "timeout 300 " + MPIEXEC + " --oversubscribe -np 2 " + CCSIM_BIN + " plan " +
                              (dir / "bad.plan.json").string() + " -q --out " + (dir / "bad").string() + " --mpi");
  EXPECT_EQ(failed.code, 2) << failed.output; // 124: timeout killed a hang
  EXPECT_NE(failed.output.find("failed (exit code 2); its log: "), std::string::npos) << failed.output;
}
#else
TEST(Cli, SweepOnTwoMpiRanksGivesTheSameDatabaseAsALocalSweep)
{
  GTEST_SKIP() << "ccsim was built without MPI (Debian's libopenmpi-dev was not found at configure time)";
}

TEST(Cli, SweepOnMpiRanksEndsWithExit2OnBadInputInsteadOfHanging)
{
  GTEST_SKIP() << "ccsim was built without MPI (Debian's libopenmpi-dev was not found at configure time)";
}

TEST(Cli, PlanOnTwoMpiRanksDecidesAsALocalPlan)
{
  GTEST_SKIP() << "ccsim was built without MPI (Debian's libopenmpi-dev was not found at configure time)";
}
#endif

namespace {
const std::string HOSTILE = "<script>alert(1)</script>";

//! A run and a 2 x 2 sweep whose scenario, site and axis names are HOSTILE; returns {run dir, sweep dir}.
std::pair<fs::path, fs::path> hostile_results(const fs::path& dir)
{
  fs::create_directories(dir);
  auto scenario = nlohmann::json::parse(read_file(SOURCE / "scenarios/small/fcfs-3jobs.json"));
  scenario.erase("$schema");
  scenario["name"] = HOSTILE;
  scenario["sites"][0]["name"] = HOSTILE;
  // A weather-driven PUE: the PUE-against-temperature chart, labelled by the site's name.
  scenario["sites"][0]["climate"] = "shanghai";
  scenario["sites"][0]["pue"] = "air-chiller";
  // A platform that changes (after the jobs: the schedule stays docs/metrics.md's): the capacity chart.
  scenario["sites"][0]["maintenance"] = {{{"start_s", 1000}, {"end_s", 2000}}};
  // Two classes: j1 (training) does not wait, j2 and j3 (inference) wait 10 and 14 s (the per-class CDF chart).
  for (const int j : {1, 2}) {
    scenario["workload"]["jobs"][j]["class"] = "inference";
    scenario["workload"]["jobs"][j]["precision"] = "bf16"; // GPU-X has fp32 and bf16
  }
  std::ofstream(dir / "hostile.json") << scenario.dump(2);
  const Result run = ccsim("run " + (dir / "hostile.json").string() + " -q --out " + (dir / "run").string());
  EXPECT_EQ(run.code, 0) << run.output;
  nlohmann::json sweep = {{"scenario", (dir / "hostile.json").string()},
                          {"axes",
                           {{{"name", HOSTILE}, {"path", "/scheduler/queue"}, {"values", {"fcfs", "easy"}}},
                            {{"name", "j1"}, {"path", "/workload/jobs/0/duration_s"}, {"values", {10, 20}}}}},
                          {"seeds", 2}};
  std::ofstream(dir / "sweep.json") << sweep.dump(2);
  const Result sw = ccsim("sweep " + (dir / "sweep.json").string() + " -q -j 2 --out " + (dir / "sweep").string());
  EXPECT_EQ(sw.code, 0) << sw.output;
  return {dir / "run", dir / "sweep"};
}
} // namespace

namespace {
// A plan over fcfs-3jobs (docs/metrics.md's hand schedule): the smallest node count with a mean wait of at most 1 s.
// Two nodes: j2 waits for j1 (10 s) and j3 behind it (14 s), mean 8; three: only j3 waits (4 s), mean 4/3; four:
// nobody waits. The answer is 4.
fs::path small_plan(const fs::path& dir)
{
  fs::create_directories(dir);
  const nlohmann::json plan = {
      {"scenario", (SOURCE / "scenarios/small/fcfs-3jobs.json").string()},
      {"options",
       {{{"label", "more-nodes"},
         {"patch", nlohmann::json::array()},
         {"variable", {{"name", "nodes"}, {"path", "/sites/0/racks/0/nodes_per_rack"}, {"min", 2}, {"max", 4}}}}}},
      {"slos", {{{"metric", "/wait_s/mean"}, {"max", 1}}}},
      {"seeds", 2}};
  std::ofstream(dir / "small.plan.json") << plan.dump(2);
  const Result r = ccsim("plan " + (dir / "small.plan.json").string() + " -q --out " + (dir / "plan").string());
  EXPECT_EQ(r.code, 0) << r.output;
  return dir / "plan";
}
} // namespace

TEST(Cli, ReportOfAPlanChartsEachSloAgainstTheVariable)
{
  const fs::path dir = fresh_dir("report-plan");
  const fs::path plan = small_plan(dir);
  const Result r = ccsim("report " + plan.string() + " -o " + (dir / "plan.html").string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("(0 runs, 0 sweeps, 1 plans)"), std::string::npos) << r.output;
  const std::string page = read_file(dir / "plan.html");
  // The page's data: the answer, and the mean wait at each value evaluated (8 s at 2 nodes, 0 at 4).
  const auto at = page.find("\"plans\":[");
  ASSERT_NE(at, std::string::npos);
  const std::string plans = page.substr(at);
  EXPECT_NE(plans.find("\"metric\":\"/wait_s/mean\",\"bound\":\"max\",\"threshold\":1.0"), std::string::npos)
      << plans.substr(0, 2000);
  EXPECT_NE(plans.find("\"option\":\"more-nodes\",\"value\":[2.0,3.0,4.0],\"mean\":[8.0,1.3333333333333333,0.0]"),
            std::string::npos)
      << plans.substr(0, 2000);
  EXPECT_NE(plans.find("\"answer\":4.0"), std::string::npos);
}

TEST(Cli, ReportIsOneSelfContainedFileWithEveryInputNameEscaped)
{
  const fs::path dir = fresh_dir("report");
  const auto [run, sweep] = hostile_results(dir);
  const fs::path html = dir / "out" / "report.html";
  const Result r = ccsim("report " + run.string() + " " + sweep.string() + " -o " + html.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string page = read_file(html);
  EXPECT_EQ(page.find(HOSTILE), std::string::npos) << "an input name reached the page unescaped";
  EXPECT_NE(page.find(R"(\u003cscript\u003ealert(1)\u003c/script\u003e)"), std::string::npos);
  EXPECT_NE(page.find("Chart.js v3"), std::string::npos) << "the chart library is not inline";
  for (const char* remote : {"src=\"http", "href=\"http", "src=\"//", "@import"})
    EXPECT_EQ(page.find(remote), std::string::npos) << remote;
  // Deterministic: the same folders give the same bytes.
  ASSERT_EQ(ccsim("report " + run.string() + " " + sweep.string() + " -q -o " + (dir / "again.html").string()).code, 0);
  EXPECT_EQ(read_file(dir / "again.html"), page);
  // A folder that holds no results: exit 2, named, and no file written.
  const Result bad = ccsim("report " + run.string() + " " + dir.string() + " -o " + (dir / "bad.html").string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find(dir.string() + ": expected a results folder"), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(dir / "bad.html"));
  EXPECT_FALSE(fs::exists(dir / "bad.html.tmp"));
  const Result missing = ccsim("report " + (dir / "nope").string() + " -o " + (dir / "bad.html").string());
  EXPECT_EQ(missing.code, 2) << missing.output;
  EXPECT_FALSE(fs::exists(dir / "bad.html"));
  // A sweep.sqlite that is not a sweep's database: bad input too.
  fs::create_directories(dir / "not-a-sweep");
  std::ofstream(dir / "not-a-sweep" / "sweep.sqlite") << "this is not a database";
  const Result foreign = ccsim("report " + (dir / "not-a-sweep").string() + " -o " + (dir / "bad.html").string());
  EXPECT_EQ(foreign.code, 2) << foreign.output;
  EXPECT_NE(foreign.output.find("not a sweep database ccsim can read: file is not a database"), std::string::npos)
      << foreign.output;
  EXPECT_FALSE(fs::exists(dir / "bad.html"));
  // A sweep database whose stored specification has another shape: exit 2, not an internal error.
  for (const char* spec : {R"({"axes": [1], "baseline": 0})", R"({"axes": [], "baseline": "first"})"}) {
    fs::remove_all(dir / "odd-spec");
    fs::create_directories(dir / "odd-spec");
    fs::copy_file(sweep / "sweep.sqlite", dir / "odd-spec" / "sweep.sqlite");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "odd-spec" / "sweep.sqlite").string().c_str(), &db), SQLITE_OK);
    const std::string sql = "UPDATE sweep SET value = '" + std::string(spec) + "' WHERE key = 'spec'";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    const Result odd = ccsim("report " + (dir / "odd-spec").string() + " -o " + (dir / "bad.html").string());
    EXPECT_EQ(odd.code, 2) << spec << "\n" << odd.output;
    EXPECT_NE(odd.output.find("sweep.sqlite: sweep: expected"), std::string::npos) << odd.output;
    EXPECT_FALSE(fs::exists(dir / "bad.html"));
  }
}

TEST(Cli, ReportOfACompareFolderHasEachPolicysRun)
{
  const fs::path dir = fresh_dir("report-compare");
  ASSERT_EQ(ccsim("compare " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() +
                  " --policies fcfs,easy+best-fit --out " + (dir / "cmp").string())
                .code,
            0);
  const Result r = ccsim("report " + (dir / "cmp").string() + " -o " + (dir / "cmp.html").string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("(2 runs, 0 sweeps)"), std::string::npos) << r.output;
  const std::string page = read_file(dir / "cmp.html");
  const auto first = page.find("\"folder\":\"" + (dir / "cmp" / "fcfs").string() + "\"");
  const auto second = page.find("\"folder\":\"" + (dir / "cmp" / "easy_best-fit").string() + "\"");
  EXPECT_NE(first, std::string::npos);
  EXPECT_NE(second, std::string::npos);
  EXPECT_LT(first, second); // compare.csv's order
  // Labelled by scenario and policy, not by folder (issue 26).
  EXPECT_NE(page.find("\"label\":\"fcfs-3jobs \u00b7 fcfs + first-fit\""), std::string::npos);
  EXPECT_NE(page.find("\"label\":\"fcfs-3jobs \u00b7 easy + best-fit\""), std::string::npos);
  // The same run twice: each label gains its folder's name.
  const Result twice = ccsim("report " + (dir / "cmp" / "fcfs").string() + " " + (dir / "cmp" / "fcfs").string() +
                             "/ -o " + (dir / "twice.html").string());
  ASSERT_EQ(twice.code, 0) << twice.output;
  EXPECT_NE(read_file(dir / "twice.html")
                .find("\"label\":\"fcfs-3jobs \u00b7 fcfs + first-fit (" + (dir / "cmp" / "fcfs").string()),
            std::string::npos);
}

TEST(Cli, ReportRendersItsChartsInHeadlessChromium)
{
#ifndef CCSIM_CHROMIUM
  GTEST_SKIP() << "chromium not found at configure time (scripts/install-deps.sh --test installs Debian's chromium)";
#else
  const fs::path dir = fresh_dir("report-chromium");
  const auto [run, sweep] = hostile_results(dir);
  const fs::path plan = small_plan(dir);
  const fs::path html = dir / "report.html";
  ASSERT_EQ(
      ccsim("report " + run.string() + " " + sweep.string() + " " + plan.string() + " -q -o " + html.string()).code, 0);
  const std::string browser =
      std::string(CCSIM_CHROMIUM) +
      " --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=" + (dir / "profile").string() +
      " --virtual-time-budget=10000 ";
  // The DOM after the page's scripts ran; console messages (errors included) go to stderr as "CONSOLE" lines.
  const std::string dump = browser + "--enable-logging=stderr --v=0 --dump-dom file://" + html.string() + " > " +
                           (dir / "dom.html").string() + " 2> " + (dir / "console.txt").string();
  ASSERT_EQ(std::system(dump.c_str()), 0) << dump;
  const std::string dom = read_file(dir / "dom.html");
  const std::string console = read_file(dir / "console.txt");
  EXPECT_EQ(console.find("CONSOLE"), std::string::npos) << "the page wrote to the console:\n" << console;
  // The page's own account of what it drew: every chart has data points and painted pixels.
  const std::string open = "<pre id=\"ccsim-render-status\" hidden=\"\">";
  const auto at = dom.find(open);
  ASSERT_NE(at, std::string::npos) << dom.substr(0, 2000);
  const auto end = dom.find("</pre>", at);
  const auto status = nlohmann::json::parse(dom.substr(at + open.size(), end - at - open.size()));
  EXPECT_TRUE(status["errors"].empty()) << status.dump();
  std::set<std::string> drawn;
  for (const auto& c : status["charts"]) {
    EXPECT_GT(c["points"].get<int>(), 0) << c.dump();
    EXPECT_GT(c["painted"].get<int>(), 1000) << c.dump();
    drawn.insert(c["id"].get<std::string>());
  }
  for (const char* id :
       {"waits", "wait-cdf", "wait-cdf-class", "run0-util-type", "run0-util-site", "run0-power", "run0-waiting",
        "run0-by-hour", "run0-pue-temperature", "run0-capacity", "run0-gantt", "sweep0-delta-0", "plan0-slo-0"})
    EXPECT_TRUE(drawn.contains(id)) << id << " missing; drawn: " << status.dump();
  // Names from the inputs are text on the page, not markup.
  EXPECT_NE(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(dom.find(HOSTILE), std::string::npos);
  // A screenshot for people to look at.
  const fs::path shot = fs::path(CCSIM_TEST_OUTPUT_DIR) / "report-screenshot.png";
  fs::create_directories(shot.parent_path());
  fs::remove(shot);
  const std::string snap = browser + "--window-size=1400,3200 --screenshot=" + shot.string() + " file://" +
                           html.string() + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(snap.c_str()), 0) << snap;
  const std::string png = read_file(shot);
  ASSERT_GT(png.size(), 10000U);
  EXPECT_EQ(png.substr(0, 4), "\x89PNG");
  std::cout << "screenshot: " << shot.string() << "\n";
#endif
}

// Issue 17, item 14: `--queue conservative` gets the same located check as the choice written in the file (a job
// spanning sites cannot be booked by conservative backfilling), exit 2 and no results, not an internal error.
TEST(Cli, QueueOverrideGetsTheSpanSitesCheckOfTheFile)
{
  const fs::path dir = fresh_dir("span-conservative");
  fs::create_directories(dir);
  std::ofstream(dir / "wide.json") << R"({"name": "wide",
    "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"fp32": 10, "bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "a", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 4}}]},
              {"name": "b", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 4}}]}],
    "network": {"links": [{"from": "a", "to": "b", "tier": "regional", "bandwidth_gbps": 10}]},
    "workload": {"jobs": [{"id": "wide", "submit_s": 0, "accelerators": 6, "duration_s": 10, "span_sites": true}]},
    "scheduler": {"queue": "easy", "placement": "first-fit"}})";
  const fs::path out = dir / "out";
  const Result r = ccsim("run " + (dir / "wide.json").string() + " --queue conservative -q --out " + out.string());
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("/scheduler/queue: conservative backfilling books one pool per job and cannot reserve "
                          "across sites"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(ccsim("run " + (dir / "wide.json").string() + " -q --out " + out.string()).code, 0); // under EASY
}

// Issue 26: compare over several seeds, with 95 % CIs and paired deltas, as a sweep gives them. Each number of
// deltas.csv is recomputed here from the six runs' summary.json (Student t with 2 degrees of freedom: 4.3027).
TEST(Cli, CompareOverSeedsGivesMeansCisAndPairedDeltas)
{
  const fs::path out = fresh_dir("compare-seeds");
  const Result r = ccsim("compare " + (SOURCE / "scenarios/east-west.json").string() +
                         " --policies locality,pue-aware --seeds 3 --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("3 seeds (1..3); each cell: mean +- 95 % CI half-width"), std::string::npos) << r.output;
  const auto wait = [&](const std::string& policy, int seed) {
    const auto s = nlohmann::json::parse(read_file(out / policy / ("seed-" + std::to_string(seed)) / "summary.json"));
    EXPECT_EQ(s["seed"], seed);
    return s["wait_s"]["mean"].get<double>();
  };
  const double t = 4.302652729911275;
  const auto stats = [&](const std::vector<double>& x) {
    const double mean = (x[0] + x[1] + x[2]) / 3;
    double ss = 0;
    for (const double v : x)
      ss += (v - mean) * (v - mean);
    return std::pair{mean, t * std::sqrt(ss / 2) / std::sqrt(3.0)};
  };
  const std::vector<double> loc = {wait("locality", 1), wait("locality", 2), wait("locality", 3)};
  const std::vector<double> pue = {wait("pue-aware", 1), wait("pue-aware", 2), wait("pue-aware", 3)};
  ASSERT_NE(loc[0], loc[1]); // the seed changes the generated workload
  const auto [pue_mean, pue_half] = stats(pue);
  const auto [delta, delta_half] = stats({pue[0] - loc[0], pue[1] - loc[1], pue[2] - loc[2]});
  std::map<std::string, std::vector<std::string>> rows; // "policy metric" -> row
  for (const auto& row : csv_rows(read_file(out / "deltas.csv")))
    if (row.size() > 2)
      rows[row[0] + " " + row[1]] = row;
  ASSERT_TRUE(rows.contains("pue-aware /wait_s/mean"));
  const auto& row = rows["pue-aware /wait_s/mean"];
  ASSERT_EQ(row.size(), 8U);
  EXPECT_EQ(row[2], "3");
  EXPECT_NEAR(std::stod(row[3]), pue_mean, 1e-9 * pue_mean);
  EXPECT_NEAR(std::stod(row[4]), pue_half, 1e-9 * pue_half);
  EXPECT_NEAR(std::stod(row[5]), stats(loc).first, 1e-9 * pue_mean);
  EXPECT_NEAR(std::stod(row[6]), delta, 1e-9 * std::abs(delta) + 1e-9);
  EXPECT_NEAR(std::stod(row[7]), delta_half, 1e-9 * delta_half);
  // The baseline against itself: no difference, and a CI of exactly 0 (the paired differences are all 0).
  EXPECT_EQ(rows["locality /wait_s/mean"][6], "0");
  // Inline jobs do not depend on the seed: no spread, so every CI is exactly 0, not a rounding residue (but /seed).
  const fs::path fixed = fresh_dir("compare-seeds-inline");
  ASSERT_EQ(ccsim("compare " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() +
                  " --policies fcfs,easy --seeds 2 --out " + fixed.string())
                .code,
            0);
  for (const auto& line : csv_rows(read_file(fixed / "deltas.csv"))) {
    if (line.size() == 8 && line[0] != "policy" && line[1] != "/seed") {
      EXPECT_EQ(line[4], "0") << line[0] << " " << line[1];
    }
  }
  EXPECT_EQ(ccsim("compare " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() +
                  " --policies fcfs --seeds 2 --seed 3 --out " + fixed.string())
                .code,
            2);
}

TEST(Cli, AWindowUntilTheLastArrivalAgreesWithJobsCsv)
{
  // docs/metrics.md "Measurement windows", recomputed here from jobs.csv: the window ends at the last submission,
  // holds the jobs submitted from start_s on, and counts the busy accelerator-seconds inside it.
  const fs::path dir = fresh_dir("window");
  const Result r = ccsim("run " + (SOURCE / "scenarios/default.json").string() + " --out " + (dir / "r").string() +
                         R"( --set '/output/window={"start_s": 86400, "end_s": "last_arrival"}')");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("window      1.0 d to "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  per year  facility "), std::string::npos) << r.output;
  const auto summary = nlohmann::json::parse(read_file(dir / "r" / "summary.json"));
  const auto& w = summary.at("window");
  const auto rows = csv_rows(read_file(dir / "r" / "jobs.csv"));
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(rows[0].begin(), rows[0].end(), name) - rows[0].begin());
  };
  const std::size_t submit = col("submission_time"), start = col("starting_time"), finish = col("finish_time"),
                    size = col("requested_number_of_resources"), wait = col("waiting_time");
  double last = 0;
  for (std::size_t i = 1; i < rows.size(); i++)
    last = std::max(last, std::stod(rows[i][submit]));
  ASSERT_EQ(w.at("end_s").get<double>(), last);
  std::uint64_t in = 0;
  double wait_sum = 0, busy = 0;
  for (std::size_t i = 1; i < rows.size(); i++) {
    if (std::stod(rows[i][submit]) >= 86400) {
      in++;
      wait_sum += std::stod(rows[i][wait]);
    }
    busy += std::stod(rows[i][size]) *
            std::max(0.0, std::min(std::stod(rows[i][finish]), last) - std::max(std::stod(rows[i][start]), 86400.0));
  }
  EXPECT_EQ(w.at("jobs").at("submitted").get<std::uint64_t>(), in);
  EXPECT_NEAR(w.at("wait_s").at("mean").get<double>(), wait_sum / static_cast<double>(in), 1e-6);
  const double accelerators = summary.at("platform").at("accelerators").get<double>();
  EXPECT_NEAR(w.at("utilization").at("accelerators").get<double>(), busy / (accelerators * (last - 86400)), 1e-9);
  // by_hour_of_day and by_month split the run's facility energy, cost and carbon (the default scenario's 15.7 days:
  // January only).
  for (const char* key : {"facility_kwh", "cost", "tco2"}) {
    double hours = 0, months = 0;
    for (const auto& h : summary.at("by_hour_of_day"))
      hours += h.at(key).get<double>();
    for (const auto& m : summary.at("by_month"))
      months += m.at(key).get<double>();
    const double total = std::string(key) == "facility_kwh" ? summary.at("energy").at("facility_kwh").get<double>()
                         : std::string(key) == "cost"       ? summary.at("cost").at("electricity").get<double>()
                                                            : summary.at("carbon").at("tco2").get<double>();
    EXPECT_NEAR(hours, total, 1e-9 * total) << key;
    EXPECT_NEAR(summary.at("by_month").at(0).at(key).get<double>(), total, 1e-9 * total) << key;
    EXPECT_NEAR(months, total, 1e-9 * total) << key;
    EXPECT_GT(summary.at("by_hour_of_day").at(14).at(key).get<double>(), 0) << key;
  }
  // The drain is left out: the window is busier than the whole run.
  EXPECT_GT(w.at("utilization").at("accelerators").get<double>(),
            summary.at("utilization").at("accelerators").get<double>() + 0.2);
}

TEST(Cli, CompareShowsTheWindowsFiguresWhenTheScenarioHasOne)
{
  // fcfs-3jobs with a window from 1 s to the last arrival (1 s): it holds j3 only, which waits 14 s under FCFS
  // (behind j2) and none under EASY (backfilled).
  const fs::path dir = fresh_dir("compare-window");
  fs::create_directories(dir);
  auto doc = nlohmann::json::parse(read_file(SOURCE / "scenarios/small/fcfs-3jobs.json"));
  doc.erase("$schema");
  doc["output"] = {{"window", {{"start_s", 1}, {"end_s", "last_arrival"}}}};
  std::ofstream(dir / "s.json") << doc.dump();
  const Result r =
      ccsim("compare " + (dir / "s.json").string() + " --policies fcfs,easy --seeds 2 --out " + (dir / "out").string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("over the measurement window"), std::string::npos) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex("\nfcfs +14 \\+- 0 "))) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex("\neasy +0 \\+- 0 "))) << r.output;
}

TEST(Cli, AWhatIfEditAddsCapacityNotDemand)
{
  // east-west (offered_load 0.85 of 672 usable accelerators): two more racks at beijing keep the 1,794 jobs unless
  // the load is asked to follow the platform simulated ("platform": 704 accelerators, more jobs); a given reference
  // sets the rate by itself.
  const fs::path dir = fresh_dir("demand-reference");
  const std::string scenario = (SOURCE / "scenarios/east-west.json").string();
  const auto generated = [&](const std::string& sets) {
    const Result r = ccsim("run " + scenario + " -q --out " + (dir / "r").string() + " " + sets);
    EXPECT_EQ(r.code, 0) << r.output;
    const auto info = nlohmann::json::parse(read_file(dir / "r" / "run.json"));
    return std::make_pair(info.at("workload").at("kept").get<std::uint64_t>(), info.at("workload").at("generated"));
  };
  const auto [base_jobs, base] = generated("");
  EXPECT_EQ(base.at("reference_accelerators"), 672);
  const auto [more_racks_jobs, more_racks] = generated("--set /sites/0/racks/0/count=8");
  EXPECT_EQ(more_racks_jobs, base_jobs);
  EXPECT_EQ(more_racks.at("reference"), "file_platform");
  EXPECT_EQ(more_racks.at("reference_accelerators"), 672);
  EXPECT_EQ(more_racks.at("rate_per_hour"), base.at("rate_per_hour"));
  const auto [following_jobs, following] = generated(
      R"(--set /sites/0/racks/0/count=8 --set '/workload/generate/arrival/reference_accelerators="platform"')");
  EXPECT_EQ(following.at("reference_accelerators"), 704);
  EXPECT_GT(following_jobs, base_jobs);
  EXPECT_DOUBLE_EQ(following.at("rate_per_hour").get<double>(), base.at("rate_per_hour").get<double>() * 704 / 672);
  const auto [given_jobs, given] = generated("--set /workload/generate/arrival/reference_accelerators=1344");
  EXPECT_EQ(given.at("reference"), "given");
  EXPECT_DOUBLE_EQ(given.at("rate_per_hour").get<double>(), base.at("rate_per_hour").get<double>() * 2);
  // Bad references are located.
  const Result bad = ccsim("run " + scenario + " -q --out " + (dir / "bad").string() +
                           " --set /workload/generate/arrival/reference_accelerators=0");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("/workload/generate/arrival/reference_accelerators: expected a number of accelerators in "
                            "[1, 1000000000] or \"platform\""),
            std::string::npos)
      << bad.output;
  EXPECT_FALSE(fs::exists(dir / "bad"));
}

TEST(Cli, SweepVariantsAreLabelledPatches)
{
  // fcfs-3jobs (2 one-accelerator nodes): waits 0, 10, 14 under FCFS (mean 8), 0, 10, 0 under EASY; with a third
  // node j2 starts at once and j3 waits for j2's end at 5: 0, 0, 4 (mean 4/3) under both.
  const fs::path dir = fresh_dir("sweep-variants");
  fs::create_directories(dir);
  std::ofstream(dir / "sweep.json") << R"({"scenario": ")" << (SOURCE / "scenarios/small/fcfs-3jobs.json").string()
                                    << R"(",
    "variants": [{"label": "today", "patch": []},
                 {"label": "three-nodes", "description": "one more node",
                  "patch": [{"op": "replace", "path": "/sites/0/racks/0/nodes_per_rack", "value": 3}]}],
    "axes": [{"name": "queue", "path": "/scheduler/queue", "values": ["fcfs", "easy"]}]})";
  const Result r = ccsim("sweep " + (dir / "sweep.json").string() + " -q --out " + (dir / "out").string());
  ASSERT_EQ(r.code, 0) << r.output;
  const auto rows = csv_rows(read_file(dir / "out" / "sweep.csv"));
  ASSERT_EQ(rows.size(), 5U);
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(rows[0].begin(), rows[0].end(), name) - rows[0].begin());
  };
  const std::size_t variant = col("axis:variant"), queue = col("axis:queue"), wait = col("/wait_s/mean");
  ASSERT_LT(wait, rows[0].size());
  const std::vector<std::tuple<std::string, std::string, double>> expected = {{"today", "fcfs", 8},
                                                                              {"today", "easy", 10 / 3.0},
                                                                              {"three-nodes", "fcfs", 4 / 3.0},
                                                                              {"three-nodes", "easy", 4 / 3.0}};
  for (std::size_t i = 0; i < expected.size(); i++) {
    EXPECT_EQ(rows[i + 1][variant], std::get<0>(expected[i]));
    EXPECT_EQ(rows[i + 1][queue], std::get<1>(expected[i]));
    EXPECT_DOUBLE_EQ(std::stod(rows[i + 1][wait]), std::get<2>(expected[i]));
  }
  EXPECT_NE(read_file(dir / "out" / "deltas.csv").find("three-nodes,fcfs,/wait_s/mean,"), std::string::npos);

  // A site removed (with its link): fewer accelerators, the same generated jobs.
  const fs::path ew = dir / "ew";
  const Result removed = ccsim("run " + (SOURCE / "scenarios/east-west.json").string() + " -q --out " + ew.string() +
                               R"( --patch '[{"op": "remove", "path": "/sites/4"}, {"op": "remove", "path": )"
                               R"("/network/links/4"}]')");
  ASSERT_EQ(removed.code, 0) << removed.output;
  const auto info = nlohmann::json::parse(read_file(ew / "run.json"));
  EXPECT_EQ(info.at("workload").at("kept"), 1794);
  EXPECT_EQ(nlohmann::json::parse(read_file(ew / "summary.json")).at("platform").at("sites"), 4);

  // A patch that does not apply is located in the sweep file before any point runs.
  std::ofstream(dir / "bad.json") << R"({"scenario": ")" << (SOURCE / "scenarios/small/fcfs-3jobs.json").string()
                                  << R"(", "variants": [{"label": "a", "patch": []},
    {"label": "b", "patch": [{"op": "add", "path": "/sites/0/pue", "value": 1.1}, {"op": "remove", "path": "/sites/3"}]}]})";
  const Result bad = ccsim("sweep " + (dir / "bad.json").string() + " -q --out " + (dir / "bad").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("bad.json: /variants/1/patch/1: operation remove /sites/3 does not apply to the scenario"),
            std::string::npos)
      << bad.output;
  EXPECT_FALSE(fs::exists(dir / "bad" / "sweep.csv"));
  const Result not_array = ccsim("run " + (SOURCE / "scenarios/small/fcfs-3jobs.json").string() + " -q --out " +
                                 (dir / "na").string() + R"( --patch '{"op": "remove", "path": "/seed"}')");
  EXPECT_EQ(not_array.code, 2);
  EXPECT_NE(not_array.output.find("--patch: expected a JSON Patch"), std::string::npos) << not_array.output;
}

namespace {
//! Erlang C: the mean wait in queue of M/M/c with offered load a = lambda / mu, s.
double erlang_c_wait_s(int c, double lambda, double mu)
{
  const double a = lambda / mu;
  double sum = 0, term = 1; // a^k / k!
  for (int k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const double tail = term * c / (c - a);
  return tail / (sum + tail) / (c * mu - lambda);
}
} // namespace

TEST(Cli, PlanFindsTheErlangCAnswer)
{
  // FCFS on c single-accelerator nodes, Poisson arrivals, exponential service of mean 1,000 s: the smallest c with
  // a mean wait at most 120 s, by Erlang C, at 28.8 and 21.6 arrivals an hour (8 and 6 Erlangs).
  const auto smallest_c = [](double lambda) {
    int c = static_cast<int>(lambda / 0.001) + 1;
    while (erlang_c_wait_s(c, lambda, 0.001) > 120)
      c++;
    return c;
  };
  ASSERT_EQ(smallest_c(0.008), 11);
  ASSERT_EQ(smallest_c(0.006), 9);
  const fs::path dir = fresh_dir("plan");
  const Result r =
      ccsim("plan " + (SOURCE / "tests/data/plan/erlang-plan.json").string() + " -q -j 2 --out " + dir.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const auto rows = csv_rows(read_file(dir / "decisions.csv"));
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[1],
            (std::vector<std::string>{"1", "lighter", "nodes", "9", "found", "/platform/accelerators", "9", "0"}));
  EXPECT_EQ(rows[2],
            (std::vector<std::string>{"2", "today", "nodes", "11", "found", "/platform/accelerators", "11", "0"}));
  EXPECT_NE(r.output.find("1     lighter "), std::string::npos) << r.output;
  // plan.csv: every value evaluated, each SLO with its mean over the 3 seeds, CI and verdict; 10 fails, 11 meets.
  const std::string plan_csv = read_file(dir / "plan.csv");
  EXPECT_NE(plan_csv.find("\ntoday,10,/window/wait_s/mean,3,"), std::string::npos);
  EXPECT_NE(plan_csv.find(",max,120,met\n"), std::string::npos);
  // A rerun reuses every finished run (same command, same scenario bytes) and decides the same.
  const Result again =
      ccsim("plan " + (SOURCE / "tests/data/plan/erlang-plan.json").string() + " --out " + dir.string());
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("(0 runs in 0 rounds, 42 reused from an earlier plan)"), std::string::npos)
      << again.output;
  EXPECT_EQ(csv_rows(read_file(dir / "decisions.csv")), rows);
  // A utilization floor worsens with more nodes: at 8 Erlangs, 11 nodes are 72.7 % busy (>= 70 %: 11 still); at 6,
  // the 9 nodes the wait needs are 66.7 % busy and fewer wait too long: infeasible. The runs are reused.
  auto floor_plan = nlohmann::json::parse(read_file(SOURCE / "tests/data/plan/erlang-plan.json"));
  floor_plan["scenario"] = (SOURCE / "tests/data/plan/erlang.json").string();
  floor_plan["slos"].push_back({{"metric", "/window/utilization/accelerators"}, {"min", 0.7}});
  std::ofstream(dir.parent_path() / "floor.plan.json") << floor_plan.dump();
  const Result floor = ccsim("plan " + (dir.parent_path() / "floor.plan.json").string() + " --out " + dir.string());
  ASSERT_EQ(floor.code, 0) << floor.output;
  const auto decided = csv_rows(read_file(dir / "decisions.csv"));
  ASSERT_EQ(decided.size(), 3U);
  EXPECT_EQ(decided[1][1], "today");
  EXPECT_EQ(decided[1][3], "11");
  EXPECT_EQ(decided[2][1], "lighter");
  EXPECT_EQ(decided[2][4], "infeasible");

  // Bad plans: located, exit 2, nothing left behind.
  const auto bad = [&](const std::string& name, const std::string& text, const std::string& expected) {
    const fs::path file = dir.parent_path() / (name + ".json");
    std::ofstream(file) << text;
    const Result b = ccsim("plan " + file.string() + " -q --out " + (dir.parent_path() / name).string());
    EXPECT_EQ(b.code, 2) << name << ": " << b.output;
    EXPECT_NE(b.output.find(expected), std::string::npos) << name << ": " << b.output;
    EXPECT_FALSE(fs::exists(dir.parent_path() / name)) << name;
  };
  const std::string scenario = "\"" + (SOURCE / "tests/data/plan/erlang.json").string() + "\"";
  const std::string option =
      R"({"label": "a", "variable": {"path": "/sites/0/racks/0/nodes_per_rack", "min": 1, "max": 4}})";
  bad("no-slo", R"({"scenario": )" + scenario + R"(, "options": [)" + option + R"(], "slos": []})",
      "/slos: expected a non-empty array");
  bad("range",
      R"({"scenario": )" + scenario +
          R"(, "options": [{"label": "a", "variable": {"path": "/sites/0/racks/0/nodes_per_rack", "min": 5, "max": 4}}], "slos": [{"metric": "/wait_s/mean", "max": 1}]})",
      "/options/0/variable/max: expected max >= min (5)");
  bad("patch",
      R"({"scenario": )" + scenario +
          R"(, "options": [{"label": "a", "patch": [{"op": "remove", "path": "/sites/1"}], "variable": {"path": "/sites/0/racks/0/nodes_per_rack", "min": 1, "max": 4}}], "slos": [{"metric": "/wait_s/mean", "max": 1}]})",
      "/options/0/patch/0: operation remove /sites/1 does not apply to the scenario");
  bad("metric",
      R"({"scenario": )" + scenario + R"(, "options": [)" + option +
          R"(], "slos": [{"metric": "/wait_s/nope", "max": 1}]})",
      "/slos/0/metric: summary.json has no number at /wait_s/nope");
}

// Issue 25, item 3: a plan's runs go through the sweep's runner in rounds (every option's next values in one batch),
// recorded in plan.sqlite; processes to spare run further levels of the bisection at once. The decisions are those
// of plain bisection.
TEST(Cli, PlanRunsEveryOptionInRoundsAndLooksAheadWithSpareProcesses)
{
  const fs::path dir = fresh_dir("plan-rounds");
  const fs::path file = two_option_plan(dir);
  // One process: bisection, one value per option a round. 2 and 64, then 33, 17, 9, 5, 3, 4 (4 is j3-later's check
  // past its answer 3, and more-nodes' last step): 8 values each, 7 rounds.
  const Result one = ccsim("plan " + file.string() + " -j 1 --out " + (dir / "one").string());
  ASSERT_EQ(one.code, 0) << one.output;
  EXPECT_NE(one.output.find("(16 runs in 7 rounds, 0 reused from an earlier plan)"), std::string::npos) << one.output;
  const auto decisions = csv_rows(read_file(dir / "one" / "decisions.csv"));
  ASSERT_EQ(decisions.size(), 3U);
  const auto first5 = [](const std::vector<std::string>& row) {
    return std::vector<std::string>(row.begin(), row.begin() + std::min<std::ptrdiff_t>(5, std::ssize(row)));
  };
  EXPECT_EQ(first5(decisions[1]), (std::vector<std::string>{"1", "more-nodes", "nodes", "4", "found"}));
  EXPECT_EQ(first5(decisions[2]), (std::vector<std::string>{"2", "j3-later", "nodes", "3", "found"}));
  const auto runs = plan_runs(dir / "one" / "plan.sqlite");
  ASSERT_EQ(runs.size(), 16U);
  EXPECT_EQ(runs.front(), "j3-later,2,1");
  // plan.csv: by option, then value.
  const auto rows = csv_rows(read_file(dir / "one" / "plan.csv"));
  ASSERT_EQ(rows.size(), 17U);
  EXPECT_EQ(rows[1][0], "more-nodes");
  EXPECT_EQ(rows[1][1], "2");
  EXPECT_EQ(rows[2][1], "3");
  EXPECT_EQ(rows[9][0], "j3-later");
  // Eight processes: 4 per option (one seed), so two levels of bisection a round (3 values): 2 and 64; 33, 17, 48;
  // 9, 5, 13; 3 and 4. 10 values each, 4 rounds; the same decisions.
  const Result eight = ccsim("plan " + file.string() + " -j 8 --out " + (dir / "eight").string());
  ASSERT_EQ(eight.code, 0) << eight.output;
  EXPECT_NE(eight.output.find("(20 runs in 4 rounds, 0 reused from an earlier plan)"), std::string::npos)
      << eight.output;
  EXPECT_EQ(csv_rows(read_file(dir / "eight" / "decisions.csv")), decisions);
  // Resuming from the database: the one-process plan reruns nothing in the eight-process folder.
  const Result again = ccsim("plan " + file.string() + " -j 1 --out " + (dir / "eight").string());
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("(0 runs in 0 rounds, 16 reused from an earlier plan)"), std::string::npos)
      << again.output;
  EXPECT_EQ(csv_rows(read_file(dir / "eight" / "decisions.csv")), decisions);

  // A second plan on a folder a plan holds is refused at once, naming the holder (here this test holds the lock).
  const int fd = ::open((dir / "one" / "plan.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  ASSERT_EQ(::ftruncate(fd, 0), 0);
  ASSERT_EQ(::write(fd, "4242", 4), 4);
  const Result refused = ccsim("plan " + file.string() + " --out " + (dir / "one").string());
  EXPECT_EQ(refused.code, 2) << refused.output;
  EXPECT_NE(refused.output.find((dir / "one").string() + ": another plan (process 4242) is running in this folder"),
            std::string::npos)
      << refused.output;
  ::close(fd);

  // A hand-edited database is not trusted: located, exit 2.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "one" / "plan.sqlite").string().c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "UPDATE runs SET summary = 'not json' WHERE value = 2", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const Result edited = ccsim("plan " + file.string() + " --out " + (dir / "one").string());
  EXPECT_EQ(edited.code, 2) << edited.output;
  EXPECT_NE(edited.output.find("plan.sqlite: a run in table runs has no key or a summary that is not a JSON object"),
            std::string::npos)
      << edited.output;
}

// Issue 25 / 18: "how late may the new hall come online?" A second rack group of two nodes comes online at T on
// fcfs-3jobs' platform: j2 (two accelerators) waits T, j3 (submitted at 1) T - 1, so the mean wait is at most 1 s up
// to T = 2 (waits 0, 2, 1). seek "largest" finds that latest T; with "scale" 2 the variable counts 2 s steps (1).
TEST(Cli, PlanFindsTheLatestValueMeetingTheSlosWithAScaledVariable)
{
  const fs::path dir = fresh_dir("plan-latest");
  fs::create_directories(dir);
  auto scenario = nlohmann::json::parse(read_file(SOURCE / "scenarios/small/fcfs-3jobs.json"));
  scenario.erase("$schema");
  auto hall = scenario["sites"][0]["racks"][0];
  hall["name"] = "new";
  hall["online_s"] = 0;
  scenario["sites"][0]["racks"].push_back(hall);
  std::ofstream(dir / "when.json") << scenario.dump(2);
  const auto option = [](const std::string& label, int max, double scale) {
    return nlohmann::json{{"label", label},
                          {"variable",
                           {{"name", "online"},
                            {"path", "/sites/0/racks/1/online_s"},
                            {"min", 0},
                            {"max", max},
                            {"scale", scale},
                            {"seek", "largest"}}}};
  };
  nlohmann::json plan = {{"scenario", (dir / "when.json").string()},
                         {"options", {option("seconds", 8, 1), option("two-second-steps", 4, 2)}},
                         {"slos", {{{"metric", "/wait_s/mean"}, {"max", 1}}}}};
  std::ofstream(dir / "when.plan.json") << plan.dump(2);
  // Searching down from the far end: seconds 8, 0, 4, 2, 3 and the check at 1; steps 4, 0, 2, 1 (0 checks it).
  const Result r = ccsim("plan " + (dir / "when.plan.json").string() + " -j 1 --out " + (dir / "out").string());
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("(10 runs in 5 rounds, 0 reused from an earlier plan)"), std::string::npos) << r.output;
  const auto decisions = csv_rows(read_file(dir / "out" / "decisions.csv"));
  ASSERT_EQ(decisions.size(), 3U);
  EXPECT_EQ(decisions[1][1], "seconds");
  EXPECT_EQ(decisions[1][3], "2");
  EXPECT_EQ(decisions[1][4], "found");
  EXPECT_EQ(decisions[2][1], "two-second-steps");
  EXPECT_EQ(decisions[2][3], "1");
  EXPECT_EQ(decisions[2][4], "found");
  // The mean waits charted per value: (0 + T + max(0, T - 1)) / 3.
  const std::string csv = read_file(dir / "out" / "plan.csv");
  EXPECT_NE(csv.find("\nseconds,3,/wait_s/mean,1,1.6666666666666667,,max,1,not met\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\ntwo-second-steps,2,/wait_s/mean,1,2.3333333333333335,,max,1,not met\n"), std::string::npos)
      << csv;
  // A seek that is neither: located, exit 2, nothing run.
  plan["options"][0]["variable"]["seek"] = "latest";
  std::ofstream(dir / "bad.plan.json") << plan.dump(2);
  const Result bad = ccsim("plan " + (dir / "bad.plan.json").string() + " --out " + (dir / "bad").string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("/options/0/variable/seek: expected \"smallest\""), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(dir / "bad"));
}

// A tco object that prices not every accelerator type the platform uses (here the types of a node list, known once it
// is read) is bad input for `ccsim validate` as for `ccsim run`, before anything runs; validate now also runs the
// run's own check (check_tco), so the two cannot drift apart.
TEST(Cli, ValidateChecksTheTcoPricesEveryTypeOfANodeList)
{
  const fs::path nodes = SOURCE / "../shared/data/gpu/alibaba-openb-v2023/openb_node_list_gpu_node.csv";
  if (not fs::exists(nodes))
    GTEST_SKIP() << nodes << " is absent (the shared traces)";
  const fs::path dir = fresh_dir("validate-tco");
  fs::create_directories(dir);
  auto scenario = nlohmann::json::parse(read_file(SOURCE / "scenarios/fill/openb-default.json"));
  scenario.erase("$schema");
  scenario["sites"][0]["nodes"]["path"] = fs::canonical(nodes).string();
  scenario["workload"]["path"] =
      fs::canonical(SOURCE / "scenarios/fill" / scenario["workload"]["path"].get<std::string>()).string();
  scenario["tco"] = {{"amortization_years", 4}, {"accelerator_capex", {{"H100-SXM", 1}}}};
  std::ofstream(dir / "unpriced.json") << scenario.dump(2);
  for (const std::string& command : {std::string("validate "), "run -q --out " + (dir / "out").string() + " "}) {
    const Result r = ccsim(command + (dir / "unpriced.json").string());
    EXPECT_EQ(r.code, 2) << command << r.output;
    EXPECT_NE(r.output.find("/tco/accelerator_capex: no price for "), std::string::npos) << command << r.output;
    EXPECT_NE(r.output.find("no price for V100M16 (a type of site openb)"), std::string::npos) << command << r.output;
  }
  EXPECT_FALSE(fs::exists(dir / "out"));
}
