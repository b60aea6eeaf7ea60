import { describe, expect, it } from 'vitest';
import { selectNodes, type SelectOptions } from '../../src/select/index.js';
import { buildTestGraph, nodeLabel, type GraphSpec } from '../support/graph-builder.js';
import { thrown } from '../support/thrown.js';

//   raw.events ── staging_events ──┬── users
//                                  └─┐
//                                    songplays ── time
//                                  ┌─┘
//   raw.songs ─── staging_songs ───┼── songs
//                                  └── artists
const sparkify: GraphSpec = {
  sources: ['raw.events', 'raw.songs'],
  models: [
    { name: 'staging_events', folder: 'staging', materialized: 'copy', tags: ['staging'], sources: ['raw.events'] },
    { name: 'staging_songs', folder: 'staging', materialized: 'copy', tags: ['staging'], sources: ['raw.songs'] },
    {
      name: 'songplays',
      folder: 'marts',
      materialized: 'table',
      tags: ['fact'],
      refs: ['staging_events', 'staging_songs'],
      config: { sort: ['start_time', 'user_id'] },
    },
    { name: 'users', folder: 'marts', materialized: 'table', tags: ['dimension'], refs: ['staging_events'] },
    { name: 'time', folder: 'marts', materialized: 'table', tags: ['dimension'], refs: ['songplays'] },
    { name: 'songs', folder: 'marts', materialized: 'table', tags: ['dimension'], refs: ['staging_songs'], config: { meta: { owner: 'music' } } },
    { name: 'artists', folder: 'marts', materialized: 'table', tags: ['dimension'], refs: ['staging_songs'] },
  ],
};
const graph = buildTestGraph(sparkify);

const ALL = ['artists', 'raw.events', 'raw.songs', 'songplays', 'songs', 'staging_events', 'staging_songs', 'time', 'users'];
const MODELS = ['artists', 'songplays', 'songs', 'staging_events', 'staging_songs', 'time', 'users'];
const MARTS = ['artists', 'songplays', 'songs', 'time', 'users'];
const STAGING = ['staging_events', 'staging_songs'];
const SOURCES = ['raw.events', 'raw.songs'];

function labels(options: SelectOptions, on = graph): string[] {
  return selectNodes(on, options)
    .selected.map((id) => nodeLabel(on, id))
    .sort();
}

interface Row {
  readonly select?: readonly string[];
  readonly exclude?: readonly string[];
  readonly expected: readonly string[];
}

