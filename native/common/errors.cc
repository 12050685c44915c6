#include "errors.h"

namespace qrun {

Napi::Error MakeJsError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  error.Set("name", Napi::String::New(env, "QrunError"));
  return error;
}

void ThrowJs(Napi::Env env, const char* code, const std::string& message) {
  throw MakeJsError(env, code, message);
}

}  // namespace qrun
