import { unimplemented } from '../../errors.js';

/** The v1 calls berth does not serve yet, and what each is missing; each has its own issue. */
export const UNIMPLEMENTED_FEATURES = {
  CheckpointContainer: 'container checkpoint is not supported: berth has no CRIU support',
} as const;

export type UnimplementedMethod = keyof typeof UNIMPLEMENTED_FEATURES;

export function notServed(method: UnimplementedMethod): () => never {
  return () => {
    throw unimplemented(`${method}: ${UNIMPLEMENTED_FEATURES[method]}`);
  };
}
