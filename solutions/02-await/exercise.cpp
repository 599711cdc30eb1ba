#include "exercise.hpp"
namespace ch02 { aio::Task<int> placeholder() { co_return 1; } }
