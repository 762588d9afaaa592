// src/core/error.cpp
#include "ccsim/core/error.hpp"

namespace ccsim {

namespace {
std::string join(const std::vector<Diagnostic>& diagnostics)
{
  std::string text;
  for (const auto& d : diagnostics) {
    if (not text.empty())
      text += '\n';
    text += d.to_string();
  }
  return text;
}
} // namespace

std::string Diagnostic::to_string() const
{
  std::string text = file;
  if (not location.empty())
    text += (text.empty() ? "" : ": ") + location;
  return text + (text.empty() ? "" : ": ") + message;
}

void Diagnostics::add(std::string file, std::string location, std::string message)
{
  items_.push_back(Diagnostic{std::move(file), std::move(location), std::move(message)});
}

void Diagnostics::throw_if_any() const
{
  if (not items_.empty())
    throw InputError(items_);
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics))
    , diagnostics_(std::move(diagnostics))
{
}

InputError::InputError(std::string file, std::string location, std::string message)
    : InputError(std::vector<Diagnostic>{Diagnostic{std::move(file), std::move(location), std::move(message)}})
{
}

} // namespace ccsim
