// The whole aio runtime. Chapters include this one header.
#pragma once

#include "aio/errors.hpp"
#include "aio/gather.hpp"
#include "aio/loop.hpp"
#include "aio/print.hpp"
#include "aio/sleep.hpp"
#include "aio/spawn.hpp"
#include "aio/task.hpp"
