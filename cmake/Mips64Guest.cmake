# Mips64Guest.cmake — build tiny C programs as MIPS64 (n64, big-endian) guests for the Cannon MT64
# machine's tests.
#
#   fpvm_add_mips64_guest(<name> SOURCES <src>...)
#       Compiles <src>... with the runtime tests/mips64/guests/{rt.S,rt.c} using
#       mips64-linux-gnuabi64-gcc into ${CMAKE_BINARY_DIR}/guests/mips64/<name>.elf (target
#       mips64_guest_<name>). The flags keep to what Cannon executes (spec §14): MIPS64 R1
#       (-march=mips64: no R2 rotates/EXT/INS/SEB), no `teq` division checks, no FPU, no libc,
#       static non-PIC code without $gp-relative data.
#
# FPVM_HAVE_MIPS64_GCC is ON when the compiler was found; otherwise the function does nothing and
# the tests that use the guests report SKIPPED.

include_guard(DIRECTORY)  # the variables below are per directory

find_program(FPVM_MIPS64_GCC NAMES mips64-linux-gnuabi64-gcc DOC "MIPS64 C compiler for Cannon MT64 guest programs")
set(FPVM_HAVE_MIPS64_GCC OFF)
if(FPVM_MIPS64_GCC)
  set(FPVM_HAVE_MIPS64_GCC ON)
endif()
set(FPVM_MIPS64_GUEST_DIR "${CMAKE_BINARY_DIR}/guests/mips64")
set(FPVM_MIPS64_GUEST_CFLAGS
    -march=mips64 -mabi=64 -EB -O2 -std=c11 -Wall -Wextra -ffreestanding -fno-builtin -fno-pic -mno-abicalls -G0
    -msoft-float -mno-check-zero-division -fno-stack-protector)

function(fpvm_add_mips64_guest name)
  if(NOT FPVM_HAVE_MIPS64_GCC)
    return()
  endif()
  cmake_parse_arguments(G "" "" "SOURCES" ${ARGN})
  set(rt ${CMAKE_SOURCE_DIR}/tests/mips64/guests/rt.S ${CMAKE_SOURCE_DIR}/tests/mips64/guests/rt.c)
  set(out ${FPVM_MIPS64_GUEST_DIR}/${name}.elf)
  set(srcs)
  foreach(s IN LISTS G_SOURCES)
    list(APPEND srcs ${CMAKE_CURRENT_SOURCE_DIR}/${s})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${FPVM_MIPS64_GUEST_DIR}
    COMMAND ${FPVM_MIPS64_GCC} ${FPVM_MIPS64_GUEST_CFLAGS} -static -nostdlib -Wl,--build-id=none -o ${out} ${rt} ${srcs}
    DEPENDS ${rt} ${srcs} ${CMAKE_SOURCE_DIR}/tests/mips64/guests/rt.h
    COMMENT "mips64 guest ${name}"
    VERBATIM)
  add_custom_target(mips64_guest_${name} DEPENDS ${out})
endfunction()
