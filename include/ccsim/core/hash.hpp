// include/ccsim/core/hash.hpp
#pragma once

#include <string>
#include <string_view>

namespace ccsim {
//! Lower-case hex SHA-256 of `bytes` (same as `sha256sum` prints for a file with these bytes).
std::string sha256_hex(std::string_view bytes);
} // namespace ccsim
