import type { ArchiveRestoreResult, RestoredCounts } from "../../contract/archive-extras";
import type { ArchiveExtras, archiveExtrasSchema } from "../../contract/archive-extras-schema";
import { findBuiltinTool } from "../../contract/builtin-tools";
import type { z } from "zod";
import { fromQuotaRefusal } from "../quota-refusal";
import type { TurnPayer } from "../store/answers/turn";
import type { UserStoreRpc } from "../store/stub";

type Extras = z.output<typeof archiveExtrasSchema>;

/**
 * Restores what the all-data archive holds besides conversations (contract/archive-extras.ts):
 * memories, projects and the person's own assistants, each through the store's own checked write,
 * so the limits, the byte budget and the checks of a new one apply as if the person made them.
 * Nothing is overwritten: a memory with the same text, a project with the same id or an assistant
 * with the same name and settings is left as it is here, so importing one archive twice adds
 * nothing twice. Documents are not in the archive: the ids projects and assistants name are dropped.
 */
export async function restoreArchiveExtras(store: UserStoreRpc, extras: Extras, payer: TurnPayer): Promise<ArchiveRestoreResult> {
  const notes: string[] = [];
  const memories = await restoreMemories(store, extras.memories?.memories ?? [], payer, notes);
  const projects = await restoreProjects(store, extras.projects ?? [], notes);
  const assistants = await restoreAssistants(store, extras.assistants ?? [], notes);
  if (
    [...(extras.projects ?? []), ...(extras.assistants ?? [])].some((item) => (item.documentIds?.length ?? 0) > 0) &&
    projects.added + assistants.added > 0
  )
    notes.push("Documents are not in the archive: attach them again to the projects and assistants that had some.");
  return { memories, projects, assistants, notes, summary: summary({ memories, projects, assistants }) };
}

async function restoreMemories(
  store: UserStoreRpc,
  memories: { text: string }[],
  payer: TurnPayer,
  notes: string[],
): Promise<ArchiveRestoreResult["memories"]> {
  const none = { added: 0, already: 0, skipped: 0, embedded: 0 };
  if (!memories.length) return none;
  const outcome = await store.importMemories(
    memories.map((m) => m.text),
    payer,
  );
  if ("error" in outcome) {
    notes.push(`No memory was restored: ${outcome.error.message}`);
    return { ...none, skipped: memories.length };
  }
  const { stopped, ...counts } = outcome.value;
  if (stopped) notes.push(`Some memories were not restored: ${stopped}`);
  else if (counts.skipped) notes.push(`${plural(counts.skipped, "memory was", "memories were")} not restored: empty or too long.`);
  if (counts.added > counts.embedded)
    notes.push(
      `${plural(counts.added - counts.embedded, "memory is", "memories are")} not embedded yet (no budget or model for it today): found by matching words until your questions embed them.`,
    );
  return counts;
}

async function restoreProjects(store: UserStoreRpc, projects: NonNullable<Extras["projects"]>, notes: string[]): Promise<RestoredCounts> {
  const counts = { added: 0, already: 0, skipped: 0 };
  for (const [i, project] of projects.entries()) {
    try {
      const made = await store.createProject(project.id, {
        name: project.name,
        instructions: project.instructions,
        defaults: project.defaults,
        documentIds: [],
      });
      if (made === "exists") counts.already++;
      else counts.added++;
    } catch (error) {
      const refused = fromQuotaRefusal(error);
      if (!refused) throw error;
      counts.skipped += projects.length - i;
      notes.push(`Some projects were not restored: ${refused.message}`);
      break;
    }
  }
  return counts;
}

async function restoreAssistants(
  store: UserStoreRpc,
  assistants: NonNullable<Extras["assistants"]>,
  notes: string[],
): Promise<RestoredCounts> {
  const counts = { added: 0, already: 0, skipped: 0 };
  if (!assistants.length) return counts;
  const { own } = await store.listAssistants();
  const connectorTools = new Set((await store.listConnectors()).flatMap((c) => c.tools.map((t) => t.key)));
  let toolsLeftOut = 0;
  for (const assistant of assistants) {
    // A connector's tool is only usable where that connector is: the others are left out, and said so.
    const tools = assistant.tools?.filter((key) => findBuiltinTool(key) || connectorTools.has(key));
    if (tools && assistant.tools && tools.length < assistant.tools.length) toolsLeftOut++;
    const input = { ...assistant, tools, documentIds: [] };
    if (own.some((o) => sameAssistant(o, input))) {
      counts.already++;
      continue;
    }
    const made = await store.createAssistant(input);
    if ("error" in made) {
      counts.skipped++;
      notes.push(`The assistant “${assistant.name}” was not restored: ${made.error.message}`);
      if (made.error.code === "too_many_assistants" || made.error.code === "storage_full") break;
    } else counts.added++;
  }
  if (toolsLeftOut)
    notes.push(
      `${plural(toolsLeftOut, "assistant named", "assistants named")} tools of connectors you do not have here: those tools were left out (add the connector, then the tools, to use them).`,
    );
  return counts;
}

function sameAssistant(a: NonNullable<ArchiveExtras["assistants"]>[number], b: NonNullable<ArchiveExtras["assistants"]>[number]): boolean {
  return (
    a.name === b.name &&
    a.model === b.model &&
    (a.instructions ?? "") === (b.instructions ?? "") &&
    a.temperature === b.temperature &&
    JSON.stringify(a.tools ?? null) === JSON.stringify(b.tools ?? null)
  );
}

function summary(result: Pick<ArchiveRestoreResult, "memories" | "projects" | "assistants">): string {
  const parts = [
    counted(result.memories, "memory", "memories"),
    counted(result.projects, "project", "projects"),
    counted(result.assistants, "assistant", "assistants"),
  ].filter(Boolean);
  return parts.length ? `Restored from the archive: ${parts.join("; ")}.` : "The archive held no memories, projects or assistants.";
}

function counted(counts: RestoredCounts, one: string, many: string): string {
  const total = counts.added + counts.already + counts.skipped;
  if (!total) return "";
  const extra = [counts.already ? `${counts.already} already here` : "", counts.skipped ? `${counts.skipped} left out` : ""].filter(
    Boolean,
  );
  return `${counts.added} of ${total} ${total === 1 ? one : many}${extra.length ? ` (${extra.join(", ")})` : ""}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
