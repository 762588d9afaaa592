// src/policy/builtin/ordered_min_index.hpp (private): queued jobs in queue order, answering "the first one after
// a position whose key is at most k" in O(log n), for backfilling passes that must skip what cannot start.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace ccsim {

//! Entries (position, key) appended in increasing position order and erased anywhere. first_after(p, k) is the
//! smallest position > p whose key is <= k. A segment tree of minima over the entries in position order; erased
//! entries hold +max until the arrays are compacted (when they outnumber the live ones).
template <typename Key>
class OrderedMinIndex {
public:
  static constexpr Key NONE = std::numeric_limits<Key>::max();

  //! Precondition: `pos` is greater than every position appended before.
  void append(std::uint64_t pos, Key key)
  {
    if (size_ == cap_)
      rebuild(std::max<std::size_t>(16, 2 * live_ + 2));
    pos_[size_] = pos;
    set(size_++, key);
    live_++;
  }

  //! Precondition: `pos` is in the index.
  void erase(std::uint64_t pos)
  {
    const auto it = std::lower_bound(pos_.begin(), pos_.begin() + static_cast<std::ptrdiff_t>(size_), pos);
    set(static_cast<std::size_t>(it - pos_.begin()), NONE);
    live_--;
    if (size_ > 64 && size_ > 4 * live_)
      rebuild(std::max<std::size_t>(16, 2 * live_ + 2));
  }

  //! The first position > `after` whose key is <= `limit`.
  std::optional<std::uint64_t> first_after(std::uint64_t after, Key limit) const
  {
    if (live_ == 0)
      return std::nullopt;
    const auto from = static_cast<std::size_t>(
        std::upper_bound(pos_.begin(), pos_.begin() + static_cast<std::ptrdiff_t>(size_), after) - pos_.begin());
    if (from >= size_)
      return std::nullopt;
    const std::size_t i = find(1, 0, cap_, from, limit);
    if (i >= size_)
      return std::nullopt;
    return pos_[i];
  }

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }

private:
  std::vector<std::uint64_t> pos_;
  std::vector<Key> tree_; //!< tree_[1] the root; leaves tree_[cap_ + i]
  std::size_t cap_ = 0, size_ = 0, live_ = 0;

  void set(std::size_t i, Key key)
  {
    std::size_t n = cap_ + i;
    tree_[n] = key;
    for (n /= 2; n >= 1; n /= 2)
      tree_[n] = std::min(tree_[2 * n], tree_[2 * n + 1]);
  }

  //! The first leaf index >= from in the subtree of `node` (covering [lo, hi)) with key <= limit, or cap_.
  std::size_t find(std::size_t node, std::size_t lo, std::size_t hi, std::size_t from, Key limit) const
  {
    if (hi <= from || tree_[node] > limit)
      return cap_;
    if (hi - lo == 1)
      return lo;
    const std::size_t mid = (lo + hi) / 2;
    const std::size_t left = find(2 * node, lo, mid, from, limit);
    return left != cap_ ? left : find(2 * node + 1, mid, hi, from, limit);
  }

  //! Keeps the live entries in order, with room for `capacity`.
  void rebuild(std::size_t capacity)
  {
    std::size_t cap = 1;
    while (cap < capacity)
      cap *= 2;
    std::vector<std::uint64_t> pos(cap, 0);
    std::vector<Key> keys;
    keys.reserve(live_);
    std::size_t n = 0;
    for (std::size_t i = 0; i < size_; i++)
      if (tree_[cap_ + i] != NONE) {
        pos[n++] = pos_[i];
        keys.push_back(tree_[cap_ + i]);
      }
    pos_ = std::move(pos);
    cap_ = cap;
    size_ = n;
    tree_.assign(2 * cap_, NONE);
    for (std::size_t i = 0; i < n; i++)
      tree_[cap_ + i] = keys[i];
    for (std::size_t node = cap_ - 1; node >= 1; node--)
      tree_[node] = std::min(tree_[2 * node], tree_[2 * node + 1]);
  }
};

} // namespace ccsim
