#include "exercise.hpp"
namespace ch01 { aio::Task<int> placeholder() { aio::todo("placeholder"); co_return 0; } }
