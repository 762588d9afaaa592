// include/ccsim/workload/job_source.hpp: jobs delivered one at a time, in submission order, as the engine needs them.
#pragma once

#include "ccsim/workload/job.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ccsim {

//! A stream of jobs in submission order (ties: input order), each with its input position in Job::index. The
//! engine pulls the next job only when the simulation reaches its submission time, so a workload of any length
//! is never held whole (docs/performance.md, "Memory").
class JobSource {
public:
  virtual ~JobSource() = default;
  //! The next job into `job`, or false at the end.
  virtual bool next(Job& job) = 0;
  //! Where the job last returned comes from, for messages ("line N" of a trace), or empty if the source cannot say.
  virtual std::string where() const { return {}; }
};

//! Jobs held in memory (inline jobs, tests, a trace that is not in submission order), delivered in submission
//! order by a stable sort of their submit times. Job::index is each job's position in the vector.
class VectorJobSource final : public JobSource {
public:
  //! Owns `jobs`: each is moved out as it is delivered.
  explicit VectorJobSource(std::vector<Job> jobs);
  //! Reads `*jobs` (which must outlive the source), copying each job as it is delivered (into the caller's Job,
  //! whose buffers are reused); `order` is submission_order(*jobs).
  VectorJobSource(const std::vector<Job>* jobs, std::shared_ptr<const std::vector<std::uint32_t>> order);
  bool next(Job& job) override;

private:
  std::vector<Job> owned_;
  const std::vector<Job>* jobs_ = nullptr; //!< &owned_, or the caller's
  std::shared_ptr<const std::vector<std::uint32_t>> order_;
  std::size_t next_ = 0;
};

//! A trace replayed at another pace or rate (workload.time_scale and load_scale; docs/workloads.md "Scaling a
//! trace"): submit times x time_scale (after any start_at_zero shift); each job replayed floor(load_scale) times,
//! plus once more with probability frac(load_scale) (seeded, one draw per job in submission order), copy k >= 1
//! named "<id>#<k>" at the same time. Job::index is renumbered 0, 1, ... in delivery (submission) order.
class ScaledJobSource final : public JobSource {
public:
  struct Scale {
    double time = 1, load = 1;
    std::uint64_t seed = 0;
    bool identity() const { return time == 1 && load == 1; }
  };
  //! Reads `inner` (which must outlive it). `on_raw` (optional) sees every job of `inner` before scaling;
  //! `locate_raw` (optional) names where an inner job comes from by its index when `inner` cannot say.
  ScaledJobSource(JobSource& inner, Scale scale, std::function<void(const Job&)> on_raw = {},
                  std::function<std::string(std::uint32_t)> locate_raw = {});
  ScaledJobSource(std::unique_ptr<JobSource> inner, Scale scale,
                  std::function<std::string(std::uint32_t)> locate_raw = {});
  bool next(Job& job) override;
  std::string where() const override;

private:
  std::unique_ptr<JobSource> owned_;
  JobSource* inner_;
  Scale scale_;
  std::function<void(const Job&)> on_raw_;
  std::function<std::string(std::uint32_t)> locate_raw_;
  std::uint64_t rng_state_;
  Job last_;                    //!< the job being copied
  std::uint32_t raw_index_ = 0; //!< its index in `inner`
  std::uint32_t copies_left_ = 0, copy_ = 0;
  std::uint32_t delivered_ = 0;
};

//! Job indices sorted by (submit time, input order): the order the engine submits them.
std::vector<std::uint32_t> submission_order(std::span<const Job> jobs);

} // namespace ccsim
