// Starts Node-RED for the browser tests the way `npm start` does — `node scripts/start.js --port <p>
// --user-dir <dir>` — on a free loopback port with a throw-away user directory, and always stops it
// again: the child runs in its own process group and the whole group is killed (SIGTERM, then SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..', '..'); // dist/test/e2e/harness -> repo

/**
 * The Node-RED that scripts/start.js runs, resolved as it does: the one in NODE_RED_PREFIX's node_modules
 * (CI's Node-RED 5 leg) or the devDependency.
 */
export function nodeRedUnderTest(): { version: string; dir: string } {
  const from = process.env.NODE_RED_PREFIX ? path.resolve(process.env.NODE_RED_PREFIX) : repoRoot;
  const pkg = require.resolve('node-red/package.json', { paths: [from] });
  return { version: String(JSON.parse(fs.readFileSync(pkg, 'utf8')).version), dir: path.dirname(pkg) };
}

export interface ServerOptions {
  /** Script to run; default scripts/start.js. */
  script?: string;
  /** Extra arguments after --port/--user-dir. */
  args?: string[];
  /** Give up when the editor is not served within this many ms. */
  startTimeoutMs?: number;
  /** Where the server's stdout/stderr are copied (a file), besides memory. */
  logFile?: string;
}

export interface NodeRedServer {
  url: string; // editor URL, ends with '/'
  port: number;
  userDir: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** GET a loopback URL; resolves with status and body (never rejects on HTTP status). */
export function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout GET ${url}`)));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Every group we started, so an abrupt end of the test process (an uncaught error, Ctrl+C, a CI
// timeout's SIGTERM) still takes them down.
const liveGroups = new Set<number>();
function killLiveGroups() {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  liveGroups.clear();
}
process.on('exit', killLiveGroups);
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.once(signal, () => {
    killLiveGroups();
    // playwright-core has its own handler that closes Chromium and then exits; without one, exit here
    if (process.listenerCount(signal) === 0) process.exit(code);
  });
}

export async function startNodeRed(options: ServerOptions = {}): Promise<NodeRedServer> {
  const port = await freePort();
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-e2e-user-'));
  const script = options.script ?? path.join(repoRoot, 'scripts', 'start.js');
  if (!fs.existsSync(script)) throw new Error(`cannot start Node-RED: ${script} does not exist`);
  const args = [script, '--port', String(port), '--user-dir', userDir, ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    detached: true, // own process group: stop() kills the group, grandchildren included
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test', BROWSER: 'none' },
  });
  if (child.pid === undefined) throw new Error('spawn failed');
  const pgid = child.pid;
  liveGroups.add(pgid);

  let out = '';
  const log = options.logFile ? fs.createWriteStream(options.logFile) : undefined;
  const onData = (chunk: Buffer) => {
    const s = chunk.toString('utf8');
    out += s;
    log?.write(s);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const signal = async (sig: NodeJS.Signals) => {
      try {
        process.kill(-pgid, sig);
      } catch {
        /* group gone */
      }
    };
    if (!exited) {
      await signal('SIGTERM');
      await Promise.race([exitPromise, sleep(8000)]);
    }
    await signal('SIGKILL'); // whatever of the group is left (grandchildren too)
    liveGroups.delete(pgid);
    log?.end();
    fs.rmSync(userDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60000);
  try {
    // 1. the editor URL printed by the start script (or by Node-RED itself)
    let url: string | undefined;
    const urlRe = new RegExp(`https?://(?:127\\.0\\.0\\.1|localhost|\\[::1\\]):${port}(?:/[^\\s'"]*)?`);
    while (!url) {
      if (exited) throw new Error(`Node-RED exited (${exited.code ?? exited.signal}) before serving the editor:\n${out}`);
      if (Date.now() > deadline) throw new Error(`no editor URL for port ${port} printed in time:\n${out}`);
      const m = urlRe.exec(out);
      if (m) url = m[0].endsWith('/') ? m[0] : `${m[0]}/`;
      else await sleep(100);
    }
    // 2. the editor page actually served, and the runtime's flows loaded
    for (;;) {
      if (exited) throw new Error(`Node-RED exited (${exited.code ?? exited.signal}):\n${out}`);
      if (Date.now() > deadline) throw new Error(`editor at ${url} not served in time:\n${out}`);
      try {
        const res = await httpGet(url);
        const flows = await httpGet(new URL('flows', url).href);
        if (res.status === 200 && flows.status === 200) break;
      } catch {
        /* not listening yet */
      }
      await sleep(200);
    }
    return { url, port, userDir, child, output: () => out, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
