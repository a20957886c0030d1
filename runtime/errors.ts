/** What the runtime throws: typed, each naming what was asked for and what to do. */

/** A name, label or pinned version the registry does not have. Never served from a stale copy. */
export class UnknownVersionError extends Error {
  override readonly name = 'UnknownVersionError';
  constructor(
    /** `name@label` or `name:version`. */
    readonly reference: string,
    message: string,
  ) {
    super(message);
  }
}

/** The registry could not be read and no last-known-good copy (memory, snapshot, fallback) exists. */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
  constructor(
    readonly reference: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The service maps no endpoint to a version's model, or its endpoint breaks the key/host policy. */
export class EndpointError extends Error {
  override readonly name = 'EndpointError';
  constructor(
    readonly model: string,
    message: string,
  ) {
    super(message);
  }
}

/** The inputs given to `predict` do not fit the version's signature. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The model's answer could not be read as the signature's outputs, even after clean-up. */
export class AnswerError extends Error {
  override readonly name = 'AnswerError';
  constructor(
    message: string,
    /** The model's reply text. */
    readonly raw: string,
  ) {
    super(message);
  }
}

/** A name, label or version that is not well formed (see core/registry/reference.ts). */
export class ReferenceFormatError extends Error {
  override readonly name = 'ReferenceFormatError';
}
