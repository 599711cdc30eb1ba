#pragma once
#include <aio/aio.hpp>
namespace ch02 { aio::Task<int> placeholder(); }
