import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extract } from 'tar';
import { parse as parseYaml } from 'yaml';
import { isRecord } from '../../core/is-record.js';
import { SparkdbtError } from '../../errors.js';
import { parseVersionRequirement, satisfiesAll } from '../dbt-version-spec.js';
import { DBT_PROJECT_FILE } from '../parse-config.js';
import { packagesHash, readLockFile, writeLockFile, PACKAGE_LOCK_FILE, type LockEntry } from './lock-file.js';
import { readPackagesFile, type PackageSpec, type RenderPackageText } from './packages-file.js';

/** The dbt package hub's API (dbt's DBT_PACKAGE_HUB_URL default). */
export const HUB_URL = 'https://hub.getdbt.com/';

/** What `sparkdbt deps` needs beside the project folder. */
export interface DepsOptions {
  /** The project's folder (absolute). */
  readonly root: string;
  /** dbt_project.yml's `packages-install-path`, relative to root: `dbt_packages` by default. */
  readonly installPath: string;
  /** Renders `{{ env_var(...) }}` in packages.yml and package-lock.yml. */
  readonly render: RenderPackageText;
  /** dbt's scrub_secrets: the text with every secret env var's value as `*****` (what the lock file keeps). */
  readonly scrub: (text: string) => string;
  /** Prints one line of dbt's deps output. */
  readonly log: (line: string, event: { readonly name: string; readonly code: string }, level?: 'info' | 'warn' | 'debug') => void;
  /** --upgrade: resolve packages.yml again even when the lock file matches it. */
  readonly upgrade?: boolean | undefined;
  /** --lock: write package-lock.yml and install nothing. */
  readonly lockOnly?: boolean | undefined;
  /** The hub's URL (dbt's DBT_PACKAGE_HUB_URL); default hub.getdbt.com. */
  readonly hubUrl?: string | undefined;
}

/** What `sparkdbt deps` did. */
export interface DepsResult {
  /** The packages installed, by name, in install order. */
  readonly installed: readonly string[];
  /** The lock file written, or undefined when the lock file already matched packages.yml. */
  readonly lockWritten: string | undefined;
}

/** A package fetched into a temporary folder (a tarball's or a hub package's single top folder, a git clone), ready to move in. */
interface Fetched {
  readonly dir: string;
}

/**
 * dbt's DepsTask.run: (re)writes package-lock.yml when it is missing, out of date (its sha1_hash is
 * not packages.yml's) or --upgrade asks; then empties the install path and installs each package of
 * the lock file into `<install path>/<name>` — local ones as a symlink (a copy where links fail).
 */
