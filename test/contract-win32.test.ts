import { describeContract } from './contract/contract';
import { win32Harness } from './harness/win32';

describeContract(win32Harness);
