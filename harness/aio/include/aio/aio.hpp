// The whole aio runtime. Chapters include this one header.
#pragma once

#include "aio/errors.hpp"
#include "aio/event.hpp"
#include "aio/gather.hpp"
#include "aio/generator.hpp"
#include "aio/loop.hpp"
#include "aio/mutex.hpp"
#include "aio/print.hpp"
#include "aio/queue.hpp"
#include "aio/semaphore.hpp"
#include "aio/sleep.hpp"
#include "aio/spawn.hpp"
#include "aio/task.hpp"
#include "aio/task_group.hpp"
#include "aio/timeout.hpp"
#include "aio/to_thread.hpp"
#include "aio/with.hpp"
