import { chatImageId } from "../../contract/chat-images";
import type { ChatMessage } from "../../contract/messages";
import { imageUrl } from "../vision/api";

/**
 * The images a person sent with a message, shown from their own storage. Only parts that point at
 * an upload of this app are drawn: a stored message never makes the page load a third-party URL.
 */
export function MessageImages({ message }: { message: ChatMessage }) {
  const ids = message.parts.flatMap((part) => (part.type === "file" ? [chatImageId(part.url)].filter((id): id is string => !!id) : []));
  if (!ids.length) return null;
  return (
    <div className="flex max-w-[85%] flex-wrap justify-end gap-2">
      {ids.map((id, i) => (
        <img
          key={id}
          src={imageUrl(id)}
          alt={ids.length > 1 ? `Image ${i + 1} you sent` : "Image you sent"}
          className="max-h-64 max-w-full rounded-xl border border-border object-contain"
          loading="lazy"
        />
      ))}
    </div>
  );
}