export async function installPackages(options: DepsOptions): Promise<DepsResult> {
  const declared = readPackagesFile(options.root, options.render);
  const specs = declared?.packages ?? [];
  const fileName = declared?.file ?? 'packages.yml';
  if (specs.length === 0) {
    options.log(`Warning: No packages were found in ${fileName}`, { name: 'DepsNoPackagesFound', code: 'M013' });
    return { installed: [], lockWritten: undefined };
  }
  const fetched = new Map<string, Fetched>();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-deps-'));
  try {
    const hash = packagesHash(specs);
    const lock = readLockFile(options.root);
    let lockWritten: string | undefined;
    let entries: readonly LockEntry[];
    if (lock === undefined || options.upgrade === true || lock.hash !== hash) {
      const resolved = await resolvePackages(specs, fileName, options, scratch, fetched);
      lockWritten = writeLockFile(options.root, resolved, hash);
      options.log(`Updating lock file in file path: ${lockWritten}`, { name: 'DepsLockUpdating', code: 'M031' });
      entries = resolved;
    } else entries = lock.packages;
    if (options.lockOnly === true) return { installed: [], lockWritten };
    const installRoot = path.resolve(options.root, options.installPath);
    fs.rmSync(installRoot, { recursive: true, force: true });
    fs.mkdirSync(installRoot, { recursive: true });
    const installed: string[] = [];
    for (const entry of entries) {
      const name = String(entry.name);
      options.log(`Installing ${name}`, { name: 'DepsStartPackageInstall', code: 'M014' });
      const version = await installEntry(entry, path.join(installRoot, name), options, scratch, fetched);
      options.log(`Installed from ${version}`, { name: 'DepsInstallInfo', code: 'M015' });
      installed.push(name);
    }
    return { installed, lockWritten };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * dbt's resolve_packages: the declared packages, then the packages each of them declares (its own
 * packages.yml), level by level until none is new, flattened into one list (what the lock file holds
 * and dbt_packages/ gets). The same package twice (same folder, tarball name, hub package or git URL)
 * is installed once; two different packages of one project name are dbt's duplicate-project error.
 */
async function resolvePackages(specs: readonly PackageSpec[], fileName: string, options: DepsOptions, scratch: string, fetched: Map<string, Fetched>): Promise<LockEntry[]> {
  const final = new Map<string, LockEntry>();
  let pending: { spec: PackageSpec; base: string; from: string }[] = specs.map((spec) => ({ spec, base: options.root, from: fileName }));
  while (pending.length > 0) {
    const next: typeof pending = [];
    for (const { spec, base, from } of pending) {
      const key = specKey(spec, base);
      if (final.has(key)) continue;
      const { entry, dir } = await resolveSpec(spec, options, scratch, fetched, base);
      const clash = [...final.entries()].find(([, other]) => other.name === entry.name);
      if (clash !== undefined) {
        throw new SparkdbtError('deps-failed', `Found duplicate project "${entry.name}". This occurs when a dependency has the same project name as some other dependency.`, {
          location: { file: from },
          hint: `two different packages are named '${entry.name}' (${clash[0]} and ${key}): declare one of them only`,
        });
      }
      final.set(key, entry);
      // A package's own local: entries are relative to its folder (the installed one for a downloaded package).
      const ownBase = spec.kind === 'local' ? dir : path.resolve(options.root, options.installPath, entry.name);
      const own = readPackagesFile(dir, options.render);
      for (const child of own?.packages ?? []) next.push({ spec: child, base: ownBase, from: `${entry.name}/${own!.file}` });
    }
    pending = next;
  }
  return [...final.values()];
}

/** What makes two declared packages the same (dbt's PackageListing key): a local folder, a tarball's name, a hub package, a git URL. */
function specKey(spec: PackageSpec, base: string): string {
  switch (spec.kind) {
    case 'local':
      return `local ${path.resolve(base, spec.local)}`;
    case 'tarball':
      return `tarball ${spec.name}`;
    case 'hub':
      return `hub ${spec.package}`;
    case 'git':
      return `git ${spec.git}${spec.subdirectory === undefined ? '' : `/${spec.subdirectory}`}`;
  }
}

/**
 * A declared package pinned for the lock file (dbt's lock(): the pinned package's to_dict() and its
 * project name), and the folder it was read from. A local package another package declares is
 * written relative to the root project, so that installing from the lock file finds it.
 */
async function resolveSpec(spec: PackageSpec, options: DepsOptions, scratch: string, fetched: Map<string, Fetched>, base: string): Promise<{ entry: LockEntry; dir: string }> {
  const done = (entry: LockEntry, dir: string) => ({ entry, dir });
  switch (spec.kind) {
    case 'local': {
      const dir = path.resolve(base, spec.local);
      const local = base === options.root ? spec.local : path.relative(options.root, dir).split(path.sep).join('/');
      return done({ local, name: projectName(dir, `local package '${spec.local}'`) }, dir);
    }
    case 'tarball': {
      const unrendered = String(spec.raw['tarball']);
      const scrubbed = options.scrub(unrendered);
      if (scrubbed !== unrendered)
        options.log(
          `Detected secret env var in ${scrubbed}. dbt will write a scrubbed representation to the lock file. This will cause issues with subsequent 'dbt deps' using the lock file, requiring 'dbt deps --upgrade'`,
          { name: 'DepsScrubbedPackageName', code: 'M035' },
          'warn',
        );
      const dir = await downloadTarball(spec.tarball, spec.name, scratch, fetched);
      projectName(dir, `tarball package '${spec.name}'`);
      return done({ name: spec.name, tarball: scrubbed }, dir);
    }
    case 'hub': {
      const pinned = await resolveHub(spec, options);
      const dir = await downloadTarball(pinned.tarball, spec.package, scratch, fetched);
      return done({ name: pinned.name ?? projectName(dir, `hub package '${spec.package}'`), package: spec.package, version: pinned.version }, dir);
    }
    case 'git': {
      const clone = gitClone(spec.git, spec.revision, scratch, fetched);
      const dir = spec.subdirectory === undefined ? clone.dir : path.join(clone.dir, spec.subdirectory);
      const entry: Record<string, unknown> = { git: options.scrub(String(spec.raw['git'])), revision: clone.commit, name: projectName(dir, `git package '${spec.git}'`) };
      if (spec.subdirectory !== undefined) entry['subdirectory'] = spec.subdirectory;
      return done(entry as LockEntry, dir);
    }
  }
}

/** Installs one lock file entry at `dest`; returns dbt's nice_version_name of it. */
async function installEntry(entry: LockEntry, dest: string, options: DepsOptions, scratch: string, fetched: Map<string, Fetched>): Promise<string> {
  const text = (key: string) => options.render(String(entry[key]), PACKAGE_LOCK_FILE);
  if (entry['local'] !== undefined) {
    const local = text('local');
    const source = path.resolve(options.root, local);
    projectName(source, `local package '${local}'`);
    try {
      options.log('Creating symlink to local dependency.', { name: 'DepsCreatingLocalSymlink', code: 'Z037' }, 'debug');
      fs.symlinkSync(source, dest, 'dir');
    } catch {
      options.log('Symlinks are not available on this OS, copying dependency.', { name: 'DepsSymlinkNotAvailable', code: 'Z038' }, 'debug');
      fs.cpSync(source, dest, { recursive: true });
    }
    return `<local @ ${local}>`;
  }
  if (entry['tarball'] !== undefined) {
    const url = text('tarball');
    moveInto(await downloadTarball(url, entry.name, scratch, fetched), dest);
    return `tarball (url: ${url})`;
  }
  if (entry['package'] !== undefined) {
    const spec = { kind: 'hub', package: text('package'), version: String(entry['version']), raw: entry, index: 0 } as const;
    const pinned = await resolveHub(spec, options);
    moveInto(await downloadTarball(pinned.tarball, spec.package, scratch, fetched), dest);
    return `version ${pinned.version}`;
  }
  if (entry['git'] !== undefined) {
    const url = text('git');
    const revision = entry['revision'] === undefined ? undefined : String(entry['revision']);
    const clone = gitClone(url, revision, scratch, fetched);
    const subdirectory = entry['subdirectory'] === undefined ? undefined : String(entry['subdirectory']);
    moveInto(subdirectory === undefined ? clone.dir : path.join(clone.dir, subdirectory), dest);
    return `revision ${clone.commit}`;
  }
  throw new SparkdbtError('config-invalid', `package '${entry.name}' in ${PACKAGE_LOCK_FILE} has none of local:, tarball:, package: or git:`, {
    location: { file: PACKAGE_LOCK_FILE },
    hint: `delete ${PACKAGE_LOCK_FILE} and run sparkdbt deps again`,
  });
}

/** The `name:` of the dbt_project.yml in `dir` (dbt's PartialProject: what the package installs as). */
function projectName(dir: string, what: string): string {
  const file = path.join(dir, DBT_PROJECT_FILE);
  if (!fs.existsSync(file)) {
    throw new SparkdbtError('deps-failed', `${what}: no ${DBT_PROJECT_FILE} in ${dir}`, {
      hint: `Verify that each entry within packages.yml (and their transitive dependencies) contains a file named ${DBT_PROJECT_FILE}`,
    });
  }
  const data: unknown = parseYaml(fs.readFileSync(file, 'utf8'));
  const name = isRecord(data) ? data['name'] : undefined;
  if (typeof name !== 'string' || name === '') throw new SparkdbtError('deps-failed', `${what}: ${DBT_PROJECT_FILE} has no name:`, { location: { file } });
  return name;
}

/**
 * Downloads a .tar.gz with fetch and extracts it (dbt's download_and_untar): its single top folder is
 * the package (dbt's "Incorrect structure" error otherwise). Each URL is fetched once per deps run.
 */
async function downloadTarball(url: string, name: string, scratch: string, fetched: Map<string, Fetched>): Promise<string> {
  const kept = fetched.get(`tarball ${url}`);
  if (kept !== undefined && fs.existsSync(kept.dir)) return kept.dir;
  const fail = (detail: string, hint: string) => new SparkdbtError('deps-failed', `package '${name}': could not download ${url}: ${detail}`, { hint });
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw fail(networkDetail(error), 'check the URL and that this machine can reach it (a proxy? offline?)');
  }
  if (!response.ok) throw fail(`HTTP ${response.status} ${response.statusText}`, 'check the URL of the tarball');
  const work = fs.mkdtempSync(path.join(scratch, 'tarball-'));
  const archive = path.join(work, 'package.tar.gz');
  fs.writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
  const untarred = path.join(work, 'untarred');
  fs.mkdirSync(untarred);
  try {
    await extract({ file: archive, cwd: untarred, strict: true });
  } catch (error) {
    throw fail(`not a .tar.gz archive (${(error as Error).message})`, 'a tarball: entry names a gzipped tar archive holding one folder, the package');
  }
  const contents = fs.readdirSync(untarred);
  if (contents.length !== 1 || !fs.statSync(path.join(untarred, contents[0]!)).isDirectory()) {
    throw new SparkdbtError(
      'deps-failed',
      `Incorrect structure for package extracted from ${url}. The extracted package needs to follow the structure ${name}/<package_contents>.`,
      { hint: `the archive holds ${contents.length === 0 ? 'nothing' : contents.join(', ')} at its top` },
    );
  }
  const dir = path.join(untarred, contents[0]!);
  fetched.set(`tarball ${url}`, { dir });
  return dir;
}

