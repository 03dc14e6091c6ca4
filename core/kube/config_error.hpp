#pragma once

#include <string>

namespace cutover::kube {

/// A problem with client configuration. Every field that is known is filled, so the message
/// can say which file, which context and which field is wrong, and how to fix it.
struct ConfigError {
  std::string file;     // kubeconfig path, or "in-cluster" / "exec plugin".
  std::string context;  // the context being resolved, if any.
  std::string field;    // e.g. `users[0].user.client-key-data`.
  std::string message;  // what is wrong.
  std::string fix;      // what to do about it.

  /// `kubeconfig /home/a/.kube/config: context "prod": users[0].user.token: ... (fix: ...)`.
  [[nodiscard]] std::string describe() const;
};

}  // namespace cutover::kube
