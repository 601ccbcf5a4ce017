// baresip (Debian) as a real user agent for the SIP tests, inside a NetNs (it refuses loopback). It gets a
// generated config folder: no sound card (aufile plays a generated 8 kHz 440 Hz WAV as the microphone), G.711,
// the stdio UI driven through stdin with menu commands (/dial <uri>, /accept, /hangup, /quit; a digit typed
// during a call is sent as an RFC 4733 telephone-event), and one account <sip:<user>@<ns address>>, regint=0
// (no registrar). Its output is kept so a test can wait for lines such as "received event: '5' (end=1)".
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NetNs } from './netns';

const running = new Set<Baresip>();
const MODULES = ['/usr/lib/baresip/modules', '/usr/lib/x86_64-linux-gnu/baresip/modules'];

export interface BaresipOptions {
  user?: string;
  port?: number;
  /** 'auto' answers incoming calls at once; 'manual' waits for accept() */
  answerMode?: 'auto' | 'manual';
  /** the account's transport (sip_listen serves UDP and TCP on the same port either way) */
  transport?: 'udp' | 'tcp';
}

/** 16-bit mono PCM WAV, 8 kHz, a 440 Hz tone at about -12 dBFS. */
export function toneWav(seconds: number): Buffer {
  const samples = 8000 * seconds;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export class Baresip {
  output = '';
  readonly uri: string;
  private waiters: (() => void)[] = [];
  private exited = false;
  private exit: Promise<void>;

  private constructor(
    readonly ns: NetNs,
    readonly dir: string,
    readonly port: number,
    private readonly child: ChildProcess,
    user: string,
  ) {
    this.uri = `sip:${user}@${ns.nsAddress}:${port}`;
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
      if (this.output.length > 1 << 20) this.output = this.output.slice(-(1 << 19));
      for (const w of this.waiters.splice(0)) w();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.stdin?.on('error', () => undefined);
    this.exit = new Promise((resolve) => {
      child.once('error', (err) => {
        this.output += `\nspawn failed: ${err.message}`;
        this.exited = true;
        resolve();
      });
      child.once('exit', () => {
        this.exited = true;
        for (const w of this.waiters.splice(0)) w();
        resolve();
      });
    });
  }

  static async start(ns: NetNs, options: BaresipOptions = {}): Promise<Baresip> {
    const modules = MODULES.find((dir) => fs.existsSync(path.join(dir, 'g711.so')));
    if (!modules) throw new Error('baresip modules not found (Debian package baresip-core): apt-get install baresip');
    const user = options.user ?? 'bob';
    const port = options.port ?? 5060;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapi-baresip-'));
    fs.writeFileSync(path.join(dir, 'tone.wav'), toneWav(30));
    const config = [
      'poll_method epoll',
      `sip_listen ${ns.nsAddress}:${port}`,
      `audio_source aufile,${path.join(dir, 'tone.wav')}`,
      `audio_player aufile,${path.join(dir, 'heard.wav')}`,
      'audio_alert aufile,/dev/null',
      'rtp_ports 20000-20100',
      `module_path ${modules}`,
      'module stdio.so',
      'module g711.so',
      'module aufile.so',
      'module_app account.so',
      'module_app menu.so',
      '',
    ];
    fs.writeFileSync(path.join(dir, 'config'), config.join('\n'));
    fs.writeFileSync(
      path.join(dir, 'accounts'),
      `<sip:${user}@${ns.nsAddress}:${port}${options.transport === 'tcp' ? ';transport=tcp' : ''}>;regint=0;answermode=${options.answerMode ?? 'manual'};audio_codecs=PCMU,PCMA\n`,
    );
    const child = ns.spawn('baresip', ['-f', dir]);
    const baresip = new Baresip(ns, dir, port, child, user);
    running.add(baresip);
    await baresip.waitFor(/baresip is ready/, 15000);
    return baresip;
  }

  /** Waits until the output (from `from` on) matches; rejects with the output's tail. */
  async waitFor(pattern: RegExp, ms = 15000, from = 0): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.output.slice(from).match(pattern);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.exited) {
        throw new Error(`baresip: no ${pattern} within ${ms} ms${this.exited ? ' (exited)' : ''}; output:\n${this.tail()}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  tail(max = 3000): string {
    // the stdio UI echoes every typed prefix ("/d/di/dia..."): leave those out
    const text = this.output.replace(/(\/[^\n/]*)+\n/g, '\n').replace(/\[\d+:\d+:\d+\] audio=[^\n]*?(?=\[|\n)/g, '');
    return text.length <= max ? text : '…' + text.slice(-max);
  }

  /** A menu command such as '/dial sip:…', '/accept', '/hangup'. */
  command(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** Types the digits one at a time during a call (each becomes an RFC 4733 event). */
  async sendDigits(digits: string, gapMs = 300): Promise<void> {
    for (const digit of digits) {
      this.child.stdin?.write(digit);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      this.command('/quit');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
      await this.exit;
      clearTimeout(killer);
    }
    running.delete(this);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function stopAllBaresip(): Promise<void> {
  await Promise.all([...running].map((b) => b.stop()));
}
