// include/ccsim/core/limits.hpp: the largest (and smallest) input quantities ccsim accepts (docs/scenario.md "Limits").
//
// Far beyond any real compute center, and small enough that every product ccsim forms stays finite: energy =
// power x time x PUE, cost = energy x price, a transfer = bytes / bandwidth, a collective's slowdown = a ratio of
// transfer times. So every number ccsim writes is finite (a 1e308 PUE gave "inf" in timeseries.csv, which `ccsim
// report` then refused) and every file it writes reads back. Worst case, for the record: 2^26 accelerators and 2^20
// nodes at 1 GW each over 1e7 jobs run one after the other (1e17 s) at PUE 10 and 1e9 per kWh is ~1e37 (currency),
// 300 orders of magnitude below a double's overflow.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ccsim {

//! s (~317 years): submit times, durations, walltimes, horizons, latencies
inline constexpr double MAX_TIME_S = 1e10;
//! W (1 GW): an accelerator's idle or max power, a node's base power, a rack's cap
inline constexpr double MAX_POWER_W = 1e9;
//! a site's PUE, constant or on its curve
inline constexpr double MAX_PUE = 10;
//! outdoor temperatures (a climate's series or synthetic parameters), deg C: beyond any recorded on Earth
inline constexpr double MIN_TEMPERATURE_C = -100;
inline constexpr double MAX_TEMPERATURE_C = 70;
//! electricity price, scenario currency per kWh
inline constexpr double MAX_PRICE_PER_KWH = 1e9;
//! kg CO2 per kWh
inline constexpr double MAX_CARBON_KG_PER_KWH = 1e3;
//! TFLOP/s per accelerator and precision (1 ZFLOP/s)
inline constexpr double MAX_PEAK_TFLOPS = 1e9;
//! FLOP of one job; and the bytes it moves to and from accelerator memory, and FLOP per byte moved
inline constexpr double MAX_WORK_FLOP = 1e30;
inline constexpr double MAX_MEMORY_BYTES = 1e30;
inline constexpr double MAX_ARITHMETIC_INTENSITY = 1e9;
//! an LLM training job's parameters and tokens, and its sequence length, layers and hidden size
inline constexpr double MAX_LLM_PARAMS = 1e16;
inline constexpr double MAX_LLM_TOKENS = 1e16;
inline constexpr double MAX_LLM_DIMENSION = 1e7;
//! a job's share of its run in collectives: a job spending all its time in collectives would never progress
inline constexpr double MAX_COMM_SHARE = 0.99;
//! bytes in a GiB
inline constexpr double GIB_BYTES = 1024.0 * 1024 * 1024;
//! an accelerator's memory bandwidth, TB/s (1 EB/s), and its intra-node link's, GB/s
inline constexpr double MAX_MEMORY_BANDWIDTH_TB_PER_S = 1e6;
inline constexpr double MAX_INTERCONNECT_GB_PER_S = 1e9;
//! bytes: a job's staged data or all-reduce size (SimGrid 3.32 aborts, "Deadlock detected", on a transfer of ~3e19
//! bytes; 1e18 is measured to run, even over a 0.001 Gb/s link)
inline constexpr double MAX_BYTES = 1e18;
//! Gb/s (1 bit/s) and Gb/s (1 Eb/s): a link's, NIC's or storage's bandwidth
inline constexpr double MIN_BANDWIDTH_GBPS = 1e-9;
inline constexpr double MAX_BANDWIDTH_GBPS = 1e9;
//! MiB: a TCP window per stream, 1 KiB to 1 TiB; streams per transfer
inline constexpr double MIN_TCP_WINDOW_MIB = 1.0 / 1024;
inline constexpr double MAX_TCP_WINDOW_MIB = 1024.0 * 1024;
inline constexpr std::int64_t MAX_STREAMS = 10'000;
//! Maintenance windows per site, and power-cap changes per rack group (docs/scenario.md "Platform over time"): each
//! rack's limits over time are planned in O(dates x (windows + changes)).
inline constexpr std::size_t MAX_PLATFORM_CHANGES = 1'000;

} // namespace ccsim
