import { DOCUMENT_ACCEPT } from "../../contract/documents";
import { FilePickButton } from "../ui/FilePickButton";

/** The composer's Attach files button: opens the file picker; the files go to `onFiles`. */
export function AttachButton({ onFiles, disabled }: { onFiles: (files: File[]) => void; disabled?: boolean }) {
  return (
    <FilePickButton
      label="Attach files"
      accept={DOCUMENT_ACCEPT}
      onFiles={onFiles}
      disabled={disabled}
      icon={<path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />}
    />
  );
}
