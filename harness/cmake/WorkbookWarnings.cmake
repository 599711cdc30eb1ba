# Warnings for everything we build. [[nodiscard]] on aio::Task turns a forgotten co_await into a
# warning; we make that one an error so the lesson cannot be missed.
add_compile_options(-Wall -Wextra -Werror=unused-result)

set(WORKBOOK_SANITIZE "" CACHE STRING "Sanitizers to build with: address,undefined | thread | empty")
if(WORKBOOK_SANITIZE)
  add_compile_options(-fsanitize=${WORKBOOK_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${WORKBOOK_SANITIZE})
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND WORKBOOK_SANITIZE MATCHES "undefined")
    # Clang 14: UBSan's -fsanitize=function on coroutine functions makes the assembler fail with
    # "Cannot represent a difference across sections". The check is about calls through
    # mistyped function pointers, which this project does not make; the rest of UBSan stays on.
    add_compile_options(-fno-sanitize=function)
  endif()
endif()
