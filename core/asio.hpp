// The one place Boost.Asio is included from. g++ 12 in C++20 mode needs <utility> before
// Asio's headers (std::exchange is used without it).
#pragma once

#include <utility>

#include <boost/asio.hpp>  // IWYU pragma: export

namespace junction {
namespace asio = boost::asio;
}
