// The win32 provider: TAPI 2.x through koffi (Tapi32.dll on Windows, the fake Tapi32 in tests).
// Nothing here loads koffi until a Win32Provider is constructed.
export { Win32Provider, type Win32ProviderOptions } from './provider';
