// Replays fpvm's Cannon MT64 one-step proofs against the real MIPS64.sol (semver 1.10.0) and
// PreimageOracle.sol, compiled with solc 0.8.15 and run in @ethereumjs/evm.
//
//   node replay.mjs --contracts <dir> --cache <dir> <cases.jsonl>…
//
// Each line of a cases file (written by tests/mips64/evm_case_writer.cpp) holds the step calldata,
// the oracle data a read(fd 5) step needs, and fpvm's result: the post-state hash, or the exact
// revert data. Tampered lines also carry the honest post hash, which the contract must not return.
// Exit status: 0 all agree, 1 a disagreement, 77 skipped (no contracts).
import { existsSync, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { createEVM } from '@ethereumjs/evm';
import { createAddressFromString } from '@ethereumjs/util';
import { compileContracts } from './compile.mjs';
import { OracleLoader } from './oracle_loader.mjs';
import { installJumpdestCache } from './jumpdest_cache.mjs';
import { pointEvaluationKzg } from './kzg.mjs';
import { concat, fromHex, hex, word } from './abi.mjs';

const SKIP = 77;
/** msg.sender of every call: the address fpvm's tests localise local keys with (step_check.cpp). */
const CALLER = createAddressFromString('0xca11e40000000000000000000000000000000000');
const STATE_VERSION = 8n;

function parseArgs(argv) {
  const args = { files: [] };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--contracts') args.contracts = argv[++i];
    else if (argv[i] === '--cache') args.cache = argv[++i];
    else args.files.push(argv[i]);
  }
  return args;
}

async function deploy(evm, bytecode, ...ctorArgs) {
  const r = await evm.runCall({ caller: CALLER, data: concat(fromHex(bytecode), ...ctorArgs), gasLimit: 30_000_000n });
  if (r.execResult.exceptionError || !r.createdAddress) throw new Error(`deployment failed: ${r.execResult.exceptionError?.error}`);
  return r.createdAddress;
}

