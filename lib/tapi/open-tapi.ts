// openTapi: pick a provider, initialise TAPI on it, read the line devices.
import { TapiValidationError } from './errors';
import { optionsObject } from './options';
import { DEFAULT_API_VERSIONS, Tapi } from './tapi';
import type { LineProvider } from './provider';
import type { SimulatorControls, SimulatorOptions } from './providers/simulator/options';

export type ProviderKind = 'auto' | 'simulator' | 'win32';

export interface OpenTapiOptions {
  provider?: ProviderKind;
  /** Friendly application name given to lineInitializeEx. */
  appName?: string;
  simulator?: SimulatorOptions;
  /** win32 only: the Tapi32 library to load (a fake in tests). Default: Tapi32.dll on Windows. */
  libraryPath?: string;
  /** win32 only: the winmm library for the call's audio (a fake in tests). Default: winmm.dll on Windows. */
  winmmPath?: string;
  /** Lowest and highest TAPI version to negotiate per device (default 1.4 .. 2.2). */
  apiVersions?: { low?: number; high?: number };
}

/** What openTapi resolves with: a Tapi whose `simulator` is typed with the simulated exchange's controls. */
export type OpenedTapi = Tapi & { readonly simulator: SimulatorControls | undefined };

const PROVIDERS = ['auto', 'simulator', 'win32'] as const;

export function resolveProvider(provider: OpenTapiOptions['provider'] = 'auto'): 'simulator' | 'win32' {
  if (!PROVIDERS.includes(provider as (typeof PROVIDERS)[number])) {
    throw new TapiValidationError(`provider must be one of ${PROVIDERS.join(', ')}; got "${String(provider)}"`);
  }
  if (provider === 'auto') return process.platform === 'win32' ? 'win32' : 'simulator';
  return provider;
}

function providerFactory(kind: 'simulator' | 'win32', options: OpenTapiOptions, apiHigh: number): () => LineProvider {
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
 * Initialise TAPI: `provider` 'auto' is win32 on Windows and the simulated exchange elsewhere.
 * Rejects with a TapiError (e.g. LINEERR_NODRIVER for win32 off Windows without libraryPath).
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
