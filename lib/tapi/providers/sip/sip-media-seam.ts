// The media seam on a SIP line: a call's audio is its RTP session (media/rtp-session.ts), opened for the call
// when it was placed or offered. openAudioOut / openAudioIn answer like lineGetIDW + waveOutOpen would: the
// handle must belong to the line, and the call must be connected (held calls keep their media but play nothing).
import { LINECALLSTATE as S } from '../../constants';
import { TapiError } from '../../errors';
import { NO_AUDIO_DEVICE, type AudioIn, type AudioOut, type MediaCapabilities, type MediaProvider } from '../../media';
import type { CallHandle } from './sip-call';
import { sipMediaCapabilities } from './sip-caps';
import type { SeamContext } from './seam-context';

export class SipMediaSeam implements MediaProvider {
  constructor(private readonly ctx: SeamContext) {}

  mediaCapabilities(deviceId: number, apiVersion: number): MediaCapabilities {
    this.ctx.device(deviceId, 'lineGetDevCaps');
    return sipMediaCapabilities(apiVersion >>> 0);
  }

  private media(hLine: number, hCall: number, cls: 'wave/out' | 'wave/in'): CallHandle {
    const op = 'lineGetID';
    this.ctx.session(op);
    const h = this.ctx.handle(hCall, op);
    if (h.line.hLine !== hLine) throw TapiError.of('INVALLINEHANDLE', op);
    if (h.call.state !== S.CONNECTED && h.call.state !== S.ONHOLD) {
      throw TapiError.of('INVALCALLSTATE', cls === 'wave/out' ? 'waveOutOpen' : 'waveInOpen', 'the call is not connected');
    }
    if (!h.call.rtp) throw TapiError.of('INVALDEVICECLASS', op, `${cls}: ${NO_AUDIO_DEVICE}`);
    return h;
  }

  openAudioOut(hLine: number, hCall: number): AudioOut {
    return this.media(hLine, hCall, 'wave/out').call.rtp!.audioOut();
  }

  openAudioIn(hLine: number, hCall: number): AudioIn {
    return this.media(hLine, hCall, 'wave/in').call.rtp!.audioIn();
  }
}
