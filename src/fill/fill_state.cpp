// src/fill/fill_state.cpp
#include "ccsim/fill/fill_state.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

namespace ccsim {

namespace {

constexpr std::uint16_t MILLI = 1000;

//! The artifact's GPU affinity of a GPU task as a key: 0 "share" (one GPU at a share below 1), k "k-gpu".
std::uint32_t affinity_key(const TaskShape& t)
{
  return t.gpus == 1 && t.gpu_milli < MILLI ? 0 : t.gpus;
}

template <typename T>
void append_bytes(std::string& key, const T& v)
{
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  key.append(buf, sizeof(T));
}

} // namespace

TaskShape TaskShape::of(const Job& job)
{
  TaskShape t;
  t.cpu_milli = job.cpu_milli;
  t.memory_mib = job.host_memory_mib;
  t.gpus = job.accelerators;
  t.gpu_milli = job.accelerators == 0 ? 0 : job.gpu_milli;
  t.eligible_types = job.eligible_types;
  return t;
}

FillState::FillState(const Cluster& cluster, std::span<const Job> distribution)
    : cluster_(&cluster)
    , gpu_free_(cluster.accelerator_count(), MILLI)
    , gpu_free_total_(cluster.node_count())
    , cpu_free_(cluster.node_cpu_milli)
    , tasks_on_(cluster.node_count(), 0)
    , mem_free_(cluster.node_memory_mib)
    , node_frag_(cluster.node_count(), 0)
    , affinities_on_(cluster.node_count())
{
  for (std::uint32_t n = 0; n < cluster.node_count(); n++) {
    gpu_free_total_[n] = cluster.node_accels[n] * std::uint32_t{MILLI};
    max_cpu_ = std::max(max_cpu_, cluster.node_cpu_milli[n]);
    max_gpu_ = std::max(max_gpu_, gpu_free_total_[n]);
    capacity_milli_ += gpu_free_total_[n];
  }
  // The workload distribution: distinct GPU-task shapes weighted by their frequency, in first-appearance order.
  std::uint64_t gpu_tasks = 0;
  std::vector<std::uint64_t> counts;
  for (const Job& job : distribution) {
    if (job.accelerators == 0)
      continue;
    const TaskShape t = TaskShape::of(job);
    gpu_tasks++;
    const auto it = std::find(shapes_.begin(), shapes_.end(), t);
    if (it == shapes_.end()) {
      shapes_.push_back(t);
      counts.push_back(1);
    } else {
      counts[static_cast<std::size_t>(it - shapes_.begin())]++;
    }
  }
  for (std::size_t i = 0; i < shapes_.size(); i++)
    shapes_[i].weight = static_cast<double>(counts[i]) / static_cast<double>(gpu_tasks);
  for (std::uint32_t n = 0; n < cluster.node_count(); n++)
    node_frag_[n] = fragmentation_of(n, cpu_free_[n], mem_free_[n], gpu_free(n));
}

std::uint32_t FillState::same_affinity_on(std::uint32_t node, const TaskShape& t) const
{
  if (t.gpus == 0)
    return 0;
  const std::uint32_t key = affinity_key(t);
  for (const auto& [k, n] : affinities_on_[node])
    if (k == key)
      return n;
  return 0;
}

bool FillState::fits(const TaskShape& t, std::uint32_t node) const
{
  const Cluster& c = *cluster_;
  if ((t.eligible_types >> c.node_type[node] & 1U) == 0)
    return false;
  if (c.node_cpu_milli[node] > 0 && cpu_free_[node] < t.cpu_milli)
    return false;
  if (c.node_memory_mib[node] > 0 && mem_free_[node] < t.memory_mib)
    return false;
  if (t.gpus == 0)
    return true;
  if (gpu_free_total_[node] < t.gpu_demand_milli())
    return false;
  std::uint32_t enough = 0;
  for (const auto f : gpu_free(node))
    enough += f >= t.gpu_milli ? 1U : 0U;
  return enough >= t.gpus;
}

std::vector<std::uint32_t> FillState::best_fit_slots(const TaskShape& t, std::uint32_t node) const
{
  const auto frees = gpu_free(node);
  std::vector<std::uint32_t> slots;
  for (std::uint32_t s = 0; s < frees.size(); s++)
    if (frees[s] >= t.gpu_milli)
      slots.push_back(s);
  std::stable_sort(slots.begin(), slots.end(), [&](std::uint32_t a, std::uint32_t b) { return frees[a] < frees[b]; });
  slots.resize(std::min<std::size_t>(slots.size(), t.gpus));
  std::sort(slots.begin(), slots.end());
  return slots;
}

double FillState::fragmentation_of(std::uint32_t node, std::uint32_t cpu_free, double mem_free,
                                   std::span<const std::uint16_t> frees) const
{
  std::uint32_t total = 0;
  for (const auto f : frees)
    total += f;
  if (total == 0 || shapes_.empty())
    return 0;
  const Cluster& c = *cluster_;
  const bool cpu_modeled = c.node_cpu_milli[node] > 0;
  const bool mem_modeled = c.node_memory_mib[node] > 0;
  // Memo key: everything the value depends on. GPU order does not matter: sorted.
  std::array<std::uint16_t, 64> sorted{};
  std::copy(frees.begin(), frees.end(), sorted.begin());
  std::sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(frees.size()));
  key_.clear();
  append_bytes(key_, c.node_type[node]);
  append_bytes(key_, cpu_modeled ? cpu_free : UINT32_MAX);
  append_bytes(key_, mem_modeled ? mem_free : -1.0);
  key_.append(reinterpret_cast<const char*>(sorted.data()), frees.size() * sizeof(std::uint16_t));
  if (const auto it = memo_.find(key_); it != memo_.end())
    return it->second;
  double frag = 0;
  for (const TaskShape& m : shapes_) {
    // FGD: the GPU share of this node that task m could not use. All of it when m cannot run here at all (type
    // not accepted, too few GPUs with enough free share, too little CPU or memory); otherwise the free share of
    // the GPUs that each hold less than m's per-GPU request.
    double unusable = total;
    if ((m.eligible_types >> c.node_type[node] & 1U) != 0 && (not cpu_modeled || cpu_free >= m.cpu_milli) &&
        (not mem_modeled || mem_free >= m.memory_mib)) {
      std::uint32_t enough = 0, short_share = 0;
      for (std::size_t s = 0; s < frees.size(); s++) {
        if (sorted[s] >= m.gpu_milli)
          enough++;
        else
          short_share += sorted[s];
      }
      if (enough >= m.gpus)
        unusable = short_share;
    }
    frag += m.weight * unusable;
  }
  memo_.emplace(key_, frag);
  return frag;
}

