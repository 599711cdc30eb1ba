// aio::net over real loopback TCP, on both reactor backends (epoll and poll): connect, accept,
// partial writes, EOF, refused and reset connections named after the peer, no SIGPIPE,
// cancellation that loses no bytes, and the virtual clock's grace for loopback traffic.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using namespace std::chrono_literals;
using aio::ReactorKind;
using aio_test::Recorder;

class Net : public ::testing::TestWithParam<ReactorKind> {
 protected:
  Recorder rec_{aio::Clock::Virtual};
  void SetUp() override { rec_.options().reactor = GetParam(); }
};

std::string text_of(const std::vector<char>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

TEST_P(Net, ListenOnPortZeroGivesAnEphemeralPort) {
  rec_.run([]() -> aio::Task<> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    EXPECT_GT(listener.port(), 0);
    EXPECT_EQ(listener.local().host, "127.0.0.1");
    co_return;
  });
}

aio::Task<std::string> echo_once(aio::net::Listener& listener) {
  aio::net::Stream peer = co_await listener.accept();
  std::vector<char> buffer(4);
  co_await peer.read_exact(buffer);
  co_await peer.write_all(text_of(buffer));
  co_return text_of(buffer);
}

TEST_P(Net, ConnectAcceptAndARoundTrip) {
  auto [served, reply] = rec_.run([]() -> aio::Task<std::pair<std::string, std::string>> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    auto server = aio::create_task(echo_once(listener), "server");
    aio::net::Stream client = co_await aio::net::connect("127.0.0.1", listener.port());
    EXPECT_EQ(client.peer().str(), "127.0.0.1:" + std::to_string(listener.port()));
    co_await client.write_all("ping");
    std::vector<char> buffer(4);
    co_await client.read_exact(buffer);
    std::string served_text = co_await server;
    co_return std::pair{served_text, text_of(buffer)};
  });
  EXPECT_EQ(served, "ping");
  EXPECT_EQ(reply, "ping");
}

TEST_P(Net, LocalhostAndIpv6Loopback) {
  rec_.run([]() -> aio::Task<> {
    auto listener = aio::net::listen("localhost", 0);
    auto server = aio::create_task(echo_once(listener), "server");
    aio::net::Stream client = co_await aio::net::connect("localhost", listener.port());
    co_await client.write_all("abcd");
    std::vector<char> buffer(4);
    co_await client.read_exact(buffer);
    EXPECT_EQ(text_of(buffer), "abcd");
    co_await server;
  });
}

// Several megabytes: the kernel takes them in pieces (partial writes), while the reader reads
// concurrently; every byte arrives, in order.
TEST_P(Net, WriteAllHandlesPartialWrites) {
  std::size_t received = rec_.run([]() -> aio::Task<std::size_t> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    std::string payload(8 << 20, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 7);
    auto reader = aio::create_task(
        [&]() -> aio::Task<std::size_t> {
          aio::net::Stream peer = co_await listener.accept();
          std::vector<char> buffer(64 << 10);
          std::size_t total = 0;
          bool intact = true;
          while (std::size_t got = co_await peer.read_some(buffer)) {
            for (std::size_t i = 0; i < got; ++i)
              intact = intact && buffer[i] == static_cast<char>((total + i) * 7);
            total += got;
          }
          EXPECT_TRUE(intact);
          co_return total;
        },
        "reader");
    aio::net::Stream client = co_await aio::net::connect("127.0.0.1", listener.port());
    co_await client.write_all(payload);
    client.shutdown_write();  // the reader sees EOF after the last byte
    co_return co_await reader;
  });
  EXPECT_EQ(received, 8u << 20);
}

TEST_P(Net, ReadSomeReturnsZeroAtEofAndReadExactNamesThePeer) {
  std::string message = rec_.run([]() -> aio::Task<std::string> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    auto closer = aio::create_task(
        [&]() -> aio::Task<> {
          aio::net::Stream peer = co_await listener.accept();
          co_await peer.write_all("ab");
        },  // the stream closes here
        "closer");
    aio::net::Stream client = co_await aio::net::connect("127.0.0.1", listener.port());
    co_await closer;
    std::vector<char> buffer(5);
    std::string error = "no error";
    try {
      co_await client.read_exact(buffer);
    } catch (const aio::net::ConnectionClosed& e) {
      error = e.what();
    }
    std::size_t more = co_await client.read_some(buffer);
    EXPECT_EQ(more, 0u);  // EOF stays EOF
    co_return error;
  });
  EXPECT_NE(message.find("127.0.0.1:"), std::string::npos) << message;
  EXPECT_NE(message.find("closed the connection after 2 of the 5 bytes"), std::string::npos)
      << message;
}

