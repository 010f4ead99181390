// Original file: stratus/v1/stratus.proto


export interface ListNodesRequest {
}

export interface ListNodesRequest__Output {
}
