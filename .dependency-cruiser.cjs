/**
 * The import rules `npm run lint:layers` checks (part of `npm test`); docs/architecture.md explains the layers.
 *
 * Layers, lowest first: a module may import its own layer and the layers below it, never one above.
 * Type-only imports count: a type imported from above still ties the lower file to the upper one.
 * Tests (`*.test.ts`, worker/test/, the browser tests' e2e/) may import anything, but no production module may import them.
 */

/** A feature folder's own HTTP surface (worker/auth/passkey-routes.ts, worker/keys/routes.ts) sits in the routes layer. */
const ROUTE_FILES = "^worker/[^/]+/[^/]*routes\\.ts$";
const TESTS = "(\\.test\\.tsx?$|^worker/test/|^e2e/)";

const LAYERS = [
  { name: "contract", path: "^contract/" },
  { name: "platform", path: "^worker/(ai/|shared-state/|log\\.ts$|rpc\\.ts$|alarm\\.ts$|quota-refusal\\.ts$)" },
  { name: "http", path: "^worker/http/" },
  { name: "shared", path: "^worker/(auth|keys|share|spend)/" },
  { name: "person-features", path: "^worker/(retrieval|vision|tools|images|connectors)/" },
  { name: "person", path: "^worker/store/" },
  { name: "request-features", path: "^worker/(transfer|audio)/" },
  { name: "routes", path: `^worker/(routes|openai)/|${ROUTE_FILES}` },
  { name: "entry", path: "^worker/index\\.ts$" },
];

/** Route files live inside lower layers' folders, so every other layer leaves them out. */
const member = (layer) => (layer.name === "routes" ? { path: layer.path } : { path: layer.path, pathNot: ROUTE_FILES });

const upwardImports = LAYERS.flatMap((lower, i) =>
  LAYERS.slice(i + 1).map((upper) => ({
    name: `layer-${lower.name}-imports-${upper.name}`,
    comment: `${lower.name} sits below ${upper.name}: move the shared piece down instead of importing up.`,
    severity: "error",
    from: { path: lower.path, pathNot: lower.name === "routes" ? TESTS : [TESTS, ROUTE_FILES] },
    to: member(upper),
  })),
);

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import circle anywhere, type-only imports included.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...upwardImports,
    {
      name: "worker-file-without-layer",
      comment: "Every Worker module belongs to a layer: add a new folder to LAYERS in .dependency-cruiser.cjs.",
      severity: "error",
      from: { path: "^worker/", pathNot: [TESTS, ...LAYERS.map((l) => l.path)] },
      to: { path: "^(worker|contract)/" },
    },
    {
      name: "contract-imports-only-contract",
      comment: "contract/ is shipped to the browser, the Worker and the engine: it imports npm packages and itself only.",
      severity: "error",
      from: { path: "^contract/" },
      to: { path: "^(app|worker|engine)/" },
    },
    {
      name: "app-imports-only-contract",
      comment: "The browser never imports the Worker or the engine; what both sides agree on is in contract/.",
      severity: "error",
      from: { path: "^app/" },
      to: { path: "^(worker|engine)/" },
    },
    {
      name: "engine-imports-only-contract",
      comment: "The local engine speaks the Workers AI contract; it shares contract/ only.",
      severity: "error",
      from: { path: "^engine/" },
      to: { path: "^(app|worker)/" },
    },
    {
      name: "worker-imports-no-app-or-engine",
      severity: "error",
      from: { path: "^worker/" },
      to: { path: "^(app|engine)/" },
    },
    {
      name: "no-test-code-in-production",
      comment: "Test doubles and tests stay out of what ships.",
      severity: "error",
      from: { pathNot: TESTS },
      to: { path: TESTS },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    // See type-only imports too: the layers and the no-circular rule count them.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".d.ts"] },
    // Re-reads only the files whose content changed since the last run (about 2 s of CPU instead of 6).
    cache: { folder: "node_modules/.cache/dependency-cruiser", strategy: "content" },
  },
};