const rows: readonly Row[] = [
  // names and graph operators
  { select: ['songplays'], expected: ['songplays'] },
  { select: ['+songplays'], expected: ['raw.events', 'raw.songs', 'songplays', 'staging_events', 'staging_songs'] },
  { select: ['songplays+'], expected: ['songplays', 'time'] },
  { select: ['staging_songs+'], expected: ['artists', 'songplays', 'songs', 'staging_songs', 'time'] },
  { select: ['1+songplays'], expected: ['songplays', 'staging_events', 'staging_songs'] },
  { select: ['2+time'], expected: ['songplays', 'staging_events', 'staging_songs', 'time'] },
  { select: ['0+songplays'], expected: ['songplays'] },
  { select: ['staging_events+1'], expected: ['songplays', 'staging_events', 'users'] },
  { select: ['staging_events+2'], expected: ['songplays', 'staging_events', 'time', 'users'] },
  { select: ['1+songplays+1'], expected: ['songplays', 'staging_events', 'staging_songs', 'time'] },
  { select: ['+songplays+'], expected: ['raw.events', 'raw.songs', 'songplays', 'staging_events', 'staging_songs', 'time'] },
  { select: ['@staging_events'], expected: ['raw.events', 'raw.songs', 'songplays', 'staging_events', 'staging_songs', 'time', 'users'] },
  { select: ['@users'], expected: ['raw.events', 'staging_events', 'users'] },
  // tag:
  { select: ['tag:staging'], expected: STAGING },
  { select: ['tag:dim*'], expected: ['artists', 'songs', 'time', 'users'] },
  { select: ['tag:fact+'], expected: ['songplays', 'time'] },
  // path: (and values with a '/', which default to path:)
  { select: ['path:models/marts'], expected: MARTS },
  { select: ['models/marts'], expected: MARTS },
  { select: ['path:models/marts/'], expected: MARTS },
  { select: ['./models/staging'], expected: STAGING },
  { select: ['path:models'], expected: MODELS },
  { select: ['path:models/marts/songplays.sql'], expected: ['songplays'] },
  { select: ['models/marts/songplays.sql'], expected: ['songplays'] },
  { select: ['path:models/*/s*.sql'], expected: ['songplays', 'songs', 'staging_events', 'staging_songs'] },
  { select: ['path:models/**/time.sql'], expected: ['time'] },
  { select: ['path:project.yml'], expected: SOURCES },
  // file: (and bare file names, which default to file:)
  { select: ['songplays.sql'], expected: ['songplays'] },
  { select: ['file:songs'], expected: ['songs'] },
  { select: ['file:staging_*.sql'], expected: STAGING },
  // config.<key>:
  { select: ['config.materialized:table'], expected: MARTS },
  { select: ['config.materialized:copy'], expected: STAGING },
  { select: ['config.tags:fact'], expected: ['songplays'] },
  { select: ['config.sort:user_id'], expected: ['songplays'] },
  { select: ['config.meta.owner:music'], expected: ['songs'] },
  { select: ['config.enabled:TRUE'], expected: ALL },
  // fqn (the default method)
  { select: ['fqn:songplays'], expected: ['songplays'] },
  { select: ['sparkify'], expected: MODELS },
  { select: ['staging'], expected: STAGING },
  { select: ['sparkify.staging.staging_events'], expected: ['staging_events'] },
  { select: ['sparkify.marts.*'], expected: MARTS },
  { select: ['marts.*'], expected: MARTS },
  { select: ['staging.staging_*'], expected: STAGING },
  { select: ['*_songs'], expected: ['staging_songs'] },
  { select: ['*'], expected: MODELS },
  { select: ['fqn:*'], expected: MODELS },
  // source:, resource_type:, package:
  { select: ['source:raw.events'], expected: ['raw.events'] },
  { select: ['source:raw'], expected: SOURCES },
  { select: ['source:raw.*'], expected: SOURCES },
  { select: ['source:sparkify.raw.songs'], expected: ['raw.songs'] },
  { select: ['source:raw.songs+'], expected: ['artists', 'raw.songs', 'songplays', 'songs', 'staging_songs', 'time'] },
  { select: ['resource_type:source'], expected: SOURCES },
  { select: ['resource_type:model'], expected: MODELS },
  { select: ['package:sparkify'], expected: ALL },
  { select: ['package:this'], expected: ALL },
  { select: ['package:this,tag:fact'], expected: ['songplays'] },
  { select: ['package:spark*'], expected: ALL },
  // set operators
  { select: ['staging_events songs'], expected: ['songs', 'staging_events'] },
  { select: ['staging_events', 'songs'], expected: ['songs', 'staging_events'] },
  { select: ['tag:fact +users'], expected: ['raw.events', 'songplays', 'staging_events', 'users'] },
  { select: ['tag:dimension,staging_songs+'], expected: ['artists', 'songs', 'time'] },
  { select: ['+songplays,tag:staging'], expected: STAGING },
  { select: ['config.materialized:table,path:models/marts,tag:fact'], expected: ['songplays'] },
  { select: ['path:models/marts'], exclude: ['tag:dimension'], expected: ['songplays'] },
  { exclude: ['tag:staging'], expected: ['artists', 'raw.events', 'raw.songs', 'songplays', 'songs', 'time', 'users'] },
  { select: ['+songplays'], exclude: ['source:raw'], expected: ['songplays', 'staging_events', 'staging_songs'] },
  { select: ['staging_songs+'], exclude: ['songplays+'], expected: ['artists', 'songs', 'staging_songs'] },
  { select: ['*'], exclude: ['tag:dimension,songs+'], expected: ['artists', 'songplays', 'staging_events', 'staging_songs', 'time', 'users'] },
  // no selection: every enabled node, sources included
  { expected: ALL },
  { select: [], expected: ALL },
];

