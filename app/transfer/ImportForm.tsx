import { useState } from "react";
import { IMPORT_LIMITS, type ImportResult } from "../../contract/transfer";
import { conversationPath } from "../chat/ids";
import { primaryButton } from "../ui/styles";
import { importFile } from "./api";

/** Import this app's JSON export, or ChatGPT's conversations.json. */
export function ImportForm() {
  const [file, setFile] = useState<File>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult>();
  const [error, setError] = useState<string>();

  const submit = async () => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      if (file.size > IMPORT_LIMITS.maxBytes)
        throw new Error(`That file is ${(file.size / 1e6).toFixed(1)} MB; an import may be at most ${IMPORT_LIMITS.maxBytes / 1e6} MB.`);
      setResult(await importFile(await file.text()));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="import-heading">
      <h2 id="import-heading" className="text-base font-semibold">
        Import
      </h2>
      <p className="mt-1 text-sm text-muted-foreground">
        A conversation exported as JSON from this app, or <code>conversations.json</code> from a ChatGPT data export. Each becomes a new
        conversation; a file with any problem imports nothing.
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
          accept="application/json,.json"
          className="text-sm"
          onChange={(e) => setFile(e.target.files?.[0])}
        />
        <button type="submit" className={primaryButton} disabled={!file || busy}>
          {busy ? "Importing…" : "Import"}
        </button>
      </form>
      {error && (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      )}
      {result && (
        <div role="status" className="mt-2 text-sm">
          <p>{result.summary}</p>
          <ul className="mt-1 list-disc pl-5">
            {result.conversations.map((c) => (
              <li key={c.id}>
                <a className="underline" href={conversationPath(c.id)}>
                  {c.title}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
