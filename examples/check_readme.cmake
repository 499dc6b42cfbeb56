# ctest helper: the README's quick-start block must be examples/quick_start.cc verbatim, so the
# code a reader copies is the code ctest compiles and runs.
file(READ "${README}" readme)
file(READ "${SOURCE}" source)
string(FIND "${readme}" "```cpp\n" start)
if(start EQUAL -1)
  message(FATAL_ERROR "no ```cpp block in ${README}")
endif()
math(EXPR start "${start} + 7")
string(SUBSTRING "${readme}" ${start} -1 rest)
string(FIND "${rest}" "```" end)
string(SUBSTRING "${rest}" 0 ${end} block)
# The README block starts with a comment line naming the file; the file starts with its own.
string(REGEX REPLACE "^//[^\n]*\n" "" block "${block}")
string(REGEX REPLACE "^//[^\n]*\n" "" source "${source}")
if(NOT block STREQUAL source)
  message(FATAL_ERROR "README.md's quick start differs from ${SOURCE}: update one from the other")
endif()
