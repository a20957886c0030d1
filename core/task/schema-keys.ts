import type { z } from 'zod';

/**
 * The keys a strict object schema accepts at a given path, so an unknown key can be
 * answered with "did you mean ...". Walks zod's schema definitions; the data picks the
 * branch of a discriminated union.
 */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

function unwrap(schema: z.ZodType): z.ZodType {
  for (let i = 0; i < 50; i++) {
    const def = defOf(schema);
    const next = def.innerType ?? def.in ?? def.getter?.();
    if (
      !next ||
      !['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'pipe', 'lazy'].includes(def.type)
    ) {
      return schema;
    }
    schema = next;
  }
  return schema;
}

function objectBranches(schema: z.ZodType, data: unknown): Def[] {
  const def = defOf(unwrap(schema));
  if (def.type === 'object') return [def];
  if (def.type !== 'union' || !def.options) return [];
  const branches = def.options.flatMap((option) => objectBranches(option, data));
  const disc = def.discriminator;
  if (disc && data && typeof data === 'object') {
    const wanted = (data as Record<string, unknown>)[disc];
    const match = branches.filter((b) => {
      const field = b.shape?.[disc];
      return field !== undefined && (defOf(unwrap(field)).values ?? []).includes(wanted);
    });
    if (match.length) return match;
  }
  return branches;
}

export function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[], data: unknown): string[] {
  let schemas: z.ZodType[] = [root];
  let node = data;
  for (const key of path) {
    const next: z.ZodType[] = [];
    for (const schema of schemas) {
      const def = defOf(unwrap(schema));
      if (def.type === 'array' && def.element) next.push(def.element);
      else if (def.type === 'record' && def.valueType) next.push(def.valueType);
      else
        for (const branch of objectBranches(schema, node))
          if (branch.shape?.[String(key)]) next.push(branch.shape[String(key)]!);
    }
    schemas = next;
    node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  }
  const keys = schemas.flatMap((schema) => objectBranches(schema, node).flatMap((b) => Object.keys(b.shape ?? {})));
  return [...new Set(keys)];
}