TEST_P(Net, ConnectionRefusedNamesTheAddress) {
  std::uint16_t port = 0;
  {
    auto probe = aio::net::listen("127.0.0.1", 0);  // a port that was free a moment ago
    port = probe.port();
  }
  std::string message = rec_.run([port]() -> aio::Task<std::string> {
    try {
      (void)co_await aio::net::connect("127.0.0.1", port);
    } catch (const aio::net::ConnectionRefused& e) {
      co_return e.what();
    }
    co_return "connected";
  });
  EXPECT_NE(message.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << message;
  EXPECT_NE(message.find("refused"), std::string::npos) << message;
}

// The peer resets (SO_LINGER 0, then close): the reader gets ConnectionReset, and writing to it
// afterwards is an exception too, never a SIGPIPE that kills the test process.
TEST_P(Net, AResetIsAConnectionResetAndNeverASigpipe) {
  rec_.run([]() -> aio::Task<> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    aio::net::Stream client = co_await aio::net::connect("127.0.0.1", listener.port());
    {
      aio::net::Stream peer = co_await listener.accept();
      linger abort_on_close{1, 0};
      ::setsockopt(peer.native_handle(), SOL_SOCKET, SO_LINGER, &abort_on_close,
                   sizeof abort_on_close);
    }  // closed with a reset
    co_await aio::sleep(1ms);
    std::vector<char> buffer(16);
    EXPECT_THROW(co_await client.read_some(buffer), aio::net::ConnectionReset);
    bool failed = false;
    try {
      std::string big(1 << 20, 'x');
      for (int i = 0; i < 4; ++i) co_await client.write_all(big);
    } catch (const aio::net::NetError&) {
      failed = true;
    }
    EXPECT_TRUE(failed);
  });
}

// A read cancelled by a timeout has taken nothing: the bytes sent later are all there for the
// next read.
TEST_P(Net, ACancelledReadLosesNoBytes) {
  std::string later = rec_.run([]() -> aio::Task<std::string> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    aio::net::Stream client = co_await aio::net::connect("127.0.0.1", listener.port());
    aio::net::Stream peer = co_await listener.accept();
    std::vector<char> buffer(3);
    bool timed_out = false;
    try {
      co_await aio::wait_for(client.read_exact(buffer), 50ms);
    } catch (const aio::TimeoutError&) {
      timed_out = true;
    }
    EXPECT_TRUE(timed_out);
    EXPECT_EQ(aio::now(), 50ms);
    co_await peer.write_all("xyz");
    co_await client.read_exact(buffer);
    co_return text_of(buffer);
  });
  EXPECT_EQ(later, "xyz");
}

// A stream closed while a task waits to read from it: the reader resumes and fails with a clear
// error instead of waiting for ever; and a new socket that gets the same descriptor number is
// not disturbed by the old waiter.
TEST_P(Net, ClosingAStreamWakesItsReader) {
  std::string message = rec_.run([]() -> aio::Task<std::string> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    aio::net::Stream client = co_await aio::net::connect("127.0.0.1", listener.port());
    aio::net::Stream peer = co_await listener.accept();
    auto reader = aio::create_task(
        [&client]() -> aio::Task<std::string> {
          std::vector<char> buffer(4);
          try {
            co_await client.read_exact(buffer);
          } catch (const aio::net::NetError& e) {
            co_return e.what();
          }
          co_return "read";
        },
        "reader");
    co_await aio::sleep(1ms);  // the reader is waiting now
    client.close();
    std::string error = co_await reader;
    // The descriptor number is free again; a new connection may get it and must work.
    aio::net::Stream again = co_await aio::net::connect("127.0.0.1", listener.port());
    aio::net::Stream other = co_await listener.accept();
    co_await other.write_all("ok");
    std::vector<char> reply(2);
    co_await again.read_exact(reply);
    EXPECT_EQ(text_of(reply), "ok");
    co_return error;
  });
  EXPECT_NE(message.find("closed stream"), std::string::npos) << message;
}

// Two tasks reading one stream at once would split its bytes between them unpredictably: the
// second is refused with an error that says so.
TEST_P(Net, ASecondReaderOfTheSameStreamIsRefused) {
  std::string message = rec_.run([]() -> aio::Task<std::string> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    aio::net::Stream client = co_await aio::net::connect("127.0.0.1", listener.port());
    aio::net::Stream peer = co_await listener.accept();
    auto read_one = [&client]() -> aio::Task<std::size_t> {
      std::vector<char> buffer(1);
      co_return co_await client.read_some(buffer);
    };
    auto first = aio::create_task(read_one, "first");
    co_await aio::sleep(1ms);  // the first reader waits now
    std::string error = "no error";
    try {
      (void)co_await read_one();
    } catch (const aio::RuntimeError& e) {
      error = e.what();
    }
    co_await peer.write_all("x");
    EXPECT_EQ(co_await first, 1u);  // the first reader is unharmed
    co_return error;
  });
  EXPECT_NE(message.find("two tasks wait to read from the same socket"), std::string::npos)
      << message;
}

