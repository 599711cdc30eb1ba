# The stub checker: every grader test must FAIL on the untouched stubs, and fail for the right
# reason. A grader test that passes on a stub cannot tell a finished exercise from an unfinished
# one; one that crashes, hangs or lets an exception escape greets a new learner with noise instead
# of "not started".
#
#   cmake -DGRADERS=<grader_stub>[,<grader_stub>...] -DRESULTS=<scratch dir> [-DTIMEOUT=<s>]
#         -P check_stubs.cmake
#
# Run by the ctest test `stub-check` (preset `check`, see harness/tools/CMakeLists.txt). Each test
# runs alone (--gtest_filter) in a fresh results directory; its results file (format:
# harness/grading/README.md) must say status=failed with reason=not_started: an untouched stub
# fails because of its TODO, never because a check judged code the learner has not written.
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED GRADERS OR NOT DEFINED RESULTS)
  message(FATAL_ERROR
    "usage: cmake -DGRADERS=<exe>[,<exe>...] -DRESULTS=<dir> [-DTIMEOUT=<s>] -P check_stubs.cmake")
endif()
if(NOT TIMEOUT)
  set(TIMEOUT 20)
endif()
string(REPLACE "," ";" graders "${GRADERS}")
if(NOT graders)
  message(FATAL_ERROR "stub check: no stub graders were given (is any chapter configured?)")
endif()

set(problems "")       # one entry per problem, each a complete sentence
set(problem_count 0)
set(table "")          # the summary table, one line per grader

# Record a problem: add_problem(<output> <sentence parts>...). `output` (may be empty) is what the
# grader printed: its tail is shown. The parts are joined into one sentence.
function(add_problem output)
  list(JOIN ARGN "" text)
  math(EXPR count "${problem_count} + 1")
  set(problem_count ${count} PARENT_SCOPE)
  set(all "${problems}\n  - ${text}")
  if(NOT "${output}" STREQUAL "")
    _tail("${output}" tail)
    string(APPEND all "\n      last lines of its output:\n${tail}")
  endif()
  set(problems "${all}" PARENT_SCOPE)
endfunction()

# The last 15 lines of `text`, indented. (String searches, not lists: output lines may hold
# semicolons and unbalanced brackets, which CMake lists mangle.)
function(_tail text out)
  string(REGEX REPLACE "\n+$" "" text "${text}")
  set(rest "${text}")
  foreach(i RANGE 1 15)
    string(FIND "${rest}" "\n" at REVERSE)
    if(at EQUAL -1)
      set(rest "")
      break()
    endif()
    string(SUBSTRING "${rest}" 0 ${at} rest)
  endforeach()
  string(LENGTH "${rest}" skip)
  string(SUBSTRING "${text}" ${skip} -1 tail)
  string(REGEX REPLACE "^\n" "" tail "${tail}")
  string(REPLACE "\n" "\n        | " tail "${tail}")
  set(${out} "        | ${tail}" PARENT_SCOPE)
endfunction()

