import { isRecord } from '../core/is-record.js';

/** A node's `grants` config: privilege → grantees (`{select: ['reporter']}`), as dbt standardizes it. */
export type GrantConfig = Readonly<Record<string, readonly string[]>>;

/** dbt's _listify: none is [], a list stays, anything else is a list of one. */
function listify(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? [...(value as unknown[])] : [value];
}

/**
 * Merges a more specific level's `grants` over the inherited ones as dbt does (MergeBehavior.DictKeyAppend
 * in dbt-core's BaseConfig): each privilege of `next` replaces the inherited grantees, unless its key
 * starts with `+` (`+select`), which adds to them. A value that is not a mapping is left for the check.
 */
export function mergeGrants(inherited: unknown, next: unknown): unknown {
  if (!isRecord(next)) return next;
  const merged: Record<string, unknown[]> = {};
  if (isRecord(inherited)) for (const [key, value] of Object.entries(inherited)) merged[key.replace(/^\++/, '')] = listify(value);
  for (const [key, value] of Object.entries(next)) {
    const privilege = key.replace(/^\++/, '');
    if (key.startsWith('+') && privilege in merged) merged[privilege] = [...merged[privilege]!, ...listify(value)];
    else merged[privilege] = listify(value);
  }
  return merged;
}

/** The `grants` config checked: a mapping of privilege to a grantee or a list of grantees; a problem message otherwise. */
export function readGrants(value: unknown): { readonly grants: GrantConfig } | { readonly problem: string } {
  if (value === undefined || value === null) return { grants: {} };
  if (!isRecord(value)) return { problem: `config 'grants' must map privileges to grantees ({select: ['reporter']}), got ${JSON.stringify(value)}` };
  const grants: Record<string, string[]> = {};
  for (const [key, raw] of Object.entries(value)) {
    const privilege = key.replace(/^\++/, '').trim();
    if (privilege === '' || !/^[A-Za-z][A-Za-z ]*$/.test(privilege)) return { problem: `grants: '${key}' is not a privilege (select, insert, update, delete, references, …)` };
    const grantees = listify(raw);
    const bad = grantees.find((g) => typeof g !== 'string' || g.trim() === '');
    if (bad !== undefined) return { problem: `grants.${privilege}: grantees must be role names, got ${JSON.stringify(bad)}` };
    grants[privilege] = [...new Set((grantees as string[]).map((g) => g.trim()))];
  }
  return { grants };
}

/** dbt's adapter.standardize_grants_dict: the show-grants query's rows (grantee, privilege_type) as privilege → grantees. */
export function standardizeGrants(rows: readonly { readonly grantee: unknown; readonly privilege_type: unknown }[]): GrantConfig {
  const grants: Record<string, string[]> = {};
  for (const row of rows) (grants[String(row.privilege_type)] ??= []).push(String(row.grantee));
  return grants;
}

/**
 * dbt's diff_of_two_dicts: what `a` grants that `b` does not, compared case-insensitively, keys and
 * grantees in `a`'s case; a privilege left with no grantee is left out.
 */
export function diffGrants(a: GrantConfig, b: GrantConfig): GrantConfig {
  const lowered = new Map(Object.entries(b).map(([k, v]) => [k.toLowerCase(), new Set(v.map((g) => g.toLowerCase()))]));
  const diff: Record<string, readonly string[]> = {};
  for (const [privilege, grantees] of Object.entries(a)) {
    const there = lowered.get(privilege.toLowerCase());
    const missing = there === undefined ? grantees : grantees.filter((g) => !there.has(g.toLowerCase()));
    if (missing.length > 0) diff[privilege] = missing;
  }
  return diff;
}
