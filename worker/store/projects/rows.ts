import type { Project } from "../../../contract/projects";

export interface ProjectRow extends Record<string, SqlStorageValue> {
  id: string;
  name: string;
  instructions: string;
  defaults: string;
  document_ids: string;
  created_at: number;
  updated_at: number;
}

export function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    instructions: row.instructions,
    defaults: JSON.parse(row.defaults),
    documentIds: JSON.parse(row.document_ids),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
