# GoogleTest/GMock and Google Benchmark: the system packages when present (Debian: googletest,
# libgtest-dev, libgmock-dev, libbenchmark-dev; macOS: brew install googletest google-benchmark),
# otherwise downloaded once by FetchContent, pinned by URL and SHA-256.
include(FetchContent)
find_package(Threads REQUIRED)

find_package(GTest 1.10 CONFIG QUIET)
if(NOT GTest_FOUND)
  message(STATUS "GoogleTest not installed: fetching release 1.12.1")
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  FetchContent_Declare(googletest
    URL https://github.com/google/googletest/archive/refs/tags/release-1.12.1.tar.gz
    URL_HASH SHA256=81964fe578e9bd7c94dfdb09c8e4d6e6759e19967e397dbea48d1c10e45d0df2)
  FetchContent_MakeAvailable(googletest)
endif()
include(GoogleTest)

if(WORKBOOK_BENCHMARKS)
  find_package(benchmark 1.6 CONFIG QUIET)
  if(NOT benchmark_FOUND)
    message(STATUS "Google Benchmark not installed: fetching v1.7.1")
    set(BENCHMARK_ENABLE_TESTING OFF CACHE BOOL "" FORCE)
    set(BENCHMARK_ENABLE_INSTALL OFF CACHE BOOL "" FORCE)
    FetchContent_Declare(benchmark
      URL https://github.com/google/benchmark/archive/refs/tags/v1.7.1.tar.gz
      URL_HASH SHA256=6430e4092653380d9dc4ccb45a1e2dc9259d581f4866dc0759713126056bc1d7)
    FetchContent_MakeAvailable(benchmark)
  endif()
endif()
