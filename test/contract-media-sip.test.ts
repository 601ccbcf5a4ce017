// The media contract against the SIP provider: audio over RTP to a far-end RtpSession (test/harness/sip-media.ts).
import { describeMediaContract } from './contract/media';
import { closeSipFarEnd, openSipFarEnd } from './harness/sip';
import { sipMedia } from './harness/sip-media';

describe('SIP provider media contract', function () {
  before(openSipFarEnd);
  after(closeSipFarEnd);
  describeMediaContract(sipMedia);
});
