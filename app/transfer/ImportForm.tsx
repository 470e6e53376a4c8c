import { useRef, useState } from "react";
import { planBatches } from "../../contract/import-batches";
import { describeIgnored, readImportFile } from "../../contract/import-file";
import { IMPORT_LIMITS } from "../../contract/transfer";
import { button, primaryButton } from "../ui/styles";
import { importBatch, restoreArchive } from "./api";
import { ImportReport } from "./ImportReport";
import { progressText } from "./import-summary";
import { type ImportOutcome, type ImportProgress, runImport } from "./run-import";

type Phase = "idle" | "reading" | "importing";

/**
 * Import ChatGPT's data export (the .zip as it arrives, or its conversations.json) or this app's
 * archive or JSON. The file is read here, in the browser: a zip of 20 MB or 2 GB never travels to
 * the Worker, only conversations.json's conversations do, in batches the Worker checks one by one.
 */
export function ImportForm() {
  const [file, setFile] = useState<File>();
  const [phase, setPhase] = useState<Phase>("idle");
  const [progress, setProgress] = useState<ImportProgress>();
  const [report, setReport] = useState<{ outcome: ImportOutcome; ignored: string | null }>();
  const [error, setError] = useState<string>();
  const [stopping, setStopping] = useState(false);
  /** What this app's archive brought besides conversations: memories, projects, assistants. */
  const [restored, setRestored] = useState<{ summary: string; notes: string[] }>();
  const stop = useRef(false);

  const submit = async () => {
    if (!file) return;
    setPhase("reading");
    setError(undefined);
    setReport(undefined);
    setProgress(undefined);
    setRestored(undefined);
    setStopping(false);
    stop.current = false;
    try {
      const read = await readImportFile(file.name, file.stream());
      if (read.extras) setRestored(await restoreArchive(read.extras).catch((e: Error) => ({ summary: "", notes: [e.message] })));
      // An archive with memories, projects or assistants but no conversation: nothing more to send.
      if (!read.conversations.length) return;
      const plan = planBatches(read);
      setPhase("importing");
      const outcome = await runImport(plan, { send: importBatch, onProgress: setProgress, stopRequested: () => stop.current });
      setReport({ outcome, ignored: describeIgnored(read) });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setPhase("idle");
    }
  };

  return (
    <section aria-labelledby="import-heading">
      <h2 id="import-heading" className="text-base font-semibold">
        Import
      </h2>
      <p className="mt-1 text-sm text-muted-foreground">
        ChatGPT's data export as it arrives (the <code>.zip</code>, or its <code>conversations.json</code>), this app's archive (
        <code>.zip</code>) or a conversation exported as JSON. Conversations are sent {IMPORT_LIMITS.batchConversations} at a time; one that
        cannot be imported is skipped and listed with the reason. Importing the same file again adds only what is not here yet.
      </p>
      <form
        className="mt-3 flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="import-file" className="sr-only">
          File to import
        </label>
        <input
          id="import-file"
          type="file"
          accept="application/json,.json,application/zip,.zip"
          className="text-sm"
          onChange={(e) => setFile(e.target.files?.[0])}
        />
        <button type="submit" className={primaryButton} disabled={!file || phase !== "idle"}>
          {phase === "reading" ? "Reading the file…" : phase === "importing" ? "Importing…" : "Import"}
        </button>
        {phase === "importing" && (
          <button
            type="button"
            className={button}
            disabled={stopping}
            onClick={() => {
              stop.current = true;
              setStopping(true);
            }}
          >
            {stopping ? "Stopping after this batch…" : "Stop"}
          </button>
        )}
      </form>
      {progress && (
        <div className="mt-3 space-y-1">
          <div
            role="progressbar"
            aria-label="Import progress"
            aria-valuemin={0}
            aria-valuemax={progress.total}
            aria-valuenow={progress.done}
            className="h-2 w-full overflow-hidden rounded bg-muted"
          >
            <div
              className="h-full bg-primary transition-[width]"
              style={{ width: `${progress.total ? (progress.done / progress.total) * 100 : 0}%` }}
            />
          </div>
          <p aria-live="polite" className="text-sm text-muted-foreground">
            {progressText(progress)}
          </p>
        </div>
      )}
      {error && (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      )}
      {restored && (
        <div role="status" aria-label="Restored from the archive" className="mt-3 space-y-1 text-sm">
          {restored.summary && <p>{restored.summary}</p>}
          {restored.notes.map((note) => (
            <p key={note} className="text-muted-foreground">
              {note}
            </p>
          ))}
        </div>
      )}
      {report && <ImportReport outcome={report.outcome} ignored={report.ignored} />}
    </section>
  );
}
