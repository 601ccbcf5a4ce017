// A network namespace for one test: baresip refuses loopback, so it runs in a namespace joined to ours by a veth
// pair — 10.77.<n>.1 on our side (the root namespace), 10.77.<n>.2 inside. Needs root (CAP_NET_ADMIN); when
// `ip netns` is not permitted, create() rejects with the reason. destroy() removes the namespace and with it
// the veth pair; every namespace created is registered so afterEach / a failing test can still remove it.
import { spawn, spawnSync } from 'node:child_process';

const created = new Set<NetNs>();
let counter = 0;

function ip(args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.error) return { ok: false, output: `ip ${args.join(' ')}: ${result.error.message}` };
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

export class NetNs {
  readonly hostAddress: string;
  readonly nsAddress: string;
  private constructor(
    readonly name: string,
    readonly hostLink: string,
    subnet: number,
  ) {
    this.hostAddress = `10.77.${subnet}.1`;
    this.nsAddress = `10.77.${subnet}.2`;
  }

  static create(): NetNs {
    counter += 1;
    const tag = `${process.pid % 100000}${counter}`;
    const subnet = (process.pid + counter * 7) % 250;
    const ns = new NetNs(`tapi-sip-${tag}`, `tvh${tag}`, subnet);
    const inner = `tvn${tag}`;
    const steps: string[][] = [
      ['netns', 'add', ns.name],
      ['link', 'add', ns.hostLink, 'type', 'veth', 'peer', 'name', inner],
      ['link', 'set', inner, 'netns', ns.name],
      ['addr', 'add', `${ns.hostAddress}/24`, 'dev', ns.hostLink],
      ['link', 'set', ns.hostLink, 'up'],
      ['netns', 'exec', ns.name, 'ip', 'addr', 'add', `${ns.nsAddress}/24`, 'dev', inner],
      ['netns', 'exec', ns.name, 'ip', 'link', 'set', inner, 'up'],
      ['netns', 'exec', ns.name, 'ip', 'link', 'set', 'lo', 'up'],
    ];
    created.add(ns);
    for (const step of steps) {
      const result = ip(step);
      if (!result.ok) {
        ns.destroy();
        throw new Error(
          `cannot create the network namespace for baresip (needs root / CAP_NET_ADMIN and iproute2): ` +
            `ip ${step.join(' ')}: ${result.output}`,
        );
      }
    }
    return ns;
  }

  /** Spawns a command inside the namespace. */
  spawn(command: string, args: string[]) {
    return spawn('ip', ['netns', 'exec', this.name, command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  }

  destroy(): void {
    created.delete(this);
    ip(['netns', 'del', this.name]);
    ip(['link', 'del', this.hostLink]); // gone with the namespace already, normally
  }
}

export function destroyAllNetNs(): void {
  for (const ns of [...created]) ns.destroy();
}
