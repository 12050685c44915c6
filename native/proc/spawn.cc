// runCaptured(file, argv, envp, timeoutMs, maxBytes): runs a program with posix_spawn and returns a
// Promise of its exit status, stdout and stderr. Why not child_process: Node forks, and a fork
// copies the page tables of the whole process on the event loop's thread — 1-2 ms idle, 5-13 ms
// under load for a resident root service of 50-100 MB (the hook service, src/hook/service.ts), for every scontrol it runs.
// glibc's posix_spawn uses clone(CLONE_VM | CLONE_VFORK): nothing is copied, and the wait runs
// off the event loop, on a libuv worker thread.
#include <napi.h>

#if defined(__linux__)
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#endif

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "common/errors.h"
#include "proc/register.h"

namespace qrun {

#if defined(__linux__)
namespace {

long long NowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000LL + ts.tv_nsec / 1000000LL;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

class RunWorker : public Napi::AsyncWorker {
 public:
  RunWorker(Napi::Env env, std::string file, std::vector<std::string> argv, std::vector<std::string> envp, long long timeout_ms,
            size_t max_bytes)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        file_(std::move(file)),
        argv_(std::move(argv)),
        envp_(std::move(envp)),
        timeout_ms_(timeout_ms),
        max_bytes_(max_bytes) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
      spawn_errno_ = errno;
      CloseAll(out, err);
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    // A libuv worker thread blocks signals; the program must start with none blocked and every
    // disposition at its default, in a process group of its own (a timeout kills the group).
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    std::vector<char*> argv = CStrings(argv_);
    std::vector<char*> envp = CStrings(envp_);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, file_.c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(out[1]);
    close(err[1]);
    out[1] = err[1] = -1;
    if (rc != 0) {
      spawn_errno_ = rc;
      CloseAll(out, err);
      return;
    }
    ReadUntilExit(pid, out[0], err[0]);
    CloseAll(out, err);
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object result = Napi::Object::New(env);
    if (spawn_errno_ != 0) {
      result.Set("spawnError", Napi::String::New(env, std::strerror(spawn_errno_)));
      result.Set("errno", Napi::Number::New(env, spawn_errno_));
    }
    result.Set("code", exited_ ? Napi::Value(Napi::Number::New(env, code_)) : env.Null());
    result.Set("signal", signal_ != 0 ? Napi::Value(Napi::Number::New(env, signal_)) : env.Null());
    result.Set("timedOut", Napi::Boolean::New(env, timed_out_));
    result.Set("truncated", Napi::Boolean::New(env, truncated_));
    result.Set("stdout", Napi::String::New(env, stdout_));
    result.Set("stderr", Napi::String::New(env, stderr_));
    deferred_.Resolve(result);
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  static void CloseAll(int* out, int* err) {
    for (int fd : {out[0], out[1], err[0], err[1]})
      if (fd >= 0) close(fd);
  }

  void Append(std::string& to, const char* buf, size_t n) {
    const size_t room = max_bytes_ > to.size() ? max_bytes_ - to.size() : 0;
    if (n > room) truncated_ = true;
    to.append(buf, n < room ? n : room);
  }

  void ReadUntilExit(pid_t pid, int out_fd, int err_fd) {
    const long long deadline = NowMs() + timeout_ms_;
    struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open_fds = 2;
    char buf[8192];
    bool killed = false;
    while (open_fds > 0) {
      long long wait = killed ? 1000 : deadline - NowMs();
      if (wait <= 0) {
        timed_out_ = true;
        killed = true;
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        continue;
      }
      const int ready = poll(fds, 2, static_cast<int>(wait > 1000 ? 1000 : wait));
      if (ready < 0 && errno != EINTR) break;
      if (killed && ready == 0) break;  // killed, and something it started still holds a pipe
      for (auto& p : fds) {
        if (p.fd < 0 || (p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        const ssize_t n = read(p.fd, buf, sizeof(buf));
        if (n > 0) {
          Append(p.fd == out_fd ? stdout_ : stderr_, buf, static_cast<size_t>(n));
        } else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
          p.fd = -1;
          open_fds--;
        }
      }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
      exited_ = true;
      code_ = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      signal_ = WTERMSIG(status);
    }
  }

  Napi::Promise::Deferred deferred_;
  std::string file_;
  std::vector<std::string> argv_, envp_;
  long long timeout_ms_;
  size_t max_bytes_;
  int spawn_errno_ = 0;
  bool exited_ = false, timed_out_ = false, truncated_ = false;
  int code_ = 0, signal_ = 0;
  std::string stdout_, stderr_;
};

std::vector<std::string> StringArray(Napi::Env env, const Napi::Value& value, const char* what) {
  if (!value.IsArray()) ThrowJs(env, "INTERNAL", std::string("runCaptured: ") + what + " must be an array of strings");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsString()) ThrowJs(env, "INTERNAL", std::string("runCaptured: ") + what + " must be an array of strings");
    std::string s = item.As<Napi::String>().Utf8Value();
    if (s.find('\0') != std::string::npos) ThrowJs(env, "INTERNAL", std::string("runCaptured: ") + what + " holds a NUL");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

static Napi::Value RunCaptured(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsString() || !info[3].IsNumber() || !info[4].IsNumber()) {
    ThrowJs(env, "INTERNAL", "runCaptured(file, argv, envp, timeoutMs, maxBytes)");
  }
  std::string file = info[0].As<Napi::String>().Utf8Value();
  if (file.empty() || file[0] != '/') ThrowJs(env, "INTERNAL", "runCaptured: file must be an absolute path");
  std::vector<std::string> argv = StringArray(env, info[1], "argv");
  std::vector<std::string> envp = StringArray(env, info[2], "envp");
  const double timeout = info[3].As<Napi::Number>().DoubleValue();
  const double max_bytes = info[4].As<Napi::Number>().DoubleValue();
  if (!(timeout >= 1 && timeout <= 86400000) || !(max_bytes >= 1 && max_bytes <= 1073741824)) {
    ThrowJs(env, "INTERNAL", "runCaptured: timeoutMs or maxBytes out of range");
  }
  auto* worker = new RunWorker(env, std::move(file), std::move(argv), std::move(envp), static_cast<long long>(timeout),
                               static_cast<size_t>(max_bytes));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}
#else
static Napi::Value RunCaptured(const Napi::CallbackInfo& info) {
  ThrowJs(info.Env(), "NOT_IMPLEMENTED", "runCaptured is only available on Linux");
}
#endif

void RegisterSpawn(Napi::Env env, Napi::Object exports) {
  exports.Set("runCaptured", Napi::Function::New(env, RunCaptured, "runCaptured"));
}

}  // namespace qrun
