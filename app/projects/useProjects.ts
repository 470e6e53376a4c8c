import { startTransition, useCallback, useEffect, useState } from "react";
import type { Project } from "../../contract/projects";
import { listProjects } from "./api";

/**
 * The person's projects for the sidebar, fetched again when `version` (the list's reload count) changes
 * or on refresh. `settled` once the first answer (or failure) is in: the sidebar waits for it, so it
 * does not draw every conversation in "No project" and then again in its project.
 */
export function useProjects() {
  const [projects, setProjects] = useState<Project[]>([]);
  const [settled, setSettled] = useState(false);
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the refresh: a change fetches again
  useEffect(() => {
    const controller = new AbortController();
    listProjects(controller.signal).then(
      (list) =>
        // A transition: regrouping hundreds of rows yields to typing and clicks while it renders.
        startTransition(() => {
          setProjects(list);
          setSettled(true);
          setError(undefined);
        }),
      (e: Error) => {
        if (controller.signal.aborted) return;
        setSettled(true);
        setError(`Could not load projects: ${e.message}`);
      },
    );
    return () => controller.abort();
  }, [version]);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  return { projects, settled, error, refresh };
}
