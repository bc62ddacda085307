#!/usr/bin/env node
// Builds the validator's browser stdlib: Pyodide's standard library trimmed to the modules the validator
// imports, precompiled to Python 3.14 bytecode, with asn1crypto and validator_py inside, as one stored zip.
//
// Why: the stock runtime parses and compiles ~200 modules from source at every start and then installs
// wheels; loading bytecode that is already compiled, from one zip the page passes as `stdLibURL`, removes
// both costs. The bytecode is produced by Pyodide itself (run here under Node), so its magic number is
// always the runtime's.
//
//   node scripts/build_stdlib.mjs build --out <dir> [--cache build/runtime-cache] [--wheel <asn1crypto.whl>]
//                                      [--root <project>] [--pyodide <node_modules/pyodide>]
//       writes <dir>/validator-stdlib-<sha256[:12]>.zip and prints a JSON manifest on stdout.
//   node scripts/build_stdlib.mjs check --stdlib <zip|stock> --inputs <json> [--missing]
//       loads Pyodide with that stdlib and runs the validator on {name: {b64, csr?}}; prints JSON results.
//
// Builds are cached by a hash of every input (Pyodide files, wheel, validator sources, this script), so
// a site rebuild that changed only Markdown costs a file copy.

import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inflateRawSync } from "node:zlib";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const TRACE_SCRIPT = join(HERE, "build_stdlib_trace.py");
const SOURCE_ROOT = "/tmp/nuvy_src";
// The fixed clock the corpus is validated at; the sample certificates are valid then.
const TRACE_NOW_MS = Date.UTC(2026, 5, 15, 12, 0, 0);
// Bytecode optimisation level for the standard library (not for validator_py, asn1crypto or Pyodide's own
// packages, which stay at 0; the first two lose only their docstrings): 2 drops docstrings and asserts; see
// pack() in build_stdlib_trace.py.
const OPTIMIZE = 2;
// The interpreter that compiles the bundle runs with PYTHONNODEBUGRANGES (PEP 657's documented switch), so its
// code objects keep line numbers but no column offsets. Those offsets only draw the ^^^ under a traceback's
// line, which no user of the page sees (tracebacks go to the console), and they compress badly: without
// them the standard library's bytecode is 6% smaller raw and 26% smaller with brotli. pack() refuses to
// run without it.
const NO_DEBUG_RANGES = { PYTHONNODEBUGRANGES: "1" };

