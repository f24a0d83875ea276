// The renderer's end of the API's calls, whatever carries its frames: call
// frames out, result frames matched to their call by id and checked against the
// shared schema before the store sees them. The kiosk's preload bridge and a
// phone's WebSocket are both a FramePort under this; the other frames (welcome,
// snapshot, events) are the session client's.
import {
  commands,
  type CommandArgs,
  type CommandName,
  type CommandResult,
} from '../../../shared/api';
import { describeIssues } from '../../../shared/describeIssues';
import { HearthCallError } from '../../../shared/transport';
import { resultFrame, type ClientFrame, type ResultFrame } from '../../../shared/wire';

/** A message port to main: window.hearth in the kiosk, a WebSocket for a phone. */
export interface FramePort {
  /** Sends one frame; throws a HearthCallError ('disconnected') when it cannot. */
  post(frame: ClientFrame): void;
  /** Frames from main, not yet checked; the returned function unsubscribes. */
  onFrame(listener: (frame: unknown) => void): () => void;
}

export interface RpcClient {
  call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>>;
  /** Rejects every call still waiting for its result: the link under it dropped. */
  failPending(message: string): void;
  /** Stops listening to the port and fails the calls in flight. */
  dispose(): void;
}

interface PendingCall {
  name: CommandName;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export function createRpcClient(port: FramePort): RpcClient {
  const pending = new Map<number, PendingCall>();
  let nextId = 1;
  let disposed = false;

  function settle(call: PendingCall, raw: unknown): void {
    const frame = resultFrame.safeParse(raw);
    if (!frame.success) {
      const why = describeIssues(frame.error, 'reply');
      return call.reject(
        new HearthCallError('bad_response', `${call.name}: malformed reply (${why})`),
      );
    }
    if (!frame.data.ok) {
      return call.reject(new HearthCallError(frame.data.error.code, frame.data.error.message));
    }
    const value = commands[call.name].result.safeParse(frame.data.value);
    if (!value.success) {
      const why = describeIssues(value.error, 'reply');
      return call.reject(
        new HearthCallError('bad_response', `${call.name}: reply does not match the API (${why})`),
      );
    }
    call.resolve(value.data);
  }

  function receive(raw: unknown): void {
    if ((raw as { t?: unknown } | null)?.t !== 'result') return;
    const id = (raw as { id?: unknown }).id;
    const call = typeof id === 'number' ? pending.get(id) : undefined;
    if (call) {
      pending.delete(id as number);
      return settle(call, raw);
    }
    // An error that belongs to no call: main could not read something we sent.
    const refused = (raw as Partial<ResultFrame>).ok === false;
    if (refused)
      warn(`main refused a frame: ${JSON.stringify((raw as { error?: unknown }).error)}`);
  }

  const unsubscribe = port.onFrame(receive);

  function failPending(message: string): void {
    const calls = [...pending.values()];
    pending.clear();
    for (const call of calls) call.reject(new HearthCallError('disconnected', message));
  }

  return {
    call<K extends CommandName>(name: K, args: CommandArgs<K>): Promise<CommandResult<K>> {
      if (disposed) {
        return Promise.reject(new HearthCallError('disconnected', 'The connection was closed'));
      }
      const id = nextId++;
      return new Promise<CommandResult<K>>((resolve, reject) => {
        pending.set(id, { name, resolve: resolve as (value: unknown) => void, reject });
        try {
          port.post({ t: 'call', id, name, args });
        } catch (error) {
          pending.delete(id);
          reject(
            error instanceof HearthCallError
              ? error
              : new HearthCallError('bad_request', `${name}: ${String(error)}`),
          );
        }
      });
    },
    failPending,
    dispose() {
      if (disposed) return;
      disposed = true;
      unsubscribe();
      failPending('The connection was closed');
    },
  };
}

function warn(message: string): void {
  console.warn(`hearth: ${message}`);
}
