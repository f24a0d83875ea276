// What a test and its Hearth child process (hearthChild.ts) say over IPC.
import type { StallFigures } from './stallMonitor';

export type ChildRequest =
  | {
      type: 'stats';
      id: number;
      /** Start a fresh lag histogram after answering. */ resetLag?: boolean;
    }
  | { type: 'gc'; id: number }
  | { type: 'stop' };

export interface LagFigures {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface ChildStats {
  type: 'stats';
  id: number;
  /** Event loop delay of the server process since the last reset (ms), whatever its cause. */
  lagMs: LagFigures;
  /** The longest stall of its event loop by its own work, since the last reset. */
  stall: StallFigures;
  memory: NodeJS.MemoryUsage;
  sessions: { connected: number; disconnected: number };
}

export type ChildReply =
  | {
      type: 'ready';
      url: string;
      pairingUrl: string;
      /** `hearth_owner=...`: what a browser that opened the owner page presents. */
      ownerCookie: string;
    }
  | ChildStats
  | { type: 'gc'; id: number };
