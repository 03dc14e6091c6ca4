// Completion scripts come from the command tree; `kubectl-deploy` is deploy as a kubectl plugin.
#include "completion.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "deploy_main.hpp"
#include "exit_code.hpp"

namespace cutover::cli {
namespace {

namespace fs = std::filesystem;

std::string run_capture(std::vector<std::string> args, int& code) {
  std::vector<char*> argv;
  for (auto& arg : args)
    argv.push_back(arg.data());
  ::testing::internal::CaptureStdout();
  code = deploy_main(static_cast<int>(argv.size()), argv.data());
  return ::testing::internal::GetCapturedStdout();
}

std::string completion(const std::string& shell) {
  int code = -1;
  const std::string out = run_capture({"deploy", "completion", shell}, code);
  EXPECT_EQ(code, kOk);
  return out;
}

TEST(Completion, BashListsCommandsNestedCommandsAndFlags) {
  const std::string script = completion("bash");
  EXPECT_NE(script.find("complete -o default -F _deploy deploy\n"), std::string::npos);
  EXPECT_NE(script.find("complete -o default -F _deploy kubectl-deploy\n"), std::string::npos);
  EXPECT_NE(script.find("|/set|/set/image|"), std::string::npos) << script;
  EXPECT_NE(script.find("\"/set/image\") words=\"--help -h --change-cause --wait --timeout "
                        "--success-on-pause --kubeconfig"),
            std::string::npos)
      << script;
  EXPECT_NE(
      script.find(
          " lint install uninstall new dashboard blueprints blueprint completion install-plugin "),
      std::string::npos);
  // Flags that take a value make the next word a value, not a command.
  EXPECT_NE(script.find("--kubeconfig|--context|--namespace|-n|--output|-o|--request-timeout"),
            std::string::npos)
      << script;
}

TEST(Completion, BashScriptCompletesInBash) {
  const fs::path file =
      fs::temp_directory_path() / ("deploy-completion-" + std::to_string(getpid()));
  std::ofstream(file) << completion("bash");
  const std::string command =
      "bash -c 'source " + file.string() +
      "; COMP_WORDS=(deploy -n status set im); COMP_CWORD=4; _deploy; echo \"${COMPREPLY[*]}\"' ";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buffer[256] = {};
  const std::string out = fgets(buffer, sizeof buffer, pipe) != nullptr ? buffer : "";
  pclose(pipe);
  fs::remove(file);
  EXPECT_EQ(out, "image\n") << "-n takes a value, so 'status' is not the command";
}

TEST(Completion, ListsTheMigrationsGroupAndItsCommands) {
  const std::string bash = completion("bash");
  EXPECT_NE(bash.find("|/migrations|/migrations/list|/migrations/status|/migrations/promote|"
                      "/migrations/abort|/migrations/retry|"),
            std::string::npos)
      << bash;
  EXPECT_NE(bash.find("\"/migrations\") words=\"list status promote abort retry --help -h "),
            std::string::npos)
      << bash;
  EXPECT_NE(bash.find("\"/migrations/status\") words=\"--help -h --watch -w --timeout "
                      "--success-on-pause --kubeconfig"),
            std::string::npos)
      << bash;
  EXPECT_NE(bash.find("\"/migrations/promote\") words=\"--help -h --full --kubeconfig"),
            std::string::npos)
      << bash;
  EXPECT_NE(completion("zsh").find("'migrations:Migrations\\: a path from one Service to another"),
            std::string::npos);
  EXPECT_NE(completion("fish").find("complete -c deploy -n '__fish_seen_subcommand_from "
                                    "migrations; and not __fish_seen_subcommand_from list status "
                                    "promote abort retry' -a promote -d "),
            std::string::npos);
}

TEST(Completion, ZshAndFish) {
  const std::string zsh = completion("zsh");
  EXPECT_TRUE(zsh.starts_with("#compdef deploy kubectl-deploy\n"));
  EXPECT_NE(zsh.find("'--watch:Follow until Healthy, Degraded or paused for a person'"),
            std::string::npos);
  const std::string fish = completion("fish");
  EXPECT_NE(fish.find("complete -c deploy -n '__fish_use_subcommand' -a lint -d "),
            std::string::npos);
  EXPECT_NE(fish.find("complete -c deploy -n '__fish_seen_subcommand_from set; and not "
                      "__fish_seen_subcommand_from image' -a image -d "),
            std::string::npos)
      << fish;
  EXPECT_NE(fish.find("complete -c deploy -n '__fish_seen_subcommand_from status' -l watch -s w "
                      "-d 'Follow until Healthy, Degraded or paused for a person'"),
            std::string::npos);
  EXPECT_NE(fish.find("complete -c kubectl-deploy -l kubeconfig -r -d "), std::string::npos);
}

TEST(Completion, UnknownShellIsAUsageError) {
  int code = -1;
  ::testing::internal::CaptureStderr();
  run_capture({"deploy", "completion", "tcsh"}, code);
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, kUsage);
}

TEST(KubectlPlugin, ProgramNameFollowsArgv0) {
  EXPECT_EQ(program_name("/usr/local/bin/kubectl-deploy"), "kubectl deploy");
  EXPECT_EQ(program_name("kubectl-deploy"), "kubectl deploy");
  EXPECT_EQ(program_name("/opt/bin/deploy"), "deploy");
  int code = -1;
  const std::string help = run_capture({"/x/kubectl-deploy", "--help"}, code);
  EXPECT_EQ(code, kOk);
  EXPECT_NE(help.find("Usage: kubectl deploy [OPTIONS] SUBCOMMAND"), std::string::npos) << help;
}

TEST(KubectlPlugin, InstallPluginLink) {
  const fs::path dir = fs::temp_directory_path() / ("deploy-plugin-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path target = "/opt/cutover/bin/deploy";
  auto link = install_plugin_link(dir, target, Replace::no);
  ASSERT_TRUE(link) << link.error();
  EXPECT_EQ(*link, dir / "kubectl-deploy");
  EXPECT_EQ(fs::read_symlink(*link), target);
  EXPECT_TRUE(install_plugin_link(dir, target, Replace::no)) << "the same link again is fine";
  auto other = install_plugin_link(dir, "/elsewhere/deploy", Replace::no);
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().find("--force"), std::string::npos) << other.error();
  ASSERT_TRUE(install_plugin_link(dir, "/elsewhere/deploy", Replace::yes));
  EXPECT_EQ(fs::read_symlink(dir / "kubectl-deploy"), "/elsewhere/deploy");
  EXPECT_FALSE(install_plugin_link(dir / "missing", target, Replace::no));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cutover::cli
