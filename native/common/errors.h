// Native failures carry a code from the project's error catalog (src/errors.ts). They are thrown as
// qrun::Error inside the addon and surface in JavaScript as an Error with a `code` property, which
// src/native turns into a QrunError.
#pragma once

#include <napi.h>

#include <stdexcept>
#include <string>

namespace qrun {

class Error : public std::runtime_error {
 public:
  Error(const char* code, const std::string& message) : std::runtime_error(message), code_(code) {}
  const char* code() const { return code_; }

 private:
  const char* code_;  // a string literal: a key of ERROR_CATALOG
};

// A JS Error with `code` (and name QrunError) for the given catalog code.
Napi::Error MakeJsError(Napi::Env env, const char* code, const std::string& message);

// Throws MakeJsError as a JS exception (with C++ exceptions enabled, as a Napi::Error).
[[noreturn]] void ThrowJs(Napi::Env env, const char* code, const std::string& message);

}  // namespace qrun
