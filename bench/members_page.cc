// members_page: how long the REST API takes to cut one page of members
// from a big list.
//
// NAME
//   bench_members_page - fills a list with N members (default 100,000;
//   1 in 100 a moderator, 1 in 1,000 an owner, 1 in 50 disabled by
//   bounces), then asks listd's member face (listd/webface/member_face.h,
//   what GET /api/v1/lists/{list}/members calls: the page query, its
//   count, the JSON views) for the first, a middle and the last page and
//   for each filter, and prints the best and the median wall time of each
//   over --repeat runs and the median CPU time (the figure a shared, busy
//   machine leaves steady), with the goal (100 ms, on the median wall
//   time) beside it.
// SYNOPSIS
//   bench_members_page [--members N] [--count 50] [--repeat 7] [--dir DIR]
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench/stopwatch.h"
#include "listd/service/list_service.h"
#include "listd/service/member_service.h"
#include "listd/webface/member_face.h"
#include "listd/webface/shared_store.h"
#include "storage/store.h"

namespace {

namespace po = boost::program_options;
constexpr const char* kList = "big@lists.example.org";
constexpr double kGoalMs = 100;

struct Row {
  std::string name;
  web::MemberPageQuery query;
};

// Fills the list: an import of N addresses in one transaction, then the
// roles and delivery states the filters select.
bool Fill(storage::Store& store, int64_t members) {
  std::ostringstream lines;
  for (int64_t i = 0; i < members; ++i) {
    lines << "user" << i << "@d" << (i % 997) << ".example\n";
  }
  std::istringstream in(lines.str());
  listd::service::MemberService service(store, "bench");
  auto imported = service.ImportMembers(kList, in, 1800000000);
  if (!imported || imported->added != members) {
    std::cerr << "import failed: " << (imported ? "not all added" : imported.error()) << "\n";
    return false;
  }
  auto list = store.lists().Find(*base::EmailAddress::Parse(kList));
  if (!list || !*list) return false;
  storage::Transaction transaction = store.Begin();
  int64_t index = 0;
  base::Status walked =
      store.members().ForEach((*list)->id, {}, [&](const storage::MemberRecord& member) {
        if (index % 1000 == 0) {
          (void)store.members().SetRole(member.id, storage::MemberRole::kOwner);
        } else if (index % 100 == 0) {
          (void)store.members().SetRole(member.id, storage::MemberRole::kModerator);
        }
        if (index % 50 == 7) {
          (void)store.members().SetDelivery(member.id, storage::Delivery::kDisabledByBounce);
        }
        ++index;
        return true;
      });
  return walked.ok() && transaction.Commit().ok();
}

}  // namespace

int main(int argc, char** argv) {
  po::options_description options("bench_members_page options");
  options.add_options()("help,h", "show this help")(
      "members", po::value<int64_t>()->default_value(100000), "members on the list")(
      "count", po::value<int64_t>()->default_value(50), "members a page")(
      "repeat", po::value<int>()->default_value(7), "runs of each row")(
      "dir", po::value<std::string>(), "where the store goes (default: a temp dir)");
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, options), vm);
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  const int64_t members = vm["members"].as<int64_t>();
  const int64_t count = vm["count"].as<int64_t>();
  const int repeat = std::max(1, vm["repeat"].as<int>());
  const std::filesystem::path dir = vm.count("dir")
                                        ? std::filesystem::path(vm["dir"].as<std::string>())
                                        : std::filesystem::temp_directory_path() /
                                              ("bench_members_page." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  storage::StoreOptions store_options;
  store_options.db_path = (dir / "listd.db").string();
  std::filesystem::remove(store_options.db_path);
  auto opened = storage::Store::Open(store_options);
  if (!opened) {
    std::cerr << opened.error() << "\n";
    return 2;
  }
  auto created =
      listd::service::ListService(**opened, "bench").CreateList(kList, "Big", std::nullopt, 0);
  if (!created || !Fill(**opened, members)) return 2;
  listd::webface::SharedStore shared(std::move(*opened));
  listd::webface::MemberFace face(shared);

  auto page = [&](int64_t start) {
    web::MemberPageQuery query;
    query.start = start;
    query.count = count;
    return query;
  };
  std::vector<Row> rows;
  rows.push_back({"first page", page(0)});
  rows.push_back({"middle page", page(members / 2)});
  rows.push_back({"last page", page(std::max<int64_t>(0, members - count))});
  Row owners{"role=owner", page(0)};
  owners.query.role = "owner";
  rows.push_back(owners);
  // Moderators are every 100th member but the owners (every 1,000th).
  Row moderators{"role=moderator, last page",
                 page(std::max<int64_t>(0, members / 100 - members / 1000 - count))};
  moderators.query.role = "moderator";
  rows.push_back(moderators);
  Row bouncing{"delivery=disabled-by-bounce", page(0)};
  bouncing.query.delivery = "disabled-by-bounce";
  rows.push_back(bouncing);
  Row enabled{"delivery=enabled, middle page", page(members / 2)};
  enabled.query.delivery = "enabled";
  rows.push_back(enabled);
  Row search{"q=user4242 (substring)", page(0)};
  search.query.contains = "user4242";
  rows.push_back(search);
  Row domain{"q=@d99. (substring)", page(0)};
  domain.query.contains = "@d99.";
  rows.push_back(domain);
  Row all{"role=member, delivery=enabled, q=user", page(members / 2)};
  all.query.role = "member";
  all.query.delivery = "enabled";
  all.query.contains = "user";
  rows.push_back(all);

  std::printf("%lld members, %lld a page, best and median of %d runs (goal < %.0f ms)\n",
              static_cast<long long>(members), static_cast<long long>(count), repeat, kGoalMs);
  std::printf("%-40s %9s %9s %9s %8s %6s\n", "query", "best ms", "median ms", "cpu ms", "entries",
              "goal");
  bool all_met = true;
  for (const Row& row : rows) {
    std::vector<double> times;
    std::vector<double> cpu;
    size_t entries = 0;
    for (int run = 0; run < repeat; ++run) {
      const double cpu_start = bench::ClockSeconds(bench::ClockKind::kThreadCpu);
      auto start = std::chrono::steady_clock::now();
      auto answer = face.Members(kList, row.query);
      auto end = std::chrono::steady_clock::now();
      cpu.push_back((bench::ClockSeconds(bench::ClockKind::kThreadCpu) - cpu_start) * 1000);
      if (!answer) {
        std::cerr << row.name << ": " << answer.error() << "\n";
        return 2;
      }
      entries = (*answer)["entries"].size();
      times.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    }
    std::sort(times.begin(), times.end());
    std::sort(cpu.begin(), cpu.end());
    const double median = times[times.size() / 2];
    const bool met = median < kGoalMs;
    all_met = all_met && met;
    std::printf("%-40s %9.2f %9.2f %9.2f %8zu %6s\n", row.name.c_str(), times.front(), median,
                cpu[cpu.size() / 2], entries, met ? "met" : "MISSED");
  }
  if (!vm.count("dir")) std::filesystem::remove_all(dir);
  return all_met ? 0 : 1;
}
