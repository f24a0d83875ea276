// Who a client is, to every part of Hearth: the owner (the kiosk screen, or a
// browser that proved the owner secret) or a paired device (a phone).
import { z } from 'zod/mini';

export const clientRole = z.enum(['owner', 'device']);
export type ClientRole = z.infer<typeof clientRole>;
