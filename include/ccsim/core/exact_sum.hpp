// include/ccsim/core/exact_sum.hpp: a sum of doubles that does not depend on the order of its terms.
#pragma once

#include <cmath>
#include <vector>

namespace ccsim {

//! The exact sum of the doubles added, rounded once when read (Shewchuk's adaptive expansion, as Python's
//! math.fsum): the result is the correctly rounded sum whatever the order the terms arrive in. Metrics sum
//! over jobs in the order they end, which a scheduling change reorders; an order-independent sum keeps a
//! metric from moving in its last digits when only the order moved. Terms must be finite. Cost: O(k) per
//! add, k the length of the expansion (a few doubles in practice).
class ExactSum {
public:
  void add(double x)
  {
    std::size_t i = 0;
    for (double y : partials_) {
      if (std::fabs(x) < std::fabs(y))
        std::swap(x, y);
      const double hi = x + y;
      const double lo = y - (hi - x);
      if (lo != 0)
        partials_[i++] = lo;
      x = hi;
    }
    partials_.resize(i);
    partials_.push_back(x);
  }
  ExactSum& operator+=(double x)
  {
    add(x);
    return *this;
  }
  //! The sum, correctly rounded to the nearest double (ties to even), as math.fsum rounds it.
  double value() const
  {
    if (partials_.empty())
      return 0.0;
    std::size_t n = partials_.size();
    double hi = partials_[--n];
    double lo = 0;
    while (n > 0) {
      const double x = hi;
      const double y = partials_[--n];
      hi = x + y;
      const double yr = hi - x;
      lo = y - yr;
      if (lo != 0)
        break;
    }
    // Half-way cases: round-half-even needs the sign of the next partial.
    if (n > 0 && ((lo < 0 && partials_[n - 1] < 0) || (lo > 0 && partials_[n - 1] > 0))) {
      const double y = lo * 2;
      const double x = hi + y;
      const double yr = x - hi;
      if (y == yr)
        hi = x;
    }
    return hi;
  }

private:
  std::vector<double> partials_; //!< non-overlapping, increasing magnitude; their exact sum is the total
};

} // namespace ccsim
