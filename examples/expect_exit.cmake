# ctest helper: runs PROGRAM with ARGS ('|'-separated) and checks that its exit status is
# EXPECTED_EXIT, so cases that must end in 1 (invalid) or 2 (usage) are tested too.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${PROGRAM}" ${args}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT status STREQUAL "${EXPECTED_EXIT}")
  message(FATAL_ERROR "expected exit status ${EXPECTED_EXIT}, got '${status}'")
endif()
