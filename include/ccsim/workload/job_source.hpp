// include/ccsim/workload/job_source.hpp: jobs delivered one at a time, in submission order, as the engine needs them.
#pragma once

#include "ccsim/workload/job.hpp"

#include <cstdint>
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

//! Job indices sorted by (submit time, input order): the order the engine submits them.
std::vector<std::uint32_t> submission_order(std::span<const Job> jobs);

} // namespace ccsim
