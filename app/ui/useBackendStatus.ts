import { useEffect, useState } from "react";
import type { BackendStatus } from "../../contract/api";
import { getStatus } from "../api";

/** Which backend answers; undefined until known, or if the Worker cannot say. */
export function useBackendStatus(): BackendStatus | undefined {
  const [status, setStatus] = useState<BackendStatus>();
  useEffect(() => {
    let live = true;
    getStatus().then(
      (s) => live && setStatus(s),
      () => undefined, // The header simply omits the label; chat errors explain real problems.
    );
    return () => {
      live = false;
    };
  }, []);
  return status;
}
