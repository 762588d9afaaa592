// include/ccsim/core/types.hpp
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ccsim {

//! Joules in a kilowatt-hour (energy outputs are in kWh, integrals in J).
inline constexpr double J_PER_KWH = 3.6e6;

//! Numeric precisions an accelerator may support. Peak throughput is quoted per precision. fp64 is the vector
//! (general-purpose) rate most HPC codes see; fp64-tensor the matrix units' rate that DGEMM-bound codes reach.
enum class Precision : std::uint8_t { FP64, FP32, TF32, BF16, FP16, FP8, INT8, FP64_TENSOR };
inline constexpr std::size_t PRECISION_COUNT = 8;
inline constexpr std::array<std::string_view, PRECISION_COUNT> PRECISION_NAMES = {
    "fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp64-tensor"};

//! Accelerator families: GPUs, ASICs (NPUs and other AI chips) and FPGAs.
enum class AcceleratorKind : std::uint8_t { GPU, ASIC, FPGA };
inline constexpr std::array<std::string_view, 3> ACCELERATOR_KIND_NAMES = {"gpu", "asic", "fpga"};

//! Job classes; each implies a default precision (training bf16, inference fp16, hpc fp64).
enum class JobClass : std::uint8_t { TRAINING, INFERENCE, HPC };
inline constexpr std::array<std::string_view, 3> JOB_CLASS_NAMES = {"training", "inference", "hpc"};
//! Power activity per job class when neither the job nor the workload gives one (docs/model.md "Power"): training
//! and HPC at their accelerators' maximum; inference at half way from idle to maximum (serving alternates
//! compute-bound prefill near maximum with memory-bound decode far below it).
inline constexpr std::array<double, 3> DEFAULT_ACTIVITY = {1.0, 0.5, 1.0};

//! Finds `name` in a name table; the index cast to E, or nullopt.
template <typename E, std::size_t N>
std::optional<E> enum_from_name(const std::array<std::string_view, N>& names, std::string_view name)
{
  for (std::size_t i = 0; i < N; i++)
    if (names[i] == name)
      return static_cast<E>(i);
  return std::nullopt;
}

//! The names of a table joined by ", " (for messages listing what was expected).
template <std::size_t N>
std::string names_list(const std::array<std::string_view, N>& names)
{
  std::string out;
  for (const auto n : names)
    out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

template <typename E, std::size_t N>
std::string_view enum_name(const std::array<std::string_view, N>& names, E value)
{
  return names[static_cast<std::size_t>(value)];
}

//! Default precision of a job class.
constexpr Precision default_precision(JobClass c)
{
  switch (c) {
    case JobClass::INFERENCE:
      return Precision::FP16;
    case JobClass::HPC:
      return Precision::FP64;
    case JobClass::TRAINING:
      break;
  }
  return Precision::BF16;
}

} // namespace ccsim
