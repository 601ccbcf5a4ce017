// The package as npm ships it (npm run test:package, not part of npm test: it packs, installs from the
// npm registry's cache and starts Node-RED, about a minute). `npm pack` (prepack builds), the file list
// against an explicit allow-list, then the tarball installed into a fresh Node-RED user directory:
// Node-RED starts, registers the three node types with no error, and example (a) places a call on the
// simulator. NODE_RED_PREFIX selects another Node-RED (a folder whose node_modules holds it).
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';
import { freePort } from '../e2e/harness/server';

const { declarationClosure } = require('../../../scripts/declaration-closure') as {
  declarationClosure(entry: string): Set<string>;
};

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const REPOSITORY = 'https://github.com/node-red-contrib-tapi/node-red-contrib-tapi';
const NODE_FILES = ['tapi-line', 'make-call', 'call-state', 'call-control', 'digits', 'play', 'record', 'simulate'];
const LOCALES = ['en-US', 'de'];

/** Every file the tarball must hold, by exact name. */
const REQUIRED = [
  'package.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'resources/tapi-dial-policy.js',
  'dist/lib/tapi/index.js',
  'dist/lib/tapi/index.d.ts',
  ...NODE_FILES.flatMap((f) => [`dist/nodes/${f}.js`, `dist/nodes/${f}.html`]),
  ...NODE_FILES.flatMap((f) => LOCALES.flatMap((l) => [`dist/nodes/locales/${l}/${f}.json`, `dist/nodes/locales/${l}/${f}.html`])),
  'dist/nodes/icons/tapi-line.svg',
  'dist/nodes/icons/tapi-make-call.svg',
  'dist/nodes/icons/tapi-call-state.svg',
  'dist/nodes/icons/tapi-call-control.svg',
  'dist/nodes/icons/tapi-digits.svg',
  'dist/nodes/icons/tapi-play.svg',
  'dist/nodes/icons/tapi-record.svg',
  'dist/nodes/icons/tapi-simulate.svg',
  ...fs.readdirSync(path.join(repoRoot, 'examples')).map((f) => `examples/${f}`),
];

/** The only shapes a file in the tarball may have (declarations are checked separately). */
const ALLOWED = [
  /^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/,
  /^resources\/tapi-dial-policy\.js$/,
  /^examples\/[\w-]+\.(json|wav)$/,
  /^dist\/lib\/tapi\/[\w/-]+\.(js|d\.ts)$/,
  /^dist\/nodes\/(tapi-line|make-call|call-state|call-control|digits|play|record|simulate)\.(js|html)$/,
  /^dist\/nodes\/lib\/[\w-]+\.js$/,
  /^dist\/nodes\/icons\/[\w-]+\.svg$/,
  /^dist\/nodes\/locales\/(en-US|de)\/(tapi-line|make-call|call-state|call-control|digits|play|record|simulate)\.(json|html)$/,
];

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

