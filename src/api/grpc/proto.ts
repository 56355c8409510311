import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as RuntimeProto } from '../gen/api.js';
import type { ProtoGrpcType as BerthProto } from '../gen/berth.js';
import type { ProtoGrpcType as V1Proto } from '../gen/v1/api.js';

const PROTO_DIR = fileURLToPath(new URL('../../../../proto/', import.meta.url));

// Must match the flags of `npm run gen:proto`, or the generated types lie.
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  objects: true,
  oneofs: true,
};

export interface Protos {
  runtime: RuntimeProto['runtime'];
  berth: BerthProto['berth']['v1'];
  v1: V1Proto['runtime']['v1'];
}

let cached: Protos | undefined;

export function loadProtos(): Protos {
  if (cached) return cached;
  const runtimeDef = protoLoader.loadSync(PROTO_DIR + 'api.proto', LOADER_OPTIONS);
  const berthDef = protoLoader.loadSync(PROTO_DIR + 'berth.proto', LOADER_OPTIONS);
  const v1Def = protoLoader.loadSync(PROTO_DIR + 'cri-v1/api.proto', LOADER_OPTIONS);
  cached = {
    runtime: (grpc.loadPackageDefinition(runtimeDef) as unknown as RuntimeProto).runtime,
    berth: (grpc.loadPackageDefinition(berthDef) as unknown as BerthProto).berth.v1,
    v1: (grpc.loadPackageDefinition(v1Def) as unknown as V1Proto).runtime.v1,
  };
  return cached;
}

let displayV1: V1Proto['runtime']['v1'] | undefined;

/**
 * CRI v1 for a client that prints what it receives: proto3 leaves fields
 * at their zero value off the wire, and this decodes them as present
 * (state READY, exit code 0), as crictl shows them.
 */
export function loadV1WithDefaults(): V1Proto['runtime']['v1'] {
  displayV1 ??= (
    grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_DIR + 'cri-v1/api.proto', { ...LOADER_OPTIONS, defaults: true })) as unknown as V1Proto
  ).runtime.v1;
  return displayV1;
}
