// aio::print: the transcript {time, task, text}, the "[  2.000s] text" sink format, quiet mode.
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using aio_test::Recorder;
using namespace std::chrono_literals;

aio::Task<> worker_fn() {
  co_await aio::sleep(1s);
  aio::print("from the worker");
}

TEST(Print, RecordsTimeTaskNameAndText) {
  Recorder rec;
  rec.run([]() -> aio::Task<> {
    aio::print("hello ", 1, ' ', 2.5, " world");
    auto named = aio::create_task(worker_fn(), "download");
    auto unnamed = aio::create_task(worker_fn());
    co_await named;
    co_await unnamed;
    co_await aio::sleep(1500ms);
    aio::print("bye");
  });
  const auto& lines = rec.report().transcript;
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].time, 0s);
  EXPECT_EQ(lines[0].task, "main");
  EXPECT_EQ(lines[0].text, "hello 1 2.5 world");
  EXPECT_EQ(lines[1].time, 1s);
  EXPECT_EQ(lines[1].task, "download");
  EXPECT_EQ(lines[1].text, "from the worker");
  EXPECT_EQ(lines[2].time, 1s);
  EXPECT_EQ(lines[2].task, "worker_fn");  // default name: the coroutine function's name
  EXPECT_EQ(lines[3].time, 2500ms);
  EXPECT_EQ(lines[3].task, "main");
  EXPECT_EQ(lines[3].text, "bye");
}

TEST(Print, WritesTimestampedLinesToTheSink) {
  std::ostringstream sink;
  aio::RunOptions options;
  options.clock = aio::Clock::Virtual;
  options.sink = &sink;
  aio::run(
      []() -> aio::Task<> {
        aio::print("start");
        co_await aio::sleep(2s);
        aio::print("two");
        co_await aio::sleep(1234567us);
        aio::print("later");
      },
      options);
  EXPECT_EQ(sink.str(), "[  0.000s] start\n[  2.000s] two\n[  3.235s] later\n");
}

TEST(Print, TimestampsCanBeTurnedOff) {
  std::ostringstream sink;
  aio::RunOptions options;
  options.clock = aio::Clock::Virtual;
  options.sink = &sink;
  options.timestamps = false;
  aio::run(
      []() -> aio::Task<> {
        co_await aio::sleep(2s);
        aio::print("plain");
      },
      options);
  EXPECT_EQ(sink.str(), "plain\n");
}

TEST(Print, QuietRecordsTheTranscriptButPrintsNothing) {
  std::ostringstream sink;
  aio::RunReport report;
  aio::RunOptions options;
  options.clock = aio::Clock::Virtual;
  options.sink = &sink;
  options.quiet = true;
  options.on_finish = [&](const aio::RunReport& r) { report = r; };
  testing::internal::CaptureStdout();
  aio::run(
      []() -> aio::Task<> {
        aio::print("silent");
        co_return;
      },
      options);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(sink.str(), "");
  ASSERT_EQ(report.transcript.size(), 1u);
  EXPECT_EQ(report.transcript[0].text, "silent");
}

TEST(Print, DefaultSinkIsStdout) {
  aio::RunOptions options;
  options.clock = aio::Clock::Virtual;
  testing::internal::CaptureStdout();
  aio::run(
      []() -> aio::Task<> {
        co_await aio::sleep(3s);
        aio::print("to stdout");
      },
      options);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "[  3.000s] to stdout\n");
}

TEST(Print, OutsideALoopPrintsThePlainLine) {
  testing::internal::CaptureStdout();
  aio::print("no loop ", 7);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "no loop 7\n");
}

TEST(Print, FormatSecondsHasMillisecondsAndAWidthOfSeven) {
  EXPECT_EQ(aio::format_seconds(0s), "  0.000");
  EXPECT_EQ(aio::format_seconds(2s), "  2.000");
  EXPECT_EQ(aio::format_seconds(1500ms), "  1.500");
  EXPECT_EQ(aio::format_seconds(12345ms), " 12.345");
  EXPECT_EQ(aio::format_seconds(1234s), "1234.000");  // wider numbers are not cut
}

}  // namespace
