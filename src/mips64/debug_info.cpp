#include "mips64/debug_info.hpp"

#include <nlohmann/json.hpp>

#include "mips64/go_json.hpp"

namespace fpvm::mips64 {

std::string encodeDebugInfoJson(const DebugInfo& d) {
  nlohmann::ordered_json doc;
  doc["pages"] = d.pages;
  doc["memory_used"] = hexQuantity(d.memoryUsed);
  doc["num_preimage_requests"] = d.numPreimageRequests;
  doc["total_preimage_size"] = d.totalPreimageSize;
  doc["total_steps"] = d.totalSteps;
  doc["instruction_cache_miss_count"] = d.instructionCacheMissCount;
  doc["highest_icache_miss_pc"] = hexQuantity(d.highestICacheMissPC);
  doc["rmw_success_count"] = d.rmwSuccessCount;
  doc["rmw_fail_count"] = d.rmwFailCount;
  doc["max_steps_between_ll_and_sc"] = d.maxStepsBetweenLLAndSC;
  doc["reservation_invalidation_count"] = d.reservationInvalidationCount;
  doc["forced_preemption_count"] = d.forcedPreemptionCount;
  doc["idle_step_count_thread_0"] = d.idleStepCountThread0;
  return goJsonText(doc);
}

}  // namespace fpvm::mips64
