import { useCallback, useEffect, useState } from "react";
import type { Project } from "../../contract/projects";
import { listProjects } from "./api";

/** The person's projects for the sidebar, fetched again when `version` (the list's reload count) changes or on refresh. */
export function useProjects() {
  const [projects, setProjects] = useState<Project[]>([]);
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the refresh: a change fetches again
  useEffect(() => {
    const controller = new AbortController();
    listProjects(controller.signal).then(
      (list) => {
        setProjects(list);
        setError(undefined);
      },
      (e: Error) => controller.signal.aborted || setError(`Could not load projects: ${e.message}`),
    );
    return () => controller.abort();
  }, [version]);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  return { projects, error, refresh };
}
