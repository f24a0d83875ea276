export function electronBinary(root: string): string | null;
export function fetchElectronRuntime(root: string): string | undefined;
