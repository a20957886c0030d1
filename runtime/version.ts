import { z } from 'zod';
import type { VersionContent } from '../core/registry/version.js';
import { versionHash } from '../core/registry/version.js';
import { signatureSchema } from '../core/task/signature.js';

/** What the runtime needs of a registry version: which one it is, and its content. */
export interface RuntimeVersion {
  name: string;
  version: number;
  hash: string;
  content: VersionContent;
}

const decodingSchema = z.object({
  temperature: z.number(),
  maxTokens: z.number().int().positive().optional(),
  structuredOutput: z.boolean(),
});

/**
 * The shape of a version read from disk, a serve response or a fallback; the genome is checked by
 * the hash (below), so its shape is taken as stored.
 */
const runtimeVersionSchema = z.object({
  name: z.string().min(1),
  version: z.number().int().positive(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  content: z.object({
    signature: signatureSchema,
    genome: z.object({ sections: z.record(z.string(), z.unknown()), demos: z.array(z.unknown()) }).loose(),
    model: z.string().min(1),
    decoding: decodingSchema,
  }),
});

/**
 * A version from outside the registry's own tables (a snapshot file, serve, a fallback), checked:
 * the right shape, and content that hashes to its hash, so a corrupted or edited copy is refused
 * rather than served. `where` says where it came from, for the error.
 */
export function checkedVersion(value: unknown, where: string): RuntimeVersion {
  const parsed = runtimeVersionSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${where}: not a registry version (${issue.path.join('.') || 'value'}: ${issue.message})`);
  }
  const version = value as RuntimeVersion;
  let hash: string;
  try {
    hash = versionHash(version.content);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
  if (hash !== version.hash) {
    throw new Error(
      `${where}: content of ${version.name}:${version.version} hashes to ${hash.slice(0, 12)}, not ${version.hash.slice(0, 12)}; the copy was altered, delete it`,
    );
  }
  return { name: version.name, version: version.version, hash: version.hash, content: version.content };
}