double FillState::fragmentation_after(const TaskShape& t, std::uint32_t node,
                                      std::span<const std::uint32_t> slots) const
{
  std::array<std::uint16_t, 64> frees{};
  const auto now = gpu_free(node);
  std::copy(now.begin(), now.end(), frees.begin());
  for (const auto s : slots)
    frees[s] = static_cast<std::uint16_t>(frees[s] - t.gpu_milli);
  return fragmentation_of(node, cpu_free_[node] - (cluster_->node_cpu_milli[node] > 0 ? t.cpu_milli : 0),
                          mem_free_[node] - (cluster_->node_memory_mib[node] > 0 ? t.memory_mib : 0),
                          std::span<const std::uint16_t>(frees.data(), now.size()));
}

void FillState::place(const TaskShape& t, std::uint32_t node, std::span<const std::uint32_t> slots)
{
  const Cluster& c = *cluster_;
  if (not fits(t, node) || slots.size() != t.gpus)
    throw std::logic_error("FillState::place(): task does not fit node " + std::to_string(node));
  const std::uint32_t first = c.node_first_accel[node];
  for (const auto s : slots) {
    if (s >= c.node_accels[node] || gpu_free_[first + s] < t.gpu_milli)
      throw std::logic_error("FillState::place(): GPU slot " + std::to_string(s) + " of node " + std::to_string(node) +
                             " lacks the share");
    gpu_free_[first + s] = static_cast<std::uint16_t>(gpu_free_[first + s] - t.gpu_milli);
  }
  gpu_free_total_[node] -= static_cast<std::uint32_t>(t.gpu_demand_milli());
  allocated_milli_ += t.gpu_demand_milli();
  if (c.node_cpu_milli[node] > 0)
    cpu_free_[node] -= t.cpu_milli;
  if (c.node_memory_mib[node] > 0)
    mem_free_[node] -= t.memory_mib;
  tasks_on_[node]++;
  if (t.gpus > 0) { // CPU-only tasks have no GPU affinity
    const std::uint32_t key = affinity_key(t);
    auto& affinities = affinities_on_[node];
    const auto it = std::find_if(affinities.begin(), affinities.end(), [key](const auto& r) { return r.first == key; });
    if (it == affinities.end())
      affinities.emplace_back(key, 1);
    else
      it->second++;
  }
  node_frag_[node] = fragmentation_of(node, cpu_free_[node], mem_free_[node], gpu_free(node));
}

double FillState::fragmentation_total() const
{
  double sum = 0;
  for (const double f : node_frag_)
    sum += f;
  return sum;
}

} // namespace ccsim
