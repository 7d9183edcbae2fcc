// Compiles MIPS64.sol and PreimageOracle.sol (read from the shared test data, never copied into the
// repository) with solc 0.8.15 from npm, as contracts-bedrock builds them: optimizer on with
// 999999 runs, no via-IR. The output (bytecode) is cached in a directory of the
// build tree, keyed by a hash of the sources, the settings and the compiler version.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import solc from 'solc';

/** Compiler settings: contracts-bedrock's optimizer settings; London is solc 0.8.15's default EVM. */
const SETTINGS = {
  optimizer: { enabled: true, runs: 999999 },
  evmVersion: 'london',
  metadata: { bytecodeHash: 'none' },
  outputSelection: { '*': { '*': ['evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

/** The entry points compiled; their imports are resolved by the callback below. */
const ENTRY = ['src/cannon/MIPS64.sol', 'src/cannon/PreimageOracle.sol'];

/** Maps an import path to a file under the contracts folder (contracts-bedrock's remappings). */
function resolveImport(root, path) {
  if (path.startsWith('@lib-keccak/')) return join(root, 'lib-keccak', path.slice('@lib-keccak/'.length));
  return join(root, path);
}

/** Every .sol file under `dir`, sorted, for the cache key. */
function solFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...solFiles(p));
    else if (name.endsWith('.sol')) out.push(p);
  }
  return out;
}

/**
 * Returns { MIPS64: {bytecode, runtimeSize}, PreimageOracle: {...} } for the contracts under
 * `root`, compiling only when `cacheDir` holds no output for the same inputs.
 */
export function compileContracts(root, cacheDir) {
  const hash = createHash('sha256');
  hash.update(solc.version());
  hash.update(JSON.stringify(SETTINGS));
  for (const f of solFiles(root)) hash.update(relative(root, f)).update(readFileSync(f));
  const key = hash.digest('hex').slice(0, 16);
  const cacheFile = join(cacheDir, `mips64-contracts-${key}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8'));

  const sources = {};
  for (const e of ENTRY) sources[e] = { content: readFileSync(join(root, e), 'utf8') };
  const input = { language: 'Solidity', sources, settings: SETTINGS };
  const findImports = (path) => {
    const file = resolveImport(root, path);
    return existsSync(file) ? { contents: readFileSync(file, 'utf8') } : { error: `not found: ${path}` };
  };
  const t0 = Date.now();
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  if (errors.length) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const pick = (file, name) => {
    const c = output.contracts[file][name];
    return { bytecode: c.evm.bytecode.object, runtimeSize: c.evm.deployedBytecode.object.length / 2 };
  };
  const result = {
    compiler: solc.version(),
    MIPS64: pick('src/cannon/MIPS64.sol', 'MIPS64'),
    PreimageOracle: pick('src/cannon/PreimageOracle.sol', 'PreimageOracle'),
  };
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;  // atomic: two replays may compile at once
  writeFileSync(tmp, JSON.stringify(result));
  renameSync(tmp, cacheFile);
  console.log(`compiled MIPS64.sol and PreimageOracle.sol with solc ${solc.version()} in ${Date.now() - t0} ms`);
  return result;
}
