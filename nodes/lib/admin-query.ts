// The admin endpoint's query (GET tapi-line/lines?provider=...&timeScale=...). Express parses
// `?provider[toString]=x` into an object, so every parameter is checked to be a short string first;
// anything else is a TapiValidationError that the endpoint answers with 400 { error, code }.
// provider=sip also takes `registrar`, `user` (name or name@domain) and `transport`: the one line the account
// gives is listed without registering (no password is asked for, none is sent back).
import { TapiValidationError } from '../../lib/tapi';
import type { ProviderChoice } from './tapi-registry';

const PROVIDERS: readonly ProviderChoice[] = ['auto', 'simulator', 'win32', 'sip'];
export const MAX_QUERY_LENGTH = 32;

export interface LinesQuery {
  provider: ProviderChoice;
  simulatorTimeScale: number;
  /** provider=sip: the account's settings as the editor has them (the user is a credential field there). */
  sip?: { registrar: string; user: string; transport: string };
}

/** A query parameter as a string of at most MAX_QUERY_LENGTH characters, or undefined when absent. */
export function queryString(query: unknown, name: string): string | undefined {
  if (query === null || typeof query !== 'object') return undefined;
  if (!Object.prototype.hasOwnProperty.call(query, name)) return undefined;
  const value = (query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TapiValidationError(`query parameter "${name}" must be given once, as a plain value`);
  if (value.length > MAX_QUERY_LENGTH)
    throw new TapiValidationError(`query parameter "${name}" is longer than ${MAX_QUERY_LENGTH} characters`);
  return value;
}

export function parseLinesQuery(query: unknown): LinesQuery {
  const provider = queryString(query, 'provider') ?? 'auto';
  if (!PROVIDERS.includes(provider as ProviderChoice)) {
    throw new TapiValidationError(`provider must be one of ${PROVIDERS.join(', ')}`);
  }
  const timeScaleText = (queryString(query, 'timeScale') ?? '').trim();
  const timeScale = timeScaleText === '' ? 1 : Number(timeScaleText);
  if (!Number.isFinite(timeScale) || timeScale < 0) throw new TapiValidationError('timeScale must be a number >= 0');
  const result: LinesQuery = { provider: provider as ProviderChoice, simulatorTimeScale: timeScale };
  if (provider === 'sip') {
    result.sip = {
      registrar: queryString(query, 'registrar') ?? '',
      user: queryString(query, 'user') ?? '',
      transport: queryString(query, 'transport') ?? '',
    };
  }
  return result;
}
