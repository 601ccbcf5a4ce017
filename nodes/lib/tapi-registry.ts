// One Tapi (one TAPI app, lineInitializeEx) per process per provider configuration, shared by every
// tapi-line config node (and the admin endpoint) that asks for the same options. Reference-counted:
// the last release shuts it down (lineShutdown). No Node-RED import: usable and testable on its own.
import { openTapi, type OpenTapiOptions, type Tapi } from '../../lib/tapi';
import { sipAccountKey, type SipLineAccount } from './sip-line';

export interface TapiLease {
  readonly tapi: Tapi;
  /** Give the reference back; the Tapi shuts down when the last one is returned. Never rejects. Idempotent. */
  release(): Promise<void>;
}

interface Entry {
  key: string;
  refs: number;
  opening: Promise<Tapi>;
  tapi?: Tapi;
  shutdown?: Promise<void>;
}

const entries = new Map<string, Entry>();
/** Shutdowns still running, by key: a new open for the same key waits for them (one app per process). */
const stopping = new Map<string, Promise<void>>();

export type ProviderChoice = 'auto' | 'simulator' | 'win32' | 'sip';

export interface ProviderConfig {
  provider: ProviderChoice;
  /** Simulator only: 1 = realistic, 0 = as fast as possible. */
  simulatorTimeScale: number;
  appName?: string;
  /** SIP only: the account (one line). Holds secrets: never logged, never part of the key as such. */
  sip?: { accounts: SipLineAccount[] };
  /** The configuration cannot work (a SIP setting is wrong): acquireTapi rejects with this. */
  invalid?: Error;
}

/** The openTapi options for a provider configuration (timeScale only matters to the simulator). */
export function tapiOptions(config: ProviderConfig): OpenTapiOptions {
  if (config.provider === 'sip') {
    return { provider: 'sip', appName: config.appName ?? 'Node-RED', sip: { accounts: config.sip?.accounts ?? [] } };
  }
  const options: OpenTapiOptions = { provider: config.provider, appName: config.appName ?? 'Node-RED' };
  if (config.provider !== 'win32') options.simulator = { timeScale: config.simulatorTimeScale };
  return options;
}

export function tapiKey(config: ProviderConfig): string {
  if (config.provider === 'sip') {
    return JSON.stringify(['sip', (config.sip?.accounts ?? []).map(sipAccountKey), config.appName ?? 'Node-RED']);
  }
  const timeScale = config.provider === 'win32' ? null : config.simulatorTimeScale;
  return JSON.stringify([config.provider, timeScale, config.appName ?? 'Node-RED']);
}

/** Take a reference to the shared Tapi for this configuration, initialising it if needed. Rejects with a TapiError. */
export async function acquireTapi(config: ProviderConfig, onListenerError?: (err: unknown) => void): Promise<TapiLease> {
  if (config.invalid) throw config.invalid;
  const key = tapiKey(config);
  let entry = entries.get(key);
  if (!entry) {
    const previous = stopping.get(key);
    const created: Entry = { key, refs: 0, opening: Promise.resolve(undefined as unknown as Tapi) };
    created.opening = (async () => {
      if (previous) await previous;
      const tapi = await openTapi(tapiOptions(config));
      // A throwing listener of ours must never reach the provider; Tapi reports it here instead.
      tapi.on('listenererror', (err: unknown) => {
        if (onListenerError) onListenerError(err);
      });
      created.tapi = tapi;
      return tapi;
    })();
    entry = created;
    entries.set(key, entry);
    // A failed initialisation is forgotten so the next attempt starts afresh.
    entry.opening.catch(() => {
      if (entries.get(key) === created) entries.delete(key);
    });
  }
  entry.refs++;
  let tapi: Tapi;
  try {
    tapi = await entry.opening;
  } catch (err) {
    entry.refs--;
    throw err;
  }
  const held = entry;
  let released = false;
  return {
    tapi,
    release: async () => {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs > 0) return;
      if (entries.get(key) === held) entries.delete(key);
      const done = tapi.shutdown().catch(() => undefined);
      held.shutdown = done;
      stopping.set(key, done);
      await done;
      if (stopping.get(key) === done) stopping.delete(key);
    },
  };
}

/** Every Tapi currently held (for tests and diagnostics). */
export function activeTapis(): Tapi[] {
  return [...entries.values()].map((e) => e.tapi).filter((t): t is Tapi => t !== undefined);
}

/** How many references are held, per configuration key (for tests and diagnostics). */
export function registrySnapshot(): Array<{ key: string; refs: number; running: boolean }> {
  return [...entries.values()].map((e) => ({ key: e.key, refs: e.refs, running: !!e.tapi }));
}

/** Resolves when every shutdown started by a release has finished. */
export async function settled(): Promise<void> {
  await Promise.all([...stopping.values()]);
}
