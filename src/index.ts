/** The library's public face. */
export { QrunError, ERROR_CATALOG, type ErrorCode, type ErrorFamily } from './errors.js';
export { VERSION } from './version.js';