/** Small counter map printed at the end. */
function bump(map, key) {
  map.set(key, (map.get(key) || 0) + 1);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args.contracts || !existsSync(`${args.contracts}/src/cannon/MIPS64.sol`)) {
    console.log(`SKIPPED: MIPS64.sol not found under ${args.contracts} (../shared/testdata/cannon-mt64/contracts)`);
    process.exit(SKIP);
  }
  const t0 = performance.now();
  const cached = await installJumpdestCache();
  const compiled = compileContracts(args.contracts, args.cache);
  const common = new Common({ chain: Mainnet, hardfork: Hardfork.Cancun, customCrypto: { kzg: pointEvaluationKzg() } });
  // The hardfork never changes here, so which EIPs are active can be memoised (the interpreter
  // asks on every opcode).
  const activated = new Map();
  const isActivatedEIP = common.isActivatedEIP.bind(common);
  common.isActivatedEIP = (eip) => {
    let on = activated.get(eip);
    if (on === undefined) activated.set(eip, (on = isActivatedEIP(eip)));
    return on;
  };
  const evm = await createEVM({ common });
  const oracle = await deploy(evm, compiled.PreimageOracle.bytecode, word(0n), word(0n));
  const mips = await deploy(evm, compiled.MIPS64.bytecode, word(BigInt(oracle.toString())), word(STATE_VERSION));
  const loader = new OracleLoader(evm, oracle, CALLER);
  console.log(`solc ${compiled.compiler}; MIPS64 ${compiled.MIPS64.runtimeSize} bytes at ${mips}, ` +
              `PreimageOracle ${compiled.PreimageOracle.runtimeSize} bytes at ${oracle}` +
              `${cached ? '' : ' (code analysis not cached: slower)'}`);

  const stats = { steps: 0, logs: 0, ok: 0, reverts: 0, tampered: 0, tamperReverts: 0, failures: 0, maxGas: 0n, gas: 0n };
  const reasons = new Map();
  const tamperReasons = new Map();
  const tests = new Set();
  const t1 = performance.now();
  for (const file of args.files) {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line) continue;
      const c = JSON.parse(line);
      tests.add(c.test);
      // Each step sees a fresh oracle: load, step, then roll the state back.
      const usesOracle = c.oracleKey !== undefined && c.oracleValue !== undefined;
      if (usesOracle) {
        await evm.stateManager.checkpoint();
        await loader.load(fromHex(c.oracleKey), fromHex(c.oracleValue), c.oracleOffset, fromHex(c.oracleContext), c.oracleSource);
      }
      const r = await evm.runCall({ caller: CALLER, to: mips, data: fromHex(c.calldata), gasLimit: 30_000_000n });
      if (usesOracle) await evm.stateManager.revert();
      const e = r.execResult;
      const reverted = e.exceptionError !== undefined;
      const got = hex(e.returnValue);
      const gas = e.executionGasUsed;
      if (gas > stats.maxGas) stats.maxGas = gas;
      stats.gas += gas;
      let problem = null;
      if (c.post !== undefined) {
        if (reverted) problem = `contract reverted (${e.exceptionError.error}, data ${got.slice(0, 138)}), fpvm post ${c.post}`;
        else if (got !== c.post) problem = `contract returned ${got}, fpvm post ${c.post}`;
        else if (c.postState !== undefined) {
          // The one anonymous LOG0 carries the post-state witness.
          const logs = e.logs ?? [];
          const data = logs.length === 1 && logs[0][1].length === 0 ? hex(logs[0][2]) : `${logs.length} logs`;
          if (data !== c.postState) problem = `LOG0 ${data.slice(0, 80)}…, fpvm post-state ${c.postState.slice(0, 80)}…`;
          else ++stats.logs;
        }
      } else if (!reverted || e.exceptionError.error !== 'revert') {
        problem = `contract ${reverted ? e.exceptionError.error : `returned ${got}`}, fpvm reverts ${c.reason}`;
      } else if (got !== c.revert) {
        problem = `contract revert data ${got.slice(0, 138)}, fpvm ${c.revert.slice(0, 138)} (${c.reason})`;
      }
      if (c.tamper !== undefined) {
        ++stats.tampered;
        if (reverted) {
          ++stats.tamperReverts;
          bump(tamperReasons, c.reason);
        }
        if (!reverted && c.honest && got === c.honest) problem = `tampered (${c.tamper}) yet the honest post hash returned`;
      } else {
        ++stats.steps;
        if (reverted) {
          ++stats.reverts;
          bump(reasons, c.reason);
        } else ++stats.ok;
      }
      if (problem) {
        ++stats.failures;
        if (stats.failures <= 25) console.log(`MISMATCH ${c.test} step ${c.step}${c.tamper ? ` [${c.tamper}]` : ''}: ${problem}`);
      }
    }
  }
  const t2 = performance.now();
  const total = stats.steps + stats.tampered;
  console.log(`replayed ${stats.steps} steps from ${tests.size} tests (${stats.ok} returned a post hash, ` +
              `${stats.reverts} reverted) and ${stats.tampered} tampered steps (${stats.tamperReverts} reverted) ` +
              `in ${((t2 - t1) / 1000).toFixed(1)} s (${((t2 - t1) / Math.max(total, 1)).toFixed(2)} ms/step; ` +
              `setup ${((t1 - t0) / 1000).toFixed(1)} s)`);
  console.log(`LOG0 post-state witnesses compared: ${stats.logs}`);
  console.log(`gas per step: max ${stats.maxGas}, mean ${total ? stats.gas / BigInt(total) : 0n}`);
  console.log(`revert reasons: ${[...reasons].map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'}`);
  console.log(`tampered steps' reverts: ${[...tamperReasons].map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'}`);
  console.log(`oracle parts: ${Object.entries(loader.counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (stats.failures) {
    console.log(`FAILED: ${stats.failures} of ${total} steps disagree with MIPS64.sol`);
    process.exit(1);
  }
  console.log(`OK: all ${total} steps agree with MIPS64.sol`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
