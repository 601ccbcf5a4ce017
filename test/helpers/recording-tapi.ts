// A Tapi whose provider records every destination that crosses the seam (lineMakeCall's and lineDial's
// address): what "reached the provider" means in the dial-policy tests and the fuzz suite.
import { Tapi, type LineProvider, type OpenTapiOptions } from '../../lib/tapi';
import { DEFAULT_API_VERSIONS } from '../../lib/tapi/tapi';
import type { ProviderHarness } from '../harness/types';

export interface SentDestination {
  fn: 'lineMakeCall' | 'lineDial';
  /** hLine for lineMakeCall, hCall for lineDial. */
  handle: number;
  address: string | null;
}

function createProvider(options: OpenTapiOptions): LineProvider {
  if (options.provider === 'simulator') {
    const { SimulatorProvider } = require('../../lib/tapi/providers/simulator') as typeof import('../../lib/tapi/providers/simulator');
    return new SimulatorProvider(options.simulator ?? {});
  }

  const { Win32Provider } = require('../../lib/tapi/providers/win32') as typeof import('../../lib/tapi/providers/win32');
  return new Win32Provider({ libraryPath: options.libraryPath, appName: options.appName, apiVersion: DEFAULT_API_VERSIONS.high });
}

/** Only requests the provider accepted (returned a request id for) are recorded. */
function recording(provider: LineProvider, sent: SentDestination[]): LineProvider {
  return new Proxy(provider, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'makeCall') {
        return (hLine: number, address: string | null, ...rest: unknown[]) => {
          const id = (value as (...a: unknown[]) => number).call(target, hLine, address, ...rest);
          sent.push({ fn: 'lineMakeCall', handle: hLine, address });
          return id;
        };
      }
      if (prop === 'dial') {
        return (hCall: number, address: string, ...rest: unknown[]) => {
          const id = (value as (...a: unknown[]) => number).call(target, hCall, address, ...rest);
          sent.push({ fn: 'lineDial', handle: hCall, address });
          return id;
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

export async function openRecordingTapi(harness: ProviderHarness): Promise<{ tapi: Tapi; sent: SentDestination[] }> {
  const options = harness.tapiOptions();
  const kind = options.provider === 'win32' ? 'win32' : 'simulator';
  const sent: SentDestination[] = [];
  const tapi = new Tapi({
    kind,
    createProvider: () => recording(createProvider(options), sent),
    appName: options.appName ?? 'recording',
    apiLow: DEFAULT_API_VERSIONS.low,
    apiHigh: DEFAULT_API_VERSIONS.high,
  });
  await tapi.start();
  return { tapi, sent };
}
