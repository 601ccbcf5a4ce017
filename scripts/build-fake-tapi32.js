'use strict';
// Builds the fake Tapi32 used by the tests and its message-drain baseline (test/fake-tapi32/drain_bench).
// The far-end sequences are generated from the simulator's scenario table (the compiled
// dist/lib/tapi/providers/simulator/scenarios.js), so the fake and the simulator play the same numbers
// with the same timing. Skips work when up to date.
//
//   node scripts/build-fake-tapi32.js                      Linux: test/fake-tapi32/libtapi32.so (gcc), test/fake-winmm/libwinmm.so
//   node scripts/build-fake-tapi32.js --target win32-x64   test/fake-tapi32/build/win32-x64/fake-tapi.dll
//   node scripts/build-fake-tapi32.js --target win32-ia32  test/fake-tapi32/build/win32-ia32/fake-tapi.dll
//
// The library is every test/fake-tapi32/fake_*.c (a new fake_*.c joins by its name alone); the other
// .c files there are bench tools. The DLL is not named tapi32.dll: Wine would load its own stub instead.
// Beside it, the fake winmm (test/fake-winmm/fake_*.c: waveOut* / waveIn*, the call's audio) is a library of
// its own, as winmm.dll is: test/fake-winmm/libwinmm.so, or build/<target>/fake-winmm.dll (not winmm.dll, for
// the same reason).
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const dir = path.join(root, 'test', 'fake-tapi32');
const buildDir = path.join(dir, 'build');
const lib = path.join(dir, 'libtapi32.so');
const winmmDir = path.join(root, 'test', 'fake-winmm');
const winmmLib = path.join(winmmDir, 'libwinmm.so');
const bench = path.join(dir, 'drain_bench');
const header = path.join(buildDir, 'scenarios.h');
const scenariosJs = path.join(root, 'dist', 'lib', 'tapi', 'providers', 'simulator', 'scenarios.js');
const constantsJs = path.join(root, 'dist', 'lib', 'tapi', 'constants.js');

function fail(message) {
  console.error(`build-fake-tapi32: ${message}`);
  process.exit(1);
}

const targets = [];
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--target' && process.argv[i + 1]) targets.push(process.argv[++i]);
  else fail(`unknown argument ${process.argv[i]} (use --target linux|win32-x64|win32-ia32)`);
}
if (!targets.length) {
  if (process.platform === 'win32') {
    console.log('build-fake-tapi32: skipped on Windows (cross-compile from Linux with --target win32-x64 / win32-ia32)');
    process.exit(0);
  }
  targets.push('linux');
}
const TARGETS = {
  linux: { cc: process.env.CC || 'gcc', install: 'gcc (Debian/Ubuntu: apt-get install gcc; Alpine: apk add build-base) or set CC' },
  'win32-x64': { cc: 'x86_64-w64-mingw32-gcc', install: 'mingw-w64 (Debian/Ubuntu: apt-get install mingw-w64)' },
  'win32-ia32': { cc: 'i686-w64-mingw32-gcc', install: 'mingw-w64 (Debian/Ubuntu: apt-get install mingw-w64)' },
};
for (const t of targets) {
  const target = TARGETS[t];
  if (!target) fail(`unknown target ${t} (linux, win32-x64, win32-ia32)`);
  const probe = spawnSync(target.cc, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    fail(`"${target.cc}" was not found; the win32-provider tests need a C compiler to build the fake Tapi32. Install ${target.install}.`);
  }
}

for (const f of [scenariosJs, constantsJs]) {
  if (!fs.existsSync(f)) fail(`${path.relative(root, f)} is missing: run "npm run build" (tsc) first`);
}

// ---- scenarios.h from the simulator's table ---------------------------------------------------
const { TEST_NUMBERS, DEFAULT_SCENARIO, DIAL_TIMING } = require(scenariosJs);
const { LINECALLSTATE, CALLSTATE_MODE_TABLE, LINEMEDIAMODE } = require(constantsJs);

function cNumber(n) {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) fail(`bad delay ${n} in scenarios.ts`);
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

