// spool_durability: what a durable commit costs the intake, per post.
//
// NAME
//   bench_spool - spools the same 4 KB post N times into a list, one
//   transaction per post as the LMTP intake does it (service::SpoolPost),
//   once with synchronous=FULL (listd's setting: an acknowledged post
//   survives a power cut) and once with NORMAL (the old setting: the WAL is
//   synced only at checkpoints), and prints wall and CPU time per post and
//   the ratio, side by side in one run.
// SYNOPSIS
//   bench_spool [--posts N] [--dir DIR]   (DIR: where the stores go; its
//   file system decides what an fsync costs)
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "bench/stopwatch.h"
#include "listd/service/list_service.h"
#include "listd/service/spool.h"
#include "storage/store.h"

namespace {

struct Figures {
  double wall_us = 0;
  double cpu_us = 0;
};

Figures Run(const std::string& dir, const std::string& synchronous, int posts,
            const std::string& message) {
  std::filesystem::remove_all(dir);
  storage::StoreOptions options;
  options.db_path = dir + "/listd.db";
  auto store = storage::Store::Open(options);
  if (!store) throw std::runtime_error(store.error());
  // The one place outside storage/ that sets a pragma: a bench comparing
  // the old setting with the new.
  if (auto set = (*store)->database().Exec("PRAGMA synchronous = " + synchronous); !set) {
    throw std::runtime_error(set.error());
  }
  listd::service::ListService lists(**store, "bench");
  if (auto made = lists.CreateList("demo@lists.example.org", "Demo", std::nullopt, 1); !made) {
    throw std::runtime_error(made.error());
  }
  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = bench::ClockSeconds(bench::ClockKind::kThreadCpu);
  for (int i = 0; i < posts; ++i) {
    auto ids = listd::service::SpoolPost(**store, "jane@example.org", {"demo@lists.example.org"},
                                         message, 1000 + i);
    if (!ids) throw std::runtime_error(ids.error());
  }
  Figures f;
  f.cpu_us = (bench::ClockSeconds(bench::ClockKind::kThreadCpu) - cpu_start) * 1e6 / posts;
  f.wall_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - wall_start)
          .count() /
      posts;
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  int posts = 2000;
  std::string dir = std::filesystem::temp_directory_path().string() + "/listd-bench-spool";
  po::options_description options("bench_spool");
  options.add_options()("help,h", "show this help")("posts", po::value(&posts), "posts per run")(
      "dir", po::value(&dir), "where the stores are made");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, options), vm);
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  po::notify(vm);
  std::string message =
      "From: Jane <jane@example.org>\r\nTo: demo@lists.example.org\r\nSubject: hi\r\n\r\n";
  while (message.size() < 4096) message += "a line of a post that is four kilobytes long\r\n";
  try {
    const Figures full = Run(dir + "/full", "FULL", posts, message);
    const Figures normal = Run(dir + "/normal", "NORMAL", posts, message);
    std::printf("spool %d posts of %zu bytes, one transaction each, in %s\n", posts, message.size(),
                dir.c_str());
    std::printf("%-22s %12s %12s\n", "", "wall us/post", "cpu us/post");
    std::printf("%-22s %12.1f %12.1f\n", "synchronous=FULL", full.wall_us, full.cpu_us);
    std::printf("%-22s %12.1f %12.1f\n", "synchronous=NORMAL", normal.wall_us, normal.cpu_us);
    std::printf("%-22s %12.2f %12.2f\n", "ratio FULL/NORMAL", full.wall_us / normal.wall_us,
                full.cpu_us / normal.cpu_us);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_spool: %s\n", e.what());
    return 2;
  }
  std::filesystem::remove_all(dir);
  return 0;
}
