// The frame-to-frame hand-offs of the trampoline (see aio/detail/frame.hpp).
#include <iostream>

#include "aio/detail/step_monitor.hpp"

#include "aio/loop.hpp"

namespace aio::detail {

namespace {
thread_local int never_awaited_depth = 0;
}

TaskStateBase& running_task() {
  Loop* loop = Loop::current();
  TaskStateBase* task = loop ? loop->running_task() : nullptr;
  if (!task) throw RuntimeError("aio: a coroutine was resumed outside a running event loop");
  return *task;
}

void await_child(PromiseBase& parent, PromiseBase& child, SourceLocation where) {
  child.parent = &parent;
  // The awaiting frame is suspending now; the trampoline resumes the child next.
  TaskStateBase& task = running_task();
  task.loop().note_suspension(where);
  task.resume_next(child);
}

void frame_finished(PromiseBase& frame) noexcept {
  // A frame only ever runs inside TaskStateBase::step, so there is a running task.
  Loop& loop = *Loop::current();
  TaskStateBase& task = *loop.running_task();
  loop.note_suspension({});  // the step ends at the end of the function
  if (frame.parent) {
    task.resume_next(*frame.parent);
  } else {
    task.finish_root();
  }
}

NeverAwaitedScope::NeverAwaitedScope() noexcept {
  ++never_awaited_depth;
}
NeverAwaitedScope::~NeverAwaitedScope() {
  --never_awaited_depth;
}
bool NeverAwaitedScope::active() noexcept {
  return never_awaited_depth > 0;
}

namespace {
// "01-coroutines/exercise.cpp:14", the line where the coroutine function starts.
std::string where_defined(const PromiseBase& frame) {
  SourceLocation top = frame.where;
  top.line = definition_line(frame.where);
  return top.short_str();
}
}  // namespace

void report_never_awaited(const PromiseBase& frame) noexcept {
  if (NeverAwaitedScope::active()) return;
  try {
    std::string name = task_name_for(frame);
    std::string message = "coroutine '" + name + "' (" + where_defined(frame) +
                          ") was never awaited: a Task does nothing until you co_await it "
                          "(or hand it to aio::create_task / aio::gather)";
    Loop* loop = Loop::current();
    // The frame running now is the one that created the Task and let it go.
    const TaskStateBase* task = loop ? loop->running_task() : nullptr;
    const PromiseBase* dropper = task ? task->current_frame() : nullptr;
    if (dropper && dropper != &frame) {
      message += "; it was created and dropped in " + task_name_for(*dropper) + " (" +
                 where_defined(*dropper) + ")";
    }
    if (loop) {
      loop->diagnose(Diagnostic::Kind::NeverAwaited, std::move(message));
    } else {
      std::cerr << "aio warning: " << message << '\n';
    }
  } catch (...) {
    // A destructor must not throw; losing a warning is the lesser evil.
  }
}

std::string task_name_for(const PromiseBase& frame) {
  return task_name_for(frame.where.function);
}

std::string task_name_for(const char* function) {
  std::string name = function ? function : "";
  if (name.empty() || name == "operator()") return "lambda";
  // GCC spells a function template's name with its arguments ("fetch<int>"), Clang without:
  // drop them so task names (in transcripts and diagnostics) are the same on both compilers.
  if (name.rfind("operator", 0) != 0) name = name.substr(0, name.find('<'));
  return name;
}

}  // namespace aio::detail
