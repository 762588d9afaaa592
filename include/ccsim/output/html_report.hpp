// include/ccsim/output/html_report.hpp: `ccsim report`'s page: the chart data in, one self-contained HTML file out.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace ccsim::report {

//! The report page: `title` and `data` ({"runs": [...], "sweeps": [...]}) with Chart.js (from Debian's
//! libjs-chart.js, compiled in) and ccsim's page script and style inline: one file that works offline.
//! Deterministic: the same data gives the same bytes.
std::string html_page(const std::string& title, const nlohmann::ordered_json& data);

//! Text with &, <, >, " and ' as character references (HTML text and attribute values).
std::string html_escape(std::string_view text);

//! JSON text that is safe inside a <script> element: <, >, & and U+2028/U+2029 written as \u escapes, so no
//! string taken from an input file can end the element or open a comment.
std::string script_json(const nlohmann::ordered_json& value);

} // namespace ccsim::report
