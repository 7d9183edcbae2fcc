// @ethereumjs/evm analyses a contract's code (jump destinations, push values, opcode table) on
// every call; for a 21 KB contract called thousands of times that analysis is most of the replay
// time. This memoises it per distinct code (compared byte for byte). Only speed changes.
const interpreterUrl = new URL('./node_modules/@ethereumjs/evm/dist/esm/interpreter.js', import.meta.url);

/** Installs the cache; returns false (and changes nothing) if the EVM's internals differ. */
export async function installJumpdestCache() {
  let Interpreter;
  try {
    ({ Interpreter } = await import(interpreterUrl.href));
  } catch {
    return false;
  }
  const proto = Interpreter?.prototype;
  const analyse = proto?._getValidJumpDestinations;
  if (typeof analyse !== 'function') return false;
  const cache = [];
  proto._getValidJumpDestinations = function cachedJumpDestinations(code) {
    for (const entry of cache) {
      if (entry.code.length === code.length && Buffer.compare(entry.code, code) === 0) return entry.result;
    }
    const result = analyse.call(this, code);
    if (cache.length < 16) cache.push({ code: Uint8Array.from(code), result });
    return result;
  };
  return true;
}
