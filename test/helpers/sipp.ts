// SIPp (Debian sip-tester) as a real far end for the SIP tests and the bench: one child process per scenario,
// on 127.0.0.1 with ports picked free, its SIP messages and unexpected messages traced into a temp folder.
// A scenario passed when SIPp exits with 0; otherwise the error names the exit code and ends with the traces.
// Every instance is registered so a test's afterEach can stop what is left (stopAllSipp).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The scenario XMLs (and the pcap they play) in the source tree; the compiled helper is in dist/test/helpers. */
export const SIP_SCENARIO_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'sip');
export const SIPP_HOST = '127.0.0.1';

export interface SippOptions {
  /** a file in test/sip (e.g. 'uas-answer.xml') or one of SIPp's built-in scenarios ({ builtin: 'uac' }) */
  scenario: string | { builtin: 'uac' | 'uas' };
  transport?: 'udp' | 'tcp';
  /** host:port to call (UAC scenarios) */
  remote?: string;
  /** the user part of the Request-URI SIPp calls (-s) */
  service?: string;
  /** calls to process before exiting (-m), default 1 */
  calls?: number;
  /** calls per second (-r) and the most at once (-l), for the bench */
  rate?: number;
  limit?: number;
  /** global timeout in seconds, reaching it is a failure (-timeout, -timeout_error); default 30 */
  timeoutS?: number;
  /** scenario variables (-set name value), e.g. user / password for the digest scenarios */
  vars?: Record<string, string>;
  /** generic keywords (-key name value), e.g. status_line for uas-status.xml */
  keys?: Record<string, string>;
  /** per cent of SIP packets SIPp drops, received and sent (-lost) */
  lost?: number;
  /** echo RTP received on the media port back to its sender (-rtp_echo) */
  rtpEcho?: boolean;
  /**
   * Keep the call this long after the scenario's last step, answering retransmissions (a BYE whose 200 was
   * lost under -lost): appends a <timewait> to a copy of the scenario. UDP only: SIPp counts a call whose TCP
   * connection closes meanwhile as failed.
   */
  lingerMs?: number;
  /** the local address (-i), default 127.0.0.1; e.g. a NetNs's hostAddress for baresip */
  host?: string;
  /** the local SIP port; default: a free one */
  port?: number;
  extraArgs?: string[];
}

export interface SippResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

// started and not yet cleaned up (stop() removes the trace folder too)
const running = new Set<Sipp>();

/** Whether the sipp binary is there (CI installs Debian's sip-tester; see .ci/run). */
export function sippAvailable(): boolean {
  return spawnSync('sipp', ['-v'], { stdio: 'ignore' }).error === undefined;
}

