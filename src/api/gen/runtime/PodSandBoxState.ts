// Original file: proto/api.proto

export const PodSandBoxState = {
  READY: 'READY',
  NOTREADY: 'NOTREADY',
} as const;

export type PodSandBoxState =
  | 'READY'
  | 0
  | 'NOTREADY'
  | 1

export type PodSandBoxState__Output = typeof PodSandBoxState[keyof typeof PodSandBoxState]
