// @ts-check
'use strict';
/**
 * ESLint rule `quorum/table-ownership`: each table has one owning module, the module whose folder
 * holds the table's entity (`@Entity({ name: 'tasks' })` in src/modules/marketplace/ makes
 * marketplace the owner of `tasks`). Code in another module may read the table but never write
 * it: no `INSERT INTO` / `UPDATE` / `DELETE FROM` of it in SQL strings, and no TypeORM write
 * (`save`, `insert`, `update`, `delete`, `remove`, `upsert`, …) on a repository of its entity.
 * It asks the owner's exported service instead (DESIGN.md, "Where things live").
 *
 * Exceptions are explicit `grants` in eslint.config.mjs: a module may write named columns of a
 * table it does not own (aggregation writes a task's consensus, confidence and posterior), each
 * with its reason. Files outside src/modules/ and src/reports/ (db/, migrations, tests) are not
 * checked.
 */
const fs = require('node:fs');
const path = require('node:path');

const WRITE_METHODS = new Set([
  'save',
  'insert',
  'update',
  'delete',
  'remove',
  'upsert',
  'softDelete',
  'softRemove',
  'restore',
  'increment',
  'decrement',
  'clear',
]);

const SQL_WRITE = /\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_][a-z0-9_]*)/gi;

/** The module a file belongs to: `marketplace` for src/modules/marketplace/…, `reports`. */
function moduleOf(file) {
  const normal = file.split(path.sep).join('/');
  const match =
    /(?:^|\/)src\/modules\/([^/]+)\//.exec(normal) ?? /(?:^|\/)src\/(reports)\//.exec(normal);
  return match ? match[1] : null;
}

/** table → owning module, from the entities under `modulesDir`. */
function tableOwners(modulesDir) {
  const owners = new Map();
  const entityFiles = new Map();
  const walk = dir => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.entity.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        const match = /@Entity\(\s*\{\s*name:\s*'([a-z0-9_]+)'/.exec(text);
        if (match) {
          owners.set(match[1], moduleOf(full));
          entityFiles.set(full.replace(/\.ts$/, ''), match[1]);
        }
      }
    }
  };
  walk(modulesDir);
  return { owners, entityFiles };
}

let cached = null;
function ownership() {
  cached ??= tableOwners(path.join(__dirname, '..', 'src', 'modules'));
  return cached;
}

/** Columns assigned in an `UPDATE … SET a = …, b = …` clause (top-level commas only). */
function setColumns(sql, from) {
  const rest = sql.slice(from);
  const set = /\bSET\b/i.exec(rest);
  if (!set) return [];
  const clause = rest.slice(set.index + 3);
  const columns = [];
  let depth = 0;
  let start = 0;
  const parts = [];
  for (let i = 0; i < clause.length; i++) {
    const c = clause[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(clause.slice(start, i));
      start = i + 1;
    }
    if (depth === 0 && /^\s(FROM|WHERE|RETURNING)\b/i.test(clause.slice(i))) {
      parts.push(clause.slice(start, i));
      start = -1;
      break;
    }
  }
  if (start >= 0) parts.push(clause.slice(start));
  for (const part of parts) {
    const match = /^\s*([a-z_][a-z0-9_]*)\s*=/i.exec(part);
    if (match) columns.push(match[1].toLowerCase());
  }
  return columns;
}

const camelToSnake = name => name.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);

