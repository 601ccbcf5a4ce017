// The seam's digit, tone and media-detection functions on a SIP line, and the address caps / app priority.
// DTMF only (no pulse): generated as RFC 4733 (or INFO), detected from RFC 4733 and INFO. A SIP line neither
// generates nor detects tones or media modes: those refuse with LINEERR_OPERATIONUNAVAIL (stopping them —
// tone mode 0, an empty list, mode 0 — is accepted, there is nothing to stop).
import { LINECALLFEATURE as F, LINECALLSTATE as S, LINEDIGITMODE, LINEMEDIAMODE, LINEREQUESTMODE } from '../../constants';
import { TapiError } from '../../errors';
import type { LineAddressCaps, LineGatherRequest, LineGenerateTone, LineMonitorTone } from '../../provider';
import { sipAddressCaps, SIP_GATHER_TIMEOUTS } from './sip-caps';
import { cancelGeneration, generateDigits } from './sip-generate';
import { requireFeature } from './sip-seam-control';
import type { SeamContext } from './seam-context';

const DIGITS = /^[0-9A-Da-d*#]*$/;
const GENERATED = /^[0-9A-Da-d*#,]*$/;
const ALL_MEDIA = Object.values(LINEMEDIAMODE).reduce((a, b) => a | b, 0);

export class SipSeamSignals {
  readonly priorities = new Map<string, number>();

  constructor(private readonly ctx: SeamContext) {}

  generateDigits(hCall: number, digitMode: number, digits: string | null, duration: number): void {
    const op = 'lineGenerateDigits';
    const session = this.ctx.session(op);
    const h = this.ctx.owned(hCall, op);
    if (h.call.state === S.IDLE) throw TapiError.of('INVALCALLSTATE', op, 'the call is idle');
    if (digits === null || digits === undefined) {
      cancelGeneration(session, h.call);
      return;
    }
    requireFeature(h, F.GENERATEDIGITS, S.CONNECTED, op);
    if (digitMode >>> 0 !== LINEDIGITMODE.DTMF) throw TapiError.of('INVALDIGITMODE', op, 'a SIP line generates DTMF only');
    if (typeof digits !== 'string' || !GENERATED.test(digits))
      throw TapiError.of('INVALDIGITS', op, 'digits are 0-9 A-D * # and "," (pause)');
    generateDigits(session, h, digits, duration >>> 0);
  }

  generateTone(hCall: number, toneMode: number, _duration: number, _tones: readonly LineGenerateTone[]): void {
    const op = 'lineGenerateTone';
    this.ctx.session(op);
    const h = this.ctx.owned(hCall, op);
    if (h.call.state === S.IDLE) throw TapiError.of('INVALCALLSTATE', op, 'the call is idle');
    if (toneMode >>> 0 === 0) return;
    throw TapiError.of('OPERATIONUNAVAIL', op, 'a SIP line does not generate tones');
  }

  monitorDigits(hCall: number, digitModes: number): void {
    const op = 'lineMonitorDigits';
    this.ctx.session(op);
    const h = this.ctx.handle(hCall, op);
    const modes = digitModes >>> 0;
    if (h.call.state === S.IDLE || h.call.state === S.DISCONNECTED) throw TapiError.of('INVALCALLSTATE', op, 'the call is over');
    if (modes & ~LINEDIGITMODE.DTMF)
      throw TapiError.of('INVALDIGITMODE', op, `digit modes 0x${modes.toString(16)}: a SIP line detects DTMF only`);
    h.call.digits.monitor(hCall, modes);
  }

  gatherDigits(hCall: number, digitModes: number, request: LineGatherRequest | null): void {
    const op = 'lineGatherDigits';
    this.ctx.session(op);
    const h = this.ctx.owned(hCall, op);
    const call = h.call;
    if (request === null || request === undefined) {
      call.digits.endGather(0x10 /* LINEGATHERTERM_CANCEL */);
      return;
    }
    requireFeature(h, F.GATHERDIGITS, S.CONNECTED, op);
    if (digitModes >>> 0 !== LINEDIGITMODE.DTMF)
      throw TapiError.of('INVALDIGITMODE', op, `digit modes 0x${(digitModes >>> 0).toString(16)}: DTMF only`);
    if (!Number.isInteger(request.numDigits) || request.numDigits < 1) throw TapiError.of('INVALPARAM', op, 'dwNumDigits must be >= 1');
    if (typeof request.terminationDigits !== 'string' || !DIGITS.test(request.terminationDigits)) {
      throw TapiError.of('INVALDIGITS', op, 'termination digits are 0-9 A-D * #');
    }
    for (const t of [request.firstDigitTimeout >>> 0, request.interDigitTimeout >>> 0]) {
      if (t !== 0 && (t < SIP_GATHER_TIMEOUTS.min || t > SIP_GATHER_TIMEOUTS.max)) {
        throw TapiError.of('INVALTIMEOUT', op, `timeouts are 0 or ${SIP_GATHER_TIMEOUTS.min}..${SIP_GATHER_TIMEOUTS.max} ms`);
      }
    }
    call.digits.startGather(hCall, request);
  }

  monitorTones(hCall: number, tones: readonly LineMonitorTone[] | null): void {
    const op = 'lineMonitorTones';
    this.ctx.session(op);
    const h = this.ctx.handle(hCall, op);
    if (h.call.state === S.IDLE) throw TapiError.of('INVALCALLSTATE', op, 'the call is idle');
    if (!tones || tones.length === 0) return;
    throw TapiError.of('OPERATIONUNAVAIL', op, 'a SIP line does not detect tones');
  }

  monitorMedia(hCall: number, mediaModes: number): void {
    const op = 'lineMonitorMedia';
    this.ctx.session(op);
    const h = this.ctx.handle(hCall, op);
    if (h.call.state === S.IDLE) throw TapiError.of('INVALCALLSTATE', op, 'the call is idle');
    const modes = mediaModes >>> 0;
    if (modes & ~ALL_MEDIA) throw TapiError.of('INVALMEDIAMODE', op, `media modes 0x${modes.toString(16)}`);
    if (modes === 0) return;
    throw TapiError.of('OPERATIONUNAVAIL', op, 'a SIP line does not detect media modes');
  }

  getAddressCaps(deviceId: number, addressId: number, apiVersion: number): LineAddressCaps {
    const op = 'lineGetAddressCaps';
    this.ctx.session(op);
    const device = this.ctx.device(deviceId, op);
    this.ctx.checkVersion(deviceId, apiVersion, op);
    if (addressId !== 0) throw TapiError.of('INVALADDRESSID', op, 'a SIP line has one address (0)');
    return sipAddressCaps(device.description, apiVersion >>> 0);
  }

  /** Kept for this provider instance only (the real list is persistent and machine-wide). */
  setAppPriority(appFilename: string, mediaMode: number, requestMode: number, priority: number): void {
    const op = 'lineSetAppPriority';
    if (typeof appFilename !== 'string' || appFilename === '' || /[\\/:]/.test(appFilename)) throw TapiError.of('INVALAPPNAME', op);
    const media = mediaMode >>> 0;
    if (media === 0) {
      if (requestMode >>> 0 !== LINEREQUESTMODE.MAKECALL) throw TapiError.of('INVALREQUESTMODE', op);
    } else if ((media & (media - 1)) !== 0 || media & ~ALL_MEDIA) {
      throw TapiError.of('INVALMEDIAMODE', op);
    }
    if (priority !== 0 && priority !== 1) throw TapiError.of('INVALPARAM', op, 'priority is 0 or 1');
    const key = `${appFilename.toLowerCase()}/${media}`;
    if (priority === 1) this.priorities.set(key, 1);
    else this.priorities.delete(key);
  }
}
