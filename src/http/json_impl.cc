// The one translation unit that compiles Boost.JSON (header-only mode). Every other file of the
// project includes <boost/json.hpp> only.
#include <boost/json/src.hpp>
