// peerCredentials(fd): the pid, uid and gid of the process at the other end of a connected Unix
// socket, from the kernel (SO_PEERCRED), for the job gateway's check that a request comes from the
// job's own user. Synchronous: getsockopt does not block.
#include <napi.h>

#if defined(__linux__)
#include <sys/socket.h>
#include <sys/types.h>
#endif

#include <cerrno>
#include <cstring>
#include <string>

#include "common/errors.h"
#include "peercred/register.h"

namespace qrun {

static Napi::Value PeerCredentials(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) ThrowJs(env, "INTERNAL", "peerCredentials(fd) needs a file descriptor number");
  const double raw = info[0].As<Napi::Number>().DoubleValue();
  if (!(raw >= 0 && raw <= 2147483647.0) || raw != static_cast<double>(static_cast<int>(raw))) {
    ThrowJs(env, "INTERNAL", "peerCredentials(fd): fd must be a non-negative integer");
  }
  const int fd = static_cast<int>(raw);
#if defined(__linux__)
  struct ucred cred;
  socklen_t len = sizeof(cred);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof(cred)) {
    const int err = errno;
    Napi::Error error = MakeJsError(env, "AUTH_FAILED",
                                    std::string("cannot read the peer credentials of fd ") + std::to_string(fd) + ": " +
                                        std::strerror(err));
    error.Set("errno", Napi::Number::New(env, err));
    throw error;
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("pid", Napi::Number::New(env, cred.pid));
  out.Set("uid", Napi::Number::New(env, cred.uid));
  out.Set("gid", Napi::Number::New(env, cred.gid));
  return out;
#else
  (void)fd;
  ThrowJs(env, "NOT_IMPLEMENTED", "peer credentials are only available on Linux");
#endif
}

void RegisterPeerCredentials(Napi::Env env, Napi::Object exports) {
  exports.Set("peerCredentials", Napi::Function::New(env, PeerCredentials, "peerCredentials"));
}

}  // namespace qrun
