export {
  startHearthServer,
  WS_PATH,
  type HearthServer,
  type HearthServerOptions,
} from './httpServer';
export type { SessionCounts } from '../contracts/health';
export { isLoopbackAddress, type Principal, type UpgradeVerdict } from './requestAuth';
export { contentSecurityPolicy, httpSecurityHeaders } from './securityHeaders';
export { DEFAULT_WS_LIMITS, type WsLimits } from './wsLimits';
