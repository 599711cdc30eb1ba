#pragma once
#include <aio/aio.hpp>
namespace ch03 { aio::Task<int> placeholder(); }
