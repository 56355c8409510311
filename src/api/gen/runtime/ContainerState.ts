// Original file: proto/api.proto

export const ContainerState = {
  CREATED: 'CREATED',
  RUNNING: 'RUNNING',
  EXITED: 'EXITED',
  UNKNOWN: 'UNKNOWN',
} as const;

export type ContainerState =
  | 'CREATED'
  | 0
  | 'RUNNING'
  | 1
  | 'EXITED'
  | 2
  | 'UNKNOWN'
  | 3

export type ContainerState__Output = typeof ContainerState[keyof typeof ContainerState]
