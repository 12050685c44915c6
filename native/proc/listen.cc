// listenUnix(path, backlog): a listening Unix stream socket at `path`, returned as a bare descriptor
// (close-on-exec) that no event loop polls. Why not net.Server: a Node server accepts every
// connection the moment it arrives, so a socket bound by the hook service ahead of the job gateway's
// start (src/gateway/launch.ts) would swallow the job's first call; a bare descriptor leaves
// connections in the kernel's backlog until the gateway, which inherits it, accepts them.
#include <napi.h>

#if defined(__linux__)
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#endif

#include <cerrno>
#include <cstring>
#include <string>

#include "common/errors.h"
#include "proc/register.h"

namespace qrun {

#if defined(__linux__)
static Napi::Value ListenUnix(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) ThrowJs(env, "INTERNAL", "listenUnix(path, backlog)");
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const int backlog = info[1].As<Napi::Number>().Int32Value();
  struct sockaddr_un address;
  std::memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) ThrowJs(env, "INTERNAL", "listenUnix: path empty or too long for sun_path");
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) ThrowJs(env, "INTERNAL", std::string("listenUnix: socket: ") + std::strerror(errno));
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&address), sizeof address) != 0 || listen(fd, backlog) != 0) {
    const int saved = errno;
    close(fd);
    ThrowJs(env, "INTERNAL", "listenUnix: " + path + ": " + std::strerror(saved));
  }
  return Napi::Number::New(env, fd);
}
#else
static Napi::Value ListenUnix(const Napi::CallbackInfo& info) {
  ThrowJs(info.Env(), "NOT_IMPLEMENTED", "listenUnix is only available on Linux");
}
#endif

void RegisterListen(Napi::Env env, Napi::Object exports) {
  exports.Set("listenUnix", Napi::Function::New(env, ListenUnix, "listenUnix"));
}

}  // namespace qrun