TEST_P(Net, AcceptIsCancellable) {
  rec_.run([]() -> aio::Task<> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    auto accepted = co_await aio::move_on_after(1s, listener.accept());
    EXPECT_FALSE(accepted.has_value());
    EXPECT_EQ(aio::now(), 1s);
  });
}

// The virtual clock with sockets: a server that answers after 100 ms of loop time, 200 clients
// at once. Loopback traffic is waited for in real time (the grace), so the replies come at
// exactly 100 ms of simulated time, all of them.
TEST_P(Net, ManyConnectionsOnTheVirtualClockHaveExactTimes) {
  constexpr int clients = 200;
  auto finished_at = rec_.run([]() -> aio::Task<std::vector<aio::Duration>> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    auto serve_one = [](aio::net::Stream peer) -> aio::Task<> {
      std::vector<char> request(2);
      co_await peer.read_exact(request);
      co_await aio::sleep(100ms);  // the server's latency, on the loop's clock
      co_await peer.write_all(text_of(request));
    };
    auto server = aio::create_task(
        [&]() -> aio::Task<> {
          std::vector<aio::TaskHandle<void>> handlers;
          for (int i = 0; i < clients; ++i) {
            aio::net::Stream peer = co_await listener.accept();
            handlers.push_back(aio::create_task(serve_one(std::move(peer)), "handler"));
          }
          for (auto& handler : handlers) co_await handler;
        },
        "server");
    auto client = [](std::uint16_t port) -> aio::Task<aio::Duration> {
      aio::net::Stream stream = co_await aio::net::connect("127.0.0.1", port);
      co_await stream.write_all("hi");
      std::vector<char> reply(2);
      co_await stream.read_exact(reply);
      EXPECT_EQ(text_of(reply), "hi");
      co_return aio::now();
    };
    std::vector<aio::Task<aio::Duration>> all;
    for (int i = 0; i < clients; ++i) all.push_back(client(listener.port()));
    auto times = co_await aio::gather(std::move(all));
    co_await server;
    co_return times;
  });
  for (aio::Duration at : finished_at) EXPECT_EQ(at, 100ms);
  EXPECT_EQ(rec_.elapsed(), 100ms);
}

// Waiting only for a socket is not a deadlock: the loop waits for the traffic.
TEST_P(Net, AWaitForASocketIsNotADeadlock) {
  auto text = rec_.run([]() -> aio::Task<std::string> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    aio::net::Stream client = co_await aio::net::connect("127.0.0.1", listener.port());
    aio::net::Stream peer = co_await listener.accept();
    // The write happens on a worker thread, 20 ms of real time later: nothing on the loop
    // can wake the reader meanwhile but the socket.
    int fd = peer.native_handle();
    auto writer = aio::create_task(aio::to_thread([fd] {
                                     std::this_thread::sleep_for(20ms);
                                     (void)::send(fd, "ok", 2, 0);
                                   }),
                                   "writer");
    std::vector<char> buffer(2);
    co_await client.read_exact(buffer);
    co_await writer;
    co_return text_of(buffer);
  });
  EXPECT_EQ(text, "ok");
}

TEST_P(Net, ANameIsLookedUpOnAWorker) {
  rec_.run([]() -> aio::Task<> {
    auto listener = aio::net::listen("127.0.0.1", 0);
    auto server = aio::create_task(echo_once(listener), "server");
    // A name: getaddrinfo runs on a worker. "localhost" may give ::1 first, where nobody
    // listens: the next address (127.0.0.1) is tried.
    aio::net::Stream client = co_await aio::net::connect("localhost", listener.port());
    co_await client.write_all("name");
    std::vector<char> buffer(4);
    co_await client.read_exact(buffer);
    EXPECT_EQ(text_of(buffer), "name");
    co_await server;
  });
}

INSTANTIATE_TEST_SUITE_P(BothReactors, Net,
                         ::testing::Values(ReactorKind::Epoll, ReactorKind::Poll),
                         [](const auto& info) {
                           return info.param == ReactorKind::Epoll ? std::string("epoll")
                                                                   : std::string("poll");
                         });

TEST(Reactor, TheEnvironmentChoosesTheBackend) {
  ::setenv("AIO_REACTOR", "poll", 1);
  EXPECT_STREQ(aio::detail::make_reactor(ReactorKind::Automatic)->name(), "poll");
  ::setenv("AIO_REACTOR", "epoll", 1);
  EXPECT_STREQ(aio::detail::make_reactor(ReactorKind::Automatic)->name(), "epoll");
  ::setenv("AIO_REACTOR", "kqueue", 1);
  EXPECT_THROW(aio::detail::make_reactor(ReactorKind::Automatic), aio::RuntimeError);
  ::unsetenv("AIO_REACTOR");
  // An explicit choice wins over the environment.
  EXPECT_STREQ(aio::detail::make_reactor(ReactorKind::Poll)->name(), "poll");
}

}  // namespace
