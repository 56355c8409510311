import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ListContainersRequest__Output } from '../gen/v1/runtime/v1/ListContainersRequest.js';
import type { ListContainersResponse } from '../gen/v1/runtime/v1/ListContainersResponse.js';
import type { ContainerFilter__Output } from '../gen/v1/runtime/v1/ContainerFilter.js';
import type { Container } from '../gen/v1/runtime/v1/Container.js';
import type { StreamContainersRequest__Output } from '../gen/v1/runtime/v1/StreamContainersRequest.js';
import type { StreamContainersResponse } from '../gen/v1/runtime/v1/StreamContainersResponse.js';
import { toV1Container, v1ContainerFilter } from './container-messages.js';
import { inChunks } from './chunks.js';
import { ListedMessages } from '../grpc/list-encoding.js';
import type { V1Deps } from './deps.js';
import type { ContainerRecord } from '../../store/container-store.js';

type Messages = ListedMessages<ContainerRecord, string, Container>;

const messagesOf = (): Messages => new ListedMessages((c, ref) => toV1Container(c, () => ref));

function list(d: V1Deps, f: ContainerFilter__Output | undefined, messages: Messages): Container[] {
  const filter = v1ContainerFilter(f);
  if (!filter) return [];
  // One lookup per image, not per container: a node runs many containers of few images.
  const refs = new Map<string, string>();
  const refOf = (id: string) => refs.get(id) ?? refs.set(id, d.images.refOf(id)).get(id)!;
  return d.containers.list(filter).map((c) => messages.of(c, refOf(c.imageId)));
}

export function listContainers(d: V1Deps) {
  const messages = messagesOf();
  return (req: ListContainersRequest__Output): ListContainersResponse => ({ containers: list(d, req.filter, messages) });
}

export function streamContainers(d: V1Deps) {
  const messages = messagesOf();
  return async (call: ServerWritableStream<StreamContainersRequest__Output, StreamContainersResponse>): Promise<void> => {
    inChunks(list(d, call.request.filter, messages), (chunk) => call.write({ containers: chunk }));
  };
}
