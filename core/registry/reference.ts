/**
 * References to registry versions: `name` (the label a bare name resolves to, `production`),
 * `name@label` or `name:version`.
 *
 * - name: a letter or digit, then letters, digits, `.`, `_` or `-`; at most 100 characters (the
 *   alphabet of task names);
 * - label: a lowercase letter, then lowercase letters, digits, `_` or `-`; at most 40 characters;
 * - version: a positive integer without leading zeros.
 */
export type VersionReference =
  | { kind: 'default'; name: string }
  | { kind: 'label'; name: string; label: string }
  | { kind: 'version'; name: string; version: number };

export const DEFAULT_LABEL = 'production';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const LABEL = /^[a-z][a-z0-9_-]{0,39}$/;
const VERSION = /^[1-9][0-9]{0,14}$/;

export function parseVersionReference(text: string): VersionReference {
  const at = text.indexOf('@');
  const colon = text.indexOf(':');
  if (at >= 0 && colon >= 0) {
    throw new Error(`"${text}" has both a label and a version; use name@label or name:version`);
  }
  const split = at >= 0 ? at : colon;
  const name = split >= 0 ? text.slice(0, split) : text;
  assertName(name, text);
  if (split < 0) return { kind: 'default', name };
  const rest = text.slice(split + 1);
  if (at >= 0) {
    assertLabel(rest, text);
    return { kind: 'label', name, label: rest };
  }
  if (!VERSION.test(rest)) {
    throw new Error(`"${text}": version "${rest}" must be a positive whole number such as ${name}:3`);
  }
  return { kind: 'version', name, version: Number(rest) };
}

export function formatVersionReference(ref: VersionReference): string {
  assertName(ref.name, ref.name);
  if (ref.kind === 'default') return ref.name;
  if (ref.kind === 'label') {
    assertLabel(ref.label, `${ref.name}@${ref.label}`);
    return `${ref.name}@${ref.label}`;
  }
  if (!Number.isSafeInteger(ref.version) || ref.version < 1) {
    throw new Error(`version of "${ref.name}" must be a positive whole number, got ${ref.version}`);
  }
  return `${ref.name}:${ref.version}`;
}

export function assertName(name: string, where: string): void {
  if (!NAME.test(name)) {
    throw new Error(
      `"${where}": prompt name "${name}" must start with a letter or digit and use only letters, digits, ` +
        '".", "_" or "-" (at most 100 characters)',
    );
  }
}

export function assertLabel(label: string, where: string): void {
  if (!LABEL.test(label)) {
    throw new Error(
      `"${where}": label "${label}" must start with a lowercase letter and use only lowercase letters, ` +
        'digits, "_" or "-" (at most 40 characters), like production or staging',
    );
  }
}
