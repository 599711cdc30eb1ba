# workbook_chapter(NUMBER 02 TOPIC await [LIBRARIES aio_http ...])
#
# LIBRARIES: what the chapter's exercise needs beyond the aio runtime (chapter 08: aio_http); every
# variant of exercise.cpp and the graders link it.
#
# Called from chapters/NN-topic/CMakeLists.txt. Creates, for chapter chNN:
#   chNN_exercise  the learner's exercise.cpp (or solutions/NN-topic/exercise.cpp when
#                  WORKBOOK_SOLUTIONS=ON), with exercise.hpp on its include path
#   chNN_grader    the chapter's test_*.cpp graders; each gtest test is a ctest test named
#                  chNN.<Suite>.<Test>, labelled chNN, <topic> and grader, with a timeout
#   chNN_demo      demo.cpp: the exercise in real time (`--virtual` for the simulated clock)
#   chNN.build     a ctest test (labels chNN, <topic>, build) that builds chNN_grader and
#                  chNN_demo; every grader test requires it, so ctest never grades a stale binary
# With WORKBOOK_STUB_CHECK=ON, also chNN_grader_stub: the same graders against the untouched
# stubs, run by the stub checker (harness/tools/check_stubs.cmake).
# With WORKBOOK_GRADER_TESTS=ON, every mistaken solution under
# harness/grading/tests/mistakes/NN-topic/*.cpp becomes a grader built against it, and a test
# that the graders reject it with the right message.
set(WORKBOOK_TEST_TIMEOUT 20 CACHE STRING "Seconds before a single grader test is stopped")

function(workbook_chapter)
  cmake_parse_arguments(ARG "" "NUMBER;TOPIC" "LIBRARIES" ${ARGN})
  # Read by _workbook_exercise (a function sees its caller's variables).
  set(exercise_libraries ${ARG_LIBRARIES})
  set(id ch${ARG_NUMBER})
  set(name ${ARG_NUMBER}-${ARG_TOPIC})
  set(chapter_dir ${PROJECT_SOURCE_DIR}/chapters/${name})
  set(solution_dir ${PROJECT_SOURCE_DIR}/solutions/${name})
  if(WORKBOOK_SOLUTIONS)
    set(exercise_source ${solution_dir}/exercise.cpp)
  else()
    set(exercise_source ${chapter_dir}/exercise.cpp)
  endif()
  file(GLOB grader_sources CONFIGURE_DEPENDS ${chapter_dir}/test_*.cpp)

  # The graders only see exercise.hpp, so they compile once and link against each variant
  # (your code or the solution, the untouched stub, each mistaken solution).
  add_library(${id}_grader_objects OBJECT ${grader_sources})
  target_include_directories(${id}_grader_objects PRIVATE ${chapter_dir})
  target_link_libraries(${id}_grader_objects PRIVATE aio_grading ${ARG_LIBRARIES})

  _workbook_exercise(${id}_exercise ${exercise_source} ${chapter_dir})
  _workbook_grader(${id}_grader ${id}_exercise ${id} ${name} ${CMAKE_BINARY_DIR}/results
                   ${id}_grader_main)
  set_property(GLOBAL APPEND PROPERTY WORKBOOK_GRADERS ${id}_grader)
  gtest_discover_tests(${id}_grader
    TEST_PREFIX "${id}."
    TEST_LIST ${id}_grader_TESTS
    DISCOVERY_TIMEOUT 60
    PROPERTIES FIXTURES_REQUIRED ${id}.build TIMEOUT ${WORKBOOK_TEST_TIMEOUT})
  _workbook_grader_labels(${id} ${ARG_TOPIC})

  add_executable(${id}_demo ${chapter_dir}/demo.cpp)
  target_link_libraries(${id}_demo PRIVATE ${id}_exercise)
  _workbook_build_fixture(${id} ${ARG_TOPIC} ${name})

  if(WORKBOOK_STUB_CHECK)
    _workbook_exercise(${id}_exercise_stub ${chapter_dir}/exercise.cpp ${chapter_dir})
    _workbook_grader(${id}_grader_stub ${id}_exercise_stub ${id} ${name}
                     ${CMAKE_BINARY_DIR}/stub-results ${id}_grader_stub_main)
    set_property(GLOBAL APPEND PROPERTY WORKBOOK_STUB_GRADERS ${id}_grader_stub)
  endif()

  if(WORKBOOK_GRADER_TESTS)
    _workbook_mistakes(${id} ${name} ${chapter_dir})
  endif()
endfunction()

# The labels chNN, <topic> and grader on every discovered grader test. Not through
# gtest_discover_tests(PROPERTIES LABELS ...): it flattens the list, so only the first label
# survived and "<topic> grader" became a property of that name. A script that ctest includes right
# after the test list sets them on the tests the list names.
function(_workbook_grader_labels id topic)
  set(script ${CMAKE_CURRENT_BINARY_DIR}/${id}_grader_labels.cmake)
  file(WRITE ${script}
       "# Written by workbook_chapter(): the labels of ${id}'s grader tests.\n"
       "if(DEFINED ${id}_grader_TESTS)\n"
       "  set_tests_properties(\${${id}_grader_TESTS} PROPERTIES LABELS \"${id};${topic};grader\")\n"
       "endif()\n")
  # After gtest_discover_tests' own include file, which defines the list.
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${script})
endfunction()

