// Original file: stratus/v1/stratus.proto


export interface GetStatusRequest {
}

export interface GetStatusRequest__Output {
}
