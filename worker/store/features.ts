import { AnswerTurns } from "./answers/feature";
import { Assistants } from "./assistants/feature";
import { Connectors } from "./connectors/feature";
import { Conversations } from "./conversations/feature";
import { Documents } from "./documents/feature";
import { Images } from "./images/feature";
import { Memories } from "./memory/feature";
import { PersonData } from "./person-data/feature";
import { Projects } from "./projects/feature";
import { Storage } from "./storage/feature";
import { Vision } from "./vision/feature";

/**
 * The features the person's Durable Object is made of, in the order they are built and migrated: a
 * feature may use one listed before it (storage first: the others' counted tables write its total;
 * answers after what a turn reads; person data last, as it reaches every table). Adding a feature
 * is a folder with its class (tables, methods, tests) and one line here.
 */
export const FEATURES = [
  Storage,
  Conversations,
  Images,
  Vision,
  Documents,
  Connectors,
  Memories,
  Projects,
  Assistants,
  AnswerTurns,
  PersonData,
] as const;
