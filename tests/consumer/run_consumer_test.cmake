# ctest driver: builds tests/consumer against specgate and runs it.
#   MODE=find_package      cmake --install the build tree into WORK_DIR/prefix, then
#                          find_package(specgate) from there
#   MODE=add_subdirectory  add_subdirectory(SPECGATE_SOURCE_DIR) inside the consumer build
# Inputs (-D): MODE SPECGATE_SOURCE_DIR SPECGATE_BINARY_DIR WORK_DIR GENERATOR MAKE_PROGRAM
#              CXX_COMPILER BUILD_TYPE SANITIZE
cmake_minimum_required(VERSION 3.16)

foreach(var MODE SPECGATE_SOURCE_DIR SPECGATE_BINARY_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer_test.cmake: -D ${var}=... is required")
  endif()
endforeach()
if(NOT BUILD_TYPE)
  set(BUILD_TYPE Release)
endif()

function(run_step description)
  message(STATUS "consumer test (${MODE}): ${description}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "consumer test (${MODE}): '${description}' failed (${result})")
  endif()
endfunction()

# A fresh directory per run, so two ctest runs on one build tree do not delete each other's
# files; removed again when the run succeeds, kept for inspection when it fails.
string(RANDOM LENGTH 8 run_id)
set(WORK_DIR "${WORK_DIR}/${run_id}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(configure_args
  -S "${SPECGATE_SOURCE_DIR}/tests/consumer"
  -B "${WORK_DIR}/build"
  -G "${GENERATOR}"
  -D "CMAKE_BUILD_TYPE=${BUILD_TYPE}"
  -D "CMAKE_CXX_COMPILER=${CXX_COMPILER}"
  -D CMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(MAKE_PROGRAM)
  list(APPEND configure_args -D "CMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()

if(MODE STREQUAL "find_package")
  set(prefix "${WORK_DIR}/prefix")
  run_step("install into ${prefix}"
    "${CMAKE_COMMAND}" --install "${SPECGATE_BINARY_DIR}" --prefix "${prefix}" --config "${BUILD_TYPE}")
  if(NOT EXISTS "${prefix}/include/specgate/json_schema.h")
    message(FATAL_ERROR "consumer test: the install lacks include/specgate/json_schema.h")
  endif()
  # Only the fresh prefix: a specgate installed elsewhere on the machine must not be picked up.
  list(APPEND configure_args -D "CMAKE_PREFIX_PATH=${prefix}")
elseif(MODE STREQUAL "add_subdirectory")
  list(APPEND configure_args -D "SPECGATE_SUBDIRECTORY=${SPECGATE_SOURCE_DIR}")
  if(SANITIZE)
    list(APPEND configure_args -D "SPECGATE_SANITIZE=${SANITIZE}")
  endif()
else()
  message(FATAL_ERROR "run_consumer_test.cmake: unknown MODE '${MODE}'")
endif()

run_step("configure" "${CMAKE_COMMAND}" ${configure_args})
run_step("build" "${CMAKE_COMMAND}" --build "${WORK_DIR}/build" --config "${BUILD_TYPE}")
run_step("run" "${WORK_DIR}/build/consumer")
file(REMOVE_RECURSE "${WORK_DIR}")
