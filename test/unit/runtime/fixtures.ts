import { versionHash, type VersionContent } from '../../../core/registry/version.js';
import type { Lookup, RegistrySource } from '../../../runtime/source.js';
import type { RuntimeVersion } from '../../../runtime/version.js';
import { seedGenome, ticketSignature } from '../core/fixtures.js';

export function makeVersion(name: string, version: number, task = `Route ticket, v${version}.`): RuntimeVersion {
  const content: VersionContent = {
    signature: ticketSignature,
    genome: {
      ...seedGenome,
      sections: { ...seedGenome.sections, task },
      demos: [
        {
          kind: 'trace',
          inputs: { ticket: 'Charged twice', priority: 2 },
          outputs: { label: 'billing', confidence: 9 },
        },
      ],
    },
    model: 'sim-large',
    decoding: { temperature: 0, maxTokens: 200, structuredOutput: true },
  };
  return { name, version, hash: versionHash(content), content };
}

/**
 * A registry in memory: labels and versions set by the test, `down` makes every lookup throw as
 * an unreachable database would, and `lookups` counts the reads.
 */
export class FakeRegistry implements RegistrySource {
  readonly versions = new Map<string, RuntimeVersion>();
  readonly labels = new Map<string, number>();
  down = false;
  lookups = 0;

  add(v: RuntimeVersion): this {
    this.versions.set(`${v.name}:${v.version}`, v);
    return this;
  }

  label(name: string, label: string, version: number): this {
    this.labels.set(`${name}@${label}`, version);
    return this;
  }

  lookup(what: Lookup): Promise<RuntimeVersion | undefined> {
    this.lookups++;
    if (this.down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const version = 'label' in what ? this.labels.get(`${what.name}@${what.label}`) : what.version;
    return Promise.resolve(version === undefined ? undefined : this.versions.get(`${what.name}:${version}`));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
