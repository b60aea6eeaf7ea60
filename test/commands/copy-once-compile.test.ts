import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// A newfilesonly copy model on a Redshift target, compiled with no cluster: the target's
// manifest_s3_prefix is validated as seed_s3_prefix is, and the plan shows the MANIFEST COPY.

function project(prefix: string | undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-copy-once-rs-'));
  const setting = prefix === undefined ? '' : `    manifest_s3_prefix: "${prefix}"\n`;
  fs.writeFileSync(
    path.join(dir, 'project.yml'),
    `name: p\ntarget: rs\ntargets:\n  rs:\n    type: redshift\n    host: h\n    iam_role: arn:aws:iam::123456789012:role/r\n${setting}`,
  );
  fs.mkdirSync(path.join(dir, 'models'));
  fs.writeFileSync(
    path.join(dir, 'models/events.sql'),
    "{{ config(materialized='copy', from='s3://days/log_data', newfilesonly=true, iam_role=target.iam_role) }}\nid integer,\n_loaded_at timestamp default {{ sparkdbt_load_timestamp() }}\n",
  );
  return dir;
}

describe('newfilesonly on a Redshift target (compile, no cluster)', () => {
  it('plans the MANIFEST COPY under manifest_s3_prefix, the defaulted column left out of the COPY and defaulting to sysdate', async () => {
    const dir = project('s3://manifests/copy');
    const result = await runCli(['compile'], { cwd: dir });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const plan = fs.readFileSync(path.join(dir, 'target/plan/p/models/events.sql'), 'utf8');
    expect(plan).toContain('_loaded_at timestamp default sysdate');
    expect(plan).toContain('copy "public"."events__sparkdbt_tmp" ("id")\nfrom \'s3://manifests/copy/<run id>/events.manifest\'');
    expect(plan).toContain('\nmanifest\n');
    const compiled = fs.readFileSync(path.join(dir, 'target/compiled/p/models/events.sql'), 'utf8');
    expect(compiled).toContain('copy "public"."events" ("id")');
  });

  it('without manifest_s3_prefix the model does not compile, saying what to set', async () => {
    const result = await runCli(['compile'], { cwd: project(undefined) });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('the target names no manifest_s3_prefix');
    expect(result.stdout + result.stderr).toContain('set manifest_s3_prefix: s3://<bucket>/<prefix> in the target');
  });

  it('a manifest_s3_prefix that is not an s3:// URL fails at its line', async () => {
    const result = await runCli(['compile'], { cwd: project('manifests/copy') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("project.yml:8: targets.rs.manifest_s3_prefix: must be an s3://bucket/prefix URL, got 'manifests/copy'");
  });
});
