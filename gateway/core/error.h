#pragma once
// The error of a parser of outside input: one line that names the problem.
#include <string>

#include "gateway/core/expected.h"

namespace gw {

struct Error {
    std::string message;  ///< One line, no trailing newline, e.g. "keys/sh.key:3: bad base64 in 'secret'".
};

template <class T>
using Result = expected<T, Error>;

inline unexpected<Error> failure(std::string message) { return unexpected(Error{std::move(message)}); }

}  // namespace gw
