#include "exercise.hpp"
namespace ch03 { aio::Task<int> placeholder() { aio::todo("placeholder"); co_return 0; } }
