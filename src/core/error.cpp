// src/core/error.cpp
#include "ccsim/core/error.hpp"

#include <cerrno>

#include <algorithm>

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

bool is_path_errno(int err)
{
  return err == EACCES || err == ENOENT || err == ENOTDIR || err == EROFS || err == EISDIR || err == EPERM ||
         err == ENAMETOOLONG || err == ELOOP;
}

std::string printable(std::string_view text, std::size_t max_shown)
{
  static constexpr char HEX[] = "0123456789abcdef";
  std::string out;
  for (const char c : text.substr(0, max_shown)) {
    if (is_control_char(c)) {
      const auto u = static_cast<unsigned char>(c);
      out += {'\\', 'x', HEX[u >> 4], HEX[u & 15]};
    } else {
      out += c;
    }
  }
  return text.size() > max_shown ? out + "..." : out;
}

void Diagnostics::add(std::string file, std::string location, std::string message)
{
  if (items_.size() < KEPT)
    items_.push_back(Diagnostic{std::move(file), std::move(location), std::move(message)});
  count_++;
}

void Diagnostics::add(const Diagnostics& other)
{
  for (const auto& d : other.items_)
    add(d.file, d.location, d.message);
  count_ += other.count_ - other.items_.size();
}

void Diagnostics::add(const InputError& error)
{
  for (const auto& d : error.diagnostics())
    add(d.file, d.location, d.message);
  count_ += error.count() - error.diagnostics().size();
}

void Diagnostics::throw_if_any() const
{
  if (count_ != 0)
    throw InputError(items_, count_);
}

InputError::InputError(std::vector<Diagnostic> diagnostics, std::size_t count)
    : std::runtime_error(join(diagnostics))
    , diagnostics_(std::move(diagnostics))
    , count_(std::max(count, diagnostics_.size()))
{
}

InputError::InputError(std::string file, std::string location, std::string message)
    : InputError(std::vector<Diagnostic>{Diagnostic{std::move(file), std::move(location), std::move(message)}})
{
}

} // namespace ccsim
