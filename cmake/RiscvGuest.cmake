# RiscvGuest.cmake — build C programs as RISC-V guests for the fpvm (and the
# same sources natively, for speed comparisons).
#
#   fpvm_add_riscv_guest(<name> SOURCES <src>... [OPT <opt-flag>]
#                        [INCLUDE_DIRS <dir>...] [COMPILE_OPTIONS <flag>...])
#       Compiles <src>... together with the guest SDK's runtime (sdk/c/rt:
#       crt0.S, rt.c, guest.ld; headers from sdk/c/include) using riscv64-unknown-elf-gcc + picolibc,
#       -march=rv64im -mabi=lp64 (no C, no F/D), static, into
#       ${CMAKE_BINARY_DIR}/guests/<name>.elf. Adds the custom target
#       guest_<name> (part of ALL unless FPVM_GUESTS_IN_ALL is OFF) and makes
#       the global target riscv_guests depend on it. The ELF path is stored in
#       the target property FPVM_GUEST_ELF. OPT defaults to -O2.
#
#   fpvm_add_native_guest(<name> SOURCES <src>... [OPT <opt-flag>]
#                         [INCLUDE_DIRS <dir>...] [COMPILE_OPTIONS <flag>...])
#       Builds the same sources for the host with the project's C compiler
#       into ${CMAKE_BINARY_DIR}/guests/native/<name> (target
#       guest_native_<name>, also collected by the target native_guests).
#       Directory-level options such as sanitizer flags are not inherited, so
#       the binary is comparable with the guest for speed.
#
# Variables set here:
#   FPVM_HAVE_RISCV_GCC     ON when riscv64-unknown-elf-gcc and picolibc were
#                           found; when OFF fpvm_add_riscv_guest does nothing.
#   FPVM_RISCV_GCC          the compiler (cache).
#   FPVM_GUEST_RT_DIR       the runtime directory (sdk/c/rt).
#   FPVM_GUEST_OUTPUT_DIR   ${CMAKE_BINARY_DIR}/guests.
#   FPVM_RISCV_GUEST_ARCH   -march/-mabi flags used for guests.
#
# The RISC-V compiler is not the project's CMake compiler: everything is
# done with add_custom_command, one command per object (with a depfile, so
# header changes rebuild) plus one link command.

include_guard(GLOBAL)

# A plain variable (it was a cache entry once, at examples/guest-rt; a plain set() shadows it).
set(FPVM_GUEST_RT_DIR "${CMAKE_CURRENT_LIST_DIR}/../sdk/c/rt")
get_filename_component(FPVM_GUEST_RT_DIR "${FPVM_GUEST_RT_DIR}" ABSOLUTE)
set(FPVM_GUEST_OUTPUT_DIR "${CMAKE_BINARY_DIR}/guests")
option(FPVM_GUESTS_IN_ALL "Build RISC-V guest programs as part of the default target" ON)

# rv64im rather than rv64ima: picolibc ships no rv64ima multilib, and
# -march=rv64ima would select the rv64ia libraries (no M extension). Guest
# code that needs atomics enables them locally in inline asm.
set(FPVM_RISCV_GUEST_ARCH -march=rv64im -mabi=lp64)
set(FPVM_RISCV_GUEST_CFLAGS
    ${FPVM_RISCV_GUEST_ARCH} -mcmodel=medany -std=c11 -Wall -Wextra
    -ffunction-sections -fdata-sections -specs=picolibc.specs)

find_program(FPVM_RISCV_GCC NAMES riscv64-unknown-elf-gcc
             DOC "RISC-V bare-metal C compiler for fpvm guest programs")

set(FPVM_HAVE_RISCV_GCC OFF)
if(FPVM_RISCV_GCC)
  # picolibc must be installed for this compiler (picolibc.specs resolvable).
  execute_process(
    COMMAND "${FPVM_RISCV_GCC}" ${FPVM_RISCV_GUEST_ARCH} -print-file-name=picolibc.specs
    OUTPUT_VARIABLE _fpvm_specs OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _fpvm_specs_rc ERROR_QUIET)
  if(_fpvm_specs_rc EQUAL 0 AND IS_ABSOLUTE "${_fpvm_specs}" AND EXISTS "${_fpvm_specs}")
    set(FPVM_HAVE_RISCV_GCC ON)
  else()
    message(WARNING "fpvm: ${FPVM_RISCV_GCC} found but picolibc.specs is not "
                    "(install picolibc-riscv64-unknown-elf); RISC-V guests are not built")
  endif()
else()
  message(WARNING "fpvm: riscv64-unknown-elf-gcc not found (install "
                  "gcc-riscv64-unknown-elf and picolibc-riscv64-unknown-elf); "
                  "RISC-V guests are not built")
endif()

if(NOT TARGET riscv_guests)
  add_custom_target(riscv_guests)
endif()
if(NOT TARGET native_guests)
  add_custom_target(native_guests)
endif()

