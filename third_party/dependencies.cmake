# Finds the Debian packages the build uses. Nothing upstream is copied into this repository:
# each dependency comes from the system, and a missing one stops configuration with the package to install.

function(require_found found what package)
  if(NOT ${found})
    message(FATAL_ERROR "${what} not found: install the Debian package '${package}' "
                        "(apt-get install ${package}), or run 'make test', which installs it when run as root.")
  endif()
endfunction()

# OpenBLAS through its CBLAS interface (libopenblas-dev).
# With g++, Debian's OpenMP build of OpenBLAS (libopenblas-openmp-dev) is preferred: it runs its
# threads on the same libgomp pool as our parallel loops, so the two never spin against each other
# (with the pthread build, OpenMP threads that wait after a loop keep a core busy while OpenBLAS's
# own threads need it: a training step took ~1.4 times as long, docs/benchmarks.md). clang links
# LLVM's OpenMP runtime, which must not share a process with libgomp: it takes the pthread build.
# Each build is looked up under its own cache variable and the choice is made on every configure,
# so installing a build later or setting FW_OPENBLAS_PTHREAD takes effect in an existing build folder.
set(openblas_dir /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE})
find_path(CBLAS_INCLUDE_DIR NAMES cblas.h PATH_SUFFIXES openblas x86_64-linux-gnu aarch64-linux-gnu)
find_library(OPENBLAS_OPENMP_LIBRARY NAMES openblas PATHS ${openblas_dir}/openblas-openmp NO_DEFAULT_PATH)
find_library(OPENBLAS_PTHREAD_LIBRARY NAMES openblas PATHS ${openblas_dir}/openblas-pthread NO_DEFAULT_PATH)
find_library(OPENBLAS_DEFAULT_LIBRARY NAMES openblas)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT FW_OPENBLAS_PTHREAD AND OPENBLAS_OPENMP_LIBRARY)
  set(openblas_library ${OPENBLAS_OPENMP_LIBRARY})
elseif(OPENBLAS_PTHREAD_LIBRARY)
  set(openblas_library ${OPENBLAS_PTHREAD_LIBRARY})
else()
  set(openblas_library ${OPENBLAS_DEFAULT_LIBRARY})
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT openblas_library STREQUAL OPENBLAS_OPENMP_LIBRARY)
  message(STATUS "Not using OpenBLAS's OpenMP build (Debian: libopenblas-openmp-dev): its threads may spin "
                 "against OpenMP's; set OMP_WAIT_POLICY=passive when running")
endif()
message(STATUS "OpenBLAS: ${openblas_library}")
require_found(CBLAS_INCLUDE_DIR "cblas.h" libopenblas-dev)
require_found(openblas_library "libopenblas" libopenblas-dev)
add_library(third_party_openblas INTERFACE)
target_include_directories(third_party_openblas INTERFACE ${CBLAS_INCLUDE_DIR})
target_link_libraries(third_party_openblas INTERFACE ${openblas_library})

# OpenMP (comes with g++: libgomp).
find_package(OpenMP)
require_found(OpenMP_CXX_FOUND "OpenMP for C++" libgomp1)

# nlohmann/json (nlohmann-json3-dev).
find_package(nlohmann_json 3 QUIET)
require_found(nlohmann_json_FOUND "nlohmann_json" nlohmann-json3-dev)

# cxxopts (libcxxopts-dev).
find_package(cxxopts QUIET)
require_found(cxxopts_FOUND "cxxopts" libcxxopts-dev)

# doctest (doctest-dev), only for the tests.
if(FW_BUILD_TESTS)
  find_package(doctest QUIET)
  require_found(doctest_FOUND "doctest" doctest-dev)
endif()

# stb (libstb-dev): header-only image reading/writing, resizing and TrueType text for the pictures of
# models/scan/visual and models/scan/pictures (its implementations: models/scan/visual/stb_implementations.cpp).
find_path(STB_INCLUDE_DIR NAMES stb_image.h PATH_SUFFIXES stb)
require_found(STB_INCLUDE_DIR "stb_image.h" libstb-dev)
add_library(third_party_stb INTERFACE)
target_include_directories(third_party_stb SYSTEM INTERFACE ${STB_INCLUDE_DIR})
