#include "exercise.hpp"
namespace ch03 { aio::Task<int> placeholder() { co_return 1; } }
