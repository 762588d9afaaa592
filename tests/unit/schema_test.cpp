// The shipped JSON Schema must accept every shipped scenario and reject structurally bad ones,
// so schema/scenario.schema.json stays true to what the loader reads.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "ccsim/scenario/schema_check.hpp"

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {
nlohmann::json read_json(const fs::path& p)
{
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

class SchemaTest : public ::testing::Test {
protected:
  void SetUp() override
  {
    schema_doc_ = read_json(fs::path(CCSIM_SOURCE_DIR) / "schema/scenario.schema.json");
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(schema_doc_);
    parser.populateSchema(adapter, schema_);
  }
  std::string validate(const nlohmann::json& doc)
  {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter adapter(doc);
    if (validator.validate(schema_, adapter, &results))
      return "";
    std::string errors;
    valijson::ValidationResults::Error e;
    while (results.popError(e)) {
      std::string ctx;
      for (const auto& c : e.context)
        ctx += c;
      errors += ctx + ": " + e.description + "\n";
    }
    return errors.empty() ? "invalid" : errors;
  }
  nlohmann::json schema_doc_;
  valijson::Schema schema_;
};
} // namespace

TEST_F(SchemaTest, AcceptsEveryShippedScenario)
{
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(CCSIM_SOURCE_DIR) / "scenarios")) {
    // scenarios/bench holds baselines and their manifest, not scenarios.
    if (e.path().extension() != ".json" || e.path().parent_path().filename() == "bench" ||
        e.path().string().ends_with(".plan.json")) // a plan file, not a scenario (docs/planning.md)
      continue;
    n++;
    EXPECT_EQ(validate(read_json(e.path())), "") << e.path();
  }
  EXPECT_GE(n, 2);
}

TEST_F(SchemaTest, RejectsStructurallyBadScenarios)
{
  for (const char* name : {"missing-sites", "negative-submit", "mistyped-accelerators", "unknown-field",
                           "duration-and-work", "zero-peak"}) {
    const fs::path p = fs::path(CCSIM_SOURCE_DIR) / "tests/bad-inputs" / (std::string(name) + ".json");
    EXPECT_NE(validate(read_json(p)), "") << p;
  }
}

TEST(SchemaCheckAtLoad, ReportsTheDeepestFailureAtItsJsonPointer)
{
  ccsim::Diagnostics diags;
  const auto doc = nlohmann::json::parse(R"({"sites": [{"name": "s", "region": "east", "racks": [
      {"count": "two", "nodes_per_rack": 1, "node": {"accelerator": "H100-SXM", "count": 8}}]}],
      "workload": {"jobs": []}})");
  ccsim::check_scenario_schema(doc, "f.json", diags);
  ASSERT_FALSE(diags.empty());
  bool located = false;
  for (const auto& d : diags.items())
    located = located || (d.file == "f.json" && d.location == "/sites/0/racks/0/count");
  EXPECT_TRUE(located) << diags.items()[0].to_string();
  ccsim::Diagnostics none;
  ccsim::check_scenario_schema(nlohmann::json::parse(R"({"sites": [], "workload": {"jobs": []}})"), "g.json", none);
  EXPECT_FALSE(none.empty()); // minItems 1
}

// Issue 17: a failure under the root was reported twice, the second time at "/" ("Failed to validate against
// schema associated with property name 'seed'"): only the deepest stays.
TEST(SchemaCheckAtLoad, AFailureBelowTheRootIsNotRepeatedAtTheRoot)
{
  ccsim::Diagnostics diags;
  ccsim::check_scenario_schema(
      nlohmann::json::parse(R"({"seed": -1, "sites": [{"name": "s", "region": "east", "racks": [
      {"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "H100-SXM", "count": 8}}]}],
      "workload": {"jobs": []}})"),
      "f.json", diags);
  std::string all;
  for (const auto& d : diags.items())
    all += d.to_string() + "\n";
  ASSERT_EQ(diags.items().size(), 1U) << all;
  EXPECT_EQ(diags.items()[0].location, "/seed");
}
