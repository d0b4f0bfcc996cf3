// @endure/server: the engine behind an HTTP/JSON API (`endure server`), and the `endure` CLI.
export { startServer, type RunningServer } from './http/server.js';
export { ServerConfigError, isLoopback, type ServerOptions, type ServerLogEntry } from './http/options.js';
export { openApiDocument } from './http/openapi.js';
export { ROUTES, type Route } from './http/routes.js';
export { httpStatusOf, ErrorBody } from './http/http-errors.js';
