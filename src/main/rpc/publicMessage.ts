// What a client may read of an error: never an absolute path of this machine
// (it tells a stranger where things live) and never an internal stack or
// message; those stay in the log.

const ABSOLUTE_PATH = /(?<![\w.:/])\/(?:[\w.@+~-]+\/)+([\w.@+~-]+)/g;

/** The message with every absolute path shortened to its last part. */
export function withoutPaths(message: string): string {
  return message.replace(ABSOLUTE_PATH, (_path, last: string) => last);
}

export const INTERNAL_ERROR_MESSAGE = 'Something went wrong in Hearth; its log has the details';
