// The addon's error class without its N-API half, for the harnesses in bench/peers/ that link the
// simulator's C++ files outside Node (native/common/errors.h is the addon's own; the class is the same).
#pragma once

#include <stdexcept>
#include <string>

namespace qrun {

class Error : public std::runtime_error {
 public:
  Error(const char* code, const std::string& message) : std::runtime_error(message), code_(code) {}
  const char* code() const { return code_; }

 private:
  const char* code_;
};

}  // namespace qrun
