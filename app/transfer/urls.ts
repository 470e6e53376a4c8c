/** Downloads the Worker answers with Content-Disposition: plain links with `download` fetch them with the cookie. */
export const conversationExportUrl = (id: string, format: "markdown" | "json", options: { reasoning?: boolean } = {}) =>
  `/api/conversations/${encodeURIComponent(id)}/export?format=${format}${options.reasoning ? "&reasoning=include" : ""}`;
export const archiveUrl = "/api/export";
