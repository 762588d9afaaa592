#include "ccsim/core/json_reader.hpp"

#include <gtest/gtest.h>

using namespace ccsim;

TEST(JsonReader, MalformedJsonIsLocatedByLineAndColumn)
{
  const std::string text = "{\n  \"a\": 1,\n  \"b\": ]\n}";
  try {
    parse_json_text(text, "bad.json");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1U);
    EXPECT_EQ(e.diagnostics()[0].file, "bad.json");
    EXPECT_EQ(e.diagnostics()[0].location, "line 3, column 8");
    EXPECT_NE(e.diagnostics()[0].message.find("malformed JSON"), std::string::npos);
  }
}

// Issue 17: nlohmann keeps the last of two equal keys; ccsim refuses them, at the object's pointer.
TEST(JsonReader, DuplicateKeysAreRefusedAtTheirObject)
{
  const auto location_of = [](const std::string& text) {
    try {
      parse_json_text(text, "d.json");
    } catch (const InputError& e) {
      EXPECT_NE(e.diagnostics()[0].message.find("appears twice"), std::string::npos) << e.what();
      return e.diagnostics()[0].location;
    }
    return std::string("accepted");
  };
  EXPECT_EQ(location_of(R"({"a": 1, "a": 2})"), "/");
  EXPECT_EQ(location_of(R"({"a": [0, {"b": 1}, [{"c": {}, "c": 2}]]})"), "/a/2/0");
  EXPECT_EQ(location_of(R"({"x/y": {"z": null, "z": null}})"), "/x~1y");
  EXPECT_EQ(location_of(R"([{"k": 1}, {"k": 1}, {"k": [1, {"k": 1, "j": {}, "k": 2}]}])"), "/2/k/1");
  // Equal keys in different objects, and the same text as a value, are fine; the document is whole.
  const auto ok =
      parse_json_text(R"({"a": {"a": "a"}, "b": [{"a": 1}, {"a": 2}], "c": {"d": [], "e": {}}})", "ok.json");
  EXPECT_EQ(ok.dump(), R"({"a":{"a":"a"},"b":[{"a":1},{"a":2}],"c":{"d":[],"e":{}}})");
}

TEST(JsonReader, MissingFileNamesTheFile)
{
  try {
    parse_json_file("/nonexistent/x.json");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics()[0].file, "/nonexistent/x.json");
    EXPECT_NE(e.diagnostics()[0].message.find("cannot open"), std::string::npos);
  }
}

TEST(JsonReader, PointerEscapesSlashAndTilde)
{
  EXPECT_EQ(pointer_append("/a", "b/c~d"), "/a/b~1c~0d");
}

TEST(JsonReader, NumberIntegerAndUnknownKeyChecks)
{
  const auto doc = nlohmann::json::parse(R"({"x": -5, "n": 2.5, "s": "", "typo": 1, "b": "yes"})");
  Diagnostics diags;
  ObjectReader r(doc, "/obj", "f.json", diags, {"x", "n", "s", "b"});
  EXPECT_FALSE(r.number("x", ObjectReader::Need::REQUIRED, 0, 1e9).has_value());
  EXPECT_FALSE(r.integer("n", ObjectReader::Need::REQUIRED, 1, 10).has_value());
  EXPECT_FALSE(r.string("s", ObjectReader::Need::REQUIRED).has_value());
  EXPECT_FALSE(r.boolean("b", ObjectReader::Need::REQUIRED).has_value());
  EXPECT_FALSE(r.number("missing", ObjectReader::Need::OPTIONAL, 0, 1).has_value());
  EXPECT_FALSE(r.number("missing2", ObjectReader::Need::REQUIRED, 0, 1).has_value());
  ASSERT_EQ(diags.size(), 6U);
  const auto& d = diags.items();
  EXPECT_EQ(d[0].location, "/obj/typo");
  EXPECT_NE(d[0].message.find("unknown field \"typo\""), std::string::npos);
  EXPECT_EQ(d[1].location, "/obj/x");
  EXPECT_EQ(d[1].message, "expected a finite number >= 0 and <= 1e+09, found -5");
  EXPECT_EQ(d[2].location, "/obj/n");
  EXPECT_EQ(d[2].message, "expected an integer in [1, 10], found number 2.5");
  EXPECT_EQ(d[3].location, "/obj/s");
  EXPECT_EQ(d[4].message, "expected true or false, found string \"yes\"");
  EXPECT_EQ(d[5].location, "/obj/missing2");
  EXPECT_EQ(d[5].message, "missing required field \"missing2\"");
  EXPECT_EQ(d[5].to_string(), "f.json: /obj/missing2: missing required field \"missing2\"");
}

TEST(JsonReader, WholeNumberGivenAsFloatIsAnInteger)
{
  const auto doc = nlohmann::json::parse(R"({"n": 4.0})");
  Diagnostics diags;
  ObjectReader r(doc, "", "f.json", diags, {"n"});
  EXPECT_EQ(r.integer("n", ObjectReader::Need::REQUIRED, 1, 10), 4);
  EXPECT_TRUE(diags.empty());
}
