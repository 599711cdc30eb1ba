#include "aio/detail/trace.hpp"

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "aio/detail/task_state.hpp"

namespace aio::detail {

namespace {

// Every run of the process, for the file: one trace holds them all (see trace.hpp).
struct ProcessTrace {
  std::mutex mutex;  // loops may run on several threads (each its own)
  std::uint64_t runs = 0;
  std::string events;
};

ProcessTrace& process_trace() {
  static ProcessTrace trace;
  return trace;
}

// Trace Event Format times are microseconds; keep the nanoseconds as a fraction.
double micros(Tracer::Duration d) {
  return static_cast<double>(d.count()) / 1000.0;
}

}  // namespace

Tracer::Tracer(std::string file, const char* clock) : file_(std::move(file)) {
  ProcessTrace& trace = process_trace();
  {
    std::lock_guard lock(trace.mutex);
    pid_ = ++trace.runs;
  }
  event(nlohmann::json{
      {"ph", "M"},
      {"name", "process_name"},
      {"pid", pid_},
      {"args", {{"name", "aio::run #" + std::to_string(pid_) + " (" + clock + " clock)"}}}}
            .dump());
}

std::uint64_t Tracer::track_of(const TaskStateBase& task) {
  auto [it, fresh] = tracks_.try_emplace(&task, next_track_);
  if (fresh) {
    ++next_track_;
    event(nlohmann::json{{"ph", "M"},
                         {"name", "thread_name"},
                         {"pid", pid_},
                         {"tid", it->second},
                         {"args", {{"name", task.name()}}}}
              .dump());
  }
  return it->second;
}

void Tracer::event(const std::string& json) {
  if (!events_.empty()) events_ += ",\n";
  events_ += json;
}

void Tracer::step(std::uint64_t track, const std::string& task_name, Duration start, Duration end) {
  event(nlohmann::json{{"ph", "X"},
                       {"cat", "step"},
                       {"name", "run " + task_name},
                       {"pid", pid_},
                       {"tid", track},
                       {"ts", micros(start)},
                       {"dur", micros(end - start)}}
            .dump());
}

void Tracer::wait_began(const TaskStateBase& task, Duration at, std::string what,
                        std::string site) {
  track_of(task);
  waits_[&task] = OpenWait{at, std::move(what), std::move(site)};
}

void Tracer::wait_ended(const TaskStateBase& task, Duration at) {
  auto it = waits_.find(&task);
  if (it == waits_.end()) return;
  OpenWait wait = std::move(it->second);
  waits_.erase(it);
  event(nlohmann::json{{"ph", "X"},
                       {"cat", "wait"},
                       {"name", "wait: " + wait.what},
                       {"pid", pid_},
                       {"tid", track_of(task)},
                       {"ts", micros(wait.start)},
                       {"dur", micros(at - wait.start)},
                       {"args", {{"at", wait.site}}}}
            .dump());
}

void Tracer::print(const TaskStateBase* task, Duration at, const std::string& text) {
  nlohmann::json e{
      {"ph", "i"}, {"cat", "print"}, {"name", text}, {"pid", pid_}, {"ts", micros(at)}};
  if (task) {
    e["tid"] = track_of(*task);
    e["s"] = "t";
  } else {
    e["s"] = "p";
  }
  event(e.dump());
}

void Tracer::cancel_requested(const TaskStateBase& task, Duration at) {
  event(nlohmann::json{{"ph", "i"},
                       {"s", "t"},
                       {"cat", "cancel"},
                       {"name", "cancel requested"},
                       {"pid", pid_},
                       {"tid", track_of(task)},
                       {"ts", micros(at)}}
            .dump());
}

void Tracer::task_done(const TaskStateBase& task, Duration at, const char* how) {
  wait_ended(task, at);  // abandoned while parked (shutdown): close its wait
  event(nlohmann::json{{"ph", "i"},
                       {"s", "t"},
                       {"cat", "task"},
                       {"name", how},
                       {"pid", pid_},
                       {"tid", track_of(task)},
                       {"ts", micros(at)}}
            .dump());
  tracks_.erase(&task);  // the address may be reused by a later task: it gets a new track
}

void Tracer::diagnostic(Duration at, const std::string& message) {
  event(nlohmann::json{{"ph", "i"},
                       {"s", "p"},
                       {"cat", "diagnostic"},
                       {"name", message},
                       {"pid", pid_},
                       {"ts", micros(at)}}
            .dump());
}

void Tracer::finish() {
  ProcessTrace& trace = process_trace();
  std::lock_guard lock(trace.mutex);
  if (!events_.empty()) {
    if (!trace.events.empty()) trace.events += ",\n";
    trace.events += events_;
    events_.clear();
  }
  // Written whole each time: the file is valid JSON after every run, even if a later one
  // crashes. displayTimeUnit only changes how the viewer labels times.
  std::ofstream out(file_, std::ios::trunc);
  out << "{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n" << trace.events << "\n]}\n";
}

}  // namespace aio::detail
