export {
  startHearthServer,
  WS_PATH,
  type HearthServer,
  type HearthServerOptions,
} from './httpServer';
export { contentSecurityPolicy, httpSecurityHeaders } from './securityHeaders';