function request(url: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { Accept: 'application/json' }, timeout: 10000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

/** A debug node's console line shows an object with util.inspect: `state: 'idle'`. */
const shows = (key: string, value: string) => new RegExp(`\\b${key}['"]?: ['"]${value}['"]`);

async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the npm package (npm pack, installed into a fresh Node-RED)', function () {
  let work: string;
  let tarball: string;
  let files: string[];
  let unpacked: string;

  before(function () {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-package-'));
    const out = npm(['pack', '--json', '--pack-destination', work], repoRoot);
    const report = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, report[0].filename);
    files = report[0].files.map((f) => f.path).sort();
    unpacked = path.join(work, 'unpacked');
    fs.mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds every required file and nothing outside the allow-list (no source maps, no .ts sources)', function () {
    assert.deepEqual(
      REQUIRED.filter((f) => !files.includes(f)),
      [],
      'missing from the tarball',
    );
    assert.deepEqual(
      files.filter((f) => !ALLOWED.some((re) => re.test(f))),
      [],
      'not on the allow-list',
    );
    assert.deepEqual(
      files.filter((f) => f.endsWith('.map') || (f.endsWith('.ts') && !f.endsWith('.d.ts'))),
      [],
    );
  });

  it('ships declarations for the library surface only: exactly what "types" reaches', function () {
    const pkg = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
    const closure = [...declarationClosure(path.join(unpacked, pkg.types))].map((f) => path.relative(unpacked, f)).sort();
    assert.deepEqual(
      files.filter((f) => f.endsWith('.d.ts')),
      closure,
    );
    assert.ok(closure.length > 5 && closure.every((f) => f.startsWith('dist/lib/')), closure.join(' '));
  });

  it('every relative require of the shipped JavaScript resolves inside the package', function () {
    const broken: string[] = [];
    for (const file of files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(unpacked, file), 'utf8');
      for (const m of text.matchAll(/\brequire\("(\.{1,2}\/[^"]+)"\)/g)) {
        const base = path.posix.join(path.posix.dirname(file), m[1]);
        if (![base, `${base}.js`, `${base}/index.js`].some((c) => files.includes(c))) broken.push(`${file} -> ${m[1]}`);
      }
      if (/sourceMappingURL=/.test(text)) broken.push(`${file}: points at a source map`);
    }
    assert.deepEqual(broken, []);
  });

  it('LICENSE is the full Apache-2.0 text; README and CHANGELOG link by absolute URL to the one repository', function () {
    const license = fs.readFileSync(path.join(unpacked, 'LICENSE'), 'utf8');
    assert.match(license, /TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION/);
    assert.match(license, /END OF TERMS AND CONDITIONS/);
    const pkg = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
    assert.equal(pkg.repository.url, `git+${REPOSITORY}.git`);
    assert.equal(pkg.homepage, `${REPOSITORY}#readme`);
    for (const doc of ['README.md', 'CHANGELOG.md']) {
      const text = fs.readFileSync(path.join(unpacked, doc), 'utf8');
      const links = [...text.matchAll(/\]\(([^)\s]+)[^)]*\)/g)].map((m) => m[1]);
      assert.deepEqual(
        links.filter((l) => !/^https?:\/\//.test(l) && !l.startsWith('#')),
        [],
        `${doc}: relative links`,
      );
      const github = links.filter((l) => l.startsWith('https://github.com/'));
      assert.deepEqual(
        github.filter((l) => l !== REPOSITORY && !l.startsWith(REPOSITORY + '/')),
        [],
        `${doc}: links to another repository`,
      );
      if (doc === 'CHANGELOG.md') assert.ok(github.length > 0);
    }
    const readme = fs.readFileSync(path.join(unpacked, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]);
    assert.ok(images.length > 0 && images.every((u) => u.startsWith(`${REPOSITORY}/raw/`)), images.join(' '));
  });

  describe('installed into a fresh Node-RED user directory', function () {
    let userDir: string;
    let child: ChildProcess | undefined;
    let log = '';
    let base: string;

    before(async function () {
      userDir = path.join(work, 'user');
      fs.mkdirSync(userDir);
      fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', version: '0.0.1', private: true }));
      npm(['install', '--omit=dev', '--no-package-lock', tarball], userDir);
      const flows = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', '01-dial-and-monitor.json'), 'utf8')) as Array<
        Record<string, unknown>
      >;
      for (const n of flows) if (n.type === 'debug') n.console = true; // debug output goes to the runtime log
      fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows));
      const port = await freePort();
      fs.writeFileSync(
        path.join(userDir, 'settings.js'),
        `module.exports = ${JSON.stringify({
          uiHost: '127.0.0.1',
          uiPort: port,
          userDir,
          flowFile: 'flows.json',
          credentialSecret: false,
          editorTheme: { tours: false, projects: { enabled: false } },
          telemetry: { enabled: false, updateNotification: false },
          logging: { console: { level: 'info', metrics: false, audit: false } },
        })};\n`,
      );
      const prefix = process.env.NODE_RED_PREFIX ? path.resolve(process.env.NODE_RED_PREFIX) : repoRoot;
      const redJs = require.resolve('node-red/red.js', { paths: [prefix] });
      child = spawn(process.execPath, [redJs, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')], {
        cwd: userDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
      base = `http://127.0.0.1:${port}/`;
      await waitFor(
        () => /Started flows/.test(log) || /\[error\]/.test(log) || child!.exitCode !== null,
        60000,
        `Node-RED to start:\n${log}`,
      );
    });

    after(async function () {
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });

    it('the installed package holds no link and no development file', function () {
      const installed = path.join(userDir, 'node_modules', 'node-red-contrib-tapi');
      assert.equal(fs.lstatSync(installed).isSymbolicLink(), false);
      assert.equal(fs.existsSync(path.join(installed, 'dist', 'test')), false);
      assert.ok(fs.existsSync(path.join(userDir, 'node_modules', 'koffi', 'package.json')), 'koffi installed as a dependency');
    });

    it('Node-RED registers the eight node types with no error (GET /nodes, runtime log)', async function () {
      const res = await request(`${base}nodes`);
      assert.equal(res.status, 200);
      let list: Array<{ module: string; types: string[]; enabled: boolean; err?: string; version: string }>;
      try {
        list = JSON.parse(res.body);
      } catch {
        throw new Error(`GET /nodes did not answer JSON: ${res.body.slice(0, 200)}`);
      }
      const ours = list.filter((n) => n.module === 'node-red-contrib-tapi');
      assert.deepEqual(
        ours.map((n) => ({ types: n.types, enabled: n.enabled, err: n.err })),
        [
          { types: ['tapi-line'], enabled: true, err: undefined },
          { types: ['tapi-make-call'], enabled: true, err: undefined },
          { types: ['tapi-call-state'], enabled: true, err: undefined },
          { types: ['tapi-call-control'], enabled: true, err: undefined },
          { types: ['tapi-digits'], enabled: true, err: undefined },
          { types: ['tapi-play'], enabled: true, err: undefined },
          { types: ['tapi-record'], enabled: true, err: undefined },
          { types: ['tapi-simulate'], enabled: true, err: undefined },
        ],
      );
      assert.doesNotMatch(log, /\[error\]|Cannot find module|Waiting for missing types|Failed to register/);
      assert.match(log, /Started flows/);
      const prefix = process.env.NODE_RED_PREFIX ? path.resolve(process.env.NODE_RED_PREFIX) : repoRoot;
      const expected = JSON.parse(fs.readFileSync(require.resolve('node-red/package.json', { paths: [prefix] }), 'utf8')).version;
      assert.equal(/Node-RED version: v(\S+)/.exec(log)?.[1].replace(/-git$/, ''), expected, 'the Node-RED under test started');
    });

    it('the editor gets the German catalog and the dial-policy compiler', async function () {
      const de = await request(`${base}locales/node-red-contrib-tapi/make-call?lng=de`);
      assert.equal(de.status, 200);
      assert.equal(JSON.parse(de.body)['make-call'].paletteLabel, 'Anruf tätigen');
      const bundle = await request(`${base}resources/node-red-contrib-tapi/tapi-dial-policy.js`);
      assert.equal(bundle.status, 200);
      assert.match(bundle.body, /window\.TapiDialPolicy/);
    });

    it('example (a) places a call on the simulator: the inject "busy" gives the states through to idle', async function () {
      const flows = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', '01-dial-and-monitor.json'), 'utf8')) as Array<
        Record<string, unknown>
      >;
      const busy = flows.find((n) => n.type === 'inject' && n.name === 'busy');
      assert.ok(busy, 'example (a) has the inject "busy"');
      const res = (await request(`${base}inject/${busy.id}`, 'POST')).status;
      assert.equal(res, 200);
      await waitFor(
        () => shows('outcome', 'busy').test(log) && shows('state', 'idle').test(log),
        30000,
        `the call's outcome in the log:\n${log}`,
      );
      for (const state of ['dialtone', 'dialing', 'proceeding', 'busy', 'disconnected', 'idle']) assert.match(log, shows('state', state));
      assert.doesNotMatch(log, /\[error\]/);
    });
  });
});
