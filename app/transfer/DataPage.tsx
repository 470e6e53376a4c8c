import { ShareLinks } from "../share/ShareLinks";
import { button } from "../ui/styles";
import { ImportForm } from "./ImportForm";
import { archiveUrl } from "./urls";

/** `/data`: the person's links, everything as one download, and imports. Loaded on demand. */
export default function DataPage() {
  return (
    <main className="flex-1 overflow-y-auto">
      <div className="mx-auto max-w-3xl space-y-8 p-4 sm:p-6">
        <h1 className="text-lg font-semibold">Shared links, export and import</h1>
        <ShareLinks />
        <section aria-labelledby="export-all-heading">
          <h2 id="export-all-heading" className="text-base font-semibold">
            Export everything
          </h2>
          <p className="mt-1 text-sm text-muted-foreground">
            One zip file: every conversation (JSON, importable, and Markdown), your images with their settings, your vision threads with
            their photos, and your projects, memories and assistants. Import the zip below, here or in another account, to bring its
            conversations back with every version and setting, with your projects, memories and assistants; images and vision threads stay
            in the zip.
          </p>
          <a className={`${button} mt-3`} href={archiveUrl} download>
            Download archive
          </a>
        </section>
        <ImportForm />
      </div>
    </main>
  );
}
