import { useEffect, useState } from "react";
import type { BackendStatus } from "../../contract/api";
import { getStatus } from "../api";
import { onUsageChanged } from "./usage-events";

/** Which backend answers and what is left of today's budget; undefined until known. */
export function useBackendStatus(): BackendStatus | undefined {
  const [status, setStatus] = useState<BackendStatus>();
  useEffect(() => {
    let live = true;
    const load = () =>
      getStatus().then(
        (s) => live && setStatus(s),
        () => undefined, // The header simply omits the label; chat errors explain real problems.
      );
    void load();
    const stop = onUsageChanged(() => void load());
    return () => {
      live = false;
      stop();
    };
  }, []);
  return status;
}
