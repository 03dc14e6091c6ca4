// Prints one line: how long parsing a typical kubeconfig and decoding a Status body take.
#include <chrono>
#include <cstdio>

#include "kube/error.hpp"
#include "kube/kubeconfig.hpp"

namespace {

constexpr const char* kKubeconfig = R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster:
    server: https://api.prod.example.com:6443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
- name: staging
  cluster: {server: https://api.staging.example.com:6443}
users:
- name: aws
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, prod]
- name: admin
  user: {token: abc}
contexts:
- name: prod
  context: {cluster: prod, user: aws, namespace: payments}
- name: staging
  context: {cluster: staging, user: admin}
)";

constexpr const char* kStatus =
    R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"Operation cannot be )"
    R"(fulfilled","reason":"Conflict","details":{"name":"a","kind":"configmaps"},"code":409})";

template <typename Fn>
double micros_per_call(int iterations, Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i)
    fn();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  return std::chrono::duration<double, std::micro>(elapsed).count() / iterations;
}

}  // namespace

int main() {
  const double parse = micros_per_call(2000, [] {
    auto config = cutover::kube::parse_kubeconfig(kKubeconfig, "bench", "/");
    if (!config)
      std::abort();
  });
  const double decode = micros_per_call(20000, [] {
    auto error = cutover::kube::decode_status(409, kStatus);
    if (error.reason != cutover::kube::ErrorReason::conflict)
      std::abort();
  });
  std::printf("kube parsing: kubeconfig %.1f us/parse, Status %.2f us/decode\n", parse, decode);
  return 0;
}
