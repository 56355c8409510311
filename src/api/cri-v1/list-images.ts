import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ListImagesRequest__Output } from '../gen/v1/runtime/v1/ListImagesRequest.js';
import type { ListImagesResponse } from '../gen/v1/runtime/v1/ListImagesResponse.js';
import type { ImageFilter__Output } from '../gen/v1/runtime/v1/ImageFilter.js';
import type { Image } from '../gen/v1/runtime/v1/Image.js';
import type { StreamImagesRequest__Output } from '../gen/v1/runtime/v1/StreamImagesRequest.js';
import type { StreamImagesResponse } from '../gen/v1/runtime/v1/StreamImagesResponse.js';
import { imageFilterArg } from '../validate.js';
import { toV1Image } from './image-messages.js';
import { inChunks } from './chunks.js';
import type { V1Deps } from './deps.js';

function list(d: V1Deps, f: ImageFilter__Output | undefined): Image[] {
  return d.images.list(imageFilterArg(f?.image?.image)).map(toV1Image);
}

export function listImages(d: V1Deps) {
  return (req: ListImagesRequest__Output): ListImagesResponse => ({ images: list(d, req.filter) });
}

export function streamImages(d: V1Deps) {
  return async (call: ServerWritableStream<StreamImagesRequest__Output, StreamImagesResponse>): Promise<void> => {
    inChunks(list(d, call.request.filter), (chunk) => call.write({ images: chunk }));
  };
}
