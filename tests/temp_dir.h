#pragma once
#include <stdlib.h>

#include <filesystem>

namespace gw::testing {
/// A fresh directory under /tmp, removed with everything in it at scope exit.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char t[] = "/tmp/gw-test-XXXXXX";
        path = ::mkdtemp(t);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};
}  // namespace gw::testing
