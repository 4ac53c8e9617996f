#pragma once
// The error of a parser of outside input or of an I/O step: one line that names the problem,
// and its kind. Callers branch on the kind (like zxing's Error::Type or RocksDB's
// Status::Code), never on the message text: the message is for people.
#include <string>

#include "gateway/core/expected.h"

namespace gw {

enum class ErrorKind {
    kInvalid,      ///< malformed or not allowed: the input is wrong (the default)
    kTooLarge,     ///< over a size or count cap
    kNotFound,     ///< a file, key or record that is not there
    kIo,           ///< the disk, the store or the network failed
    kUnavailable,  ///< a peer or device cannot be reached now; try again later
};

struct Error {
    Error(std::string message_ = {}, ErrorKind kind_ = ErrorKind::kInvalid)
        : message(std::move(message_)), kind(kind_) {}
    std::string message;  ///< One line, no trailing newline, e.g. "keys/sh.key:3: bad base64 in 'secret'".
    ErrorKind kind = ErrorKind::kInvalid;
};

template <class T>
using Result = expected<T, Error>;

inline unexpected<Error> failure(std::string message, ErrorKind kind = ErrorKind::kInvalid) {
    return unexpected(Error{std::move(message), kind});
}

}  // namespace gw
