# GoogleTest/GMock, Google Benchmark and nlohmann-json: the system packages when present (Debian:
# googletest, libgtest-dev, libgmock-dev, libbenchmark-dev, nlohmann-json3-dev; macOS: brew
# install googletest google-benchmark nlohmann-json), otherwise downloaded once by FetchContent,
# pinned by URL and SHA-256.
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

# JSON (the runtime's trace files; later the HTTP chapter).
find_package(nlohmann_json 3.10 CONFIG QUIET)
if(NOT nlohmann_json_FOUND)
  message(STATUS "nlohmann-json not installed: fetching v3.11.2")
  FetchContent_Declare(nlohmann_json
    URL https://github.com/nlohmann/json/releases/download/v3.11.2/json.tar.xz
    URL_HASH SHA256=8c4b26bf4b422252e13f332bc5e388ec0ab5c3443d24399acb675e68278d341f)
  FetchContent_MakeAvailable(nlohmann_json)
endif()

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
