import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/light.js';
import { DESCRIPTORS } from '../gen/descriptors.js';

export type ProtoFile = keyof typeof DESCRIPTORS;

const roots = new Map<ProtoFile, protobuf.Root>();

function root(file: ProtoFile): protobuf.Root {
  let r = roots.get(file);
  if (!r) roots.set(file, (r = protobuf.Root.fromJSON(JSON.parse(DESCRIPTORS[file]) as protobuf.INamespace)));
  return r;
}

/**
 * One method as grpc-js takes it, with the conversions of `npm run
 * gen:proto`'s flags (or the generated types lie). `types` gives its
 * request and response types; it is called at each message, so a caller
 * may build them on first use. With `defaults`, zero-valued proto3 fields
 * decode as present, as crictl shows them.
 */
export function methodDefinition(
  service: string,
  method: string,
  streams: { requestStream: boolean; responseStream: boolean },
  types: () => readonly [protobuf.Type, protobuf.Type],
  defaults: boolean,
): grpc.MethodDefinition<object, object> {
  const conversion: protobuf.IConversionOptions = { longs: String, enums: String, defaults, arrays: true, objects: true, oneofs: true };
  const serialize = (which: 0 | 1) => (value: object) => {
    const type = types()[which];
    return Buffer.from(type.encode(type.fromObject(value)).finish());
  };
  const deserialize = (which: 0 | 1) => (bytes: Buffer): object => {
    const type = types()[which];
    return type.toObject(type.decode(bytes), conversion);
  };
  return {
    path: `/${service}/${method}`,
    ...streams,
    requestSerialize: serialize(0),
    requestDeserialize: deserialize(0),
    responseSerialize: serialize(1),
    responseDeserialize: deserialize(1),
    originalName: method.charAt(0).toLowerCase() + method.slice(1),
  };
}

/**
 * One service's methods, made straight from the pre-parsed descriptor:
 * what @grpc/proto-loader and loadPackageDefinition make, without parsing
 * .proto text (~250 ms CPU at every start) or building the reflection
 * descriptors grpc-js never reads.
 */
export function serviceDefinition(file: ProtoFile, service: string, defaults = false): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of root(file).lookupService(service).methodsArray) {
    method.resolve();
    const types = [method.resolvedRequestType!, method.resolvedResponseType!] as const;
    const streams = { requestStream: !!method.requestStream, responseStream: !!method.responseStream };
    definition[method.name] = methodDefinition(service, method.name, streams, () => types, defaults);
  }
  return definition;
}

interface Service {
  service: grpc.ServiceDefinition;
}

export interface Protos {
  runtime: { RuntimeService: Service; ImageService: Service };
  berth: { PullProgress: Service; ContainerInfo: Service };
  v1: { RuntimeService: Service; ImageService: Service };
}

let cached: Protos | undefined;

/** The services berthd serves, shaped as loadPackageDefinition's packages. */
export function loadProtos(): Protos {
  cached ??= {
    runtime: {
      RuntimeService: { service: serviceDefinition('runtime', 'runtime.RuntimeService') },
      ImageService: { service: serviceDefinition('runtime', 'runtime.ImageService') },
    },
    berth: {
      PullProgress: { service: serviceDefinition('berth', 'berth.v1.PullProgress') },
      ContainerInfo: { service: serviceDefinition('berth', 'berth.v1.ContainerInfo') },
    },
    v1: {
      RuntimeService: { service: serviceDefinition('v1', 'runtime.v1.RuntimeService') },
      ImageService: { service: serviceDefinition('v1', 'runtime.v1.ImageService') },
    },
  };
  return cached;
}
