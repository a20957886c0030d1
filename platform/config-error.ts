/** A configuration problem the user must fix (an environment variable, the config file, a flag). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
