import { describeMediaContract } from './contract/media';
import { win32Media } from './harness/media';

describeMediaContract(win32Media);
