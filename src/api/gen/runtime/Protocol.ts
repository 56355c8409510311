// Original file: proto/api.proto

export const Protocol = {
  TCP: 'TCP',
  UDP: 'UDP',
} as const;

export type Protocol =
  | 'TCP'
  | 0
  | 'UDP'
  | 1

export type Protocol__Output = typeof Protocol[keyof typeof Protocol]
