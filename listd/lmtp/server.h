// Server: the LMTP listener. One I/O thread waits on every connection at
// once (epoll) and does all socket reads and writes without blocking; a
// few worker threads run the sessions (Session::OnBytes, which calls the
// Handler) whenever a connection has sent bytes. A connection that is idle
// or slow costs a descriptor and its Session, never a thread, so slow
// clients cannot use up what a legitimate one needs: threads do not grow
// with connections, and deadlines and per-address limits bound the rest.
//
//   Server server(handler, {.port = 0});
//   if (auto s = server.Start(); !s) ...;   // binds, listens, serves
//   ... server.port() ...
//   server.Stop();                          // or let the destructor do it
//
// Contract:
// - At most max_connections sessions at once, and at most
//   max_connections_per_peer from one IP address; past either, the client
//   gets "421 4.3.2" and a close. Messages being received hold at most
//   max_data_bytes together; a message past that is read to its end and
//   answered 452 4.3.1, so memory does not grow with max_connections.
// - Deadlines (RFC 5321 §4.5.3.2): each line the client sends (a command,
//   or a line of the message however long) must be complete within
//   command_timeout of the one before (of the greeting, for the first), and
//   a session ends at session_timeout whatever it does; then "421 4.4.2"
//   and a close. Bytes that trickle in do not extend either deadline. A
//   client that does not read its replies is timed the same way (no line
//   is read while a reply waits). Time a handler call takes is not counted
//   against the client.
// - Stop() closes the listening socket, tells sessions outside a
//   transaction "421 4.3.2" and lets a session inside one (after MAIL, or in
//   DATA) finish it, until drain_timeout; then every thread is joined. A
//   handler call that never returns would block Stop(): handlers must
//   return.
// - Start() raises the process's soft descriptor limit (RLIMIT_NOFILE)
//   towards its hard limit when max_connections needs more, and logs it
//   (and a warning when the hard limit is too low).
// - No exception leaves a server thread; they are logged.
// - The Handler and the log function are called from many threads at once.
#ifndef LISTD_LISTD_LMTP_SERVER_H_
#define LISTD_LISTD_LMTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "listd/lmtp/handler.h"

namespace listd::lmtp {

struct ServerOptions {
  std::string host = "127.0.0.1";     // numeric IPv4 or IPv6 ("::1"), or a name
  int port = 8024;                    // 0: any free port, see Server::port()
  std::string hostname = "listd";     // in the greeting and LHLO reply
  int max_connections = 1000;         // sessions at once
  int max_connections_per_peer = 50;  // sessions at once from one IP address
  int workers = 4;                    // threads running sessions' commands
  // RFC 5321 §4.5.3.2.7: a server waits at least 5 minutes for a command.
  std::chrono::milliseconds command_timeout = std::chrono::minutes(5);  // per line
  // The RFC's client timeouts for one whole transaction added up
  // (§4.5.3.2.1-6: 5 + 5 + 5 + 2 + 3 + 10 minutes).
  std::chrono::milliseconds session_timeout = std::chrono::minutes(30);
  std::chrono::milliseconds drain_timeout = std::chrono::seconds(10);  // Stop()
  std::size_t max_message_bytes = 25 * 1024 * 1024;                    // SIZE (RFC 1870)
  // Message bytes all sessions may hold at once (session.h, DataBudget);
  // 0: 4 x max_message_bytes, at least 256 MiB. Never below one message.
  std::size_t max_data_bytes = 0;
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

  // Binds and listens on host:port (SO_REUSEADDR) and starts serving.
  base::Status Start();
  // The bound port (useful after port 0); 0 before Start().
  int port() const;
  // Stops accepting, drains sessions (see above) and joins every thread.
  // Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace listd::lmtp

#endif  // LISTD_LISTD_LMTP_SERVER_H_
