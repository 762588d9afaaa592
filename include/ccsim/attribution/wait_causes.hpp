// include/ccsim/attribution/wait_causes.hpp: why a waiting job is not running (docs/metrics.md "Why jobs wait").
#pragma once

#include "ccsim/policy/policy.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace ccsim {

//! The one cause each waiting second of a job is attributed to, in precedence order (the first that holds wins;
//! docs/metrics.md "Why jobs wait" defines each on the platform's occupancy after a decision pass).
enum class WaitCause : std::uint8_t {
  STAGING,       //!< its input data was moving to the site chosen for it (staging in prefetch mode)
  POLICY,        //!< the placement policy could have started it: the queue policy held it
  FRAGMENTATION, //!< enough accelerators it may use are free within rack caps, but not in a shape placement takes
  POWER_CAP,     //!< enough accelerators it may use are free, but rack power caps forbid using enough of them
  ELIGIBILITY,   //!< too few it may use are free, but enough of types (or at sites) it may not use
  CAPACITY,      //!< too few free accelerators anywhere, of any type
};
inline constexpr std::size_t WAIT_CAUSE_COUNT = 6;
//! Names in WaitCause order, as outputs print them (jobs.csv columns wait_<name>_s, summary.json keys).
inline constexpr std::array<std::string_view, WAIT_CAUSE_COUNT> WAIT_CAUSE_NAMES{
    "staging", "policy", "fragmentation", "power_cap", "eligibility", "capacity"};

//! Seconds of one job's wait, by cause (indexed by WaitCause).
using WaitSeconds = std::array<double, WAIT_CAUSE_COUNT>;

//! Whether a run attributes its waits: `setting` (output.wait_causes) when given, else whether the placement
//! declares places_whenever_a_pool_has_room() (docs/metrics.md, "When it is on").
inline bool attributes_waits(std::optional<bool> setting, const PlacementPolicy& placement)
{
  return setting.value_or(placement.places_whenever_a_pool_has_room());
}

//! Receives each waiting job's wait as intervals: [from_s, to_s) of one cause, with the job at the head of the
//! queue or not (QueuePolicy::head()); a new interval begins when either changes. A job's intervals come in time
//! order and tile its wait; each is maximal (an interval is sent once the job's next one has begun, or when it
//! starts), so jobs' intervals interleave (wait_log.csv, docs/metrics.md "Why jobs wait").
class WaitLogSink {
public:
  virtual ~WaitLogSink() = default;
  virtual void interval(const Job& job, double from_s, double to_s, WaitCause cause, bool at_head) = 0;
};

//! Attributes every waiting second of every job to one cause (docs/metrics.md "Why jobs wait"), the cause decided
//! on the occupancy each decision pass leaves and holding until the next pass.
//!
//! Cost: a job's cause depends only on its size n and, for its shape (eligible types, may span sites), four
//! thresholds a <= b <= c, e computed from per-type counts: n <= a: a pool it may use has room (POLICY, or the
//! placement is asked); n <= b: FRAGMENTATION; n <= c: POWER_CAP; n <= e: ELIGIBILITY; else CAPACITY. Waiting jobs
//! are kept per shape ordered by size, so a pass that moves a threshold touches only the jobs whose size it
//! crossed: O(shapes x types) per pass plus O(log) per cause change. Jobs pinned to a site (prefetch staging) are
//! classified one by one, as are the jobs within `a` when the placement does not declare
//! places_whenever_a_pool_has_room() (it is asked, read-only, where it would place them).
class WaitAttribution {
public:
  //! `placement`: the run's; only whether it declares places_whenever_a_pool_has_room() is read here (when it
  //! must be asked, it is asked through each pass's SchedulingContext).
  WaitAttribution(const Cluster& cluster, const PlacementPolicy& placement);