function bindUdp(port: number, host = SIPP_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

function bindTcp(port: number, host = SIPP_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A port p that is free for UDP and TCP, with p+1..p+3 free for UDP too (RTP and RTCP of SIPp's media ports).
 * Random in 20000–59999 so that parallel runs (CI legs, two worktrees) rarely meet; SIPp itself fails fast on a
 * taken port, and start() then retries with new ports.
 */
export async function freePortBlock(size = 4): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20000 + 2 * Math.floor(Math.random() * 20000);
    let ok = (await bindUdp(base)) && (await bindTcp(base));
    for (let i = 1; ok && i < size; i++) ok = await bindUdp(base + i);
    if (ok) return base;
  }
  throw new Error('no free port block found on 127.0.0.1');
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : '…' + text.slice(text.length - max);
}

function readTail(file: string, max: number): string {
  try {
    return tail(fs.readFileSync(file, 'latin1'), max);
  } catch {
    return '(none)';
  }
}

export class Sipp {
  private output = '';
  private exit: Promise<SippResult>;
  private result: SippResult | undefined;

  readonly host: string;
  private constructor(
    readonly options: SippOptions,
    readonly port: number,
    readonly mediaPort: number,
    readonly traceDir: string,
    private readonly child: ChildProcess,
  ) {
    this.host = options.host ?? SIPP_HOST;
    const keep = (chunk: Buffer) => {
      this.output = tail(this.output + chunk.toString('latin1'), 8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exit = new Promise((resolve) => {
      child.once('error', (err) => {
        this.output += `\nspawn failed: ${err.message}`;
        this.result = { code: -1, signal: null };
        resolve(this.result);
      });
      child.once('exit', (code, signal) => {
        this.result = { code, signal };
        resolve(this.result);
      });
    });
  }

  /** Starts SIPp and resolves once it holds its SIP port (a UAS can then be called). */
  static async start(options: SippOptions): Promise<Sipp> {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      const port = options.port ?? (await freePortBlock());
      const mediaPort = port + 2;
      const traceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-sipp-'));
      const child = spawn('sipp', Sipp.args(options, port, mediaPort, traceDir), {
        cwd: SIP_SCENARIO_DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const sipp = new Sipp(options, port, mediaPort, traceDir, child);
      running.add(sipp);
      const ready = await sipp.waitListening(options.transport ?? 'udp');
      if (ready) return sipp;
      const result = await sipp.exit;
      lastError = new Error(sipp.describe(`SIPp did not start (exit ${result.code})`));
      sipp.cleanup();
      // -1 / -2 (255 / 254): a fatal or binding error, usually a port taken meanwhile: try other ports
      if (options.port !== undefined || (result.code !== 255 && result.code !== 254)) break;
    }
    throw lastError ?? new Error('SIPp did not start');
  }

  private static args(o: SippOptions, port: number, mediaPort: number, traceDir: string): string[] {
    const args: string[] = [];
    if (typeof o.scenario === 'string') args.push('-sf', Sipp.scenarioFile(o, traceDir));
    else args.push('-sn', o.scenario.builtin);
    if (o.remote) args.push(o.remote);
    args.push('-i', o.host ?? SIPP_HOST, '-p', String(port), '-mp', String(mediaPort));
    args.push('-t', o.transport === 'tcp' ? 't1' : 'u1');
    args.push('-m', String(o.calls ?? 1));
    if (o.rate !== undefined) args.push('-r', String(o.rate));
    if (o.limit !== undefined) args.push('-l', String(o.limit));
    args.push('-timeout', `${o.timeoutS ?? 30}s`, '-timeout_error');
    if (o.service) args.push('-s', o.service);
    for (const [name, value] of Object.entries(o.vars ?? {})) args.push('-set', name, value);
    for (const [name, value] of Object.entries(o.keys ?? {})) args.push('-key', name, value);
    // under loss, retransmit longer than SIPp's default 5 (INVITE) / 7 tries before giving up on a call
    if (o.lost !== undefined)
      args.push('-lost', String(o.lost), '-max_retrans', '10', '-max_invite_retrans', '10', '-max_non_invite_retrans', '10');
    if (o.rtpEcho) args.push('-rtp_echo');
    args.push('-nostdin', '-trace_msg', '-message_file', path.join(traceDir, 'messages.log'));
    args.push('-trace_err', '-error_file', path.join(traceDir, 'errors.log'));
    args.push(...(o.extraArgs ?? []));
    return args;
  }

  private static scenarioFile(o: SippOptions, traceDir: string): string {
    const file = path.join(SIP_SCENARIO_DIR, o.scenario as string);
    if (o.lingerMs === undefined) return file;
    if (o.transport === 'tcp') throw new Error('lingerMs is for UDP only');
    const xml = fs.readFileSync(file, 'latin1');
    const copy = path.join(traceDir, path.basename(file));
    fs.writeFileSync(copy, xml.replace(/<\/scenario>\s*$/, `  <timewait milliseconds="${o.lingerMs}"/>\n</scenario>\n`), 'latin1');
    return copy;
  }

  /** Polls until SIPp holds its SIP port (binding it ourselves fails) or exits; false when it exited. */
  private async waitListening(transport: 'udp' | 'tcp'): Promise<boolean> {
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      if (this.result) return false;
      const free = transport === 'tcp' ? await bindTcp(this.port, this.host) : await bindUdp(this.port, this.host);
      if (!free && !this.result) return true;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return !this.result;
  }

  get endpoint(): string {
    return `${this.host}:${this.port}`;
  }

  /** SIPp's exit: 0 = every call passed its scenario, 1 = at least one failed, 97/99 = stopped otherwise. */
  done(): Promise<SippResult> {
    return this.exit;
  }

  /** Resolves when SIPp exits with 0 (within ms), rejects with the exit code and the traces otherwise. */
  async passed(ms = 40000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), ms);
    });
    const outcome = await Promise.race([this.exit, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      await this.stop();
      throw new Error(this.describe(`SIPp (${this.scenarioName}) did not finish within ${ms} ms`));
    }
    if (outcome.code !== 0) throw new Error(this.describe(`SIPp (${this.scenarioName}) failed: exit ${outcome.code ?? outcome.signal}`));
  }

  /** Resolves with the exit code; for scenarios that are meant to fail. */
  async failed(ms = 40000): Promise<number | null> {
    const outcome = await Promise.race([this.exit, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);
    if (!outcome) {
      await this.stop();
      throw new Error(this.describe(`SIPp (${this.scenarioName}) did not finish within ${ms} ms`));
    }
    return outcome.code;
  }

  get scenarioName(): string {
    return typeof this.options.scenario === 'string' ? this.options.scenario : `built-in ${this.options.scenario.builtin}`;
  }

  /** The SIP messages SIPp sent and received so far (its -trace_msg file). */
  messages(): string {
    return readTail(path.join(this.traceDir, 'messages.log'), 1 << 20);
  }

  describe(headline: string): string {
    return [
      headline,
      `--- unexpected messages (${this.traceDir}/errors.log):`,
      readTail(path.join(this.traceDir, 'errors.log'), 2500),
      '--- last SIP messages:',
      readTail(path.join(this.traceDir, 'messages.log'), 3000),
      '--- output:',
      tail(this.output.replace(/\s+\n/g, '\n'), 1500),
    ].join('\n');
  }

  /** Stops SIPp (SIGTERM, then SIGKILL after 2 s) and waits for it to exit. Idempotent. */
  async stop(): Promise<void> {
    if (!this.result) {
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
      await this.exit;
      clearTimeout(killer);
    }
    this.cleanup();
  }

  private cleanup(): void {
    running.delete(this);
    if (!process.env.TAPI_KEEP_SIPP_TRACES) fs.rmSync(this.traceDir, { recursive: true, force: true });
  }
}

/** For afterEach: stops every SIPp still running. */
export async function stopAllSipp(): Promise<void> {
  await Promise.all([...running].map((sipp) => sipp.stop()));
}
