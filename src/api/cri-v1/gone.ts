import { kindOf } from '../../errors.js';

/**
 * v1's stop and remove calls succeed for what is already gone (the kubelet
 * repeats them); the seed's stops say NOT_FOUND.
 */
export async function unlessGone(exists: boolean, op: () => Promise<void>): Promise<object> {
  if (!exists) return {};
  try {
    await op();
  } catch (err) {
    // Removed by a concurrent call between the lookup and the operation.
    if (kindOf(err) !== 'NOT_FOUND') throw err;
  }
  return {};
}