# Never grade a stale binary: the test chNN.build rebuilds the chapter's grader and demo, and every
# grader test of the chapter requires it (a ctest fixture), so the plain
# `ctest --preset workbook -L chNN` builds first after an edit. A compile error fails chNN.build,
# and ctest then runs none of the chapter's tests instead of grading the old binary.
function(_workbook_build_fixture id topic chapter)
  # Through build_chapter.cmake: a failed build also leaves results/<chapter>/build-failed, which
  # the progress report reads.
  add_test(NAME ${id}.build
           COMMAND ${CMAKE_COMMAND} -DBUILD=${CMAKE_BINARY_DIR} -DGRADER=${id}_grader
                   -DDEMO=${id}_demo -DMARK=${CMAKE_BINARY_DIR}/results/${chapter}/build-failed
                   -P ${PROJECT_SOURCE_DIR}/harness/cmake/build_chapter.cmake)
  set_tests_properties(${id}.build PROPERTIES
    FIXTURES_SETUP ${id}.build
    LABELS "${id};${topic};build"
    # Two builds at once in one build tree would race on Ninja's logs and on shared targets.
    RESOURCE_LOCK workbook_build_tree
    TIMEOUT 900)
endfunction()

function(_workbook_exercise target source chapter_dir)
  add_library(${target} STATIC ${source})
  target_include_directories(${target} PUBLIC ${chapter_dir})
  target_link_libraries(${target} PUBLIC aio ${exercise_libraries})
endfunction()

# The graders' main() as an object library: compiled once per (chapter, results directory).
function(_workbook_grader_main target chapter results_dir)
  if(NOT TARGET ${target})
    add_library(${target} OBJECT ${WORKBOOK_GRADER_MAIN})
    target_link_libraries(${target} PRIVATE aio_grading nlohmann_json::nlohmann_json)
    target_compile_definitions(${target} PRIVATE
      AWAITLINGS_CHAPTER="${chapter}"
      AWAITLINGS_RESULTS_DIR="${results_dir}"
      AWAITLINGS_HINTS_FILE="${PROJECT_SOURCE_DIR}/chapters/${chapter}/HINTS.md")
  endif()
endfunction()

# A grader executable: the chapter's compiled tests + a main + one variant of exercise.cpp.
function(_workbook_grader target exercise id chapter results_dir main_target)
  _workbook_grader_main(${main_target} ${chapter} "${results_dir}")
  add_executable(${target}
    $<TARGET_OBJECTS:${id}_grader_objects> $<TARGET_OBJECTS:${main_target}>)
  target_link_libraries(${target} PRIVATE ${exercise} aio_grading)
endfunction()

# A mistaken solution names the grader test that must reject it and words its message must hold:
#   // test: Await.LongProcessTimeline
#   // expect: the event loop was blocked
# A mistake that ends the process (a loop without co_await, a crash) also says how the results
# file must record it; it is then checked by harness/tools/check_fatal.cmake, which also bounds
# how long the grader may take to end:
#   // reason: stuck            (or: crashed)
function(_workbook_mistakes id name chapter_dir)
  file(GLOB mistakes CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/harness/grading/tests/mistakes/${name}/*.cpp)
  foreach(mistake IN LISTS mistakes)
    get_filename_component(mistake_name ${mistake} NAME_WE)
    # UTF-8: an expect line may hold an em-dash; read as bytes, CMake would cut the line there.
    file(STRINGS ${mistake} test_line REGEX "^// test: " ENCODING UTF-8)
    file(STRINGS ${mistake} expect_line REGEX "^// expect: " ENCODING UTF-8)
    file(STRINGS ${mistake} reason_line REGEX "^// reason: " ENCODING UTF-8)
    if(NOT test_line OR NOT expect_line)
      message(FATAL_ERROR "${mistake}: needs '// test: Suite.Test' and '// expect: text' lines")
    endif()
    string(REGEX REPLACE "^// test: " "" gtest_filter "${test_line}")
    string(REGEX REPLACE "^// expect: " "" expected "${expect_line}")
    string(STRIP "${expected}" expected)
    # An empty expectation would match any output: the test could never fail.
    string(LENGTH "${expected}" expected_length)
    if(expected_length LESS 8)
      message(FATAL_ERROR "${mistake}: the '// expect:' text is empty or too short to pin a "
                          "message (\"${expected}\")")
    endif()
    set(target ${id}_mistake_${mistake_name})
    _workbook_exercise(${target}_exercise ${mistake} ${chapter_dir})
    _workbook_grader(${target} ${target}_exercise ${id} ${name} "" ${id}_mistake_main)
    if(reason_line)
      string(REGEX REPLACE "^// reason: " "" reason "${reason_line}")
      add_test(NAME mistake.${id}.${mistake_name}
               COMMAND ${CMAKE_COMMAND} -DGRADER=$<TARGET_FILE:${target}> -DFILTER=${gtest_filter}
                       -DMISTAKE=${mistake} -DREASON=${reason}
                       -DRESULTS=${CMAKE_CURRENT_BINARY_DIR}/fatal-results/${mistake_name}
                       -P ${PROJECT_SOURCE_DIR}/harness/tools/check_fatal.cmake)
      set_tests_properties(mistake.${id}.${mistake_name} PROPERTIES
        LABELS "graders;${id}" TIMEOUT ${WORKBOOK_TEST_TIMEOUT})
      continue()
    endif()
    add_test(NAME mistake.${id}.${mistake_name}
             COMMAND ${target} --gtest_filter=${gtest_filter})
    # Passes only if the grader failed with the teaching message.
    set_tests_properties(mistake.${id}.${mistake_name} PROPERTIES
      PASS_REGULAR_EXPRESSION "${expected}"
      FAIL_REGULAR_EXPRESSION "\\[  PASSED  \\] 1 test"
      LABELS "graders;${id}"
      TIMEOUT ${WORKBOOK_TEST_TIMEOUT})
  endforeach()
endfunction()
