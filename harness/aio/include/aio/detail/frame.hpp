// What every aio coroutine frame shares, and how frames hand control to each other.
//
// The trampoline, in one paragraph: a task (detail::TaskStateBase) owns a chain of coroutine
// frames, outermost first: main_flow() awaits long_process() awaits aio::sleep(). Frames never
// resume each other directly. When a frame awaits a child Task, it records the child as the
// task's "next frame" and suspends; when a frame finishes, it records its parent as the next frame
// and suspends. The task's step() is a plain loop that resumes whichever frame is next
// (TaskStateBase::step in task_state.cpp). So the C++ call stack never holds more than one
// coroutine, however long the loop of awaits or deep the recursion: this is what keeps learners'
// -O0 builds from overflowing the stack, where neither GCC 12 nor Clang 14 reliably turns
// "symmetric transfer" (returning a handle from await_suspend) into a tail call.
#pragma once

#include <coroutine>

#include <cstddef>

#include "aio/detail/frame_allocator.hpp"
#include "aio/detail/source_location.hpp"

namespace aio::detail {

class TaskStateBase;

struct PromiseBase {
  explicit PromiseBase(SourceLocation where) noexcept : where(where) {}

  // Every aio coroutine frame comes from the per-thread frame pool (frame_allocator.hpp): the
  // compiler calls these to allocate and free the frame, passing its size both times.
  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept {
    deallocate_frame(frame, size);
  }

  std::coroutine_handle<> self;   // this frame, resumable without knowing the promise type
  PromiseBase* parent = nullptr;  // the frame awaiting this one inline; null for a task's root frame
  SourceLocation where;           // the coroutine function: names it in diagnostics
  bool started = false;           // resumed at least once? (a never-started frame was never awaited)
  bool awaited = false;           // handed to co_await / a task already (a Task is awaited once)
};

// The task whose frames are running right now on this thread. Awaiters use it to park or to
// chain. Only valid while a loop is stepping a task.
TaskStateBase& running_task();

// A frame awaits `child` inline (at `where`, its co_await): child runs next; `parent` resumes
// when child finishes.
void await_child(PromiseBase& parent, PromiseBase& child, SourceLocation where);

// `frame` reached its final suspend point: resume its parent next, or finish the task.
void frame_finished(PromiseBase& frame) noexcept;

// Called when a Task is destroyed without its frame ever starting ("never awaited").
void report_never_awaited(const PromiseBase& frame) noexcept;

// Set while a never-started frame is destroyed, so that Tasks it owns (e.g. gather's children)
// do not each report "never awaited" again: one message names the outermost forgotten Task.
class NeverAwaitedScope {
 public:
  NeverAwaitedScope() noexcept;
  ~NeverAwaitedScope();
  NeverAwaitedScope(const NeverAwaitedScope&) = delete;
  NeverAwaitedScope& operator=(const NeverAwaitedScope&) = delete;
  static bool active() noexcept;
};

// Every Task frame starts suspended (Task is lazy) and notes when it first runs.
struct InitialAwaiter {
  PromiseBase& promise;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept {}
  void await_resume() const noexcept { promise.started = true; }
};

// At the end of a frame: hand control back to the trampoline (see above). The frame stays
// suspended here, holding its result, until the Task object that owns it is destroyed.
struct FinalAwaiter {
  PromiseBase& promise;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<>) const noexcept { frame_finished(promise); }
  void await_resume() const noexcept {}
};

}  // namespace aio::detail
