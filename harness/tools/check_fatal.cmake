# A mistaken solution that ends the grader's process — a step stuck in a loop without co_await,
# a crash — must still teach, end quickly, and count as failed. For one such mistake this script
# runs its grader test alone and checks that:
#   - the process ended on its own within a few seconds (not by ctest's timeout);
#   - it failed (non-zero exit or a signal);
#   - its output matches the mistake's `// expect:` regular expression;
#   - its results file says status=failed with the mistake's `// reason:` (stuck, crashed).
#
#   cmake -DGRADER=<exe> -DFILTER=<Suite.Test> -DMISTAKE=<mistake.cpp> -DREASON=<reason>
#         -DRESULTS=<scratch dir> -P check_fatal.cmake
#
# Wired up by workbook_chapter() (harness/cmake/WorkbookChapter.cmake) for every mistake file
# with a `// reason:` line.
cmake_minimum_required(VERSION 3.25)

foreach(variable GRADER FILTER MISTAKE REASON RESULTS)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "check_fatal.cmake: -D${variable}=... is missing")
  endif()
endforeach()

file(STRINGS ${MISTAKE} expect_line REGEX "^// expect: " ENCODING UTF-8)
string(REGEX REPLACE "^// expect: " "" expected "${expect_line}")

# The stuck-step watchdog fires after 3 s; anything near ctest's timeout means it did not.
set(limit 10)
file(REMOVE_RECURSE ${RESULTS})
set(ENV{AWAITLINGS_RESULTS_DIR} ${RESULTS})
string(TIMESTAMP started "%s")
execute_process(COMMAND ${GRADER} --gtest_filter=${FILTER}
                OUTPUT_VARIABLE output ERROR_VARIABLE errors RESULT_VARIABLE exit_code
                TIMEOUT 30)
string(TIMESTAMP ended "%s")
math(EXPR took "${ended} - ${started}")
set(all_output "${output}${errors}")
message("${all_output}")

set(problems "")
if(took GREATER ${limit})
  string(APPEND problems "\n  - the grader took ${took} s to end (limit ${limit} s)")
endif()
if("${exit_code}" STREQUAL "0")
  string(APPEND problems "\n  - the grader exited with 0: the mistake was not caught")
endif()
if(NOT all_output MATCHES "${expected}")
  string(APPEND problems "\n  - its output does not match the expected message: ${expected}")
endif()

file(GLOB_RECURSE result_files ${RESULTS}/*.result)
list(LENGTH result_files result_count)
if(NOT result_count EQUAL 1)
  string(APPEND problems "\n  - expected one results file under ${RESULTS}, found ${result_count}")
else()
  file(READ ${result_files} content)
  if(NOT content MATCHES "\nstatus=failed\n")
    string(APPEND problems "\n  - the results file does not say status=failed:\n${content}")
  endif()
  if(NOT content MATCHES "\nreason=${REASON}\n")
    string(APPEND problems "\n  - the results file does not say reason=${REASON}:\n${content}")
  endif()
endif()

if(problems)
  message(FATAL_ERROR "mistake ${MISTAKE} (exit: ${exit_code}):${problems}")
endif()
message(STATUS "ended in ${took} s (${exit_code}), results file says reason=${REASON}: ok")
