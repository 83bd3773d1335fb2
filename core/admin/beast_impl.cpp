// Boost.Beast compiled once for the whole daemon (BOOST_BEAST_SEPARATE_COMPILATION).
#include <utility>

#include <boost/beast/src.hpp>
