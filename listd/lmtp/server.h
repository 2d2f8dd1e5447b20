// Server: the LMTP listener. One accept thread, one thread per connection,
// each running a Session (session.h) against the shared Handler.
//
//   Server server(handler, {.port = 0});
//   if (auto s = server.Start(); !s) ...;   // binds, listens, accepts
//   ... server.port() ...
//   server.Stop();                          // or let the destructor do it
//
// Contract:
// - At most max_connections sessions at once; the next client gets
//   "421 4.3.2" and is closed without a thread.
// - Each read waits at most idle_timeout; then "421 4.4.2" and close.
// - Stop() closes the listening socket, tells idle sessions "421 4.3.2" and
//   lets a session that is inside a transaction (after MAIL, or in DATA)
//   finish it, until drain_timeout; then every thread is joined. A handler
//   call that never returns would block Stop(): handlers must return.
// - No exception leaves a server thread; they are logged.
// - The Handler and the log function are called from many threads at once.
#ifndef LISTD_LISTD_LMTP_SERVER_H_
#define LISTD_LISTD_LMTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/result.h"
#include "listd/lmtp/handler.h"
#include "listd/lmtp/unique_fd.h"

namespace listd::lmtp {

struct ServerOptions {
  std::string host = "127.0.0.1";  // numeric IPv4 or IPv6 ("::1"), or a name
  int port = 8024;                 // 0: any free port, see Server::port()
  std::string hostname = "listd";  // in the greeting and LHLO reply
  int max_connections = 20;
  std::chrono::seconds idle_timeout{300};            // per read and per write
  std::chrono::seconds drain_timeout{10};            // Stop(): time for open transactions
  std::size_t max_message_bytes = 25 * 1024 * 1024;  // SIZE (RFC 1870)
  std::size_t max_recipients = 1000;
  std::size_t max_line_bytes = 1000;  // command lines (RFC 5321 §4.5.3.1.4 asks 512)
  // One line per connection or transaction event; called from many threads.
  std::function<void(std::string_view)> log;
};

class Server {
 public:
  Server(Handler& handler, ServerOptions options);
  ~Server();  // Stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on host:port (SO_REUSEADDR) and starts accepting.
  base::Status Start();
  // The bound port (useful after port 0); 0 before Start().
  int port() const { return port_; }
  // Stops accepting, drains sessions (see above) and joins every thread.
  // Idempotent.
  void Stop();

 private:
  struct Connection {
    std::thread thread;
    bool done = false;  // guarded by mu_
  };

  void AcceptLoop();
  void Serve(UniqueFd fd, const std::string& peer);
  void ReapFinished();
  void Log(std::string_view line) const;

  Handler& handler_;
  ServerOptions options_;
  UniqueFd listen_fd_;
  UniqueFd wake_read_;  // readable once Stop() has begun: wakes every poll()
  UniqueFd wake_write_;
  std::thread accept_thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> drain_deadline_ns_{0};  // steady_clock, set before stopping_
  int port_ = 0;
  bool started_ = false;
  bool stopped_ = false;

  std::mutex mu_;
  std::list<Connection> connections_;  // guarded by mu_
  int active_ = 0;                     // guarded by mu_
};

}  // namespace listd::lmtp

#endif  // LISTD_LISTD_LMTP_SERVER_H_
