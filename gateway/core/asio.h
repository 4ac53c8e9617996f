#pragma once
// The one header that includes Boost.Asio. <utility> first: Boost 1.74's awaitable header
// needs it on g++ 12.
#include <utility>

#include <boost/asio.hpp>

namespace gw {
namespace asio = boost::asio;
using error_code = boost::system::error_code;
}  // namespace gw
