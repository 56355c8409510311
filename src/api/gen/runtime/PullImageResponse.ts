// Original file: proto/api.proto


export interface PullImageResponse {
}

export interface PullImageResponse__Output {
}
