/**
 * What Workers AI bills, in neurons, and the sums both sides do with it: the Worker reserves and
 * settles budgets with these, and the page shows the same figures next to each answer and image.
 * Cloudflare's rate (developers.cloudflare.com/workers-ai/platform/pricing/, read 2026-12-01):
 * $0.011 per 1,000 neurons; 10,000 neurons a day are free.
 */
export const DOLLARS_PER_NEURON = 0.011 / 1000;

/** Where a price comes from: Cloudflare's pages, or our stated estimate where they publish none. */
export type PriceSource = "published" | "estimate";

export interface TokenPrice {
  /** Neurons per million input (prompt) tokens. */
  inputPerM: number;
  /** Neurons per million output (generated, including reasoning) tokens. */
  outputPerM: number;
  source: PriceSource;
}

/**
 * An image's price, as Cloudflare states it for the model: per 512×512 tile of the output, per
 * step, and per tile per step (FLUX.2 [dev]); the parts a model does not use are 0.
 */
export interface ImagePrice {
  perTile: number;
  perStep: number;
  perTileStep: number;
  /** Steps the model runs when it takes no steps setting (fixed, or its unpublished default). */
  steps: number;
  source: PriceSource;
}

/** What one answer or image cost, as saved with it. */
export interface Cost {
  neurons: number;
  /** Counted from an estimate: a partial answer's usage, the local engine, or a price we estimated. */
  estimated: boolean;
}

export function neuronsPerMillion(dollarsPerMillion: number): number {
  return Math.round(dollarsPerMillion / DOLLARS_PER_NEURON);
}

/** Whole neurons, rounded up: a budget must never count less than was spent. */
export function tokenCost(price: TokenPrice, inputTokens: number, outputTokens: number): number {
  return Math.ceil((Math.max(0, inputTokens) * price.inputPerM + Math.max(0, outputTokens) * price.outputPerM) / 1_000_000);
}

/** Tiles are counted per side, as Cloudflare does: 1024×768 is 2×2 tiles of 512×512. */
export function imageCostFor(price: ImagePrice, size: { width: number; height: number }, steps: number | undefined): number {
  const tiles = Math.ceil(size.width / 512) * Math.ceil(size.height / 512);
  const n = steps ?? price.steps;
  return Math.ceil(tiles * price.perTile + n * price.perStep + tiles * n * price.perTileStep);
}

export function neuronsToDollars(neurons: number): number {
  return neurons * DOLLARS_PER_NEURON;
}

/** "≈ 120 neurons (≈ $0.0013)"; "estimate" when it is one. */
export function formatCost(cost: Cost): string {
  const dollars = neuronsToDollars(cost.neurons);
  const money = dollars >= 0.01 ? dollars.toFixed(2) : dollars === 0 ? "0" : dollars.toPrecision(2);
  return `≈ ${cost.neurons.toLocaleString("en-US")} neurons (≈ $${money})${cost.estimated ? ", estimate" : ""}`;
}
