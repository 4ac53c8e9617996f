# Every dependency comes from a Debian 12 package (see README, "Dependencies").
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Boost 1.74 REQUIRED CONFIG)
find_package(OpenSSL 3 REQUIRED)
pkg_check_modules(sodium REQUIRED IMPORTED_TARGET libsodium)
find_package(Protobuf 3.21 REQUIRED)
find_package(ZXing 1.4 REQUIRED CONFIG)
find_package(RocksDB 7 REQUIRED CONFIG)
if(GW_TESTS OR GW_FUZZ)
  find_package(doctest 2.4 REQUIRED CONFIG)
endif()

# Debian's split libopencv-*-dev packages ship no CMake config: find the pieces we use.
find_path(OpenCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
foreach(component core imgproc imgcodecs videoio dnn)
  find_library(OpenCV_${component}_LIBRARY opencv_${component} REQUIRED)
  add_library(opencv_${component} UNKNOWN IMPORTED)
  set_target_properties(opencv_${component} PROPERTIES
    IMPORTED_LOCATION ${OpenCV_${component}_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${OpenCV_INCLUDE_DIR})
endforeach()
