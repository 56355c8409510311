import type { VersionResponse } from '../gen/v1/runtime/v1/VersionResponse.js';
import { RUNTIME_NAME, runtimeVersion } from '../../version.js';

/** `version` is the kubelet's CRI version; v1 answers "0.1.0" there, as containerd and CRI-O do. */
export function version(): VersionResponse {
  return { version: '0.1.0', runtime_name: RUNTIME_NAME, runtime_version: runtimeVersion(), runtime_api_version: 'v1' };
}