function cScenario(s, match) {
  if (s.steps.length > 16) fail(`scenario ${match} has more than 16 steps`);
  const steps = s.steps.map((step) => {
    const key = step.state.toUpperCase();
    const state = LINECALLSTATE[key];
    if (state === undefined) fail(`unknown state "${step.state}" in scenarios.ts`);
    let mode = 0;
    if (step.mode !== undefined) {
      const table = CALLSTATE_MODE_TABLE[key];
      mode = table ? table[step.mode] : undefined;
      if (mode === undefined) fail(`unknown mode "${step.mode}" for state "${step.state}" in scenarios.ts`);
    }
    return `{${cNumber(step.after)}, 0x${state.toString(16)}u, 0x${mode.toString(16)}u}`;
  });
  // What the far end does once connected (issue 12): keys it presses, hanging up on a generated digit, media.
  const far = s.farEnd || {};
  const presses = far.presses;
  if (presses && !/^[0-9*#A-D]+$/.test(presses.digits)) fail(`scenario ${match}: presses are 0-9 * # A-D`);
  let media = 0;
  if (far.media) {
    media = LINEMEDIAMODE[far.media.mode.toUpperCase()];
    if (!media) fail(`scenario ${match}: unknown media mode ${far.media.mode}`);
  }
  const farEnd = [
    presses ? JSON.stringify(presses.digits) : 'NULL',
    cNumber(presses ? presses.after : 0),
    cNumber(presses ? presses.interval : 0),
    far.hangsUpOnGeneratedDigit ? '1' : '0',
    `0x${media.toString(16)}u`,
    cNumber(far.media ? far.media.after : 0),
  ];
  return `{${JSON.stringify(match)}, ${s.steps.length}u, {${steps.join(', ')}}, ${farEnd.join(', ')}}`;
}

const rules = TEST_NUMBERS.map((s) => {
  if (typeof s.match !== 'string' || !/^[0-9*#A-D]+$/.test(s.match)) {
    fail(`scenario ${String(s.match)}: the fake supports digit-suffix rules only`);
  }
  return cScenario(s, s.match);
});

const generated = `/* Generated by scripts/build-fake-tapi32.js from lib/tapi/providers/simulator/scenarios.ts. */
#ifndef FAKE_TAPI_SCENARIOS_H
#define FAKE_TAPI_SCENARIOS_H
#include <stddef.h>
#include <stdint.h>
typedef struct { double after; uint32_t state; uint32_t mode; } fake_step_t;
typedef struct {
    const char *match;
    uint32_t count;
    fake_step_t steps[16];
    const char *presses; /* DTMF keys the far end presses once connected (NULL: none) */
    double presses_after, presses_interval;
    int hangs_up_on_generated; /* hangs up as soon as it hears a digit we generate */
    uint32_t media_mode; /* LINEMEDIAMODE_* detected media_after seconds after connecting (0: none) */
    double media_after;
} fake_scenario_t;
#define FAKE_DIAL_TIMING_DIALTONE ${cNumber(DIAL_TIMING.dialtone)}
#define FAKE_DIAL_TIMING_DIALING ${cNumber(DIAL_TIMING.dialing)}
#define FAKE_DIAL_TIMING_PROCEEDING ${cNumber(DIAL_TIMING.proceeding)}
#define FAKE_SCENARIO_COUNT ${rules.length}u
static const fake_scenario_t fake_scenarios[] = {
    ${rules.join(',\n    ')}
};
static const fake_scenario_t fake_default_scenario = ${cScenario(DEFAULT_SCENARIO, '')};
#endif
`;

fs.mkdirSync(buildDir, { recursive: true });
if (!fs.existsSync(header) || fs.readFileSync(header, 'utf8') !== generated) fs.writeFileSync(header, generated);

// ---- compile ------------------------------------------------------------------------------------
const librarySources = fs
  .readdirSync(dir)
  .filter((f) => /^fake_.*\.c$/.test(f))
  .sort()
  .map((f) => path.join(dir, f));
const headers = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.h'))
  .map((f) => path.join(dir, f));
const flags = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-O2', '-g', '-pthread'];

function mtime(f) {
  return fs.statSync(f).mtimeMs;
}
function upToDate(output, inputs) {
  if (!fs.existsSync(output)) return false;
  const out = mtime(output);
  return inputs.every((f) => mtime(f) <= out);
}
function run(cc, args) {
  const r = spawnSync(cc, args, { stdio: 'inherit' });
  if (r.error) fail(r.error.message);
  if (r.status !== 0) fail(`${cc} failed (exit ${r.status})`);
}

const libInputs = [...librarySources, ...headers, header, __filename];
const winmmSources = fs
  .readdirSync(winmmDir)
  .filter((f) => /^fake_.*\.c$/.test(f))
  .sort()
  .map((f) => path.join(winmmDir, f));
const winmmInputs = [
  ...winmmSources,
  ...fs
    .readdirSync(winmmDir)
    .filter((f) => f.endsWith('.h'))
    .map((f) => path.join(winmmDir, f)),
  path.join(dir, 'fake_export.h'),
  __filename,
];

function buildLinux() {
  const gcc = TARGETS.linux.cc;
  if (upToDate(lib, libInputs)) {
    console.log('build-fake-tapi32: libtapi32.so is up to date');
  } else {
    run(gcc, [
      ...flags,
      '-fPIC',
      '-shared',
      '-fvisibility=hidden',
      '-I',
      buildDir,
      '-I',
      dir,
      '-Wl,-z,nodelete',
      '-Wl,--no-undefined',
      '-Wl,-soname,libtapi32.so',
      '-o',
      lib,
      ...librarySources,
    ]);
    console.log(`build-fake-tapi32: built ${path.relative(root, lib)}`);
  }
  if (upToDate(winmmLib, winmmInputs)) {
    console.log('build-fake-tapi32: libwinmm.so is up to date');
  } else {
    run(gcc, [
      ...flags,
      '-fPIC',
      '-shared',
      '-fvisibility=hidden',
      '-I',
      dir,
      '-Wl,-z,nodelete',
      '-Wl,--no-undefined',
      '-Wl,-soname,libwinmm.so',
      '-o',
      winmmLib,
      ...winmmSources,
    ]);
    console.log(`build-fake-tapi32: built ${path.relative(root, winmmLib)}`);
  }
  const benchInputs = [path.join(dir, 'drain_bench.c'), path.join(dir, 'tapi_abi.h'), path.join(dir, 'fake_control.h'), lib, __filename];
  if (upToDate(bench, benchInputs)) {
    console.log('build-fake-tapi32: drain_bench is up to date');
  } else {
    run(gcc, [...flags, '-I', dir, '-o', bench, path.join(dir, 'drain_bench.c'), '-L', dir, '-ltapi32', '-Wl,-rpath,$ORIGIN']);
    console.log(`build-fake-tapi32: built ${path.relative(root, bench)}`);
  }
}

/** The Windows DLL: stdcall line* exports, undecorated (--kill-at), no runtime DLLs beside it (-static). */
function buildWindows(t) {
  const out = windowsLibraryPath(t);
  if (upToDate(out, libInputs)) {
    console.log(`build-fake-tapi32: ${path.relative(root, out)} is up to date`);
  } else {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    run(TARGETS[t].cc, [...flags, '-shared', '-static', '-Wl,--kill-at', '-I', buildDir, '-I', dir, '-o', out, ...librarySources]);
    console.log(`build-fake-tapi32: built ${path.relative(root, out)}`);
  }
  const winmm = path.join(winmmDir, 'build', t, 'fake-winmm.dll');
  if (upToDate(winmm, winmmInputs)) {
    console.log(`build-fake-tapi32: ${path.relative(root, winmm)} is up to date`);
  } else {
    fs.mkdirSync(path.dirname(winmm), { recursive: true });
    run(TARGETS[t].cc, [...flags, '-shared', '-static', '-Wl,--kill-at', '-I', dir, '-o', winmm, ...winmmSources]);
    console.log(`build-fake-tapi32: built ${path.relative(root, winmm)}`);
  }
}

function windowsLibraryPath(t) {
  return path.join(buildDir, t, 'fake-tapi.dll');
}

for (const t of targets) {
  if (t === 'linux') buildLinux();
  else buildWindows(t);
}
