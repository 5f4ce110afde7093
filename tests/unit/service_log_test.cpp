// ServiceLog's slots: a target keeps its number from one load to the next, a
// new one takes a free number, and a number no running service names is
// freed at settle (daemon/service_log.h). Lines reach a file target.
#include "daemon/service_log.h"

#include <gtest/gtest.h>
#include <syslog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ninetd::daemon {
namespace {

config::LogTarget syslog_at(int priority) {
  return config::LogTarget{config::LogTarget::Kind::syslog, static_cast<std::uint8_t>(priority), "",
                           0, 0};
}

// A load whose service i names target i + 1 of `targets`.
services::LoadedConfig load(std::vector<config::LogTarget> targets) {
  services::LoadedConfig loaded;
  loaded.log_targets = std::move(targets);
  for (std::size_t i = 0; i < loaded.log_targets.size(); ++i) {
    services::Service s;
    s.log_target = static_cast<std::uint8_t>(i + 1);
    loaded.services.push_back(s);
  }
  return loaded;
}

std::vector<std::uint8_t> slots(const services::LoadedConfig& loaded) {
  std::vector<std::uint8_t> out;
  for (const auto& s : loaded.services) out.push_back(s.log_target);
  return out;
}

TEST(ServiceLog, ATargetKeepsItsSlotAcrossLoads) {
  ServiceLog log;
  auto first = load({syslog_at(LOG_DAEMON | LOG_INFO), syslog_at(LOG_AUTH | LOG_INFO)});
  log.adopt(first);
  EXPECT_EQ(slots(first), (std::vector<std::uint8_t>{1, 2}));
  log.settle(slots(first));
  // The same targets listed the other way round: each keeps its slot.
  auto second = load({syslog_at(LOG_AUTH | LOG_INFO), syslog_at(LOG_DAEMON | LOG_INFO)});
  log.adopt(second);
  EXPECT_EQ(slots(second), (std::vector<std::uint8_t>{2, 1}));
  log.settle(slots(second));
  // daemon.info is no longer named: its slot is free for the next new target.
  auto third = load({syslog_at(LOG_AUTH | LOG_INFO), syslog_at(LOG_LOCAL0 | LOG_INFO)});
  log.adopt(third);
  EXPECT_EQ(slots(third), (std::vector<std::uint8_t>{2, 3}));
  log.settle(slots(third));
  auto fourth = load({syslog_at(LOG_LOCAL1 | LOG_INFO)});
  log.adopt(fourth);
  EXPECT_EQ(slots(fourth), (std::vector<std::uint8_t>{1}));
}

TEST(ServiceLog, ServicesWithoutATargetStayAtTheDaemonsLog) {
  ServiceLog log;
  services::LoadedConfig loaded = load({});
  loaded.services.emplace_back();
  log.adopt(loaded);
  EXPECT_EQ(slots(loaded), (std::vector<std::uint8_t>{0}));
}

TEST(ServiceLog, AFileTargetGetsTheLines) {
  auto dir =
      std::filesystem::temp_directory_path() / ("ninetd-service-log-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "services.log").string();
  ServiceLog log;
  auto loaded = load({config::LogTarget{config::LogTarget::Kind::file, 0, path, 0, 0}});
  log.adopt(loaded);
  log.settle(slots(loaded));
  log.write(1, "echo/tcp: START pid=1");
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find(" ninetd[" + std::to_string(getpid()) + "]: echo/tcp: START pid=1\n"),
            std::string::npos)
      << text.str();
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                std::filesystem::perms::group_read);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ninetd::daemon
