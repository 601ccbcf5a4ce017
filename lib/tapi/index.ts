// node-red-contrib-tapi as a library: require('node-red-contrib-tapi').
export * from './constants';
export * from './errors';
export * from './types';
export { openTapi, resolveProvider } from './open-tapi';
export type { OpenTapiOptions, OpenedTapi, ProviderKind, SipAccountOptions, SipOpenOptions } from './open-tapi';
export { Tapi } from './tapi';
export { Line } from './line';
export { Call } from './call';
export type { TransferMode } from './call-control';
export type { AddressCaps } from './address-caps';
export type {
  DigitEvent,
  ToneEvent,
  MediaEvent,
  CustomTone,
  MonitoredTone,
  StandardTone,
  DigitModeName,
  GenerateDigitsOptions,
  GenerateResult,
  GatherDigitsOptions,
  GatherResult,
  GatherTermination,
} from './call-signals';
export { callFeatureNames } from './call-features';
export { setAppPriority } from './app-priority';
export type { LineDevice } from './line-device';
export { parseAddress, validateDialable, digitsOf } from './address';
export type { ParsedAddress, DialableDestination, DialCapabilities } from './address';
export { DialPolicy } from './dial-policy';
export { parseSipDestination, looksLikeSipUri, type SipDestination } from './sip-address';
export { stateName, modeName } from './state-event';
export type {
  LineProvider,
  LineMessage,
  LineDevCaps,
  LineCallInfo,
  LineCallStatus,
  LineAddressCaps,
  LineGenerateTone,
  LineMonitorTone,
  LineGatherRequest,
  DialParams,
} from './provider';
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
export { dialReadings } from './dial-tails';
export { OutgoingDigits, type OutgoingRequest } from './outgoing';
export type { CleanupFailure } from './cleanup';
export { NO_AUDIO_DEVICE, type MediaCapabilities, type MediaProvider, type AudioOut, type AudioIn, type AudioFormat } from './media';
export type { PlayOptions, PlayResult, RecordOptions, RecordResult, RecordReason } from './call-media';
export { toPcm, toWav, toneSequence, type AudioSource, type PcmAudio } from './audio';
