// src/output/html_report.cpp: the self-contained report page (ccsim report): data in, one HTML file out.
#include "ccsim/output/html_report.hpp"

#include "ccsim/core/version.hpp"

#include <algorithm>
#include <cctype>

namespace ccsim::report_assets {
// Generated from the files named in src/CMakeLists.txt (cmake/EmbedText.cmake).
std::string chart_js();
std::string page_js();
std::string page_css();
} // namespace ccsim::report_assets

namespace ccsim::report {

using Json = nlohmann::ordered_json;

std::string html_escape(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string script_json(const Json& value)
{
  // dump() escapes control characters; error_handler::replace keeps invalid UTF-8 from throwing.
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + 64);
  for (std::size_t i = 0; i < text.size(); i++) {
    const char c = text[i];
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
             (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

//! Script text inline in the page: a "</script" (any case) would end the element early.
std::string inline_script(std::string js)
{
  for (std::size_t i = 0; i + 8 <= js.size(); i++)
    if (js[i] == '<' && js[i + 1] == '/') {
      std::string word = js.substr(i + 2, 6);
      std::transform(word.begin(), word.end(), word.begin(), [](unsigned char ch) { return std::tolower(ch); });
      if (word == "script")
        js.insert(i + 1, 1, '\\');
    }
  return js;
}

} // namespace

std::string html_page(const std::string& title, const Json& data)
{
  std::string page;
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<meta name=\"generator\" content=\"ccsim " + html_escape(version()) + "\">\n";
  page += "<title>" + html_escape(title) + "</title>\n<style>\n" + report_assets::page_css() + "</style>\n</head>\n";
  page += "<body>\n<header><h1>" + html_escape(title) + "</h1>\n<p class=\"sub\">ccsim " + html_escape(version()) +
          " &middot; Chart.js (Debian libjs-chart.js) inline: this file works offline</p></header>\n";
  page += "<main id=\"report\"><noscript>The charts of this report are drawn with JavaScript.</noscript></main>\n";
  page += "<pre id=\"ccsim-render-status\" hidden></pre>\n";
  page += "<script id=\"ccsim-data\" type=\"application/json\">" + script_json(data) + "</script>\n";
  page += "<script>\n" + inline_script(report_assets::chart_js()) + "\n</script>\n";
  page += "<script>\n" + inline_script(report_assets::page_js()) + "\n</script>\n</body>\n</html>\n";
  return page;
}

} // namespace ccsim::report
