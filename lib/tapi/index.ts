// node-red-contrib-tapi as a library: require('node-red-contrib-tapi').
export * from './constants';
export * from './errors';
export * from './types';
export type { LineProvider, LineMessage, LineDevCaps, LineCallInfo, LineCallStatus, DialParams } from './provider';
