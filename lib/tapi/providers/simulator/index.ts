// The embedded simulated exchange: a LineProvider in pure TypeScript (the default off Windows).
export { SimulatorProvider } from './simulator-provider';
export type {
  IncomingCallOptions,
  SimulatorOutstanding,
  SimulatorOptions,
  SimulatorLineConfig,
  SimulatorControls,
  RemoteDigitsOptions,
  GeneratedSignals,
  GeneratedTone,
} from './options';
export { SIMULATED_FUNCTIONS, type SimulatedFunction } from './failures';
export { DIAL_TIMING, DEFAULT_SCENARIO, TEST_NUMBERS, findScenario } from './scenarios';
export type { Scenario, ScenarioState, ScenarioStep } from './scenarios';
