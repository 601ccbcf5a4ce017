// CPU profile of exactly the measured part of a section (not its start-up): when BENCH_PROFILE_DIR is
// set (npm run bench -- --profile), profileStart()/profileStop() wrap the measured runs with the V8
// profiler through node:inspector and write <dir>/<name>.cpuprofile.
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector';

let session: Session | undefined;
let current: string | undefined;

function post(method: string, params?: object): Promise<any> {
  return new Promise((resolve, reject) => {
    session!.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

export function profiling(): boolean {
  return !!process.env.BENCH_PROFILE_DIR;
}

export async function profileStart(name: string): Promise<void> {
  if (!profiling()) return;
  session ??= new Session();
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  current = name;
}

export async function profileStop(): Promise<string | undefined> {
  if (!profiling() || !session || !current) return undefined;
  const { profile } = await post('Profiler.stop');
  const dir = process.env.BENCH_PROFILE_DIR!;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${current}.cpuprofile`);
  fs.writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  current = undefined;
  return file;
}
