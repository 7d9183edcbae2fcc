# Go guest programs for fpvm (spec §9): static linux/riscv64 executables built with the system's
# Go toolchain, soft float, no cgo, RV64 base profile (no compressed or bit-manipulation
# instructions), in GOPATH mode so that nothing is ever downloaded; or linux/mips64 executables
# for the Cannon MT64 machine (ARCH mips64).
#
#   include(${CMAKE_SOURCE_DIR}/cmake/GoGuest.cmake)
#   fpvm_add_go_guest(NAME <name> DIR <package dir>
#                     [ARCH riscv64|mips64]    riscv64 (default), or mips64 for the Cannon MT64
#                                              machine (big-endian, GOMIPS64=softfloat; spec §14)
#                     [GOPATH <dir>...]        extra GOPATH entries (e.g. ${FPVM_GO_SYSTEM_GOPATH})
#                     [REQUIRES <import>...]   packages that must exist in those entries
#                     [LDFLAGS <flags>]        passed as -ldflags (e.g. "-X main.scale=40")
#                     [ARCH riscv64|mips64])   target machine (default riscv64; mips64 = big-endian
#                                              n64 soft-float for the Cannon MT64 machine)
#
# builds ${CMAKE_BINARY_DIR}/guests/go/<name> with target go_guest_<name> (part of ALL unless
# FPVM_GUESTS_IN_ALL is OFF; nothing is built when FPVM_GUESTS is OFF) and sets
# FPVM_GO_GUEST_<name> in the caller's scope to the ELF path, or to "" when the guest cannot be
# built (no `go`, or a required package is missing: one WARNING says why). FPVM_GO_FOUND and
# FPVM_GO_VERSION describe the toolchain. Every build uses a cache and GOPATH under
# ${CMAKE_BINARY_DIR}/go, with GOENV/GOPROXY/GOTOOLCHAIN settings that keep the go command
# off the network and away from the user's configuration. The guest SDK (sdk/go) is importable as
# fpvm.sdk/preimage. Go builds run one at a time (Ninja
# job pool go_build): the first one compiles the standard library for riscv64 into the cache.
include_guard(GLOBAL)

find_program(FPVM_GO_EXECUTABLE go PATHS /usr/lib/go/bin DOC "Go toolchain for the Go guest programs")
set(FPVM_GO_SYSTEM_GOPATH "/usr/share/gocode" CACHE PATH
    "GOPATH entry with Debian's Go library packages (golang-golang-x-crypto-dev installs golang.org/x/crypto there)")

# Detected once per configure (include_guard); cached as INTERNAL so that every directory that
# includes this file sees the result.
set(_fpvm_go_found FALSE)
set(_fpvm_go_version "")
if(DEFINED FPVM_GUESTS AND NOT FPVM_GUESTS)
  message(STATUS "Go guests: disabled (FPVM_GUESTS=OFF)")
