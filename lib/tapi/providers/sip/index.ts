// The SIP line provider (issue 15): openTapi({ provider: 'sip', sip: { accounts: [...] } }).
export { SipProvider, type SipOutstanding, type SipProviderHooks } from './sip-provider';
export { validateSipOptions, type SipAccount, type SipLineOptions, type SipOptions } from './options';
export type { DeviceStatus } from './sip-device';
