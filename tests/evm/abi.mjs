// Just enough ABI encoding for the replay: words, dynamic bytes, selectors, hex.
import { keccak_256 } from '@noble/hashes/sha3.js';

/** Concatenates byte arrays. */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A 32-byte big-endian word. */
export function word(v) {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0 && v > 0n; --i, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** The tail of a dynamic `bytes` argument: length word ‖ data padded to 32 bytes. */
export function bytes(data) {
  const padded = new Uint8Array(Math.ceil(data.length / 32) * 32);
  padded.set(data);
  return concat(word(BigInt(data.length)), padded);
}

/** The 4-byte selector of a function signature. */
export function selector(signature) {
  return keccak_256(new TextEncoder().encode(signature)).subarray(0, 4);
}

/** 0x-prefixed lowercase hex. */
export function hex(b) {
  return '0x' + Buffer.from(b).toString('hex');
}

/** Bytes of 0x-prefixed hex. */
export function fromHex(h) {
  return Uint8Array.from(Buffer.from(h.startsWith('0x') ? h.slice(2) : h, 'hex'));
}
