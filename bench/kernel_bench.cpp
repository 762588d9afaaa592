// bench/kernel_bench.cpp: the placement-scoring kernel, SIMD (Highway, dispatched) vs its scalar build, on
// 1k to 300k nodes. Reports node-scores per second ("nodes/s"). Run: build/release/bench/ccsim_bench_kernel
#include "ccsim/cluster/score_kernel.hpp"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

namespace {

//! n nodes of 8 accelerators in racks of 4 nodes, each rack with its own allowance.
struct Nodes {
  std::vector<std::uint8_t> ef, cap;
  std::vector<std::uint32_t> rack;
  std::vector<std::int32_t> allow;
  std::vector<std::int32_t> out;
  explicit Nodes(std::size_t n)
      : ef(n)
      , cap(n)
      , rack(n)
      , allow(n / 4 + 1)
      , out(n)
  {
    std::mt19937 rng(42);
    for (std::size_t i = 0; i < n; i++) {
      cap[i] = 8;
      ef[i] = static_cast<std::uint8_t>(rng() % 9);
      rack[i] = static_cast<std::uint32_t>(i / 4);
    }
    for (auto& a : allow)
      a = static_cast<std::int32_t>(rng() % 32);
  }
  ccsim::KernelNodes kernel() const { return {ef.data(), cap.data(), rack.data(), allow.data()}; }
};

const ccsim::ScoreWeights BEST_FIT{.leftover = -100, .contrib = 1};

void simd(benchmark::State& state)
{
  Nodes n(static_cast<std::size_t>(state.range(0)));
  const ccsim::KernelNodes k = n.kernel();
  for (auto _ : state) {
    ccsim::score_nodes(k, 0, static_cast<std::uint32_t>(n.ef.size()), 4, BEST_FIT, 0, n.out.data());
    benchmark::DoNotOptimize(n.out.data());
    benchmark::ClobberMemory();
  }
  state.counters["nodes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)), benchmark::Counter::kIsRate);
  state.SetLabel(ccsim::score_kernel_target());
}

//! power-aware's weights: the rack's allowance is gathered through each node's rack.
void simd_rack(benchmark::State& state)
{
  Nodes n(static_cast<std::size_t>(state.range(0)));
  const ccsim::KernelNodes k = n.kernel();
  const ccsim::ScoreWeights power_aware{.contrib = 1, .rack = 100};
  for (auto _ : state) {
    ccsim::score_nodes(k, 0, static_cast<std::uint32_t>(n.ef.size()), 4, power_aware, 0, n.out.data());
    benchmark::DoNotOptimize(n.out.data());
    benchmark::ClobberMemory();
  }
  state.counters["nodes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)), benchmark::Counter::kIsRate);
  state.SetLabel(ccsim::score_kernel_target());
}

void scalar(benchmark::State& state)
{
  Nodes n(static_cast<std::size_t>(state.range(0)));
  const ccsim::KernelNodes k = n.kernel();
  for (auto _ : state) {
    ccsim::score_nodes_scalar(k, 0, static_cast<std::uint32_t>(n.ef.size()), 4, BEST_FIT, 0, n.out.data());
    benchmark::DoNotOptimize(n.out.data());
    benchmark::ClobberMemory();
  }
  state.counters["nodes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)), benchmark::Counter::kIsRate);
}

void aggregate_simd(benchmark::State& state)
{
  Nodes n(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state)
    benchmark::DoNotOptimize(
        ccsim::aggregate_nodes(n.ef.data(), n.cap.data(), 0, static_cast<std::uint32_t>(n.ef.size())));
  state.counters["nodes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)), benchmark::Counter::kIsRate);
}

void aggregate_scalar(benchmark::State& state)
{
  Nodes n(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state)
    benchmark::DoNotOptimize(
        ccsim::aggregate_nodes_scalar(n.ef.data(), n.cap.data(), 0, static_cast<std::uint32_t>(n.ef.size())));
  state.counters["nodes/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)), benchmark::Counter::kIsRate);
}

} // namespace

BENCHMARK(simd)->Arg(1000)->Arg(10000)->Arg(100000)->Arg(300000);
BENCHMARK(simd_rack)->Arg(1000)->Arg(300000);
BENCHMARK(scalar)->Arg(1000)->Arg(10000)->Arg(100000)->Arg(300000);
BENCHMARK(aggregate_simd)->Arg(1000)->Arg(300000);
BENCHMARK(aggregate_scalar)->Arg(1000)->Arg(300000);
BENCHMARK_MAIN();
