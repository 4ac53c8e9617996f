#include "gateway/core/temp_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace gw {

Result<std::filesystem::path> make_temp_dir(std::string_view prefix) {
    const std::string tmpl = "/tmp/" + std::string(prefix) + "-XXXXXX";
    std::string name = tmpl;  // mkdtemp fills in the X's, even when it then fails
    if (!::mkdtemp(name.data())) return failure("mkdtemp " + tmpl + ": " + std::strerror(errno), ErrorKind::kIo);
    return std::filesystem::path(name);
}

}  // namespace gw
