/**
 * promptevo/runtime: registry programs in a Node service. No Temporal, no local model runtime:
 * pg (when reading PostgreSQL), openai and zod. See docs/REGISTRY.md.
 */
export {
  createRuntime,
  checkInputs,
  type LoadedProgram,
  type Prediction,
  type Runtime,
  type RuntimeLogger,
  type RuntimeOptions,
} from './runtime.js';
export { VersionCache, type CacheEvents, type CachedVersion, type Origin } from './cache.js';
export { keyPolicyFromEnv, type EndpointConfig, type EndpointMap, type KeyPolicy } from './endpoint.js';
export {
  AnswerError,
  EndpointError,
  InputError,
  ReferenceFormatError,
  RegistryUnavailableError,
  UnknownVersionError,
} from './errors.js';
export { SnapshotStore } from './snapshot.js';
export { databaseSource, serveSource, describeLookup, type Lookup, type RegistrySource } from './source.js';
export { checkedVersion, type RuntimeVersion } from './version.js';
