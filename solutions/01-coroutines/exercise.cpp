#include "exercise.hpp"
namespace ch01 { aio::Task<int> placeholder() { co_return 1; } }
