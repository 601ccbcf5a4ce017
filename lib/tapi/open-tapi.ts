// openTapi: pick a provider, initialise TAPI on it, read the line devices.
import { TapiError, TapiValidationError } from './errors';
import { optionsObject } from './options';
import { DEFAULT_API_VERSIONS, Tapi } from './tapi';
import type { LineProvider } from './provider';
import type { SimulatorControls, SimulatorOptions } from './providers/simulator/options';
import type { SipClock } from './providers/sip/core/types';

export type ProviderKind = 'auto' | 'simulator' | 'win32' | 'sip';

/** One SIP account (one line device), as openTapi takes it; the SIP provider's validateSipOptions checks it. */
export interface SipAccountOptions {
  /** sip:user@domain (sips: for TLS). */
  uri: string;
  authUser?: string;
  password?: string;
  displayName?: string;
  /** host[:port]; default: the domain of `uri`. */
  registrar?: string;
  outboundProxy?: string;
  /** Default 'udp' ('tls' for a sips: URI). */
  transport?: 'udp' | 'tcp' | 'tls';
  /** 0 / absent = any. */
  localPort?: number;
  bindAddress?: string;
  /** Default true; false = peer-to-peer, no REGISTER. */
  register?: boolean;
  /** Seconds, 10..86400 (default 600). */
  expires?: number;
  /** Refuse requests from other addresses than the registrar / outbound proxy (default: `register`). */
  acceptOnlyFromRegistrar?: boolean;
  tls?: { rejectUnauthorized?: boolean; ca?: string };
  srv?: boolean;
  /** The line's name (default "SIP user@domain"). */
  name?: string;
  /** Calls at once, 1..64 (default 4). */
  maxCalls?: number;
}

export interface SipOpenOptions {
  accounts: SipAccountOptions[];
  rtp?: { portRange?: [number, number] };
  clock?: SipClock;
  userAgent?: string;
}

export interface OpenTapiOptions {
  provider?: ProviderKind;
  /** Friendly application name given to lineInitializeEx. */
  appName?: string;
  simulator?: SimulatorOptions;
  /** sip only: the accounts, one line device each (README "Real calls on Linux"). */
  sip?: SipOpenOptions;
  /** win32 only: the Tapi32 library to load (a fake in tests). Default: Tapi32.dll on Windows. */
  libraryPath?: string;
  /** win32 only: the winmm library for the call's audio (a fake in tests). Default: winmm.dll on Windows. */
  winmmPath?: string;
  /** Lowest and highest TAPI version to negotiate per device (default 1.4 .. 2.2). */
  apiVersions?: { low?: number; high?: number };
}

/** What openTapi resolves with: a Tapi whose `simulator` is typed with the simulated exchange's controls. */
export type OpenedTapi = Tapi & { readonly simulator: SimulatorControls | undefined };

const PROVIDERS = ['auto', 'simulator', 'win32', 'sip'] as const;
type ProviderModule = typeof import('./providers/sip');

/** 'auto' is win32 on Windows and the simulator elsewhere: SIP is only ever chosen by name. */
export function resolveProvider(provider: OpenTapiOptions['provider'] = 'auto'): 'simulator' | 'win32' | 'sip' {
  if (!PROVIDERS.includes(provider as (typeof PROVIDERS)[number])) {
    throw new TapiValidationError(`provider must be one of ${PROVIDERS.join(', ')}; got "${String(provider)}"`);
  }
  if (provider === 'auto') return process.platform === 'win32' ? 'win32' : 'simulator';
  return provider;
}

/** The SIP provider, or LINEERR_NODRIVER when this installation has none (never a crash at open). */
function loadSipProvider(): ProviderModule {
  let loaded: Partial<ProviderModule>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when chosen
    loaded = require('./providers/sip') as ProviderModule;
  } catch (error) {
    throw TapiError.of('NODRIVER', 'lineInitializeEx', `the SIP provider could not be loaded: ${(error as Error).message}`);
  }
  if (typeof loaded.SipProvider !== 'function' || typeof loaded.validateSipOptions !== 'function') {
    throw TapiError.of('NODRIVER', 'lineInitializeEx', 'the SIP provider is not part of this installation');
  }
  return loaded as ProviderModule;
}

function providerFactory(kind: 'simulator' | 'win32' | 'sip', options: OpenTapiOptions, apiHigh: number): () => LineProvider {
  if (kind === 'sip') {
    const { SipProvider, validateSipOptions } = loadSipProvider();
    // Checked here, so that a wrong option is a TapiValidationError from openTapi before any socket opens.
    validateSipOptions(options.sip);
    const sip = options.sip;
    return () => new SipProvider(sip);
  }
  if (kind === 'simulator') {
    const simulator = options.simulator ?? {};
    if (simulator.timeScale !== undefined && !(typeof simulator.timeScale === 'number' && simulator.timeScale >= 0)) {
      throw new TapiValidationError('simulator.timeScale must be a number >= 0');
    }
    // Required here, not imported at the top: the win32 provider (and koffi) is never loaded unless chosen.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when chosen
    const { SimulatorProvider } = require('./providers/simulator') as typeof import('./providers/simulator');
    return () => new SimulatorProvider(simulator);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- koffi is loaded only when win32 is chosen
  const { Win32Provider } = require('./providers/win32') as typeof import('./providers/win32');
  // lineInitializeEx is told the highest version we really support (TAPI down-converts to it).
  return () =>
    new Win32Provider({ libraryPath: options.libraryPath, winmmPath: options.winmmPath, appName: options.appName, apiVersion: apiHigh });
}

/**
 * Initialise TAPI: `provider` 'auto' is win32 on Windows and the simulated exchange elsewhere; 'sip' registers
 * the accounts of `sip`. Rejects with a TapiError (e.g. LINEERR_NODRIVER for win32 off Windows without
 * libraryPath) or a TapiValidationError naming a bad option.
 */
export async function openTapi(tapiOptions?: OpenTapiOptions): Promise<OpenedTapi> {
  const options = optionsObject<OpenTapiOptions>(tapiOptions, 'openTapi options');
  const kind = resolveProvider(options.provider);
  const low = options.apiVersions?.low ?? DEFAULT_API_VERSIONS.low;
  const high = options.apiVersions?.high ?? DEFAULT_API_VERSIONS.high;
  if (!(low <= high)) throw new TapiValidationError('apiVersions.low must not exceed apiVersions.high');
  const createProvider = providerFactory(kind, options, high);
  const tapi = new Tapi({ kind, createProvider, appName: options.appName ?? 'node-red-contrib-tapi', apiLow: low, apiHigh: high });
  try {
    await tapi.start();
  } catch (error) {
    await tapi.shutdown().catch(() => undefined);
    throw error;
  }
  return tapi as OpenedTapi;
}
