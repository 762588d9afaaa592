// include/ccsim/core/random.hpp
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace ccsim {

//! Seeded random numbers that are the same on every platform: std::mt19937_64's sequence is fixed by the C++
//! standard, and every distribution below is computed here (the standard library's distributions are not
//! specified bit for bit).
class Rng {
public:
  explicit Rng(std::uint64_t seed)
      : engine_(seed)
  {
  }

  std::uint64_t next() { return engine_(); }
  //! Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  //! Uniform in (0, 1]: safe under log().
  double uniform_open0() { return 1.0 - uniform(); }
  //! Uniform integer in [0, n), unbiased (rejection). Precondition: n > 0.
  std::uint64_t below(std::uint64_t n)
  {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x = engine_();
    while (x >= limit)
      x = engine_();
    return x % n;
  }
  //! Exponential with the given rate (mean 1 / rate).
  double exponential(double rate) { return -std::log(uniform_open0()) / rate; }
  //! Standard normal (Box-Muller; one value per call, the pair's second is dropped for simplicity of replay).
  double normal()
  {
    const double u1 = uniform_open0();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  //! Lognormal: exp(mu + sigma * N(0, 1)).
  double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }

private:
  std::mt19937_64 engine_;
};

} // namespace ccsim
