// What the simulated far end does, by dialled number. The exchange plays the common part itself
// (DIALTONE -> DIALING -> PROCEEDING while digits are sent); a scenario is what follows once
// dialling is complete. Delays are seconds at timeScale 1. The fake Tapi32 (test/fake-tapi32)
// plays the same table, so both providers show the same sequences.

export type ScenarioState = 'ringback' | 'busy' | 'specialinfo' | 'connected' | 'disconnected';

export interface ScenarioStep {
  /** Seconds after the previous step (after PROCEEDING for the first one). */
  after: number;
  state: ScenarioState;
  /** The state's mode, by its TAPI name without prefix (LINEBUSYMODE_STATION -> 'STATION'). */
  mode?: string;
}

/** What the far end does once the call is connected (seconds at timeScale 1). */
export interface FarEnd {
  /** It presses these keys (DTMF), the first `after` seconds after connecting, then one every `interval` seconds. */
  presses?: { digits: string; after: number; interval: number };
  /** It hangs up (DISCONNECTED NORMAL) as soon as it hears a digit we generate. */
  hangsUpOnGeneratedDigit?: boolean;
  /** Its media is detected `after` seconds after connecting (a LINEMEDIAMODE name: 'G3FAX'). */
  media?: { after: number; mode: string };
  /** It speaks the two-second test prompt (a tone sequence) `after` seconds after connecting, then waits. */
  speaks?: { after: number };
}

export interface Scenario {
  /** Matched against the dialled number's digits (formatting removed) by suffix, or a RegExp on those digits. */
  match: string | RegExp;
  description: string;
  steps: ScenarioStep[];
  farEnd?: FarEnd;
}

/** Seconds the exchange spends in each state of the common part, at timeScale 1. */
export const DIAL_TIMING = {
  dialtone: 0.3,
  dialing: 0.8,
  proceeding: 0.5,
} as const;

export const TEST_NUMBERS: readonly Scenario[] = [
  {
    match: '5550100',
    description: 'rings, answers; stays connected until dropped',
    steps: [
      { after: 0, state: 'ringback' },
      { after: 3, state: 'connected', mode: 'ACTIVE' },
    ],
  },
  {
    match: '5550101',
    description: 'busy, then disconnected (busy)',
    steps: [
      { after: 0, state: 'busy', mode: 'STATION' },
      { after: 2, state: 'disconnected', mode: 'BUSY' },
    ],
  },
  {
    match: '5550102',
    description: 'rings and is never answered: disconnected (noanswer)',
    steps: [
      { after: 0, state: 'ringback' },
      { after: 30, state: 'disconnected', mode: 'NOANSWER' },
    ],
  },
  {
    match: '5550103',
    description: 'rings, the far end rejects: disconnected (reject)',
    steps: [
      { after: 0, state: 'ringback' },
      { after: 2, state: 'disconnected', mode: 'REJECT' },
    ],
  },
  {
    match: '5550104',
    description: 'unreachable: disconnected (unreachable)',
    steps: [{ after: 1, state: 'disconnected', mode: 'UNREACHABLE' }],
  },
  {
    match: '5550105',
    description: 'number does not exist: special information tone, disconnected (badaddress)',
    steps: [
      { after: 0, state: 'specialinfo', mode: 'CUSTIRREG' },
      { after: 2, state: 'disconnected', mode: 'BADADDRESS' },
    ],
  },
  {
    match: '5550106',
    description: 'answers, then the far end hangs up: disconnected (normal)',
    steps: [
      { after: 0, state: 'ringback' },
      { after: 2, state: 'connected', mode: 'ACTIVE' },
      { after: 5, state: 'disconnected', mode: 'NORMAL' },
    ],
  },
  {
    match: '5550107',
    description: 'network congestion: disconnected (congestion)',
    steps: [{ after: 0.5, state: 'disconnected', mode: 'CONGESTION' }],
  },
  {
    match: '5550108',
    description: 'answers, then presses 1 2 3 4 # (DTMF) 500 ms apart',
    steps: [
      { after: 0, state: 'ringback' },
      { after: 1, state: 'connected', mode: 'ACTIVE' },
    ],
    farEnd: { presses: { digits: '1234#', after: 0.5, interval: 0.5 } },
  },
  {
    match: '5550109',
    description: 'answers, and hangs up when it hears any generated digit: disconnected (normal)',
    steps: [
      { after: 0, state: 'ringback' },
      { after: 1, state: 'connected', mode: 'ACTIVE' },
    ],
    farEnd: { hangsUpOnGeneratedDigit: true },
  },
  {
    match: '5550110',
    description: 'answers, and is a fax: G3 fax tone 1 s after answering (LINE_MONITORMEDIA when monitored)',
    steps: [
      { after: 0, state: 'ringback' },
      { after: 1, state: 'connected', mode: 'ACTIVE' },
    ],
    farEnd: { media: { after: 1, mode: 'G3FAX' } },
  },
  {
    match: '5550111',
    description: 'answers, speaks a two-second prompt (a tone sequence) and waits (audio: call.record)',
    steps: [
      { after: 0, state: 'ringback' },
      { after: 1, state: 'connected', mode: 'ACTIVE' },
    ],
    farEnd: { speaks: { after: 0 } },
  },
];

/** Any other valid number behaves like 5550100. */
export const DEFAULT_SCENARIO: Scenario = { ...TEST_NUMBERS[0], match: /.*/, description: 'any other number: like 5550100' };

/** The first scenario whose rule matches `digits`: custom rules first, then the test numbers, then the default. */
export function findScenario(digits: string, custom: readonly Scenario[] = []): Scenario {
  for (const scenario of [...custom, ...TEST_NUMBERS]) {
    const { match } = scenario;
    if (typeof match === 'string' ? digits.endsWith(match) : match.test(digits)) return scenario;
  }
  return DEFAULT_SCENARIO;
}
