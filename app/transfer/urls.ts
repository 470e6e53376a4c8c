/** Downloads the Worker answers with Content-Disposition: plain links with `download` fetch them with the cookie. */
export const conversationExportUrl = (id: string, format: "markdown" | "json") =>
  `/api/conversations/${encodeURIComponent(id)}/export?format=${format}`;
export const archiveUrl = "/api/export";
