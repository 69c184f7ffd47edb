// Types for scripts/build-stamp.mjs, which test/helpers/cli.ts imports.
export declare const ROOT: string
export declare const STAMP: string
export interface Stamp {
  inputs: string
  node: string
  outputs: string
}
export declare function currentStamp(root?: string): Stamp
export declare function staleReason(root?: string): string | undefined
export declare function writeStamp(root?: string): void