/** A hub package pinned: the newest version the specifiers allow, its tarball and its project name. */
async function resolveHub(spec: Extract<PackageSpec, { kind: 'hub' }>, options: DepsOptions): Promise<{ version: string; tarball: string; name: string | undefined }> {
  const hub = options.hubUrl ?? HUB_URL;
  const url = new URL(`api/v1/${spec.package}.json`, hub).toString();
  const hint = `sparkdbt deps needs the dbt package hub (${hub}) for package: entries; without network access, install '${spec.package}' from a local: path or a tarball: URL instead`;
  let body: unknown;
  try {
    const response = await fetch(url);
    if (response.status === 404)
      throw new SparkdbtError('deps-failed', `Package ${spec.package} was not found in the package index`, {
        location: { file: 'packages.yml' },
        hint: 'check the org/name on hub.getdbt.com',
      });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = await response.json();
  } catch (error) {
    if (error instanceof SparkdbtError) throw error;
    throw new SparkdbtError('deps-failed', `package '${spec.package}': could not reach the dbt package hub at ${url}: ${networkDetail(error)}`, {
      location: { file: 'packages.yml' },
      hint,
    });
  }
  const versions = isRecord(body) && isRecord(body['versions']) ? body['versions'] : {};
  const wanted = parseVersionRequirement(spec.version);
  const prerelease = spec.raw['install-prerelease'] === true;
  const candidates = Object.keys(versions)
    .filter((v) => parseVersionRequirement(v).specifiers.length === 1 && (prerelease || !v.includes('-')) && satisfiesAll(v, wanted.specifiers))
    .sort((a, b) => (satisfiesAll(a, parseVersionRequirement(`>${b}`).specifiers) ? 1 : -1));
  const version = candidates[candidates.length - 1];
  if (version === undefined) {
    throw new SparkdbtError('deps-failed', `Could not find a matching compatible version for package ${spec.package}`, {
      location: { file: 'packages.yml' },
      hint: `Requested range: ${wanted.texts.join(', ')}; available: ${Object.keys(versions).join(', ') || 'none'}`,
    });
  }
  const info = versions[version];
  const downloads = isRecord(info) && isRecord(info['downloads']) ? info['downloads'] : {};
  return { version, tarball: String(downloads['tarball']), name: isRecord(info) && typeof info['name'] === 'string' ? info['name'] : undefined };
}

