// src/app/child_process.cpp
#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace ccsim::app {

namespace {
//! Set in a child's environment to its parent's pid: the child asks the kernel to kill it when the parent dies.
constexpr const char* DIE_WITH_PARENT = "CCSIM_DIE_WITH_PARENT";

Spawner& spawner()
{
  static Spawner s;
  return s;
}
} // namespace

void set_spawner(Spawner s)
{
  spawner() = std::move(s);
}

void die_with_parent_if_asked()
{
  const char* parent = std::getenv(DIE_WITH_PARENT);
  if (parent == nullptr)
    return;
  // SIGKILL when the parent thread ends (a kill -9 of the sweep left its `ccsim run` children running). If the
  // parent died before this line, the child was already adopted: end now, as the signal would have.
  (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (std::to_string(getppid()) != parent)
    _exit(137);
  (void)unsetenv(DIE_WITH_PARENT);
}

pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& log)
{
  if (spawner())
    return spawner()(args, log);
  std::vector<std::string> all{exe};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (not log.empty()) {
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  }
  // The environment plus DIE_WITH_PARENT=<this pid> (a child from an older environment's value is replaced).
  std::vector<std::string> env_text{std::string(DIE_WITH_PARENT) + "=" + std::to_string(getpid())};
  for (char** e = environ; *e != nullptr; e++)
    if (not std::string_view(*e).starts_with(std::string(DIE_WITH_PARENT) + "="))
      env_text.emplace_back(*e);
  std::vector<char*> env;
  for (auto& e : env_text)
    env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error("cannot start " + exe + ": " + std::strerror(rc));
  return pid;
}

int exit_code(int status)
{
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run_child(const std::string& exe, const std::vector<std::string>& args)
{
  const pid_t pid = spawn(exe, args);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return -1;
  }
  return exit_code(status);
}

std::string run_folder_name(std::string_view label)
{
  std::string name(label);
  for (char& c : name)
    if (c == '/' || c == '+')
      c = '_';
  return name;
}

} // namespace ccsim::app
