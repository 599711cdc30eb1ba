# The learner's progress report: one line per chapter, then what to do next.
#
#   cmake -DRESULTS=<build>/results -DSOURCE=<source dir> [-DBUILD=<build dir>] -P progress.cmake
#
# Runs after every ctest run in the `workbook` build (CTEST_CUSTOM_POST_TEST) and as
# `cmake --build --preset workbook --target progress`. It reads the results files the graders
# write (format: harness/grading/README.md) and, when the build directory is known, the test lists
# gtest_discover_tests() wrote, so that tests never run yet count too. A chapter whose exercise.cpp
# changed after its tests last ran is marked "stale": its verdict is about older code. It ends
# with what to run next (a welcome while nothing passes yet). It never fails: a progress report
# must not turn a test run red.
cmake_minimum_required(VERSION 3.25)

set(name_width 22)     # chapter column
set(passed_width 8)    # passed/total column
set(message_width 70)  # wrap the failure message at this width...
set(message_lines 4)   # ...and show at most this many lines of it

if(NOT DEFINED SOURCE OR NOT DEFINED RESULTS)
  message("progress: usage: cmake -DRESULTS=<build>/results -DSOURCE=<source dir> "
          "-P progress.cmake")
  return()
endif()
# Absolute paths: relative ones (from a learner typing the command) would confuse the globs.
get_filename_component(SOURCE "${SOURCE}" ABSOLUTE)
get_filename_component(RESULTS "${RESULTS}" ABSOLUTE)
if(NOT DEFINED BUILD)
  get_filename_component(BUILD "${RESULTS}" DIRECTORY)
endif()
get_filename_component(BUILD "${BUILD}" ABSOLUTE)

function(_pad text width out)
  string(LENGTH "${text}" length)
  while(length LESS width)
    string(APPEND text " ")
    math(EXPR length "${length} + 1")
  endwhile()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The value of `key` in the contents of a results file (key=value lines).
