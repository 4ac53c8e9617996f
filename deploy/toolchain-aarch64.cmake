# Cross-compiling for ARM64 Debian 12 checkpoint boxes with Debian's multiarch packages:
# the aarch64-linux-gnu compilers (crossbuild-essential-arm64), the libraries as their :arm64
# -dev packages, protoc from the build machine (its version must equal libprotobuf-dev:arm64's),
# and qemu-user to run the tests. deploy/cross-build.sh makes a root with all of that and uses
# this file; by hand:
#   cmake -S . -B build-arm64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=deploy/toolchain-aarch64.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER /usr/bin/aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER /usr/bin/aarch64-linux-gnu-g++)
# Multiarch: libraries and CMake configs in /usr/lib/aarch64-linux-gnu, headers in /usr/include.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Programs (protoc) are the build machine's; libraries and headers only the target's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(PKG_CONFIG_EXECUTABLE /usr/bin/aarch64-linux-gnu-pkg-config CACHE FILEPATH "pkg-config for arm64")
# ctest and doctest_discover_tests run the arm64 binaries through qemu. No -L: the multiarch
# loader /lib/ld-linux-aarch64.so.1 finds the arm64 libraries itself, and with
# -L /usr/aarch64-linux-gnu a test hung every time (../shared/notes/debian12-build.md).
set(CMAKE_CROSSCOMPILING_EMULATOR /usr/bin/qemu-aarch64)
