// src/workload/readers.hpp: the line-based importers' TraceReaders (private to workload/).
#pragma once

#include "ccsim/workload/trace_reader.hpp"

namespace ccsim {

std::unique_ptr<TraceReader> open_swf_reader(const std::string& path, const nlohmann::json& options);
std::unique_ptr<TraceReader> open_openb_reader(const std::string& path, const nlohmann::json& options, ImportUse use);
std::unique_ptr<TraceReader> open_pai_reader(const std::string& path, const nlohmann::json& options, ImportUse use);
std::unique_ptr<TraceReader> open_tiresias_reader(const std::string& path, const nlohmann::json& options);
std::unique_ptr<TraceReader> open_ccsim_reader(const std::string& path, ImportUse use);

} // namespace ccsim
