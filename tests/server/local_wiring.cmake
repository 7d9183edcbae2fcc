# Wiring for a build of the server before src/CMakeLists.txt, tests/CMakeLists.txt and
# bench/CMakeLists.txt name it (see docs/decisions/0004-validation-server.md). Use with
#   cmake -S . -B build-server -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
#         -DCMAKE_PROJECT_INCLUDE=$PWD/tests/server/local_wiring.cmake
# It runs inside project(), before the top-level file defines the other targets; the server's
# directories only name those targets (resolved when the build is generated).
# Once the three add_subdirectory lines are in place this file is not needed.
if(NOT FPVM_SERVER_LOCAL_WIRING_DONE)
  set(FPVM_SERVER_LOCAL_WIRING_DONE ON)
  set(CMAKE_CXX_STANDARD 20)
  set(CMAKE_CXX_STANDARD_REQUIRED ON)
  set(CMAKE_CXX_EXTENSIONS OFF)
  enable_testing()
  set(FPVM_SHARED_DIR "${CMAKE_SOURCE_DIR}/../shared" CACHE PATH "Path to the shared/ folder with spec test data")
  add_subdirectory(${CMAKE_SOURCE_DIR}/src/server ${CMAKE_BINARY_DIR}/src/server)
  add_subdirectory(${CMAKE_SOURCE_DIR}/tests/server ${CMAKE_BINARY_DIR}/tests/server)
  add_subdirectory(${CMAKE_SOURCE_DIR}/bench/server_bench ${CMAKE_BINARY_DIR}/bench/server_bench)
endif()
