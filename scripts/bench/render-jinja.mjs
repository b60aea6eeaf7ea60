// Renders 3,000 small models twice (parse, then compile) with a checkout's built TemplateRenderer: node scripts/bench/render-jinja.mjs <checkout dir>
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import console from 'node:console';
const [, , dir] = process.argv;
const { TemplateRenderer } = await import(`${dir}/dist/compile/template.js`);
const r = new TemplateRenderer({ target: { name: 'dev', type: 'postgres' }, vars: {}, env: {} }, [
  { path: 'macros/m.sql', sql: '{% macro cols(xs) %}{% for x in xs %}{{ x }}{% if not loop.last %}, {% endif %}{% endfor %}{% endmacro %}' },
]);
const src = (i) =>
  `{{ config(materialized='table') }}\nselect {{ cols(['a', 'b', 'c', 'd']) }}\nfrom {{ ref('x') }}\n{% if target.name == 'dev' and 1 < 2 %}where id > {{ ${i} }}{% endif %}\n`;
const hooks = { ref: () => '"s"."x"', source: () => '', config: () => {}, self: undefined };
const t0 = performance.now();
for (let i = 0; i < 3000; i++) {
  r.render(`m${i}.sql`, src(i), hooks);
  r.render(`m${i}.sql`, src(i), hooks);
}
console.log(dir, (performance.now() - t0).toFixed(0), 'ms for 3000 models parsed+compiled');
