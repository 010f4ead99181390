// Browser stand-in for @grpc/grpc-js, used only by the client bundle: the shared validation rules
// (@stratus/common validation.ts) build StratusErrors, whose catalog module reads gRPC status
// numbers at load time. The page never makes gRPC calls, so only the constants are needed.
export const status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export class Metadata {
  private map = new Map<string, string[]>();
  set(key: string, value: string): void {
    this.map.set(key, [value]);
  }
  get(key: string): string[] {
    return this.map.get(key) ?? [];
  }
}
