// Chapter 04 — running concurrently with aio::gather. This is the file you edit.
//
// Read chapters/04-gather/README.md first. Check your work with `ctest --preset workbook -L ch04`.
// Stuck? chapters/04-gather/HINTS.md has hints, gentlest first.
#include "exercise.hpp"

namespace ch04 {

using namespace std::chrono_literals;

aio::Task<std::string> download_file([[maybe_unused]] std::string name,
                                     [[maybe_unused]] aio::Duration duration) {
  // TODO 1: print "Start download <name>..." (aio::print writes its arguments one after another).
  // TODO 2: wait `duration` without blocking the thread.
  // TODO 3: print "Finished download <name>".
  // TODO 4: return "<name> downloaded".
  // Then delete the aio::todo line below (and the placeholder co_return).
  aio::todo("download_file");
  co_return std::string{};
}

aio::Task<std::vector<std::string>> download_three([[maybe_unused]] DownloadFn download) {
  // `download` is your download_file unless the caller passes another download function (the
  // graders do): call it like download_file, download("file1.txt", 2s).
  // TODO 1: create the three downloads with `download`: file1.txt 2 s, file2.txt 3 s, file3.txt
  //         1 s.
  // TODO 2: run them concurrently and wait for all three in ONE co_await (which aio function
  //         starts several Tasks and waits for them all?). Awaiting them one by one takes 6 s.
  // TODO 3: print "All results: [<r1>, <r2>, <r3>]" with the results the downloads gave back,
  //         in argument order.
  // TODO 4: return those three results, in argument order, as a std::vector.
  aio::todo("download_three");
  co_return std::vector<std::string>{};
}

aio::Task<std::vector<std::string>> download_all([[maybe_unused]] std::vector<FileToDownload> files,
                                                 [[maybe_unused]] DownloadFn download) {
  // TODO 1: for every file, create its download with the `download` parameter (not
  //         download_file directly) and keep the Tasks in a std::vector, in order. Creating a
  //         Task does not start it.
  // TODO 2: start them all and wait for all of them with one co_await.
  // TODO 3: return the results: they must be in the order of `files`, whatever order the
  //         downloads finish in. Any number of files, including none.
  aio::todo("download_all");
  co_return std::vector<std::string>{};
}

aio::Task<std::vector<std::string>> download_sequentially(
    [[maybe_unused]] std::vector<FileToDownload> files, [[maybe_unused]] DownloadFn download) {
  // TODO 1: for every file, in order, download it with the `download` parameter and wait until
  //         it has finished before starting the next one.
  // TODO 2: return the results in the order of `files`.
  // (This is the slow baseline on purpose: it shows what gather saves.)
  aio::todo("download_sequentially");
  co_return std::vector<std::string>{};
}

}  // namespace ch04
