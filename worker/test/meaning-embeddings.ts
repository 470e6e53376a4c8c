import { findEmbeddingModel } from "../../contract/models";
import { fakeEmbedding } from "./recorded-embeddings";

/**
 * TEST DOUBLE of an embedding model that knows what a few words mean, for Worker tests only: each
 * text is read as the concepts its words name ("puppy", "dog" and "Rex" are all a dog; "treats",
 * "lunch" and "food" are food) and those are embedded by the documents' hashing double
 * (./recorded-embeddings.ts). So two texts with no word in common can be close in meaning, which
 * the hashing double alone cannot show; words it does not know add nothing. A real model's vectors
 * are not like this: the point is a predictable stand-in for "close in meaning".
 */
const CONCEPTS: Record<string, string> = {
  dog: "dog",
  dogs: "dog",
  puppy: "dog",
  puppies: "dog",
  rex: "dog",
  treats: "food",
  food: "food",
  lunch: "food",
  meal: "food",
  dinner: "food",
  metric: "units",
  miles: "units",
  kilometres: "units",
  peanuts: "allergy",
  allergic: "allergy",
  nurse: "work",
  shifts: "work",
  job: "work",
};

export function meaningEmbedding(text: string, dimensions: number): number[] {
  const concepts = (text.toLowerCase().match(/[a-z]+/g) ?? []).flatMap((word) => CONCEPTS[word] ?? []);
  return fakeEmbedding(concepts.join(" "), dimensions);
}

/** Workers AI's BGE answer (`{ shape, data }`) from the double above; undefined for any other model. */
export function meaningEmbeddingAnswer(model: string, inputs: Record<string, unknown>): { shape: number[]; data: number[][] } | undefined {
  const spec = findEmbeddingModel(model);
  if (!spec) return undefined;
  const texts = Array.isArray(inputs.text) ? (inputs.text as string[]) : [String(inputs.text)];
  return { shape: [texts.length, spec.dimensions], data: texts.map((t) => meaningEmbedding(t, spec.dimensions)) };
}
