# LabelledGTests.cmake — one GoogleTest executable whose discovered tests all carry the same
# CTest labels and timeout (gtest_discover_tests flattens a list given in PROPERTIES, so the
# labels are set from the discovered list in a file CTest includes after the discovery's own).
#
#   fpvm_labelled_gtests(<name> <test prefix> "<label;label…>" <timeout s> <link library> <source>…)
#
# The executable links <link library> and GTest::gtest_main, and gets FPVM_TEST_FPVM = the fpvm
# binary's path (tests that run the command line).
include_guard(GLOBAL)
include(GoogleTest)

function(fpvm_labelled_gtests name prefix labels timeout link)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE ${link} GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE FPVM_TEST_FPVM="$<TARGET_FILE:fpvm>")
  gtest_discover_tests(${name} TEST_PREFIX "${prefix}" DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT ${timeout})
  file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake
       "foreach(t IN LISTS ${name}_TESTS)\n  set_tests_properties(\"\${t}\" PROPERTIES LABELS \"${labels}\")\nendforeach()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake)
endfunction()
