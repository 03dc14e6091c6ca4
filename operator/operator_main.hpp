#pragma once
// `deploy-operator`: the in-cluster operator. `main` calls only this. (The namespace is `op`
// because `operator` is a C++ keyword.)

namespace cutover::op {

int operator_main(int argc, char** argv);

}  // namespace cutover::op
