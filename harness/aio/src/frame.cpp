// The frame-to-frame hand-offs of the trampoline (see aio/detail/frame.hpp).
#include <iostream>

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

void await_child(PromiseBase& parent, PromiseBase& child) {
  child.parent = &parent;
  // The awaiting frame is suspending now; the trampoline resumes the child next.
  running_task().resume_next(child);
}

void frame_finished(PromiseBase& frame) noexcept {
  // A frame only ever runs inside TaskStateBase::step, so there is a running task.
  TaskStateBase& task = *Loop::current()->running_task();
  if (frame.parent) {
    task.resume_next(*frame.parent);
  } else {
    task.finish_root();
  }
}

NeverAwaitedScope::NeverAwaitedScope() noexcept { ++never_awaited_depth; }
NeverAwaitedScope::~NeverAwaitedScope() { --never_awaited_depth; }
bool NeverAwaitedScope::active() noexcept { return never_awaited_depth > 0; }

void report_never_awaited(const PromiseBase& frame) noexcept {
  if (NeverAwaitedScope::active()) return;
  try {
    std::string name = task_name_for(frame);
    std::string message = "coroutine '" + name + "' (" + frame.where.short_str() +
                          ") was never awaited: a Task does nothing until you co_await it "
                          "(or hand it to aio::create_task / aio::gather)";
    if (Loop* loop = Loop::current()) {
      loop->diagnose(Diagnostic::Kind::NeverAwaited, std::move(message));
    } else {
      std::cerr << "aio warning: " << message << '\n';
    }
  } catch (...) {
    // A destructor must not throw; losing a warning is the lesser evil.
  }
}

std::string task_name_for(const PromiseBase& frame) { return task_name_for(frame.where.function); }

std::string task_name_for(const char* function) {
  std::string name = function ? function : "";
  if (name.empty() || name == "operator()") return "lambda";
  // GCC spells a function template's name with its arguments ("fetch<int>"), Clang without:
  // drop them so task names (in transcripts and diagnostics) are the same on both compilers.
  if (name.rfind("operator", 0) != 0) name = name.substr(0, name.find('<'));
  return name;
}

}  // namespace aio::detail