function fail(message) {
  process.stderr.write(`build_stdlib: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const options = { command };
  for (let index = 0; index < rest.length; index += 1) {
    const key = rest[index];
    if (!key.startsWith("--")) fail(`unexpected argument ${key}; see the usage at the top of this file`);
    const name = key.slice(2);
    if (name === "missing") {
      options.missing = true;
    } else {
      if (index + 1 >= rest.length) fail(`${key} needs a value`);
      options[name] = rest[index + 1];
      index += 1;
    }
  }
  return options;
}

function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

// Minimal reader for the wheel (a zip): enough for stored and deflated entries, which is all pip writes.
function readZip(data) {
  const files = new Map();
  let end = data.length - 22;
  while (end >= 0 && data.readUInt32LE(end) !== 0x06054b50) end -= 1;
  if (end < 0) throw new Error("not a zip file (no end of central directory)");
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  for (let entry = 0; entry < count; entry += 1) {
    const method = data.readUInt16LE(offset + 10);
    const compressedSize = data.readUInt32LE(offset + 20);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    const localOffset = data.readUInt32LE(offset + 42);
    const name = data.toString("utf8", offset + 46, offset + 46 + nameLength);
    const localNameLength = data.readUInt16LE(localOffset + 26);
    const localExtraLength = data.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + localNameLength + localExtraLength;
    const raw = data.subarray(start, start + compressedSize);
    if (!name.endsWith("/")) {
      if (method === 0) files.set(name, Buffer.from(raw));
      else if (method === 8) files.set(name, inflateRawSync(raw));
      else throw new Error(`${name}: unsupported zip compression method ${method}`);
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

function walkPython(directory) {
  const found = [];
  for (const entry of readdirSync(directory).sort()) {
    const path = join(directory, entry);
    if (entry === "__pycache__") continue;
    if (statSync(path).isDirectory()) found.push(...walkPython(path));
    else if (entry.endsWith(".py")) found.push(path);
  }
  return found;
}

function gatherInputs(options) {
  // --root lets the site build point at another checkout (its tests build from a copy of the project).
  const root = resolve(options.root ?? ROOT);
  const pyodideDir = resolve(options.pyodide ?? join(root, "node_modules/pyodide"));
  const wheel = resolve(options.wheel ?? join(root, "build/wheels/asn1crypto-1.5.1-py2.py3-none-any.whl"));
  const validatorDir = join(root, "validator_py");
  const samplesDir = join(root, "docs/assets/samples");
  const caDir = join(root, "docs/assets/ca");
  for (const [path, fix] of [
    [join(pyodideDir, "pyodide.mjs"), "run `npm ci` in the project root"],
    [wheel, "download it with `nox -s build` (pip download --require-hashes -r browser-requirements.txt)"],
    [join(validatorDir, "__init__.py"), "the validator package is missing from the checkout"],
    [caDir, "the build needs the environments' CA certificates under docs/assets/ca/<id>/nuvy-ca.crt"],
  ]) {
    if (!existsSync(path)) fail(`${relative(root, path)}: not found; ${fix}`);
  }
  const sources = new Map();
  for (const [name, data] of readZip(readFileSync(wheel))) {
    if (name.startsWith("asn1crypto/") && name.endsWith(".py")) sources.set(name, data);
  }
  for (const path of walkPython(validatorDir)) sources.set(relative(root, path), readFileSync(path));
  // The samples are optional: they add real client certificates to the trace when the site has them.
  const samples = {};
  for (const name of existsSync(samplesDir) ? readdirSync(samplesDir).sort() : []) {
    if (statSync(join(samplesDir, name)).isFile()) samples[name] = readFileSync(join(samplesDir, name));
  }
  const environments = readdirSync(caDir).sort().filter((id) => existsSync(join(caDir, id, "nuvy-ca.crt"))).map((id) => ({
    id,
    name: id,
    ca_pem: readFileSync(join(caDir, id, "nuvy-ca.crt"), "ascii"),
  }));
  const hash = createHash("sha256");
  const feed = (label, data) => hash.update(`${label}\0${data.length}\0`).update(data);
  for (const file of ["package.json", "pyodide.asm.wasm", "pyodide.asm.mjs", "python_stdlib.zip"]) {
    feed(file, readFileSync(join(pyodideDir, file)));
  }
  for (const [name, data] of [...sources].sort()) feed(name, data);
  for (const [name, data] of Object.entries(samples)) feed(`sample:${name}`, data);
  feed("environments", Buffer.from(JSON.stringify(environments)));
  feed("builder", readFileSync(fileURLToPath(import.meta.url)));
  feed("trace", readFileSync(TRACE_SCRIPT));
  feed("optimize", Buffer.from(String(OPTIMIZE)));
  return { pyodideDir, sources, samples, environments, inputHash: hash.digest("hex") };
}

async function startPyodide(pyodideDir, extra = {}) {
  const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
  const captured = [];
  const pyodide = await loadPyodide({
    indexURL: `${pyodideDir}/`,
    stdout: (line) => captured.push(line),
    stderr: (line) => captured.push(line),
    ...extra,
  });
  return { pyodide, captured };
}

function samplesJson(samples) {
  return JSON.stringify(Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.toString("base64")])));
}

async function build(options) {
  if (!options.out) fail("build needs --out <directory>");
  const inputs = gatherInputs(options);
  const cacheDir = resolve(options.cache ?? join(ROOT, "build/runtime-cache"));
  const cachedZip = join(cacheDir, `${inputs.inputHash}.zip`);
  const cachedManifest = join(cacheDir, `${inputs.inputHash}.json`);
  let manifest;
  let archive;
  if (existsSync(cachedZip) && existsSync(cachedManifest)) {
    archive = readFileSync(cachedZip);
    manifest = { ...JSON.parse(readFileSync(cachedManifest, "utf8")), cached: true };
    if (sha256(archive) !== manifest.sha256) fail(`${cachedZip}: cache entry is corrupt; delete ${cacheDir}`);
  } else {
    const { pyodide, captured } = await startPyodide(inputs.pyodideDir, { env: NO_DEBUG_RANGES });
    for (const [name, data] of inputs.sources) {
      const path = `${SOURCE_ROOT}/${name}`;
      pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
      pyodide.FS.writeFile(path, data);
    }
    pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(SOURCE_ROOT)})`);
    pyodide.runPython(readFileSync(TRACE_SCRIPT, "utf8"));
    const exercise = pyodide.globals.get("exercise");
    const results = JSON.parse(
      await exercise(samplesJson(inputs.samples), JSON.stringify(inputs.environments), TRACE_NOW_MS),
    );
    const internal = Object.entries(results).filter(([, r]) => !r.ok && r.code === "internal");
    if (internal.length) {
      fail(`the validator hit internal errors while tracing (${internal.map(([n]) => n).join(", ")}):\n${captured.join("\n")}`);
    }
    const origins = pyodide.globals.get("needed_modules")().toJs();
    archive = Buffer.from(pyodide.globals.get("pack")(origins, OPTIMIZE).toJs());
    manifest = {
      file: `validator-stdlib-${sha256(archive).slice(0, 12)}.zip`,
      sha256: sha256(archive),
      bytes: archive.length,
      modules: origins.length,
      input_hash: inputs.inputHash,
      pyodide_version: JSON.parse(readFileSync(join(inputs.pyodideDir, "package.json"), "utf8")).version,
      python: pyodide.runPython("import sys; sys.version.split()[0]"),
      cached: false,
    };
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cachedZip, archive);
    writeFileSync(cachedManifest, JSON.stringify({ ...manifest, cached: undefined }));
  }
  const outDir = resolve(options.out);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, manifest.file), archive);
  process.stdout.write(`${JSON.stringify(manifest)}\n`);
}

