#include "tools/passctl/cli.h"

#include <cstdio>
#include <filesystem>
#include <new>

#include "gateway/core/number.h"

namespace gw::passctl {

int usage_error(const std::string& message) {
    std::fprintf(stderr, "passctl: %s\n", message.c_str());
    return kUsage;
}

int refused(const std::string& message) {
    std::fprintf(stderr, "passctl: %s\n", message.c_str());
    return kRefused;
}

std::string describe_exception(std::exception_ptr e) {
    // what() texts are one line in practice; a line break would still split the report.
    const auto flat = [](std::string s) {
        for (auto& c : s)
            if (c == '\n' || c == '\r') c = ' ';
        return s;
    };
    try {
        std::rethrow_exception(e);
    } catch (const std::bad_alloc&) {
        return "out of memory";
    } catch (const std::filesystem::filesystem_error& f) {
        return "file system: " + flat(f.what());
    } catch (const std::exception& x) {
        return "internal error: " + flat(x.what());
    } catch (...) {
        return "internal error: an unknown exception";
    }
}

Result<std::uint32_t> parse_u32(const std::string& text, const std::string& what, std::uint32_t max) {
    if (auto v = parse_unsigned<std::uint32_t>(text, max)) return *v;
    return failure("bad " + what + " '" + text + "': expected a number up to " + std::to_string(max));
}

}  // namespace gw::passctl
