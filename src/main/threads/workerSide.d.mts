// Types for workerSide.mjs, for worker code written in TypeScript and bundled.
export declare function shouldStop(): boolean;
export declare function sleepUnlessStopped(ms: number): boolean;
export declare function threadInput(): unknown;
export declare function report(message: unknown): void;
