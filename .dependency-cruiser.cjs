// Import boundaries, checked by `npm test` (scripts/lib/static-checks.ts) through `npm run deps:check`. The rules
// below are the layers of the README's layout section; each says why it exists. Violations that existed when a rule
// was written are listed in .dependency-cruiser-known-violations.json (`npm run deps:baseline` rewrites it) and only
// warned about, so a NEW violation fails the run while the old ones are removed.

// The production code: everything that ships in the worker and API processes. scripts/ and test/ drive it.
const production = '^(src|activities|workflows)/';
// A package as dependency-cruiser resolves it (its folder under node_modules, or @types' declarations of it).
const packagePath = (names) => `^node_modules/(@types/)?(${names})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'workflows-only-workflow-sdk',
      comment:
        'Workflow code runs in the Temporal sandbox and is replayed: it may import only @temporalio/workflow, ' +
        '@temporalio/common (definitions.ts needs defineSearchAttributeKey and SearchAttributeType, which ' +
        '@temporalio/workflow does not re-export), other files in workflows/ and (type-only) activities/. No Node ' +
        'built-in, no other package and nothing from src/: domain code is reached through activities.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { pathNot: ['^workflows/', '^activities/', packagePath('@temporalio/workflow|@temporalio/common')] },
    },
    {
      name: 'workflows-activities-as-types-only',
      comment:
        'Workflows call activities through proxyActivities typed by createActivities; a value import would bundle ' +
        'the activities (and through them the database and the carrier) into the workflow sandbox.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'temporal-client-only-in-workflow-client',
      comment:
        'One module talks to Temporal as a client (start, signal, query, signal-with-start, typed by the workflow ' +
        'function); the domain receives it as a narrow interface it declares. scripts/ and test/ are drivers and ' +
        'may use the client directly.',
      severity: 'error',
      from: { path: production, pathNot: '^src/workflow-client/' },
      to: { path: packagePath('@temporalio/client') },
    },
    {
      name: 'workflows-only-through-workflow-client',
      comment:
        'The domain reaches the engine through the interfaces it declares (CampaignWorkflows, ConversationWorkflows, ' +
        'CadenceWorkflows), implemented in src/workflow-client/: the only place in src/ that knows the workflows, their ' +
        'ids, signals and inputs. Activities are called by the workflows, never the other way round.',
      severity: 'error',
      from: { path: '^(src|activities)/', pathNot: '^src/workflow-client/' },
      to: { path: '^workflows/' },
    },
    {
      name: 'express-only-in-api',
      comment:
        'Routes parse, call one service and present: HTTP lives in src/api/ so that every rule behind it can be ' +
        'reused by the CLI and by workflows. The carrier simulator (src/simulator/) is an exception: it is a ' +
        "separate process, a fake carrier's HTTP server, not part of the product's API.",
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/api/', '^src/simulator/'] },
      to: { path: packagePath('express') },
    },
    {
      name: 'sql-only-in-db',
      comment:
        'SQL lives in the data layer: only src/db/ (repositories, schema, migrations) imports kysely or pg, ' +
        'types included; everything else calls repository functions. scripts/ and test/ may reach the database ' +
        'directly to set up and inspect it.',
      severity: 'error',
      from: { path: production, pathNot: '^src/db/' },
      to: { path: packagePath('kysely|pg|pg-copy-streams') },
    },
    {
      name: 'production-not-from-scripts-or-test',
      comment:
        'Dependencies run one way, test -> scripts -> src: production code never needs a script or a test helper ' +
        '(what both need belongs in src/).',
      severity: 'error',
      from: { path: production },
      to: { path: '^(scripts|test)/' },
    },
    {
      name: 'scripts-not-from-test',
      comment:
        'Dependencies run one way, test -> scripts -> src: a script that needs a test helper means the helper ' +
        'belongs in scripts/lib/ or src/.',
      severity: 'error',
      from: { path: '^scripts/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      comment:
        'A cycle makes two modules one: neither can be understood, tested or moved alone, and the load order ' +
        'decides which one sees the other half-initialised.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    // Type-only imports count: a type from kysely outside src/db/ ties that code to the database just the same.
    tsPreCompilationDeps: true,
    // Resolve as tsc does (module: nodenext, extensionless relative imports in this CommonJS package).
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'import', 'node', 'types', 'default'],
      mainFields: ['main', 'types', 'typings'],
      extensions: ['.ts', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      dot: {
        // `npm run deps:graph` collapses further, to folders; this keeps packages at one node each.
        collapsePattern: 'node_modules/(?:@[^/]+/[^/]+|[^/]+)',
      },
    },
  },
};
