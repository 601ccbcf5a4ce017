// The media of a SIP call (issue 15): SDP offer/answer, RTP, pacing, G.711, RFC 4733 and the media seam.
export { RtpSession, RTP_RATE, FRAME_SAMPLES, type RtpSessionOptions, type RtpStats } from './rtp-session';
export {
  SdpError,
  parseSdp,
  answerOffer,
  readAnswer,
  buildOffer,
  answerDirection,
  effectiveDirection,
  DEFAULT_TELEPHONE_EVENT,
  PTIME_MS,
  SDP_LIMITS,
  type CodecName,
  type MediaDirection,
  type Negotiated,
  type SessionDescription,
  type SdpMedia,
  type LocalAudio,
} from './sdp';
export { parseRtp, serializeRtp, seqDiff, tsDiff, SequenceTracker, type RtpPacket, type RtpParseResult } from './rtp';
export { Pacer, type PacerOptions } from './pacer';
export { PlayoutBuffer } from './playout';
export { EventReceiver, encodeEvent, decodeEvent, eventOf, DTMF_EVENTS, type TelephoneEvent } from './telephone-event';
export { encodeG711, decodeG711, silenceFrame } from './g711';
export { realClock } from './clock';