function(_result_value content key out)
  if(content MATCHES "(^|\n)${key}=([^\n]*)")
    set(${out} "${CMAKE_MATCH_2}" PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

# The chapter's grader tests in source order ("Suite.Test"), from the test list
# gtest_discover_tests() wrote into the build directory; empty if the chapter was never built.
function(_discovered_tests chapter out)
  file(GLOB lists "${BUILD}/chapters/${chapter}/*_tests.cmake")
  set(tests "")
  foreach(list_file IN LISTS lists)
    get_filename_component(file_name "${list_file}" NAME)
    # Only the learner's grader (not chNN_grader_stub or the mistake graders of other presets).
    if(NOT file_name MATCHES "^ch[0-9]+_grader\\[[0-9]+\\]_tests\\.cmake$")
      continue()
    endif()
    file(READ "${list_file}" content)
    if(content MATCHES "set\\( *ch[0-9]+_grader_TESTS ([^)\n]*)\\)")
      string(STRIP "${CMAKE_MATCH_1}" names)
      string(REGEX REPLACE " +" ";" names "${names}")
      foreach(name IN LISTS names)
        string(REGEX REPLACE "^ch[0-9]+\\." "" name "${name}")
        list(APPEND tests "${name}")
      endforeach()
    endif()
  endforeach()
  set(${out} "${tests}" PARENT_SCOPE)
endfunction()

# A failure message made readable on one screen: gtest's "Value of: ... Actual: false (...)"
# wrapper and the hints pointer (shown separately) removed, wrapped, cut after a few lines.
function(_format_failure text out)
  string(REGEX REPLACE "^Value of: .* Actual: false \\(" "" text "${text}")
  string(REGEX REPLACE "\\) +Expected: true *$" "" text "${text}")
  string(REGEX REPLACE " *Hints, gentlest first:.*$" "" text "${text}")
  string(REGEX REPLACE " *What was printed: +\\(your code printed nothing\\)" "" text "${text}")
  string(REGEX REPLACE "  +" " " text "${text}")
  string(STRIP "${text}" text)
  # Plain ASCII for any terminal: the runtime's messages use a few typographic characters.
  foreach(pair "—|-" "–|-" "…|..." "‘|'" "’|'" "“|\"" "”|\"")
    string(REPLACE "|" ";" pair "${pair}")
    list(GET pair 0 from)
    list(GET pair 1 to)
    string(REPLACE "${from}" "${to}" text "${text}")
  endforeach()
  set(lines "")
  set(count 0)
  string(LENGTH "${text}" length)
  while(length GREATER 0 AND count LESS message_lines)
    if(length LESS_EQUAL message_width)
      set(line "${text}")
      set(text "")
    else()
      # Break at the last space that fits, or hard at the width.
      string(SUBSTRING "${text}" 0 ${message_width} line)
      string(FIND "${line}" " " space REVERSE)
      if(space GREATER 20)
        string(SUBSTRING "${text}" 0 ${space} line)
        math(EXPR space "${space} + 1")
        string(SUBSTRING "${text}" ${space} -1 text)
      else()
        string(SUBSTRING "${text}" ${message_width} -1 text)
      endif()
    endif()
    math(EXPR count "${count} + 1")
    string(LENGTH "${text}" length)
    if(count EQUAL message_lines AND length GREATER 0)
      string(APPEND line " ...")
    endif()
    string(APPEND lines "      ${line}\n")
  endwhile()
  set(${out} "${lines}" PARENT_SCOPE)
endfunction()

# ---- read the chapters and their results ---------------------------------------------------

file(GLOB entries LIST_DIRECTORIES true RELATIVE "${SOURCE}/chapters" "${SOURCE}/chapters/*")
set(chapters "")
# The same chapters as awaitlings' discover_chapters(): NN-topic folders with an exercise.cpp,
# or whose reference solution exists (the learner deleted theirs); not a half-made folder.
foreach(entry IN LISTS entries)
  if(IS_DIRECTORY "${SOURCE}/chapters/${entry}" AND entry MATCHES "^[0-9][0-9]-[a-z0-9-]+$"
     AND (EXISTS "${SOURCE}/chapters/${entry}/exercise.cpp"
          OR EXISTS "${SOURCE}/solutions/${entry}/exercise.cpp"))
    list(APPEND chapters "${entry}")
  endif()
endforeach()
list(SORT chapters)

set(report "\nawaitlings progress\n\n")
_pad("  chapter" ${name_width} header)
_pad("passed" ${passed_width} passed_header)
string(APPEND report "${header}${passed_header}status\n")
set(next "")
set(stale_labels "")
set(broken "")  # chapters whose last build failed (results/<chapter>/build-failed)
set(chapters_done 0)
set(chapter_count 0)
set(tests_passed 0)
set(tests_total 0)

foreach(chapter IN LISTS chapters)
  math(EXPR chapter_count "${chapter_count} + 1")
  _discovered_tests("${chapter}" tests)

  # Results by test, in variables named <chapter>/<Suite.Test>/<key> (CMake allows the dots,
  # dashes and slashes; the chapter keeps equal test names of two chapters apart).
  file(GLOB_RECURSE result_files "${RESULTS}/${chapter}/*.result")
  list(SORT result_files)
  set(recorded "")
  foreach(result_file IN LISTS result_files)
    file(READ "${result_file}" content)
    _result_value("${content}" test test)
    if(test STREQUAL "")
      continue()
    endif()
    # Microseconds (%s%f), as awaitlings compares them: a save within the second of a grading is
    # stale too.
    file(TIMESTAMP "${result_file}" "${chapter}/${test}/written" "%s%f" UTC)
    _result_value("${content}" status "${chapter}/${test}/status")
    _result_value("${content}" reason "${chapter}/${test}/reason")
    _result_value("${content}" message "${chapter}/${test}/message")
    list(APPEND recorded "${test}")
  endforeach()
  # Without a test list (not built yet), the results are all we know. With one, results of tests
  # that no longer exist are ignored.
  if(NOT tests)
    set(tests "${recorded}")
  endif()

  set(total 0)
  set(passed 0)
  set(run 0)
  set(started 0)   # a failure other than "not started": the learner has written something
  set(first_failure "")
  set(first_unrun "")
  set(oldest "")   # when the longest-ago graded test of the chapter was graded (Unix seconds)
  foreach(test IN LISTS tests)
    set(status "${${chapter}/${test}/status}")
    # A skipped test (GTEST_SKIP: something the machine lacks) neither passes nor fails: it is
    # left out, as results.json leaves it out, and as awaitlings counts.
    if(status STREQUAL "skipped")
      continue()
    endif()
    math(EXPR total "${total} + 1")
    if(status STREQUAL "")
      if(first_unrun STREQUAL "")
        set(first_unrun "${test}")
      endif()
      continue()
    endif()
    math(EXPR run "${run} + 1")
    set(written "${${chapter}/${test}/written}")
    if(oldest STREQUAL "" OR written LESS oldest)
      set(oldest "${written}")
    endif()
    if(status STREQUAL "passed")
      math(EXPR passed "${passed} + 1")
    else()
      if(NOT "${${chapter}/${test}/reason}" STREQUAL "not_started")
        set(started 1)
      endif()
      if(first_failure STREQUAL "")
        set(first_failure "${test}")
      endif()
    endif()
  endforeach()
  math(EXPR tests_passed "${tests_passed} + ${passed}")
  math(EXPR tests_total "${tests_total} + ${total}")

  # chNN.build (build_chapter.cmake) or awaitlings watch left this mark: the verdicts above are
  # about code that no longer compiles.
  if(EXISTS "${RESULTS}/${chapter}/build-failed")
    set(word "does not compile")
    list(APPEND broken "${chapter}")
  elseif(total GREATER 0 AND passed EQUAL total)
    set(word "done")
    math(EXPR chapters_done "${chapters_done} + 1")
  elseif(run EQUAL 0)
    set(word "not run yet")
  elseif(passed EQUAL 0 AND NOT started)
    set(word "not started")
  else()
    set(word "in progress")
  endif()

  # Stale: exercise.cpp was saved after some of these verdicts were recorded.
  set(stale 0)
  if(NOT oldest STREQUAL "" AND EXISTS "${SOURCE}/chapters/${chapter}/exercise.cpp")
    file(TIMESTAMP "${SOURCE}/chapters/${chapter}/exercise.cpp" edited "%s%f" UTC)
    if(edited GREATER oldest)
      set(stale 1)
      string(REGEX MATCH "^[0-9]+" stale_number "${chapter}")
      list(APPEND stale_labels "ch${stale_number}")
    endif()
  endif()

  if(total EQUAL 0)
    set(score "-")
  else()
    set(score "${passed}/${total}")
  endif()
  _pad("  ${chapter}" ${name_width} name_cell)
  _pad("${score}" ${passed_width} score_cell)
  set(marker "")
  if(NOT word STREQUAL "done" AND next STREQUAL "")
    set(marker "   <- next")
    set(next "${chapter}")
    set(next_failure "${first_failure}")
    set(next_unrun "${first_unrun}")
    set(next_word "${word}")
  endif()
  if(stale)
    string(APPEND word ", stale")
  endif()
  string(APPEND report "${name_cell}${score_cell}${word}${marker}\n")
endforeach()

if(chapter_count EQUAL 0)
  message("awaitlings progress: no chapters found under ${SOURCE}/chapters")
  return()
endif()
if(tests_total EQUAL 0)
  string(APPEND report "\n  No results yet.\n")
else()
  string(APPEND report "\n  ${chapters_done} of ${chapter_count} chapters done, "
                       "${tests_passed}/${tests_total} tests passed\n")
endif()
if(stale_labels)
  # One command grades every stale chapter again: -L takes a regular expression.
  list(JOIN stale_labels "|" label_regex)
  string(APPEND report "  stale: exercise.cpp changed since its tests last ran; grade it again:\n"
                       "    ctest --preset workbook -L \"${label_regex}\"\n")
endif()

# ---- what to do next -----------------------------------------------------------------------

if(next STREQUAL "")
  string(APPEND report "\n  All chapters done. Compare your timings with the reference solutions:\n"
                       "  benchmarks/README.md\n")
else()
  string(REGEX MATCH "^[0-9]+" number "${next}")
  set(dir "chapters/${next}")
  string(APPEND report "\nNext: ${next}\n"
                       "  lesson  ${dir}/README.md\n"
                       "  edit    ${dir}/exercise.cpp\n"
                       "  test    ctest --preset workbook -L ch${number}   (rebuilds first)\n"
                       "  hints   ${dir}/HINTS.md\n")
  if(next_word STREQUAL "does not compile")
    string(APPEND report "  does not compile: cmake --build --preset workbook --target "
                         "ch${number}_grader\n")
  elseif(NOT next_failure STREQUAL "")
    _format_failure("${${next}/${next_failure}/message}" failure_text)
    string(APPEND report "  first failing test: ${next_failure}\n${failure_text}")
  elseif(next_word STREQUAL "not run yet")
    string(APPEND report "  (not graded yet: the test command above grades it)\n")
  elseif(NOT next_unrun STREQUAL "")
    string(APPEND report "  not run yet: ${next_unrun} (run the test command above)\n")
  endif()
endif()

# ---- what to run ---------------------------------------------------------------------------

# The learner's command, as typed from the source folder: ./build/workbook/awaitlings.
file(RELATIVE_PATH awaitlings "${SOURCE}" "${BUILD}/awaitlings")
if(awaitlings MATCHES "^\\.\\./")
  set(awaitlings "${BUILD}/awaitlings")  # a build tree outside the source folder
else()
  set(awaitlings "./${awaitlings}")
endif()
if(broken)
  # Not "everything is built": say so, even on a fresh clone's first command.
  list(JOIN broken ", " broken_text)
  string(APPEND report "\nDoes not compile: ${broken_text} (the compiler's errors are above).\n"
                       "Fix it, then grade on every save: ${awaitlings}\n")
elseif(tests_passed EQUAL 0)
  # Nothing passes yet: a fresh clone's first command ends here.
  string(APPEND report "\nWelcome to awaitlings! Everything is built. Start with:\n\n"
                       "  ${awaitlings}\n\n"
                       "It opens your chapter and grades its exercise.cpp every time you save it:\n"
                       "the first failing check, hints (press h), the chapter list (l).\n")
else()
  string(APPEND report "\nGrade on every save: ${awaitlings}   (h hints, l list, q quit)\n")
endif()

message("${report}")
