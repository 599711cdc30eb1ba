// awaitlings_http_server: the tutorial's API on a real socket, for curl and the browser.
//
//   awaitlings_http_server [--host 127.0.0.1] [--port 8080] [--latency-ms 0]
//   curl http://127.0.0.1:8080/users/python     ->  {"id":...,"login":"python"}
//
// Routes: aio::http::add_tutorial_routes (GET /users/<name>, GET /health, POST /echo,
// GET /stats). Real clock. Ctrl-C (SIGINT) or SIGTERM stops it gracefully: requests in flight
// finish, then it exits 0. --port 0 picks a free port; the first line printed says which.
#include <aio/aio.hpp>
#include <aio/http/server.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void request_stop(int) {
  stop_requested = 1;
}

struct Arguments {
  std::string host = "127.0.0.1";
  int port = 8080;
  int latency_ms = 0;
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "awaitlings_http_server: " << problem << "\n"
            << "usage: awaitlings_http_server [--host 127.0.0.1] [--port 8080] [--latency-ms 0]\n";
  std::exit(2);
}

int number(std::string_view flag, const char* text, int low, int high) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < low || value > high) {
    usage(std::string(flag) + " wants a number from " + std::to_string(low) + " to " +
          std::to_string(high) + ", not \"" + text + "\"");
  }
  return static_cast<int>(value);
}

Arguments parse(int argc, char** argv) {
  Arguments args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") usage("the tutorial's API over HTTP/1.1");
    if (i + 1 >= argc) usage("missing value after " + std::string(flag));
    const char* value = argv[++i];
    if (flag == "--host") {
      args.host = value;
    } else if (flag == "--port") {
      args.port = number(flag, value, 0, 65535);
    } else if (flag == "--latency-ms") {
      args.latency_ms = number(flag, value, 0, 600000);
    } else {
      usage("unknown option " + std::string(flag));
    }
  }
  return args;
}

aio::Task<> serve(Arguments args) {
  aio::http::Server server;
  aio::http::TutorialOptions tutorial;
  const aio::Duration latency = std::chrono::milliseconds(args.latency_ms);
  tutorial.latency = [latency](std::string_view) { return latency; };
  aio::http::add_tutorial_routes(server, tutorial);
  server.start(args.host, static_cast<std::uint16_t>(args.port));
  std::cout << "Serving the tutorial's API on " << server.url("/") << std::endl;
  std::cout << "  try: curl " << server.url("/users/python") << "\n  Ctrl-C stops it" << std::endl;
  // The signal handler only sets a flag (nothing else is safe there); the loop looks at it
  // 20 times a second, between the server's own tasks.
  while (!stop_requested) co_await aio::sleep(std::chrono::milliseconds(50));
  std::cout << "Stopping: letting requests in flight finish" << std::endl;
  co_await server.stop();
  std::cout << "Stopped after " << server.stats().requests_served << " request(s) on "
            << server.stats().connections_accepted << " connection(s)" << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  const Arguments args = parse(argc, argv);
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  try {
    aio::RunOptions options;
    options.clock = aio::Clock::Real;
    aio::run(serve(args), options);
  } catch (const std::exception& e) {
    std::cerr << "awaitlings_http_server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
