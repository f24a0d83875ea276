// What the API service needs from the owner secret: replacing it, which signs
// out every browser that proved it (the kiosk's own window is the owner
// through IPC and is not affected). The pairing side implements it.

export interface OwnerAccessPort {
  /** A new secret: old owner cookies stop working and owner browsers' sockets close at once. */
  rotate(): Promise<void>;
}
