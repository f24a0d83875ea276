export {
  startHearthServer,
  WS_PATH,
  type HearthServer,
  type HearthServerOptions,
} from './httpServer';
export { contentSecurityPolicy, httpSecurityHeaders } from './securityHeaders';
export { DEFAULT_WS_LIMITS, type WsLimits } from './wsLimits';
