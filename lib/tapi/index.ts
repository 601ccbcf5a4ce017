// node-red-contrib-tapi as a library: require('node-red-contrib-tapi').
export * from './constants';
export * from './errors';
export * from './types';
export { openTapi, resolveProvider } from './open-tapi';
export type { OpenTapiOptions, OpenedTapi, ProviderKind } from './open-tapi';
export { Tapi } from './tapi';
export { Line } from './line';
export { Call } from './call';
export type { LineDevice } from './line-device';
export { parseAddress, validateDialable, digitsOf } from './address';
export type { ParsedAddress, DialableDestination, DialCapabilities } from './address';
export { DialPolicy } from './dial-policy';
export { stateName, modeName } from './state-event';
export type { LineProvider, LineMessage, LineDevCaps, LineCallInfo, LineCallStatus, DialParams } from './provider';
export type { SimulatorProvider } from './providers/simulator';
export type {
  SimulatorOptions,
  SimulatorLineConfig,
  SimulatorControls,
  IncomingCallOptions,
  RemoteDigitsOptions,
  GeneratedSignals,
  GeneratedTone,
  Scenario,
} from './providers/simulator';