elseif(FPVM_GO_EXECUTABLE)
  execute_process(COMMAND ${FPVM_GO_EXECUTABLE} version OUTPUT_VARIABLE _fpvm_go_version_text
                  RESULT_VARIABLE _fpvm_go_rc ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(_fpvm_go_rc EQUAL 0 AND _fpvm_go_version_text MATCHES "go([0-9]+\\.[0-9]+(\\.[0-9]+)?)")
    set(_fpvm_go_version ${CMAKE_MATCH_1})
    if(_fpvm_go_version VERSION_LESS 1.18)
      message(WARNING "Go guests: ${FPVM_GO_EXECUTABLE} is Go ${_fpvm_go_version}; 1.18 or newer is needed. Go guests are not built.")
    else()
      set(_fpvm_go_found TRUE)
    endif()
  else()
    message(WARNING "Go guests: `${FPVM_GO_EXECUTABLE} version` failed; Go guests are not built.")
  endif()
else()
  message(WARNING "Go guests: `go` not found (Debian: apt-get install golang-go); Go guests are not built and their tests are skipped.")
endif()
set(FPVM_GO_FOUND ${_fpvm_go_found} CACHE INTERNAL "Go toolchain usable for guests")
set(FPVM_GO_VERSION "${_fpvm_go_version}" CACHE INTERNAL "Go toolchain version")
if(FPVM_GO_FOUND)
  message(STATUS "Go guests: Go ${FPVM_GO_VERSION} (${FPVM_GO_EXECUTABLE})")
  set_property(GLOBAL APPEND PROPERTY JOB_POOLS go_build=1)
endif()

function(fpvm_add_go_guest)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;DIR;LDFLAGS;ARCH" "GOPATH;REQUIRES")
  if(NOT arg_NAME OR NOT arg_DIR)
    message(FATAL_ERROR "fpvm_add_go_guest: NAME and DIR are required")
  endif()
  set(FPVM_GO_GUEST_${arg_NAME} "" PARENT_SCOPE)
  if(NOT arg_ARCH OR arg_ARCH STREQUAL "riscv64")
    set(target_env GOARCH=riscv64 GORISCV64=rva20u64)
  elseif(arg_ARCH STREQUAL "mips64")
    # Hard-float code would use COP1, which Cannon reverts on (docs/spec/cannon-mt64.md §14).
    set(target_env GOARCH=mips64 GOMIPS64=softfloat)
  else()
    message(FATAL_ERROR "fpvm_add_go_guest: ARCH must be riscv64 or mips64, not ${arg_ARCH}")
  endif()
  if(NOT FPVM_GO_FOUND)
    return()
  endif()
  foreach(pkg IN LISTS arg_REQUIRES)
    set(found FALSE)
    foreach(entry IN LISTS arg_GOPATH)
      if(EXISTS ${entry}/src/${pkg})
        set(found TRUE)
      endif()
    endforeach()
    if(NOT found)
      message(WARNING "Go guest ${arg_NAME}: package ${pkg} not found in GOPATH entries [${arg_GOPATH}] "
                      "(Debian: apt-get install golang-golang-x-crypto-dev); the guest is not built.")
      return()
    endif()
  endforeach()

  set(go_root ${CMAKE_BINARY_DIR}/go)
  set(out ${CMAKE_BINARY_DIR}/guests/go/${arg_NAME})
  set(gopath ${go_root}/path)
  foreach(entry IN LISTS arg_GOPATH)
    string(APPEND gopath ":${entry}")
  endforeach()
  file(GLOB sources CONFIGURE_DEPENDS ${arg_DIR}/*.go)
  list(FILTER sources EXCLUDE REGEX "_test\\.go$")

  # The package is built as fpvm.guest/<name> through a link in the build's GOPATH, so that with
  # -trimpath no path of the checkout ends up in the ELF (a package outside GOPATH would be
  # "_/<absolute path>"): the same sources give the same ELF, and prestate hash, anywhere.
  # -buildvcs=false keeps git state out; -d=softfloat keeps floating-point instructions out of
  # compiled Go code (spec §9).
  set(import_path fpvm.guest/${arg_NAME})
  file(MAKE_DIRECTORY ${go_root}/path/src/fpvm.guest)
  file(CREATE_LINK ${arg_DIR} ${go_root}/path/src/${import_path} SYMBOLIC)
  # The guest SDK's Go packages (sdk/go, module fpvm.sdk) are importable as fpvm.sdk/<package>.
  file(CREATE_LINK ${CMAKE_SOURCE_DIR}/sdk/go ${go_root}/path/src/fpvm.sdk SYMBOLIC)
  file(GLOB sdk_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/sdk/go/*/*.go)
  list(FILTER sdk_sources EXCLUDE REGEX "_test\\.go$")
  set(flags -trimpath -buildvcs=false -gcflags=all=-d=softfloat)
  if(arg_LDFLAGS)
    list(APPEND flags "-ldflags=${arg_LDFLAGS}")
  endif()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${go_root}/path ${go_root}/cache ${CMAKE_BINARY_DIR}/guests/go
    COMMAND ${CMAKE_COMMAND} -E env
            GOOS=linux ${target_env} CGO_ENABLED=0
            GO111MODULE=off GOFLAGS= GOENV=off GOWORK=off GOTOOLCHAIN=local GOPROXY=off GOTELEMETRY=off
            GOPATH=${gopath} GOCACHE=${go_root}/cache
            ${FPVM_GO_EXECUTABLE} build ${flags} -o ${out} ${import_path}
    WORKING_DIRECTORY ${go_root}
    DEPENDS ${sources} ${sdk_sources}
    JOB_POOL go_build
    COMMENT "Building Go guest guests/go/${arg_NAME}"
    VERBATIM)
  set(all ALL)
  if(DEFINED FPVM_GUESTS_IN_ALL AND NOT FPVM_GUESTS_IN_ALL)
    set(all "")
  endif()
  add_custom_target(go_guest_${arg_NAME} ${all} DEPENDS ${out})
  set(FPVM_GO_GUEST_${arg_NAME} ${out} PARENT_SCOPE)
endfunction()
