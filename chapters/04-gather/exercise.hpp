// Chapter 04 — running concurrently with aio::gather. You implement these in exercise.cpp; the
// graders and the demo call only what is declared here.
#pragma once

#include <aio/aio.hpp>
#include <functional>
#include <string>
#include <vector>

namespace ch04 {

// One file to download: its name and how long the download takes.
struct FileToDownload {
  std::string name;
  aio::Duration duration;
};

// Anything that downloads a file the way download_file does: download(name, duration) returns a
// Task that, when awaited, downloads the file and gives back "<name> downloaded". download_three,
// download_all and download_sequentially take one as a parameter, so their callers (the graders,
// the demo) choose how a file is downloaded; by default it is download_file.
using DownloadFn = std::function<aio::Task<std::string>(std::string, aio::Duration)>;

// Simulates downloading one file without blocking the event loop:
//   prints "Start download <name>...", waits `duration` (co_await aio::sleep),
//   prints "Finished download <name>", returns "<name> downloaded".
// download_file("file1.txt", 2s) on its own:
//   [  0.000s] Start download file1.txt...
//   [  2.000s] Finished download file1.txt
aio::Task<std::string> download_file(std::string name, aio::Duration duration);

// The tutorial's example: downloads file1.txt (2 s), file2.txt (3 s) and file3.txt (1 s)
// CONCURRENTLY with aio::gather, each with download(name, duration), prints the results, and
// returns them in argument order ({"file1.txt downloaded", "file2.txt downloaded",
// "file3.txt downloaded"} with download_file). Timeline:
//   [  0.000s] Start download file1.txt...
//   [  0.000s] Start download file2.txt...
//   [  0.000s] Start download file3.txt...
//   [  1.000s] Finished download file3.txt
//   [  2.000s] Finished download file1.txt
//   [  3.000s] Finished download file2.txt
//   [  3.000s] All results: [file1.txt downloaded, file2.txt downloaded, file3.txt downloaded]
// Simulated time: 3 s (the longest download), not 6 s (the sum).
// `download` is download_file unless the caller passes another download function (the graders
// pass one of their own, to check that the lines and the results come from the downloads, not
// from download_three). Call it exactly like download_file: download("file1.txt", 2s).
aio::Task<std::vector<std::string>> download_three(DownloadFn download = download_file);

// Downloads every file in `files` CONCURRENTLY, each with download(file.name, file.duration),
// and returns their results in the order of `files` (not the order they finish in). Works for
// any number of files, including none. Prints nothing itself (the downloads print).
// Simulated time: the longest duration.
aio::Task<std::vector<std::string>> download_all(std::vector<FileToDownload> files,
                                                 DownloadFn download = download_file);

// The baseline: downloads the files ONE AFTER ANOTHER, in order, each finishing before the next
// starts; returns the results in the order of `files`. Simulated time: the sum of the durations.
aio::Task<std::vector<std::string>> download_sequentially(std::vector<FileToDownload> files,
                                                          DownloadFn download = download_file);

}  // namespace ch04