// Records every import that no finder could satisfy, so a test can compare the trimmed stdlib with stock:
// some misses are normal (optional accelerators, Windows modules) and happen with both.
const MISSING_FINDER = `
import sys
class _RecordMissing:
    missing = []
    @classmethod
    def find_spec(cls, fullname, path=None, target=None):
        cls.missing.append(fullname)
        return None
sys.meta_path.append(_RecordMissing)
`;

async function check(options) {
  if (!options.stdlib || !options.inputs) fail("check needs --stdlib <zip|stock> and --inputs <json>");
  const inputs = gatherInputs(options);
  const stock = options.stdlib === "stock";
  const extra = stock ? {} : { stdLibURL: resolve(options.stdlib), lockFileContents: minimalLock(inputs.pyodideDir), packages: [] };
  const { pyodide, captured } = await startPyodide(inputs.pyodideDir, extra);
  if (options.missing) pyodide.runPython(MISSING_FINDER);
  if (stock) {
    for (const [name, data] of inputs.sources) {
      const path = `${SOURCE_ROOT}/${name}`;
      pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
      pyodide.FS.writeFile(path, data);
    }
    pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(SOURCE_ROOT)})`);
  }
  const browser = pyodide.pyimport("validator_py.browser");
  const corpus = JSON.parse(readFileSync(resolve(options.inputs), "utf8"));
  const environments = JSON.stringify(corpus.environments ?? inputs.environments);
  const nowMs = corpus.now_ms ?? TRACE_NOW_MS;
  const results = {};
  for (const [name, item] of Object.entries(corpus.items)) {
    const data = item.text ?? new Uint8Array(Buffer.from(item.b64, "base64"));
    results[name] = JSON.parse(await browser.run(data, environments, item.selected ?? "qa", nowMs, item.csr ?? null));
  }
  const missing = options.missing ? pyodide.runPython("sorted(set(_RecordMissing.missing))").toJs() : [];
  const modules = pyodide.runPython("import sys; sorted(sys.modules)").toJs();
  // Where the validator's code says it is (line, end line, columns), for the test that the bundle keeps
  // line numbers and drops column offsets.
  const positions = JSON.parse(pyodide.runPython(
    "import json, validator_py.browser as b; json.dumps([list(p) for p in b._error.__code__.co_positions()])",
  ));
  process.stdout.write(`${JSON.stringify({ results, missing, modules, positions, output: captured })}\n`);
}

// An empty lock file: the runtime needs no packages, so there is nothing to fetch (no pyodide-lock.json
// request at start-up); the info block must still name this Pyodide build.
function minimalLock(pyodideDir) {
  const lock = JSON.parse(readFileSync(join(pyodideDir, "pyodide-lock.json"), "utf8"));
  return { info: lock.info, packages: {} };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  try {
    if (options.command === "build") await build(options);
    else if (options.command === "check") await check(options);
    else fail("usage: build_stdlib.mjs build --out <dir> | check --stdlib <zip|stock> --inputs <json>");
  } catch (error) {
    // A Python error carries its traceback in the message; Node's default report would print the whole
    // minified Pyodide loader around it.
    fail(`${error?.message ?? error}`.slice(-6000));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
