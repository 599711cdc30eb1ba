// aio::TaskGroup: children, the first failure, the join, and the registry behind other_errors.
#include "aio/task_group.hpp"

#include <algorithm>
#include <deque>
#include <mutex>

namespace aio {

namespace {

// The address of the std::exception inside `error`, or null for other types. Catching by
// reference binds to the exception object itself (rethrow_exception does not copy it with
// libstdc++ or libc++), so this is the address a `catch (const std::exception& e)` sees as &e.
const std::exception* std_exception_in(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return &e;
  } catch (...) {
    return nullptr;
  }
}

// The failures a group did not rethrow, keyed by the one it did. Holding the exception_ptr keeps
// the object alive, so its address cannot be reused by another exception while it is listed.
struct OtherErrors {
  std::exception_ptr first;
  const std::exception* address;
  std::vector<std::exception_ptr> others;
};

class OtherErrorsRegistry {
 public:
  static constexpr std::size_t kCapacity = 64;

  void remember(const std::exception_ptr& first, std::vector<std::exception_ptr> others) {
    const std::exception* address = std_exception_in(first);
    std::lock_guard lock(mutex_);
    // The same error leaving nested groups: the outer group's failures join the inner ones.
    if (OtherErrors* entry = find_locked(first)) {
      entry->others.insert(entry->others.end(), others.begin(), others.end());
      return;
    }
    if (entries_.size() == kCapacity) entries_.pop_front();  // bounded: forget the oldest
    entries_.push_back(OtherErrors{first, address, std::move(others)});
  }

  std::vector<std::exception_ptr> lookup(const std::exception_ptr& first) {
    std::lock_guard lock(mutex_);
    OtherErrors* entry = find_locked(first);
    return entry ? entry->others : std::vector<std::exception_ptr>{};
  }

  std::vector<std::exception_ptr> lookup(const std::exception* address) {
    std::lock_guard lock(mutex_);
    for (auto& entry : entries_) {
      if (entry.address == address) return entry.others;
    }
    return {};
  }

 private:
  OtherErrors* find_locked(const std::exception_ptr& first) {
    for (auto& entry : entries_) {
      if (entry.first == first) return &entry;
    }
    return nullptr;
  }

  std::mutex mutex_;
  std::deque<OtherErrors> entries_;
};

OtherErrorsRegistry& registry() {
  static OtherErrorsRegistry instance;
  return instance;
}

}  // namespace

std::vector<std::exception_ptr> other_errors(const std::exception_ptr& error) {
  if (!error) return {};
  return registry().lookup(error);
}

std::vector<std::exception_ptr> other_errors(const std::exception& error) {
  return registry().lookup(&error);
}

TaskGroup::~TaskGroup() {
  // Normally every child is done by now. If the scope's frame is destroyed early (shutdown),
  // stop listening so that no child calls back into freed memory.
  for (const auto& child : children_) {
    if (!child->done()) child->remove_listener(*this);
  }
}

// ---- the scope's life --------------------------------------------------------------------

void TaskGroup::open(detail::TaskStateBase& owner) noexcept {
  owner_ = &owner;
  loop_ = &owner.loop();
  body_running_ = true;
}

void TaskGroup::body_finished(std::exception_ptr error) {
  body_running_ = false;
  if (!error) return;
  if (is_cancellation(error)) {
    // Cancelled because a child failed: that failure is the outcome. Otherwise the body was
    // cancelled from outside (or let a cancellation through): the whole scope stops.
    if (!first_error_) {
      body_cancelled_ = std::move(error);
      cancel_everything();
    }
    return;
  }
  fail(std::move(error));
}

void TaskGroup::finish(bool owner_cancelled) {
  closed_ = true;
  if (first_error_) {
    if (!other_errors_.empty()) registry().remember(first_error_, std::move(other_errors_));
    std::rethrow_exception(first_error_);
  }
  if (owner_cancelled) throw CancelledError{};
  if (body_cancelled_) std::rethrow_exception(body_cancelled_);
}

// ---- spawning ----------------------------------------------------------------------------

const char* TaskGroup::spawn_refusal() const noexcept {
  if (closed_)
    return "aio::TaskGroup::spawn(): the task group has finished; spawn children "
           "while its scope (or one of its children) is still running";
  Loop* current = Loop::current();
  if (!loop_ || current != loop_ || !current->running_task()) {
    return "aio::TaskGroup::spawn() needs the group's event loop to be running: call it from "
           "the group's body or from one of its tasks";
  }
  return nullptr;
}

void TaskGroup::refuse(const char* reason) const {
  throw RuntimeError(reason);
}

void TaskGroup::adopt(const detail::TaskRef<detail::TaskStateBase>& child) {
  children_.push_back(child);
  ++running_;
  child->add_listener(*this);
  loop_->start(child);
  // A group that is cancelling takes no new work: the child is cancelled before it starts, so
  // its body never runs (its handle reports cancelled()).
  if (cancelling_) child->cancel();
}

// ---- failure and cancellation ------------------------------------------------------------

void TaskGroup::fail(std::exception_ptr error) {
  if (first_error_) {
    other_errors_.push_back(std::move(error));
    return;
  }
  first_error_ = std::move(error);
  cancel_everything();
}

void TaskGroup::cancel_everything() noexcept {
  // Once only: a second cancel() would interrupt the cleanup the children are doing in response
  // to the first (cancellation is edge-triggered).
  if (std::exchange(cancelling_, true)) return;
  auto snapshot = children_;
  for (const auto& child : snapshot) child->cancel();
  // The body runs in the owner task: cancelling the owner makes the body's current suspension
  // point throw CancelledError. After the body, the owner only waits in the join: leave it.
  if (body_running_ && owner_) owner_->cancel();
}

void TaskGroup::task_done(detail::TaskStateBase& child) {
  --running_;
  child.result_retrieved = true;  // the group owns its children's outcomes
  std::exception_ptr error = child.cancelled() ? nullptr : child.error();
  // Forget the child (its handle, if any, keeps it alive): a long-lived group that spawns many
  // short children does not grow. The loop's list of live tasks keeps the child alive while
  // its listeners run.
  auto it = std::find_if(children_.begin(), children_.end(),
                         [&](const auto& c) { return c.get() == &child; });
  if (it != children_.end()) children_.erase(it);
  if (error) fail(std::move(error));
  if (running_ == 0 && joining_) {
    closed_ = true;  // nothing may slip in between this wake-up and the owner resuming
    owner_->wake();
  }
}

void TaskGroup::cancel() {
  // The owner was cancelled while waiting at the end of the scope: stop the children, stay
  // parked until they have finished (structured), then the join delivers the CancelledError.
  cancel_everything();
}

std::string TaskGroup::describe() const {
  std::string names;
  for (const auto& child : children_) {
    if (child->done()) continue;
    names += (names.empty() ? "'" : ", '") + child->name() + "'";
  }
  return "a task group to finish (still running: " + names + ")";
}

namespace detail {

bool GroupJoinAwaiter::await_suspend(std::coroutine_handle<>, SourceLocation where) {
  TaskStateBase& owner = *group_.owner_;
  group_.joining_ = true;
  // Structured: even when the owner is already cancelled, the children must finish first.
  if (owner.cancel_requested()) group_.cancel_everything();
  owner.park(group_, where, /*always=*/true);
  parked_ = true;
  return true;
}

bool GroupJoinAwaiter::await_resume() {
  if (!parked_) return false;
  try {
    group_.owner_->throw_if_cancel_requested();
  } catch (const CancelledError&) {
    return true;
  }
  return false;
}

}  // namespace detail

}  // namespace aio
