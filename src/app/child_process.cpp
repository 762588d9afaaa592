// src/app/child_process.cpp
#include "child_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace ccsim::app {

pid_t spawn(const std::string& exe, const std::vector<std::string>& args, const std::string& log)
{
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
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
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
