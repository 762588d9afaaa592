// The Batsim JSON importer: its fast (SAX) path and its full (DOM) path give the same jobs, plain or gzip files.
#include "ccsim/core/error.hpp"
#include "ccsim/workload/importers.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

using namespace ccsim;
namespace fs = std::filesystem;

namespace {

ImportedWorkload read(const std::string& text)
{
  return import_batsim_text(text, "w.json", nlohmann::json());
}

fs::path temp_dir()
{
  const fs::path dir = fs::temp_directory_path() / ("ccsim-batsim-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

void write_gzip(const fs::path& path, const std::string& text)
{
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(f);
}

// Every key the format allows, profiles after the jobs, nested values in the keys that are not read.
const char* FULL = R"({"nb_res": 4, "description": {"nested": [1, {"a": null}]}, "command": "x", "date": true,
  "jobs": [
    {"id": "a", "subtime": 0, "res": 2, "walltime": 100, "profile": "p10", "extra_data": {"k": [1, 2, {"z": false}]}},
    {"id": 7, "subtime": 1.5, "res": 1, "walltime": -1, "profile": "p20"},
    {"profile": "p10", "res": 4, "subtime": 3, "id": -3}
  ],
  "profiles": {"p10": {"type": "delay", "delay": 10, "note": [1, 2]}, "p20": {"delay": 20.25, "type": "DelayProfile"}}})";

} // namespace

TEST(BatsimImport, ReadsEveryFieldExactly)
{
  const ImportedWorkload w = read(FULL);
  ASSERT_EQ(w.jobs.size(), 3U);
  EXPECT_EQ(w.report.read, 3U);
  EXPECT_EQ(w.report.kept, 3U);
  EXPECT_EQ(w.report.format, "batsim");
  EXPECT_EQ(w.jobs[0].id, "a");
  EXPECT_EQ(w.jobs[0].submit_s, 0);
  EXPECT_EQ(w.jobs[0].accelerators, 2U);
  EXPECT_EQ(w.jobs[0].walltime_s, 100);
  EXPECT_EQ(w.jobs[0].duration_s, 10);
  EXPECT_EQ(w.jobs[1].id, "7");
  EXPECT_EQ(w.jobs[1].submit_s, 1.5);
  EXPECT_TRUE(std::isnan(w.jobs[1].walltime_s)); // -1: unlimited, the run time is used
  EXPECT_EQ(w.jobs[1].duration_s, 20.25);
  EXPECT_EQ(w.jobs[2].id, "-3");
  EXPECT_EQ(w.jobs[2].accelerators, 4U);
  EXPECT_TRUE(std::isnan(w.jobs[2].walltime_s)); // none given
  EXPECT_EQ(w.jobs[2].duration_s, 10);
}

// Inputs the fast path leaves to the full reader (a float that is an integer, an object in a skipped value, a profile
// key it does not read, an id past int64): the same jobs as the full reader gives.
TEST(BatsimImport, InputsOnlyTheFullReaderTakesGiveTheSameJobs)
{
  const ImportedWorkload w = read(R"({"jobs": [
      {"id": "a", "subtime": 0, "res": 4.0, "walltime": 5, "profile": "p"},
      {"id": "b", "subtime": 0, "res": 2, "walltime": 5, "profile": "p", "extra_data": {"x": [{"y": 1}]}},
      {"id": 18446744073709551615, "subtime": 1, "res": 1, "profile": "p"}],
    "profiles": {"p": {"type": "delay", "delay": 3, "ret": 0}}})");
  ASSERT_EQ(w.jobs.size(), 3U);
  EXPECT_EQ(w.jobs[0].accelerators, 4U);
  EXPECT_EQ(w.jobs[1].accelerators, 2U);
  EXPECT_EQ(w.jobs[2].id, "18446744073709551615");
  EXPECT_EQ(w.jobs[2].duration_s, 3);
}

// Mistakes still come with their JSON pointer (the full reader locates them); one file, several mistakes.
TEST(BatsimImport, MistakesAreLocatedByTheFullReader)
{
  try {
    read(R"({"jobs": [{"id": "a", "subtime": -1, "res": 1, "profile": "p"},
                      {"id": "b", "subtime": 0, "res": 1, "profile": "q", "colour": 1}],
             "profiles": {"p": {"type": "delay", "delay": 3}}})");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("/jobs/0/subtime"), std::string::npos) << what;
    EXPECT_NE(what.find("/jobs/1/colour"), std::string::npos) << what;
    EXPECT_NE(what.find("/jobs/1/profile: unknown profile \"q\""), std::string::npos) << what;
  }
  // A repeated key anywhere, also where the fast path skips (nlohmann alone would keep the last): refused, located.
  for (
      const auto& [text, pointer] : std::vector<std::pair<std::string, std::string>>{
          {R"({"jobs": [{"id": "b", "subtime": 0, "res": 1, "res": 2, "profile": "p"}], "profiles": {"p": {"type": "delay", "delay": 3}}})",
           "/jobs/0"},
          {R"({"nb_res": 4, "jobs": [], "profiles": {}, "nb_res": 8})", "/"},
          {R"({"jobs": [{"id": "b", "subtime": 0, "res": 1, "profile": "p", "extra_data": {"k": 1, "k": 2}}], "profiles": {"p": {"type": "delay", "delay": 3}}})",
           "/jobs/0/extra_data"},
          {R"({"jobs": [], "profiles": {"p": {"type": "delay", "delay": 3}, "p": {"type": "delay", "delay": 4}}})",
           "/profiles"},
          {R"({"jobs": [], "profiles": {"p": {"type": "delay", "ret": 1, "delay": 3, "ret": 2}}})", "/profiles/p"}}) {
    try {
      read(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(pointer + ": the key"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(read(R"({"jobs": [], "profiles": {}} x)"), InputError); // trailing garbage: a syntax error
  EXPECT_THROW(read(R"({"jobs": []})"), InputError);                   // no profiles
}

TEST(BatsimImport, GzipFileReadsLikeThePlainOneAndTruncatedDataIsAnError)
{
  const fs::path dir = temp_dir();
  const fs::path plain = dir / "w.json";
  const fs::path gz = dir / "w.json.gz";
  std::ofstream(plain) << FULL;
  write_gzip(gz, FULL);
  const ImportedWorkload a = import_batsim(plain.string(), nlohmann::json());
  const ImportedWorkload b = import_batsim(gz.string(), nlohmann::json());
  ASSERT_EQ(a.jobs.size(), b.jobs.size());
  for (std::size_t i = 0; i < a.jobs.size(); i++) {
    EXPECT_EQ(a.jobs[i].id, b.jobs[i].id);
    EXPECT_EQ(a.jobs[i].duration_s, b.jobs[i].duration_s);
  }
  // The gzip file cut in the middle of its compressed data.
  std::string bytes;
  {
    std::ifstream in(gz, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const fs::path cut = dir / "cut.json.gz";
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  try {
    import_batsim(cut.string(), nlohmann::json());
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cut.json.gz"), std::string::npos) << what;
    EXPECT_NE(what.find("truncated or corrupt gzip data"), std::string::npos) << what;
  }
  fs::remove_all(dir);
}