# The value of `key` in the contents of a results file (key=value lines).
function(_result_value content key out)
  if(content MATCHES "(^|\n)${key}=([^\n]*)")
    set(${out} "${CMAKE_MATCH_2}" PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

# Parse `--gtest_list_tests` output into Suite.Test names. Suites are unindented and end with a
# dot; tests are indented by two spaces. Either may be followed by "  # TypeParam = ..." or
# "  # GetParam() = ...". Other lines (e.g. "Running main() from ...") are ignored.
function(_parse_test_list output out_tests out_disabled)
  # Only the names matter: neutralise what CMake lists treat specially.
  string(REPLACE ";" "," output "${output}")
  string(REPLACE "[" "(" output "${output}")
  string(REPLACE "]" ")" output "${output}")
  string(REGEX MATCHALL "[^\n]+" lines "${output}")
  set(suite "")
  set(tests "")
  set(disabled 0)
  foreach(line IN LISTS lines)
    if(line MATCHES "^([A-Za-z_][A-Za-z0-9_/]*)\\.( .*)?$")
      set(suite "${CMAKE_MATCH_1}")
    elseif(suite AND line MATCHES "^  ([A-Za-z_][A-Za-z0-9_/]*)( .*)?$")
      set(name "${suite}.${CMAKE_MATCH_1}")
      # gtest lists disabled tests but does not run them: nothing to check.
      if(name MATCHES "(^|[./])DISABLED_")
        math(EXPR disabled "${disabled} + 1")
      else()
        list(APPEND tests "${name}")
      endif()
    endif()
  endforeach()
  set(${out_tests} "${tests}" PARENT_SCOPE)
  set(${out_disabled} ${disabled} PARENT_SCOPE)
endfunction()

get_filename_component(RESULTS "${RESULTS}" ABSOLUTE)
foreach(grader IN LISTS graders)
  get_filename_component(grader "${grader}" ABSOLUTE)
  get_filename_component(exe_name "${grader}" NAME)
  get_filename_component(exe_dir "${grader}" DIRECTORY)
  get_filename_component(chapter "${exe_dir}" NAME)  # build/chapters/02-await/ch02_grader_stub
  set(problems_before ${problem_count})

  if(NOT EXISTS "${grader}")
    add_problem("" "${exe_name}: ${grader} does not exist (was it built?)")
    string(APPEND table "${chapter}|-|NO: not built\n")
    continue()
  endif()

  execute_process(COMMAND "${grader}" --gtest_list_tests
                  TIMEOUT ${TIMEOUT}
                  RESULT_VARIABLE list_rc
                  OUTPUT_VARIABLE list_output
                  ERROR_VARIABLE list_errors)
  if(NOT list_rc STREQUAL "0")
    add_problem("${list_output}${list_errors}"
                "${chapter}: `${exe_name} --gtest_list_tests` failed (${list_rc})")
    string(APPEND table "${chapter}|-|NO: cannot list tests\n")
    continue()
  endif()
  _parse_test_list("${list_output}" tests disabled)
  list(LENGTH tests test_count)
  if(test_count EQUAL 0)
    add_problem("" "${chapter}: ${exe_name} has no tests: "
                "every chapter needs graders (test_*.cpp)")
  endif()

  foreach(test IN LISTS tests)
    # A fresh directory per test: whatever is found there afterwards was written by this run.
    string(REPLACE "/" "~" scratch_name "${test}")  # parameterised names hold slashes
    set(scratch "${RESULTS}/${exe_name}/${scratch_name}")
    file(REMOVE_RECURSE "${scratch}")
    file(MAKE_DIRECTORY "${scratch}")
    set(ENV{AWAITLINGS_RESULTS_DIR} "${scratch}")
    execute_process(COMMAND "${grader}" "--gtest_filter=${test}" --gtest_color=no
                    TIMEOUT ${TIMEOUT}
                    RESULT_VARIABLE rc
                    OUTPUT_VARIABLE output
                    ERROR_VARIABLE output)
    # Normally <scratch>/<chapter>/<Suite.Test>.result; the directory is fresh, so any results
    # file in it is this test's (parameterised names hold a '/' and nest one level deeper).
    file(GLOB_RECURSE result_files "${scratch}/*.result")
    set(what "${chapter} ${test}")

    if(rc STREQUAL "Process terminated due to timeout")
      add_problem("${output}" "${what}: TIMED OUT after ${TIMEOUT} s on the stub "
                  "(a grader must fail fast: is a watchdog or virtual_limit missing?)")
      continue()
    elseif(NOT rc MATCHES "^[0-9]+$")
      add_problem("${output}" "${what}: CRASHED on the stub (${rc})")
      continue()
    elseif(NOT result_files)
      set(why "crashed, called exit(), or the filter matched nothing")
      if(test MATCHES "/")
        set(why "the '/' in the name needs a nested directory: does main.cpp create it?")
      endif()
      add_problem("${output}"
                  "${what}: exited with code ${rc} without writing its results file (${why})")
      continue()
    endif()

    list(GET result_files 0 result_file)
    file(READ "${result_file}" content)
    _result_value("${content}" chapter recorded_chapter)
    _result_value("${content}" test recorded_test)
    _result_value("${content}" status status)
    _result_value("${content}" reason reason)
    _result_value("${content}" message failure)
    if(recorded_chapter)
      set(chapter "${recorded_chapter}")
      set(what "${chapter} ${test}")
    endif()

    if(NOT recorded_test STREQUAL test)
      add_problem("" "${what}: its results file ${result_file} names test '${recorded_test}'")
    elseif(status STREQUAL "passed")
      add_problem("" "${what}: PASSED on the untouched stub, so it cannot tell a finished "
                  "exercise from an unfinished one (the grader cannot fail)")
    elseif(status STREQUAL "skipped")
      add_problem("" "${what}: was SKIPPED on the stub, but a grader test must fail on it")
    elseif(NOT status STREQUAL "failed")
      add_problem("" "${what}: unknown status '${status}' in ${result_file}")
    elseif(reason STREQUAL "error"
           OR failure MATCHES "^(C\\+\\+ exception with description|Unknown C\\+\\+ exception)")
      # The second test: aio::todo's NotImplemented escaping the test body is recorded as
      # not_started, but it means the grader called the learner's code unprotected.
      string(REPLACE ";" "," failure "${failure}")
      add_problem("" "${what}: an exception escaped the test body (reason=${reason}), run the "
                  "learner's code through grading::run or grading::run_plain. "
                  "Message: ${failure}")
    elseif(NOT reason STREQUAL "not_started")
      # A failed check on an untouched stub means the test judged something the learner has not
      # written yet (or a grader that fails whatever the code does): the learner would be told
      # about a mistake they did not make. Every test must reach the stub's TODO first.
      string(REPLACE ";" "," failure "${failure}")
      add_problem("" "${what}: failed with reason '${reason}', expected not_started (the stub's "
                  "TODO must be what fails it). Message: ${failure}")
    elseif(NOT rc STREQUAL "1")
      add_problem("${output}"
                  "${what}: recorded a failure but exited with code ${rc} (expected 1)")
    endif()
  endforeach()

  math(EXPR chapter_problems "${problem_count} - ${problems_before}")
  if(chapter_problems EQUAL 0)
    set(verdict "yes")
  else()
    set(verdict "NO: ${chapter_problems} problem(s)")
  endif()
  if(disabled GREATER 0)
    string(APPEND verdict " (${disabled} disabled test(s) not checked)")
  endif()
  string(APPEND table "${chapter}|${test_count}|${verdict}\n")
endforeach()

# The summary table, aligned.
function(_pad text width out)
  string(LENGTH "${text}" length)
  while(length LESS width)
    string(APPEND text " ")
    math(EXPR length "${length} + 1")
  endwhile()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

set(report "Stub check: every grader test must fail on the untouched stubs\n\n")
_pad("chapter" 24 header)
string(APPEND report "${header}tests  all fail correctly\n")
string(REGEX MATCHALL "[^\n]+" rows "${table}")
foreach(row IN LISTS rows)
  string(REPLACE "|" ";" cells "${row}")
  list(GET cells 0 name)
  list(GET cells 1 count)
  list(GET cells 2 verdict)
  _pad("${name}" 24 name)
  _pad("${count}" 7 count)
  string(APPEND report "${name}${count}${verdict}\n")
endforeach()
message("${report}")

if(problem_count GREATER 0)
  message("${problem_count} problem(s):${problems}\n")
  message(FATAL_ERROR "stub check FAILED: ${problem_count} problem(s), listed above")
endif()
message("stub check: OK")
