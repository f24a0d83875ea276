export type FuseName =
  | 'runAsNode'
  | 'enableNodeOptionsEnvironmentVariable'
  | 'enableNodeCliInspectArguments'
  | 'grantFileProtocolExtraPrivileges'
  | 'onlyLoadAppFromAsar'
  | 'enableCookieEncryption';

export type Fuses = Readonly<Partial<Record<FuseName, boolean>>>;

export const PACKAGED_FUSES: Readonly<Record<FuseName, boolean>>;
export const KIOSK_FUSES: Fuses;

export function readFuses(
  binary: string,
  names?: readonly FuseName[],
): Promise<Partial<Record<FuseName, boolean | 'removed'>>>;

export function fuseElectron(binary: string, fuses?: Fuses): Promise<{ changed: boolean }>;
