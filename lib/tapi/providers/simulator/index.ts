// The embedded simulated exchange: a LineProvider in pure TypeScript (the default off Windows).
export { SimulatorProvider } from './simulator-provider';
export type { IncomingCallOptions, SimulatorOutstanding } from './simulator-provider';
export { SIMULATED_FUNCTIONS, type SimulatedFunction } from './failures';
export { DIAL_TIMING, DEFAULT_SCENARIO, TEST_NUMBERS, findScenario } from './scenarios';
export type { Scenario, ScenarioState, ScenarioStep } from './scenarios';
