// src/policy/builtin/ordered_min_index.hpp (private): queued jobs in queue order under a segment tree, answering
// "the first ones after a position whose aggregate passes a test" in O(log n) per hit, for passes that must skip
// what cannot start (EASY) or what cannot move (conservative).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace ccsim {

//! Entries (position, value) appended in increasing position order, changed and erased anywhere, under a segment
//! tree of Traits::join over them in position order. Traits: `Value`, `static Value none()` (the join's identity,
//! held by erased entries until the arrays are compacted, when those outnumber the live ones) and
//! `static Value join(const Value&, const Value&)`.
template <typename Traits>
class OrderedTree {
public:
  using Value = typename Traits::Value;

  //! Precondition: `pos` is greater than every position appended before.
  void append(std::uint64_t pos, const Value& value)
  {
    if (size_ == cap_)
      rebuild(std::max<std::size_t>(16, 2 * live_ + 2));
    pos_[size_] = pos;
    alive_[size_] = 1;
    put(size_++, value);
    live_++;
  }

  //! Precondition: `pos` is in the index.
  void set(std::uint64_t pos, const Value& value) { put(index(pos), value); }

  //! Precondition: `pos` is in the index.
  void erase(std::uint64_t pos)
  {
    const std::size_t i = index(pos);
    alive_[i] = 0;
    put(i, Traits::none());
    live_--;
    if (size_ > 64 && size_ > 4 * live_)
      rebuild(std::max<std::size_t>(16, 2 * live_ + 2));
  }

  //! Calls visit(position) in position order for the entries after `after` whose value passes `keep`, while visit
  //! returns true. `keep` must pass the join of any values of which one passes (it prunes subtrees).
  template <typename Keep, typename Visit>
  void visit_after(std::uint64_t after, const Keep& keep, const Visit& visit) const
  {
    if (live_ == 0)
      return;
    const auto from = static_cast<std::size_t>(
        std::upper_bound(pos_.begin(), pos_.begin() + static_cast<std::ptrdiff_t>(size_), after) - pos_.begin());
    if (from < size_)
      walk(1, 0, cap_, from, keep, visit);
  }

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  //! The join of every live value.
  Value all() const { return cap_ == 0 ? Traits::none() : tree_[1]; }

private:
  std::vector<std::uint64_t> pos_;
  std::vector<std::uint8_t> alive_;
  std::vector<Value> tree_; //!< tree_[1] the root; leaves tree_[cap_ + i]
  std::size_t cap_ = 0, size_ = 0, live_ = 0;

  std::size_t index(std::uint64_t pos) const
  {
    return static_cast<std::size_t>(
        std::lower_bound(pos_.begin(), pos_.begin() + static_cast<std::ptrdiff_t>(size_), pos) - pos_.begin());
  }

  void put(std::size_t i, const Value& value)
  {
    std::size_t n = cap_ + i;
    tree_[n] = value;
    for (n /= 2; n >= 1; n /= 2)
      tree_[n] = Traits::join(tree_[2 * n], tree_[2 * n + 1]);
  }

  //! Visits the leaves >= from of the subtree of `node` (covering [lo, hi)); false once visit asked to stop.
  template <typename Keep, typename Visit>
  bool walk(std::size_t node, std::size_t lo, std::size_t hi, std::size_t from, const Keep& keep,
            const Visit& visit) const
  {
    if (hi <= from || lo >= size_ || not keep(tree_[node]))
      return true;
    if (hi - lo == 1)
      return alive_[lo] == 0 || visit(pos_[lo]);
    const std::size_t mid = (lo + hi) / 2;
    return walk(2 * node, lo, mid, from, keep, visit) && walk(2 * node + 1, mid, hi, from, keep, visit);
  }

  //! Keeps the live entries in order, with room for `capacity`.
  void rebuild(std::size_t capacity)
  {
    std::size_t cap = 1;
    while (cap < capacity)
      cap *= 2;
    std::vector<std::uint64_t> pos(cap, 0);
    std::vector<Value> values;
    values.reserve(live_);
    std::size_t n = 0;
    for (std::size_t i = 0; i < size_; i++)
      if (alive_[i] != 0) {
        pos[n++] = pos_[i];
        values.push_back(tree_[cap_ + i]);
      }
    pos_ = std::move(pos);
    alive_.assign(cap, 0);
    std::fill(alive_.begin(), alive_.begin() + static_cast<std::ptrdiff_t>(n), 1);
    cap_ = cap;
    size_ = n;
    tree_.assign(2 * cap_, Traits::none());
    for (std::size_t i = 0; i < n; i++)
      tree_[cap_ + i] = values[i];
    for (std::size_t node = cap_ - 1; node >= 1; node--)
      tree_[node] = Traits::join(tree_[2 * node], tree_[2 * node + 1]);
  }
};

template <typename Key>
struct MinTraits {
  using Value = Key;
  static Key none() { return std::numeric_limits<Key>::max(); }
  static Key join(Key a, Key b) { return std::min(a, b); }
};

//! An OrderedTree of minima: first_after(p, k) is the smallest position > p whose key is <= k.
template <typename Key>
class OrderedMinIndex {
public:
  void append(std::uint64_t pos, Key key) { tree_.append(pos, key); }
  void erase(std::uint64_t pos) { tree_.erase(pos); }
  std::optional<std::uint64_t> first_after(std::uint64_t after, Key limit) const
  {
    std::optional<std::uint64_t> found;
    tree_.visit_after(
        after, [&](Key k) { return k <= limit; },
        [&](std::uint64_t pos) {
          found = pos;
          return false;
        });
    return found;
  }
  bool empty() const { return tree_.empty(); }
  std::size_t size() const { return tree_.size(); }

private:
  OrderedTree<MinTraits<Key>> tree_;
};

} // namespace ccsim