/** Clones a git package (dbt's git.clone_and_checkout) with the git command line; each URL once per run. */
function gitClone(url: string, revision: string | undefined, scratch: string, fetched: Map<string, Fetched>): { dir: string; commit: string } {
  const key = `git ${url} ${revision ?? ''}`;
  const kept = fetched.get(key);
  const dir = kept?.dir ?? path.join(fs.mkdtempSync(path.join(scratch, 'git-')), 'repo');
  try {
    if (kept === undefined) {
      execFileSync('git', ['clone', '--quiet', url, dir], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
      if (revision !== undefined) execFileSync('git', ['-C', dir, 'checkout', '--quiet', revision], { stdio: ['ignore', 'ignore', 'pipe'] });
      fetched.set(key, { dir });
    }
    return { dir, commit: execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim() };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message)
      .trim()
      .split('\n')
      .pop();
    throw new SparkdbtError('deps-failed', `package '${url}': git clone${revision === undefined ? '' : ` of revision ${revision}`} failed: ${stderr}`, {
      location: { file: 'packages.yml' },
      hint: `sparkdbt deps runs git to fetch git: packages: check the URL, the revision and that this machine can reach ${hostOf(url)}; without network access, use a local: path or a tarball: URL`,
    });
  }
}

function moveInto(source: string, dest: string): void {
  fs.cpSync(source, dest, { recursive: true });
}

function networkDetail(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
