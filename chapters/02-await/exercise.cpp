#include "exercise.hpp"
namespace ch02 { aio::Task<int> placeholder() { aio::todo("placeholder"); co_return 0; } }
