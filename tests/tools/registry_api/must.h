#pragma once
// The value of a Result the test needs, or a failed REQUIRE that prints the error.
#include <doctest/doctest.h>

#include "gateway/core/error.h"

namespace gw::testing {

template <class T>
T must(Result<T> r) {
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
    return std::move(*r);
}

}  // namespace gw::testing
