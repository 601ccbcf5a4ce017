// Each bench section runs in its own Node process (fresh heap and JIT, nothing shared with the other
// sections, --expose-gc / --cpu-prof where wanted). A section prints one line "BENCH_RESULT <json>" on
// stdout; progress goes to stderr.
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const MARK = 'BENCH_RESULT ';

export type Args = Record<string, string>;

function parseArgs(argv: string[]): Args {
  const args: Args = {};
  for (const a of argv) {
    const m = /^--([^=]+)=(.*)$/.exec(a);
    if (m) args[m[1]] = m[2];
  }
  return args;
}

/** The body of a section script: runs `main`, prints its result, exits (koffi's worker threads included). */
export function section(main: (args: Args) => Promise<unknown>): void {
  main(parseArgs(process.argv.slice(2))).then(
    (result) => {
      process.stdout.write(MARK + JSON.stringify(result) + '\n', () => process.exit(0));
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack : error);
      process.exit(1);
    },
  );
}

export function log(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

export interface RunOptions {
  nodeArgs?: string[];
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs dist/bench/sections/<name>.js with --key=value arguments; its result, or throws. */
export function runSection<T>(name: string, args: Args, options: RunOptions): T {
  const script = path.join(__dirname, '..', 'sections', `${name}.js`);
  const argv = Object.entries(args).map(([k, v]) => `--${k}=${v}`);
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), script, ...argv], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
    env: { ...process.env, ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`section ${name}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`section ${name} exited with ${r.status ?? r.signal}`);
  const line = r.stdout.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`section ${name} printed no result`);
  return JSON.parse(line.slice(MARK.length)) as T;
}
