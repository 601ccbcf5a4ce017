// The admin endpoint's query (GET tapi-line/lines?provider=...&timeScale=...). Express parses
// `?provider[toString]=x` into an object, so every parameter is checked to be a short string first;
// anything else is a TapiValidationError that the endpoint answers with 400 { error, code }.
import { TapiValidationError } from '../../lib/tapi';
import type { ProviderChoice } from './tapi-registry';

const PROVIDERS: readonly ProviderChoice[] = ['auto', 'simulator', 'win32'];
export const MAX_QUERY_LENGTH = 32;

export interface LinesQuery {
  provider: ProviderChoice;
  simulatorTimeScale: number;
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
  return { provider: provider as ProviderChoice, simulatorTimeScale: timeScale };
}
