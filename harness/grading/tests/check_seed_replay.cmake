# grading.hpp promises that AWAITLINGS_SEED=<n> replays a graded run. This checks it: the test
# SeedReplay.PrintsTheSeedAndItsFirstDraws, run twice with one seed and once with another, must
# print the same draws for the same seed and other draws for the other.
#
#   cmake -DTESTS=<aio_grading_tests> -P check_seed_replay.cmake
cmake_minimum_required(VERSION 3.25)

function(draws_for seed out)
  set(ENV{AWAITLINGS_SEED} ${seed})
  execute_process(COMMAND ${TESTS} --gtest_filter=SeedReplay.PrintsTheSeedAndItsFirstDraws
                  OUTPUT_VARIABLE output RESULT_VARIABLE exit_code TIMEOUT 60)
  if(NOT exit_code STREQUAL "0" OR NOT output MATCHES "seed=([0-9]+) draws=([0-9 ]+)")
    message(FATAL_ERROR "the seed test failed with AWAITLINGS_SEED=${seed}:\n${output}")
  endif()
  if(NOT CMAKE_MATCH_1 STREQUAL "${seed}")
    message(FATAL_ERROR "AWAITLINGS_SEED=${seed} was not used: the run says seed=${CMAKE_MATCH_1}")
  endif()
  set(${out} "${CMAKE_MATCH_2}" PARENT_SCOPE)
endfunction()

draws_for(424242 first)
draws_for(424242 again)
draws_for(424243 other)
if(NOT first STREQUAL again)
  message(FATAL_ERROR "the same seed drew different values:\n  ${first}\n  ${again}")
endif()
if(first STREQUAL other)
  message(FATAL_ERROR "two different seeds drew the same values: ${first}")
endif()
message(STATUS "AWAITLINGS_SEED replays: ${first}")
