import { describeMediaContract } from './contract/media';
import { simulatorMedia } from './harness/media';

describeMediaContract(simulatorMedia);
