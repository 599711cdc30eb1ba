// The non-template parts of aio::AsyncGenerator (aio/generator.hpp).
#include "aio/generator.hpp"

#include "aio/loop.hpp"

namespace aio::detail {

void YieldAwaiter::yield_to_consumer(PromiseBase& producer, SourceLocation where) noexcept {
  // A producer only runs inside its consumer's task step (next() made it that frame's child),
  // so there is a running task, and `parent` is the frame that awaited next().
  Loop& loop = *Loop::current();
  loop.note_suspension(where);
  loop.running_task()->resume_next(*producer.parent);
}

void throw_empty_generator() {
  throw RuntimeError("aio::AsyncGenerator::next(): the generator is empty (moved-from)");
}

void throw_generator_running(const PromiseBase& producer) {
  throw RuntimeError("aio::AsyncGenerator::next(): generator '" + task_name_for(producer) +
                     "' is already running (another next() is in progress): one consumer at a "
                     "time");
}

}  // namespace aio::detail
