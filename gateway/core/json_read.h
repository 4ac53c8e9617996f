#pragma once
// Reading JSON text (RFC 8259) for the project's small, strict readers of outside input: the
// console's request bodies (gateway/console/json_body.h) and registryd's answers to passctl.
// A cursor with whitespace, single-character tokens and strings (escapes decoded, \u and
// surrogate pairs to UTF-8, control characters and lone surrogates refused). Not a parser of
// whole documents: each reader says what it accepts around these pieces.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/core/error.h"

namespace gw {

struct JsonReader {
    std::string_view s;
    std::size_t i = 0;

    /// Skips JSON whitespace.
    void ws();
    /// Skips whitespace, then takes `c` if it is next.
    bool eat(char c);
    /// Skips whitespace, then reads one string; the error is one line naming the problem.
    Result<std::string> string();
    bool at_end() const { return i == s.size(); }
};

}  // namespace gw
