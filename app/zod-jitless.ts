import { config } from "zod";

// Zod probes whether it may compile validators with `new Function` the first time an object schema
// is built; the page's CSP forbids eval, so every load logged a CSP violation (bench/first-paint.ts
// reports them). Interpreted validators are fast enough for the few schemas the browser checks.
// A module of its own, imported first by main.tsx: schemas are built at import time (contract/), so
// a call in main.tsx's body would come after them and after the probe.
config({ jitless: true });