  //! Sends every closed interval of every wait to `sink` (nullptr: none).
  void log_to(WaitLogSink* sink) { log_ = sink; }
  //! Handle `h` holds a new job of `accelerators`, submitted at `submit_s`; `staging`: its input data moves before
  //! it may queue.
  void admit(std::uint32_t h, double submit_s, std::uint32_t accelerators, bool staging);
  //! The same with the cause of its wait until it joins the queue (POLICY: flexible work held back by shifting).
  void admit(std::uint32_t h, double submit_s, std::uint32_t accelerators, WaitCause until_queued);
  //! The pools of these pieces changed occupancy in this pass (a job ended or started on them).
  void touched(std::span<const NodeSlots> pieces);
  //! After the decision pass of `ctx` (at ctx.now()): `entered` joined the queue in this pass; the jobs of
  //! ctx.started() left it (their waits are closed); `head`: the queue policy's head after the pass
  //! (QueuePolicy::head(), NO_JOB for none).
  void after_pass(SchedulingContext& ctx, std::span<const std::uint32_t> entered,
                  std::uint32_t head = QueuePolicy::NO_JOB);
  //! The wait by cause of the job with handle `h`, complete once after_pass() saw it start.
  const WaitSeconds& wait_of(std::uint32_t h) const { return jobs_[h].seconds; }
  //! Accelerators asked for by the jobs waiting now (submitted, not started), by cause (WaitCause order).
  const std::array<std::uint64_t, WAIT_CAUSE_COUNT>& waiting_accelerators() const { return waiting_; }

private:
  static constexpr std::uint32_t NONE = UINT32_MAX;
  //! A cause, or ASK: a pool the job may use has room, and the placement decides between POLICY and FRAGMENTATION.
  static constexpr auto ASK = static_cast<WaitCause>(255);
  struct Waiting {
    WaitSeconds seconds{};
    double since = 0; //!< when `cause` began
    WaitCause cause = WaitCause::CAPACITY;
    bool queued = false;
    bool at_head = false;       //!< it is the queue policy's head now
    std::uint32_t group = NONE; //!< its shape's group, NONE: pinned (classified one by one) or not queued
    std::uint32_t pos = NONE;   //!< its place in its group's bucket of its size, or in pinned_
  };
  struct Group {
    std::uint64_t eligible_types = 0;
    bool span = false;
    std::array<std::uint64_t, 4> thresholds{}; //!< a, b, c, e as of `stamp`
    std::uint64_t stamp = UINT64_MAX;          //!< ClusterState::changes() when thresholds were computed
    //! Waiting jobs by size (accelerators): jobs of one size share their cause; a bucket is a vector so that a
    //! threshold's move walks contiguous handles.
    std::map<std::uint32_t, std::vector<std::uint32_t>> by_size;
    std::size_t jobs = 0;
  };

  const Cluster* cluster_;
  bool by_room_;              //!< the placement succeeds exactly when a pool it may use has room
  std::vector<Waiting> jobs_; //!< per handle
  std::vector<Group> groups_;
  std::map<std::pair<std::uint64_t, bool>, std::uint32_t> group_of_;
  std::vector<std::uint32_t> pinned_;
  // Per type: accelerators of the type, and the most one of its pools has available within caps now.
  std::vector<std::uint64_t> accelerators_of_type_, max_available_;
  std::vector<std::uint64_t> available_; //!< per pool, as of the last refresh
  std::vector<std::uint32_t> dirty_;     //!< pools touched since the last refresh
  std::vector<std::uint8_t> is_dirty_;
  std::uint64_t stamp_ = UINT64_MAX; //!< ClusterState::changes() at the last pass
  std::vector<NodeSlots> scratch_;
  //! The wait log's rows of one waiting job: the open one since `from`, in the job's current state, and the last
  //! closed one, held back until the time moves on (passes at one timestamp may change a state and change it back:
  //! the closed row then reopens, so that rows are maximal).
  struct LogRow {
    double from = 0;
    double held_from = 0, held_to = 0;
    WaitCause held_cause = WaitCause::CAPACITY;
    bool held_at_head = false;
    bool held = false;
  };
  WaitLogSink* log_ = nullptr;
  std::vector<LogRow> rows_;                              //!< per handle, when log_
  std::span<const Job> live_;                             //!< the jobs of the pass being handled (for n and the log)
  std::uint32_t head_ = NONE;                             //!< the queue's head after the last pass
  std::array<std::uint64_t, WAIT_CAUSE_COUNT> waiting_{}; //!< accelerators waiting, by cause

  //! Job h's state becomes (cause, at_head) at `now`: the seconds since the last change go to its old cause, and
  //! the log's open row closes (or a row held back reopens).
  void change(std::uint32_t h, double now, WaitCause cause, bool at_head);
  //! Job h started at `now`: its last seconds go to its cause, and its last rows to the log.
  void end_wait(std::uint32_t h, double now);
  void set_cause(std::uint32_t h, WaitCause cause, double now);
  //! The queue's head is now `head` (a queued job, or NONE): the old and new heads' intervals split at `now`.
  void set_head(std::uint32_t head, double now);
  void refresh(const ClusterState& state);
  std::array<std::uint64_t, 4> thresholds(const Group& g, const ClusterState& state) const;
  //! Brings group g's thresholds to the current occupancy, re-deciding the jobs whose size a threshold crossed
  //! (and asking the placement about every job within a, when it must be asked).
  void update(Group& g, SchedulingContext& ctx);
  //! The cause of a job of size n in group g (thresholds current); ASK within a when the placement must be asked.
  WaitCause by_size(const Group& g, std::uint64_t n) const;
  //! by_size(), the placement asked for job `h` when it says ASK.
  WaitCause decide(const Group& g, std::uint32_t h, SchedulingContext& ctx);
  //! The cause of a job pinned to a site (classified alone): the same rules on the pools it may use.
  WaitCause classify_pinned(std::uint32_t h, SchedulingContext& ctx);
  bool placement_takes(std::uint32_t h, SchedulingContext& ctx);
};

} // namespace ccsim
