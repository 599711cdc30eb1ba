#pragma once
#include <aio/aio.hpp>
namespace ch01 { aio::Task<int> placeholder(); }
