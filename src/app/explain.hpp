// src/app/explain.hpp: `ccsim explain` (app-private): why jobs waited, from a run's results folder.
#pragma once

#include <string>

namespace ccsim::app {

//! `ccsim explain RESULTS --bottleneck [--json]`: the run's waiting accelerator-hours by cause, the bottleneck and
//! its what-if, from summary.json. Returns the exit code; bad input throws InputError.
int explain_bottleneck(const std::string& results, bool as_json);

//! `ccsim explain RESULTS --job ID [--json]`: that job's story from jobs.csv and wait_log.csv: submitted, each
//! interval of its wait with its cause and the job at the head of the queue it waited behind (or that it headed
//! the queue), where it started and how it ended. Returns the exit code; bad input throws InputError.
int explain_job(const std::string& results, const std::string& job_id, bool as_json);

} // namespace ccsim::app
