# The README's sample failure must be what a learner actually sees. This runs the mistaken
# solution the sample comes from (harness/grading/tests/mistakes/02-await/sleeps_milliseconds.cpp)
# with the sample's seed, and compares its output with the README's block, line for line.
#
#   cmake -DGRADER=<ch02_mistake_sleeps_milliseconds> -DREADME=<README.md> -P check_readme_sample.cmake
cmake_minimum_required(VERSION 3.25)

set(test LongProcess.PrintsStartThenFinishedTwoSecondsLater)
set(first_line "[ RUN      ] ${test}")
set(last_line "[  FAILED  ] ${test}")

# The sample: from "[ RUN ...]" to "[  FAILED  ] ..." (its line included).
function(extract_block text out)
  string(FIND "${text}" "${first_line}" begin)
  string(FIND "${text}" "${last_line}" end)
  if(begin EQUAL -1 OR end EQUAL -1 OR end LESS begin)
    set(${out} "" PARENT_SCOPE)
    return()
  endif()
  string(LENGTH "${last_line}" last_length)
  math(EXPR length "${end} + ${last_length} - ${begin}")
  string(SUBSTRING "${text}" ${begin} ${length} block)
  set(${out} "${block}" PARENT_SCOPE)
endfunction()

file(READ ${README} readme)
extract_block("${readme}" sample)
if(sample STREQUAL "")
  message(FATAL_ERROR "README.md has no sample failure of ${test}")
endif()
if(NOT sample MATCHES "AWAITLINGS_SEED=([0-9]+)")
  message(FATAL_ERROR "the README's sample names no seed")
endif()
set(ENV{AWAITLINGS_SEED} ${CMAKE_MATCH_1})
execute_process(COMMAND ${GRADER} --gtest_filter=${test} OUTPUT_VARIABLE output TIMEOUT 60)
extract_block("${output}" actual)
# What may differ: the test's duration, and the line of a check that spans several lines (GCC
# names its first line, Clang the line the failing call is on).
foreach(text actual sample)
  string(REGEX REPLACE "\\([0-9]+ ms\\)" "(N ms)" ${text}_normalized "${${text}}")
  string(REGEX REPLACE "\\.cpp:[0-9]+\\)" ".cpp:N)" ${text}_normalized "${${text}_normalized}")
endforeach()
if(NOT actual_normalized STREQUAL sample_normalized)
  message(FATAL_ERROR "README.md's sample is not what the grader prints. The grader printed:\n"
                      "${actual}\n\nREADME.md shows:\n${sample}\n"
                      "Update the README (the block at its top) with what the grader prints now.")
endif()
message(STATUS "README.md's sample failure matches the grader's output")
