#pragma once
// Blocking work from a coroutine: `co_await on_pool(pool, std::move(work))` runs work() on the
// pool and resumes the coroutine on its own executor with the result.
//
// Name the function object first, then move it in: g++ 12 destroys a capturing lambda that is
// a temporary of a co_await expression twice (a double free once it captures a std::string).
// on_pool is not a coroutine itself, for the same reason.
#include <type_traits>
#include <utility>

#include "gateway/core/asio.h"

namespace gw::sync {

template <class F>
asio::awaitable<std::invoke_result_t<F&>> on_pool(asio::thread_pool& pool, F work) {
    using R = std::invoke_result_t<F&>;
    return asio::co_spawn(
        pool, [work = std::move(work)]() mutable -> asio::awaitable<R> { co_return work(); }, asio::use_awaitable);
}

}  // namespace gw::sync
