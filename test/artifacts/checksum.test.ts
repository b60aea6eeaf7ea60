import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fileChecksum, projectId, stripContents } from '../../src/artifacts/checksum.js';
import { extractMacros, macroCalls } from '../../src/artifacts/macros.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('fileChecksum (dbt-core 1.11: sha256 of the stripped file)', () => {
  it.each([
    ['select 1', 'select 1'],
    ['\n\n  select 1\n', 'select 1'],
    ['select 1\r\n', 'select 1'],
    ['\u00a0select 1\u3000', 'select 1'],
    ['select  1', 'select  1'], // inner whitespace counts, as in dbt 1.11
    ['\ufeffselect 1', '\ufeffselect 1'], // Python's strip() keeps a BOM; String.trim would not
    ['\x1cselect 1\x85', 'select 1'], // Python strips these; String.trim would not
  ])('%j hashes as %j', (contents, stripped) => {
    expect(stripContents(contents)).toBe(stripped);
    expect(fileChecksum(contents)).toEqual({ name: 'sha256', checksum: sha256(stripped) });
  });

  it('changes when the SQL changes, not when only surrounding whitespace does', () => {
    expect(fileChecksum('select 1\n')).toEqual(fileChecksum('select 1'));
    expect(fileChecksum('select 2')).not.toEqual(fileChecksum('select 1'));
  });

  it('project_id is the md5 of the project name, as dbt computes it', () => {
    expect(projectId('jaffle_shop')).toBe(createHash('md5').update('jaffle_shop').digest('hex'));
  });
});

describe('macros for the manifest', () => {
  const files = [
    {
      path: 'macros/time.sql',
      sql: "{% macro now_utc() -%}\n  {{ adapter.dispatch('now_utc')() }}\n{%- endmacro %}\n\n{% macro default__now_utc() %}now(){% endmacro %}\n{% macro redshift__now_utc() %}getdate(){% endmacro %}\n{% macro twice(x) %}{{ x }} * 2{% endmacro %}",
    },
  ];
  const names = new Set(extractMacros(files).map((m) => m.name));

  it('extracts each block with its text', () => {
    expect(extractMacros(files).map((m) => [m.name, m.sql.startsWith('{% macro') && m.sql.endsWith('endmacro %}')])).toEqual([
      ['now_utc', true],
      ['default__now_utc', true],
      ['redshift__now_utc', true],
      ['twice', true],
    ]);
  });

  it.each([
    ["select {{ twice('n') }}, {{ now_utc() }}", 'postgres', ['now_utc', 'twice']],
    ["{# {{ twice('n') }} #} select twice(n)", 'postgres', []], // comments and plain SQL are no macro calls
    ["{{ adapter.dispatch('now_utc')() }}", 'redshift', ['redshift__now_utc']],
    ["{{ adapter.dispatch('now_utc')() }}", 'postgres', ['default__now_utc']],
    ["{{ config(materialized='table') }} select {{ x.twice(1) }}", 'postgres', []],
  ])('%j on %s calls %j', (template, type, expected) => {
    expect(macroCalls(template, names, type)).toEqual(expected);
  });
});
