// Original file: stratus/v1/stratus.proto


export interface GetPoolRequest {
}

export interface GetPoolRequest__Output {
}
