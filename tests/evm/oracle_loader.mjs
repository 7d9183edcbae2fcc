// Prepares PreimageOracle.sol for one read(fd 5) step the way a challenger does: loadLocalData for
// local keys (with the step's localContext), loadKeccak256PreimagePart, loadSha256PreimagePart,
// loadBlobPreimagePart (with the KZG proof the test gives) and loadPrecompilePreimagePart for
// global keys. Nothing is written into the oracle's storage directly: a part no load function
// produces (a key that is not the hash of its data, an offset past the end) stays unloaded, and
// the contract reverts "pre-image must exist" — so fpvm must revert too.
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytes, concat, fromHex, hex, selector, word } from './abi.mjs';

const LOAD_LOCAL = selector('loadLocalData(uint256,bytes32,bytes32,uint256,uint256)');
const LOAD_KECCAK = selector('loadKeccak256PreimagePart(uint256,bytes)');
const LOAD_SHA256 = selector('loadSha256PreimagePart(uint256,bytes)');
const LOAD_BLOB = selector('loadBlobPreimagePart(uint256,uint256,bytes,bytes,uint256)');
const LOAD_PRECOMPILE = selector('loadPrecompilePreimagePart(uint256,address,uint64,bytes)');
const PART_OK = selector('preimagePartOk(bytes32,uint256)');

/** PreimageKeyLib.localize: H(key ‖ bytes32(caller) ‖ localContext) with byte 0 := 1. */
export function localizeKey(key, caller, context) {
  const k = keccak_256(concat(key, word(BigInt(hex(caller))), context));
  k[0] = 1;
  return k;
}

/** Loads parts into the oracle at `oracleAddress` through calls from `caller`. */
export class OracleLoader {
  constructor(evm, oracleAddress, caller) {
    this.evm = evm;
    this.oracle = oracleAddress;
    this.caller = caller;
    this.counts = { local: 0, keccak256: 0, sha256: 0, blob: 0, precompile: 0, unloadable: 0 };
  }

  async call(data) {
    return this.evm.runCall({ caller: this.caller, to: this.oracle, data, gasLimit: 30_000_000n });
  }

  async partOk(key, offset) {
    const r = await this.call(concat(PART_OK, key, word(BigInt(offset))));
    return r.execResult.returnValue.length === 32 && r.execResult.returnValue[31] === 1;
  }

  /**
   * Makes the part of raw `key` at `offset` (value = BE u64 length ‖ pre-image) readable by the
   * step, as the contract will look it up (local keys localised with `context`).
   */
  async load(key, value, offset, context, source) {
    const type = key[0];
    const data = value.subarray(8);
    const len = data.length;
    const lookup = type === 1 ? localizeKey(key, this.caller.bytes, context) : key;
    let kind = null;
    if (type === 1 && len <= 32) {
      const padded = new Uint8Array(32);
      padded.set(data);
      await this.call(concat(LOAD_LOCAL, key, context, padded, word(BigInt(len)), word(BigInt(offset))));
      kind = 'local';
    } else if (type === 2) {
      await this.call(concat(LOAD_KECCAK, word(BigInt(offset)), word(64n), bytes(data)));
      kind = 'keccak256';
    } else if (type === 4) {
      await this.call(concat(LOAD_SHA256, word(BigInt(offset)), word(64n), bytes(data)));
      kind = 'sha256';
    } else if (type === 5 && source && source.kind === 'blob') {
      const commitment = fromHex(source.commitment);
      await this.call(concat(LOAD_BLOB, word(BigInt(source.z)), word(BigInt(source.y)), word(0xa0n),
        word(BigInt(0xa0 + bytes(commitment).length)), word(BigInt(offset)), bytes(commitment), bytes(fromHex(source.proof))));
      kind = 'blob';
    } else if (type === 6 && source && source.kind === 'precompile') {
      const input = fromHex(source.input);
      await this.call(concat(LOAD_PRECOMPILE, word(BigInt(offset)), word(BigInt(source.address)),
        word(BigInt(source.gas)), word(128n), bytes(input)));
      kind = 'precompile';
    }
    if (kind && (await this.partOk(lookup, offset))) this.counts[kind] += 1;
    else this.counts.unloadable += 1;  // the step must then revert "pre-image must exist"
  }
}