describe('selectNodes grammar', () => {
  it.each(rows)('--select $select --exclude $exclude', ({ select, exclude, expected }) => {
    const result = selectNodes(graph, { ...(select ? { select } : {}), ...(exclude ? { exclude } : {}) });
    expect(result.selected.map((id) => nodeLabel(graph, id)).sort()).toEqual(expected);
    expect(result.warnings).toEqual([]);
  });
});

describe('selectNodes results', () => {
  it('lists unique ids once each, in graph order', () => {
    expect(selectNodes(graph, { select: ['songplays +songplays', 'staging_events'] }).selected).toEqual([
      'source.sparkify.raw.events',
      'source.sparkify.raw.songs',
      'model.sparkify.staging_events',
      'model.sparkify.staging_songs',
      'model.sparkify.songplays',
    ]);
  });

  it('warns, as dbt does, for each argument that matches nothing', () => {
    const result = selectNodes(graph, { select: ['songplays xyz', 'tag:staging,tag:fact resource_type:seed'], exclude: ['nothing_here'] });
    expect(result.selected).toEqual(['model.sparkify.songplays']);
    expect(result.warnings).toEqual([
      "The selection criterion 'xyz' does not match any enabled nodes",
      "The selection criterion 'tag:staging,tag:fact' does not match any enabled nodes",
      "The selection criterion 'resource_type:seed' does not match any enabled nodes",
      "The selection criterion 'nothing_here' does not match any enabled nodes",
    ]);
  });

  it('returns nothing and one warning when the only selector matches nothing', () => {
    expect(selectNodes(graph, { select: ['xyz'] })).toEqual({
      selected: [],
      warnings: ["The selection criterion 'xyz' does not match any enabled nodes"],
    });
  });
});

describe('empty selectors, as dbt: they select nothing, and say so', () => {
  it.each([
    [[''], "The selection criterion '' does not match any enabled nodes (an empty selector, such as an unset variable, selects nothing)"],
    [['  '], "The selection criterion '  ' does not match any enabled nodes (an empty selector, such as an unset variable, selects nothing)"],
    [['songplays,'], "The selection criterion 'songplays,' does not match any enabled nodes (it has an empty part between commas, which matches nothing)"],
    [[',songplays'], "The selection criterion ',songplays' does not match any enabled nodes (it has an empty part between commas, which matches nothing)"],
    [['songplays,,users'], "The selection criterion 'songplays,,users' does not match any enabled nodes (it has an empty part between commas, which matches nothing)"],
  ])('--select %j selects nothing and warns', (select, warning) => {
    expect(selectNodes(graph, { select })).toEqual({ selected: [], warnings: [warning] });
  });

  it('an empty argument beside others adds nothing; blanks between selectors only separate them', () => {
    const result = selectNodes(graph, { select: ['', 'songplays  users '] });
    expect(result.selected.map((id) => nodeLabel(graph, id)).sort()).toEqual(['songplays', 'users']);
    expect(result.warnings).toEqual(["The selection criterion '' does not match any enabled nodes (an empty selector, such as an unset variable, selects nothing)"]);
  });

  it('--exclude "" excludes nothing and warns', () => {
    const result = selectNodes(graph, { select: ['tag:fact'], exclude: [''] });
    expect(result.selected.map((id) => nodeLabel(graph, id))).toEqual(['songplays']);
    expect(result.warnings).toHaveLength(1);
  });

  it('package:this stands for the root project given, not for a package of that name', () => {
    expect(selectNodes(graph, { select: ['package:this'], rootProject: 'other' })).toEqual({
      selected: [],
      warnings: ["The selection criterion 'package:this' does not match any enabled nodes"],
    });
  });
});

