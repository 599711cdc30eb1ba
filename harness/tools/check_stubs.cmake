message(STATUS "stub check placeholder")
