import { lazy, Suspense, useEffect, useRef, useState } from "react";
import type { ChatMessage } from "../../contract/messages";
import { messageText } from "../chat/messageText";
import { smallButton } from "../ui/styles";
import { voiceBus } from "./voice-bus";

const Player = lazy(() => import("./ReadAloud"));

/**
 * Read aloud's place on every answer: a plain button until it is pressed (or until voice mode claims
 * this answer), then the player, fetched on that first use, which starts reading at once.
 */
export function ReadAloud({ message, streaming }: { message: ChatMessage; streaming: boolean }) {
  const [active, setActive] = useState(false);
  const mountedAt = useRef(performance.now());
  useEffect(() => {
    if (voiceBus.claim(mountedAt.current)) setActive(true);
  }, []);
  if (active)
    return (
      <Suspense fallback={<span className="text-xs text-muted-foreground">Preparing the speech…</span>}>
        <Player message={message} streaming={streaming} autoStart />
      </Suspense>
    );
  if (streaming || !messageText(message).trim()) return null;
  return (
    <div className="flex items-center">
      <button type="button" className={smallButton} onClick={() => setActive(true)}>
        Read aloud
      </button>
    </div>
  );
}
