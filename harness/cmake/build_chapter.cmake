# The test chNN.build (WorkbookChapter.cmake): builds the chapter's grader and demo, and leaves a
# mark in the chapter's results folder while they do not compile, so that the progress report
# run after ctest says "does not compile" instead of welcoming the learner to a built workbook.
#
#   cmake -DBUILD=<build dir> -DGRADER=chNN_grader -DDEMO=chNN_demo -DMARK=<results>/<chapter>/build-failed
#         -P build_chapter.cmake
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BUILD}" --target "${GRADER}" "${DEMO}"
                RESULT_VARIABLE code)
if(code EQUAL 0)
  file(REMOVE "${MARK}")
else()
  file(WRITE "${MARK}" "cmake --build --preset workbook --target ${GRADER}\n")
  message(FATAL_ERROR "${GRADER} does not compile: the compiler's errors are above.")
endif()
