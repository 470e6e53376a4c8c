import { DurableObject } from "cloudflare:workers";
import type { UserStoreApi } from "./api";
import { serveFeatures } from "./compose";
import { FEATURES } from "./features";
import { Person, type FeatureClass } from "./person";

/**
 * One Durable Object per person, holding their conversations, images, vision threads, documents and
 * connectors in its own SQLite database, and writing their answers: the model call runs here, not in
 * the request, so an answer outlives the tab that asked. Isolation comes from the addressing: a
 * person can only reach the object named by their own signed identity, so no query here needs an
 * owner column.
 *
 * The object is made of features (./features.ts), each in its own folder with its tables and
 * methods; their methods are served from here (./compose.ts), and the RPC type is derived from them
 * (./api.ts). Nothing here names a feature's method.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface below; serveFeatures makes the merge true.
export class UserStore extends DurableObject<Env> {
  /** What the features share (./person.ts); tests reach the seams through it. */
  readonly person: Person;
  /** The built features, in FEATURES' order (compose.ts serves their methods by index). */
  readonly features: object[];

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.person = new Person(
      ctx,
      env,
      FEATURES.map((feature) => feature.tables),
    );
    this.features = FEATURES.map((feature: FeatureClass) => this.person.add(feature));
    // A fresh object has no answer running: a run row left behind died with the previous one.
    this.person.answers.recoverInterrupted();
  }

  /** The one alarm, shared by the background jobs that must survive eviction (each feature registers its own). */
  async alarm(): Promise<void> {
    await this.person.alarm();
  }
}

// Declaration merging: the class has every feature's methods, put on its prototype by serveFeatures
// below (the one place they are defined is each feature's class, so TypeScript cannot see them here).
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merge is the point; serveFeatures makes it true at load.
export interface UserStore extends UserStoreApi {}
serveFeatures(UserStore, FEATURES);
