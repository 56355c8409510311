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
 * One service's methods, made straight from the pre-parsed descriptor:
 * what @grpc/proto-loader and loadPackageDefinition make with the flags of
 * `npm run gen:proto` (or the generated types lie), without parsing .proto
 * text (~250 ms CPU at every start) or building the reflection descriptors
 * grpc-js never reads. With `defaults`, zero-valued proto3 fields decode as
 * present, as crictl shows them.
 */
export function serviceDefinition(file: ProtoFile, service: string, defaults = false): grpc.ServiceDefinition {
  const conversion: protobuf.IConversionOptions = { longs: String, enums: String, defaults, arrays: true, objects: true, oneofs: true };
  const serialize = (type: protobuf.Type) => (value: object) => Buffer.from(type.encode(type.fromObject(value)).finish());
  const deserialize = (type: protobuf.Type) => (bytes: Buffer): object => type.toObject(type.decode(bytes), conversion);
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of root(file).lookupService(service).methodsArray) {
    method.resolve();
    const req = method.resolvedRequestType!;
    const res = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${service}/${method.name}`,
      requestStream: !!method.requestStream,
      responseStream: !!method.responseStream,
      requestSerialize: serialize(req),
      requestDeserialize: deserialize(req),
      responseSerialize: serialize(res),
      responseDeserialize: deserialize(res),
      originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
    };
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