describe('selectNodes errors', () => {
  it('names the selector and the method of an unknown method, and suggests one', () => {
    const error = thrown(() => selectNodes(graph, { select: ['songplays foo:bar'] }));
    expect(error.code).toBe('selector-invalid');
    expect(error.message).toBe("Invalid selector 'foo:bar': 'foo' is not a selector method");
    expect(error.hint).toBe("did you mean 'fqn'? valid methods: config, file, fqn, package, path, resource_type, result, source, state, tag, test_name, test_type, version");
  });

  it('checks --exclude too', () => {
    const error = thrown(() => selectNodes(graph, { exclude: ['tga:fact'] }));
    expect(error.message).toBe("Invalid selector 'tga:fact': 'tga' is not a selector method");
    expect(error.hint).toBe("did you mean 'tag'? valid methods: config, file, fqn, package, path, resource_type, result, source, state, tag, test_name, test_type, version");
  });

  it.each([
    ['++songplays', "Invalid selector '++songplays': a graph operator ('+' or '@') is out of place"],
    ['songplays++', "Invalid selector 'songplays++': a graph operator ('+' or '@') is out of place"],
    ['+@songplays', "Invalid selector '+@songplays': a graph operator ('+' or '@') is out of place"],
    ['song+plays', "Invalid selector 'song+plays': a graph operator ('+' or '@') is out of place"],
    ['1+', "Invalid selector '1+': it has no search value"],
    ['+', "Invalid selector '+': it has no search value"],
    ['tag:', "Invalid selector 'tag:': it has no search value"],
    ['@songplays+', "Invalid selector '@songplays+': the '@' prefix and '+' suffix are incompatible"],
    ['2@songplays', "Invalid selector '2@songplays': the '@' operator takes no depth"],
    ['config:table', "Invalid selector 'config:table': the config method needs a config key"],
    ['tag.x:fact', "Invalid selector 'tag.x:fact': the 'tag' method takes no arguments"],
    ['source:a.b.c.d', "Invalid selector 'source:a.b.c.d': a source selector has at most three parts"],
    ['resource_type:seedz', "Invalid selector 'resource_type:seedz': 'seedz' is not a resource type"],
    ['source_status:fresher', "Invalid selector 'source_status:fresher': the 'source_status' method is not supported by sparkdbt"],
    ['state:modifed', "Invalid selector 'state:modifed': 'modifed' is not a state selector"],
    ['result:errors', "Invalid selector 'result:errors': 'errors' is not a result status"],
    ['path:/etc', "Invalid selector 'path:/etc': a path selector must be relative to the project root"],
  ])('rejects %s', (selector, message) => {
    const error = thrown(() => selectNodes(graph, { select: [selector] }));
    expect(error.code).toBe('selector-invalid');
    expect(error.message).toBe(message);
    expect(error.hint).toBeTruthy();
  });
});

describe('disabled nodes', () => {
  //   staging_events ── legacy_plays (disabled)
  //   raw.events ── old_events (disabled) ── old_report
  const withDisabled = buildTestGraph({
    ...sparkify,
    models: [
      ...sparkify.models,
      { name: 'legacy_plays', folder: 'marts', materialized: 'table', tags: ['fact'], enabled: false, refs: ['staging_events'] },
      { name: 'old_events', folder: 'staging', enabled: false, sources: ['raw.events'] },
      { name: 'old_report', folder: 'marts', refs: ['old_events'] },
    ],
  });

  it.each<Row>([
    { expected: [...ALL, 'old_report'].sort() },
    { select: ['tag:fact'], expected: ['songplays'] },
    { select: ['staging_events+'], expected: ['songplays', 'staging_events', 'time', 'users'] },
    { select: ['+old_report'], expected: ['old_report'] },
    { select: ['source:raw.events+'], expected: ['raw.events', 'songplays', 'staging_events', 'time', 'users'] },
    { select: ['path:models/staging'], expected: STAGING },
  ])('are never selected nor walked through: --select $select', ({ select, expected }) => {
    expect(labels(select ? { select } : {}, withDisabled)).toEqual(expected);
  });

  it('warns when a selector names only disabled nodes', () => {
    expect(selectNodes(withDisabled, { select: ['legacy_plays', 'config.enabled:false'] })).toEqual({
      selected: [],
      warnings: ["The selection criterion 'legacy_plays' does not match any enabled nodes", "The selection criterion 'config.enabled:false' does not match any enabled nodes"],
    });
  });
});
