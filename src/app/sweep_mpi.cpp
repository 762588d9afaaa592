// src/app/sweep_mpi.cpp: MPI for ccsim sweep --mpi (built when Debian's Open MPI is found).
#include "sweep_mpi.hpp"

#ifdef CCSIM_WITH_MPI
#include <mpi.h>

#include <cstdlib>

namespace ccsim::app {

namespace {

constexpr int TAG_OUTCOME = 1;

nlohmann::json outcome_json(const PointOutcome& o)
{
  return {{"config", o.config}, {"seed", o.seed},       {"code", o.code},
          {"wall_s", o.wall_s}, {"summary", o.summary}, {"log", o.log}};
}

PointOutcome outcome_from(const nlohmann::json& j)
{
  return PointOutcome{j["config"].get<std::size_t>(),
                      j["seed"].get<std::uint64_t>(),
                      j["code"].get<int>(),
                      j["wall_s"].get<double>(),
                      j["summary"],
                      j["log"].get<std::string>()};
}

} // namespace

void send_outcome(const PointOutcome& o)
{
  const std::string text = outcome_json(o).dump();
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, 0, TAG_OUTCOME, MPI_COMM_WORLD);
}

std::optional<PointOutcome> receive_outcome(bool block)
{
  MPI_Status st;
  int flag = 1;
  if (block)
    MPI_Probe(MPI_ANY_SOURCE, TAG_OUTCOME, MPI_COMM_WORLD, &st);
  else
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_OUTCOME, MPI_COMM_WORLD, &flag, &st);
  if (flag == 0)
    return std::nullopt;
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  std::string text(static_cast<std::size_t>(n), '\0');
  MPI_Recv(text.data(), n, MPI_CHAR, st.MPI_SOURCE, TAG_OUTCOME, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return outcome_from(nlohmann::json::parse(text));
}

//! As a count, then config and seed pairs.
Points broadcast_points(const Points& points, int rank)
{
  std::vector<std::uint64_t> flat;
  if (rank == 0)
    for (const auto& [c, s] : points) {
      flat.push_back(c);
      flat.push_back(s);
    }
  std::uint64_t n = flat.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  flat.resize(n);
  MPI_Bcast(flat.data(), static_cast<int>(n), MPI_UINT64_T, 0, MPI_COMM_WORLD);
  Points out;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
    out.emplace_back(static_cast<std::size_t>(flat[i]), flat[i + 1]);
  return out;
}

MpiSession::MpiSession()
{
  int ready = 0;
  MPI_Initialized(&ready);
  if (ready == 0)
    MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
}

MpiSession::~MpiSession()
{
  MPI_Finalize();
}

void mpi_abort(int code)
{
  MPI_Abort(MPI_COMM_WORLD, code);
  std::abort(); // MPI_Abort does not return
}

} // namespace ccsim::app
#endif