/** @type {import('eslint').Rule.RuleModule} */
module.exports = {
  meta: {
    type: 'problem',
    docs: { description: 'A module writes only the tables it owns (its entities).' },
    schema: [
      {
        type: 'object',
        properties: {
          grants: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                module: { type: 'string' },
                table: { type: 'string' },
                columns: { type: 'array', items: { type: 'string' } },
                reason: { type: 'string' },
              },
              required: ['module', 'table', 'columns', 'reason'],
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      foreignWrite:
        "Module '{{module}}' writes table '{{table}}', which module '{{owner}}' owns: call {{owner}}'s service instead (or add a grant with its reason in eslint.config.mjs).",
    },
  },
  create(context) {
    const module = moduleOf(context.filename);
    if (!module) return {};
    const { owners, entityFiles } = ownership();
    const grants = (context.options[0] && context.options[0].grants) || [];

    /** Whether `module` may write `columns` (all of them; empty = the whole row) of `table`. */
    function allowed(table, columns) {
      const owner = owners.get(table);
      if (!owner || owner === module) return true;
      const grant = grants.find(g => g.module === module && g.table === table);
      return Boolean(grant && columns.length > 0 && columns.every(c => grant.columns.includes(c)));
    }

    function report(node, table) {
      context.report({
        node,
        messageId: 'foreignWrite',
        data: { module, table, owner: owners.get(table) },
      });
    }

    function checkSql(node, sql) {
      SQL_WRITE.lastIndex = 0;
      let match;
      while ((match = SQL_WRITE.exec(sql))) {
        const table = match[2].toLowerCase();
        // `FOR UPDATE [OF t]` locks; `DO UPDATE SET` writes the INSERT's own table.
        const before = sql.slice(0, match.index);
        if (/\b(FOR|DO)\s*$/i.test(before) && match[1].toUpperCase() === 'UPDATE') continue;
        if (!owners.has(table)) continue;
        const columns = match[1].toUpperCase() === 'UPDATE' ? setColumns(sql, match.index) : [];
        if (!allowed(table, columns)) report(node, table);
      }
    }

    /** The table of an entity class named by `identifier`, when it is imported from an entity file. */
    function tableOfEntity(identifier) {
      if (!identifier || identifier.type !== 'Identifier') return null;
      const scope = context.sourceCode.getScope(identifier);
      let variable = null;
      for (let s = scope; s && !variable; s = s.upper) variable = s.set.get(identifier.name);
      const def = variable && variable.defs[0];
      if (!def || def.type !== 'ImportBinding') return null;
      const source = def.parent.source.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return null;
      const resolved = path.resolve(path.dirname(context.filename), source);
      return entityFiles.get(resolved) ?? null;
    }

    /** The entity of `repo(ctx, E)` / `getRepository(E)`, directly or through a const. */
    function repositoryEntity(node) {
      let target = node;
      if (target.type === 'Identifier') {
        const scope = context.sourceCode.getScope(target);
        let variable = null;
        for (let s = scope; s && !variable; s = s.upper) variable = s.set.get(target.name);
        const def = variable && variable.defs[0];
        if (!def || def.type !== 'Variable' || !def.node.init) return null;
        target = def.node.init;
      }
      if (target.type !== 'CallExpression' || target.callee.type !== 'MemberExpression')
        return null;
      const name = target.callee.property.type === 'Identifier' ? target.callee.property.name : '';
      if (name === 'repo') return target.arguments[1];
      if (name === 'getRepository') return target.arguments[0];
      return null;
    }

    return {
      Literal(node) {
        if (typeof node.value === 'string') checkSql(node, node.value);
      },
      TemplateLiteral(node) {
        checkSql(node, node.quasis.map(q => q.value.cooked ?? q.value.raw).join(' $x '));
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
        if (!WRITE_METHODS.has(callee.property.name)) return;
        // repo(ctx, E).update(…), const r = repo(ctx, E); r.save(…), or manager.save(E, …).
        const table =
          tableOfEntity(repositoryEntity(callee.object)) ?? tableOfEntity(node.arguments[0]);
        if (!table) return;
        let columns = [];
        if (callee.property.name === 'update') {
          const values = node.arguments[node.arguments.length - 1];
          if (values && values.type === 'ObjectExpression') {
            columns = values.properties.map(p =>
              p.type === 'Property' && p.key.type === 'Identifier' ? camelToSnake(p.key.name) : '*',
            );
          }
        }
        if (!allowed(table, columns)) report(node, table);
      },
    };
  },
};