function(fpvm_add_riscv_guest name)
  cmake_parse_arguments(PARSE_ARGV 1 G "" "OPT" "SOURCES;INCLUDE_DIRS;COMPILE_OPTIONS")
  if(G_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "fpvm_add_riscv_guest(${name}): unknown arguments ${G_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT G_SOURCES)
    message(FATAL_ERROR "fpvm_add_riscv_guest(${name}): SOURCES is required")
  endif()
  if(NOT G_OPT)
    set(G_OPT -O2)
  endif()
  if(NOT FPVM_HAVE_RISCV_GCC)
    return()
  endif()

  set(objdir "${CMAKE_CURRENT_BINARY_DIR}/fpvm_guests/${name}")
  set(elf "${FPVM_GUEST_OUTPUT_DIR}/${name}.elf")
  file(MAKE_DIRECTORY "${objdir}" "${FPVM_GUEST_OUTPUT_DIR}")

  set(incflags "-I${FPVM_GUEST_RT_DIR}/../include")
  foreach(dir IN LISTS G_INCLUDE_DIRS)
    get_filename_component(dir "${dir}" ABSOLUTE)
    list(APPEND incflags "-I${dir}")
  endforeach()

  set(objs)
  set(index 0)
  foreach(src IN ITEMS "${FPVM_GUEST_RT_DIR}/crt0.S" "${FPVM_GUEST_RT_DIR}/rt.c" ${G_SOURCES})
    get_filename_component(abs "${src}" ABSOLUTE)
    get_filename_component(base "${src}" NAME)
    set(obj "${objdir}/${index}_${base}.o")
    math(EXPR index "${index} + 1")
    add_custom_command(
      OUTPUT "${obj}"
      COMMAND "${FPVM_RISCV_GCC}" ${FPVM_RISCV_GUEST_CFLAGS} ${G_OPT} ${incflags}
              ${G_COMPILE_OPTIONS} -MD -MF "${obj}.d" -c "${abs}" -o "${obj}"
      DEPENDS "${abs}"
      DEPFILE "${obj}.d"
      COMMENT "RISC-V guest ${name}: compiling ${base}"
      VERBATIM)
    list(APPEND objs "${obj}")
  endforeach()

  add_custom_command(
    OUTPUT "${elf}"
    COMMAND "${FPVM_RISCV_GCC}" ${FPVM_RISCV_GUEST_ARCH} -specs=picolibc.specs
            -nostartfiles -static -T "${FPVM_GUEST_RT_DIR}/guest.ld"
            -Wl,--gc-sections ${objs} -o "${elf}"
    DEPENDS ${objs} "${FPVM_GUEST_RT_DIR}/guest.ld"
    COMMENT "RISC-V guest ${name}: linking guests/${name}.elf"
    VERBATIM)

  if(FPVM_GUESTS_IN_ALL)
    add_custom_target(guest_${name} ALL DEPENDS "${elf}")
  else()
    add_custom_target(guest_${name} DEPENDS "${elf}")
  endif()
  set_property(TARGET guest_${name} PROPERTY FPVM_GUEST_ELF "${elf}")
  add_dependencies(riscv_guests guest_${name})
endfunction()

function(fpvm_add_native_guest name)
  cmake_parse_arguments(PARSE_ARGV 1 G "" "OPT" "SOURCES;INCLUDE_DIRS;COMPILE_OPTIONS")
  if(G_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "fpvm_add_native_guest(${name}): unknown arguments ${G_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT G_SOURCES)
    message(FATAL_ERROR "fpvm_add_native_guest(${name}): SOURCES is required")
  endif()
  if(NOT G_OPT)
    set(G_OPT -O2)
  endif()
  if(NOT CMAKE_C_COMPILER_LOADED)
    message(WARNING "fpvm_add_native_guest(${name}): C is not enabled in this project; skipped")
    return()
  endif()

  set(tgt guest_native_${name})
  add_executable(${tgt} ${G_SOURCES})
  set_target_properties(${tgt} PROPERTIES
    OUTPUT_NAME "${name}"
    RUNTIME_OUTPUT_DIRECTORY "${FPVM_GUEST_OUTPUT_DIR}/native"
    C_STANDARD 11
    C_STANDARD_REQUIRED ON
    C_EXTENSIONS OFF
    # Drop directory-level options (e.g. sanitizers): only the flags below.
    COMPILE_OPTIONS ""
    LINK_OPTIONS ""
    # Build-type flags (-O2 -g / -O0 …) come first on the command line; the
    # explicit OPT below is last and therefore wins.
    EXCLUDE_FROM_ALL OFF)
  target_compile_options(${tgt} PRIVATE ${G_OPT} -Wall -Wextra ${G_COMPILE_OPTIONS})
  if(G_INCLUDE_DIRS)
    target_include_directories(${tgt} PRIVATE ${G_INCLUDE_DIRS})
  endif()
  add_dependencies(native_guests ${tgt})
endfunction()
