// The media seam on win32 (lib/tapi/media.ts; tapi-reference.md §14.3, §15): the call's wave devices found with
// lineGetIDW (per call, never cached), then winmm through koffi, loaded on the first call's audio from
// `winmmPath` (winmm.dll on Windows). Open devices are tracked so that the provider's shutdown closes them.
import { LINECALLSTATE, LINEMEDIAMODE, TAPI_VERSION } from '../../constants';
import { TapiError } from '../../errors';
import { OFFERED_FORMATS, waveClasses, type AudioIn, type AudioOut, type MediaCapabilities, type MediaProvider } from '../../media';
import type { LineAddressCaps, LineCallStatus, LineDevCaps } from '../../provider';
import type { Tapi32 } from './bindings';
import { readStringList } from './call-structs';
import { waveDeviceId, type WaveClass } from './device-id';
import type { NativeMemory } from './memory';
import { LINEDEVCAPS } from './structs';
import { WaveIn } from './wave-in';
import { WaveOut } from './wave-out';
import { loadWinmm, type Winmm } from './winmm';

/** What the media seam needs from the provider. */
export interface Win32MediaHost {
  api: Tapi32;
  memory: NativeMemory;
  getDevCaps(deviceId: number, apiVersion: number): LineDevCaps;
  getAddressCaps(deviceId: number, addressId: number, apiVersion: number): LineAddressCaps;
  getCallStatus(hCall: number): LineCallStatus;
  /** LINEDEVCAPS' device classes (DC+244, 2.0+). */
  lineDeviceClasses(deviceId: number, apiVersion: number): string[];
}

export class Win32Media implements MediaProvider {
  private winmm: Winmm | undefined;
  private readonly devices = new Set<{ close(): void }>();

  constructor(
    private readonly host: Win32MediaHost,
    private readonly winmmPath: string | undefined,
  ) {}

  /** Devices opened and not yet closed. */
  get openDevices(): number {
    return this.devices.size;
  }

  mediaCapabilities(deviceId: number, apiVersion: number): MediaCapabilities {
    const caps = this.host.getDevCaps(deviceId, apiVersion);
    const classes: string[] = [];
    if (apiVersion >>> 0 >= TAPI_VERSION.V2_0) {
      // Per address (AC+196) and per line (DC+244): either may name the wave classes (§14.3).
      for (const c of [
        ...this.host.getAddressCaps(deviceId, 0, apiVersion).deviceClasses,
        ...this.host.lineDeviceClasses(deviceId, apiVersion),
      ])
        if (!classes.some((k) => k.toLowerCase() === c.toLowerCase())) classes.push(c);
    }
    const { playback, recording } = waveClasses(classes);
    // §15.5 step 1: the wave classes belong to lines that take AUTOMATEDVOICE.
    const voice = (caps.mediaModes & LINEMEDIAMODE.AUTOMATEDVOICE) !== 0;
    return {
      audio: voice && (playback || recording),
      playback,
      recording,
      deviceClasses: classes,
      formats: playback || recording ? OFFERED_FORMATS.map((f) => ({ ...f })) : [],
    };
  }

  openAudioOut(hLine: number, hCall: number): AudioOut {
    const id = this.deviceFor(hLine, hCall, 'wave/out', 'waveOutOpen');
    const device = new WaveOut(this.load('waveOutOpen'), this.host.memory, id, (d) => this.devices.delete(d));
    this.devices.add(device);
    return device;
  }

  openAudioIn(hLine: number, hCall: number): AudioIn {
    const id = this.deviceFor(hLine, hCall, 'wave/in', 'waveInOpen');
    const device = new WaveIn(this.load('waveInOpen'), this.host.memory, id, (d) => this.devices.delete(d));
    this.devices.add(device);
    return device;
  }

  /** Every device still open is reset and closed (provider shutdown). */
  closeAll(): void {
    for (const d of [...this.devices]) {
      try {
        d.close();
      } catch {
        // One device's failure must not keep the others open.
      }
    }
    this.devices.clear();
  }

  private deviceFor(hLine: number, hCall: number, cls: WaveClass, operation: string): number {
    const id = waveDeviceId(this.host.api, hLine, hCall, cls);
    const state = this.host.getCallStatus(hCall).callState & 0x00ffffff;
    if (state !== LINECALLSTATE.CONNECTED) throw TapiError.of('INVALCALLSTATE', operation, 'the call is not connected');
    return id;
  }

  private load(operation: string): Winmm {
    this.winmm ??= loadWinmm(this.winmmPath, operation);
    return this.winmm;
  }
}

/** LINEDEVCAPS' device class list (DC+244 / +248) from a buffer filled for `fixed` bytes of fixed part. */
export function devCapsClasses(buf: Uint8Array, used: number, fixed: number): string[] {
  return LINEDEVCAPS.dwDeviceClassesOffset + 4 <= fixed ? readStringList(buf, LINEDEVCAPS.dwDeviceClassesSize, used) : [];
}
