#pragma once
/// Internal to core/: the constructors of the two AnyMachine implementations.
#include <memory>
#include <utility>

#include "core/any_machine.hpp"
#include "mips64/state.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::core {

/// A machine's own StepProof (vm:: or mips64::, the same fields) as a OneStepProof.
template <class StepProof>
OneStepProof toOneStepProof(Isa isa, StepProof&& p) {
  OneStepProof out;
  out.isa = isa;
  out.step = p.step;
  out.pre = p.pre;
  out.post = p.post;
  out.stateData.assign(p.stateData.begin(), p.stateData.end());
  out.proofData = std::move(p.proofData);
  out.oracleKey = p.oracleKey;
  out.oracleValue = std::move(p.oracleValue);
  out.oracleOffset = p.oracleOffset;
  return out;
}

}  // namespace fpvm::core
