import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { useLocation } from "wouter";
import type { Conversation } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import { conversationWithTitle, updateConversation } from "../api";
import { preloadMarkdown } from "../ui/LazyMarkdown";
import { ErrorNotice } from "../ui/ErrorNotice";
import { button } from "../ui/styles";
import { useAnswerStream } from "../ui/useAnswerStream";
import { notifyUsageChanged } from "../ui/usage-events";
import { Composer } from "./Composer";
import { AttachButton } from "../documents/AttachButton";
import { DocumentChips } from "../documents/DocumentChips";
import { useConversationDocuments } from "../documents/useConversationDocuments";
import { conversationPath } from "./ids";
import { MessageList } from "./MessageList";
import { ModelPicker } from "./ModelPicker";
import { initialSettings, toApiSettings, type EditableSettings } from "./settings";
import { SettingsPanel } from "./SettingsPanel";
import { useStickToBottom } from "./useStickToBottom";

const SETTINGS_SAVE_DELAY_MS = 500;

interface Props {
  id: string;
  /** null for a conversation the server has not seen yet. */
  conversation: Conversation | null;
  initialMessages: ChatMessage[];
  onConversationsChanged: () => void;
  menuButton: ReactNode;
}

/** One conversation, live: its messages, the answer being written (here or in another tab), the composer and settings. */
export function ConversationView({ id, conversation, initialMessages, onConversationsChanged, menuButton }: Props) {
  const [, navigate] = useLocation();
  const [settings, setSettings] = useState(() => initialSettings(conversation));
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const stick = useStickToBottom();
  useEffect(preloadMarkdown, []);

  const requestBody = useCallback(() => toApiSettings(settings), [settings]);
  const chat = useAnswerStream({
    id,
    api: "/api/chat",
    threadPath: (conversationId) => `/api/chat/${encodeURIComponent(conversationId)}`,
    initialMessages,
    body: requestBody,
    exists: conversation !== null,
    onFinish: () => {
      onConversationsChanged();
      // After a first answer the title model names the conversation: show its title once written.
      conversationWithTitle(id).then(onConversationsChanged, () => {});
      notifyUsageChanged();
    },
    onError: onConversationsChanged,
  });
  const { messages, status, error } = chat;

  // Whether the server has this conversation, so settings changes can be saved to it.
  const existsRef = useRef(conversation !== null);
  const savedSettingsRef = useRef(JSON.stringify(toApiSettings(settings)));
  useEffect(() => {
    // The stream only starts after the Worker created the conversation and saved the question.
    if (status !== "streaming" || existsRef.current) return;
    existsRef.current = true;
    savedSettingsRef.current = JSON.stringify(toApiSettings(settings));
    onConversationsChanged();
  }, [status, settings, onConversationsChanged]);

  useEffect(() => {
    const apiSettings = toApiSettings(settings);
    const json = JSON.stringify(apiSettings);
    if (!existsRef.current || json === savedSettingsRef.current) return;
    const timer = setTimeout(() => {
      updateConversation(id, { settings: apiSettings }).then(
        () => {
          savedSettingsRef.current = json;
          setSaveError(undefined);
        },
        (e: Error) => setSaveError(`Settings were not saved: ${e.message}`),
      );
    }, SETTINGS_SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [id, settings]);

  const docs = useConversationDocuments(id);
  // Files dropped on the conversation or pasted anywhere in it are attached like picked ones.
  const filesFrom = (data: DataTransfer | null) => [...(data?.files ?? [])];

  const changeSettings = (patch: Partial<EditableSettings>) => setSettings((s) => ({ ...s, ...patch }));

  const send = (text: string) => {
    stick.scrollToBottom();
    void chat.sendMessage({ text });
    // Same component, new address: the stream keeps running and a reload finds the conversation.
    if (!existsRef.current) navigate(conversationPath(id), { replace: true });
  };

  const edit = (messageId: string, text: string) => {
    stick.scrollToBottom();
    void chat.sendMessage({ text, messageId });
  };

  return (
    <div
      className="flex h-full min-w-0 flex-1 flex-col"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes("Files")) e.preventDefault();
      }}
      onDrop={(e) => {
        const files = filesFrom(e.dataTransfer);
        if (!files.length) return;
        e.preventDefault();
        void docs.attach(files);
      }}
      onPaste={(e) => {
        const files = filesFrom(e.clipboardData);
        if (!files.length) return;
        e.preventDefault();
        void docs.attach(files);
      }}
    >
      <div className="flex items-center gap-2 border-b border-border px-3 py-2">
        {menuButton}
        <ModelPicker value={settings.model} onChange={(model) => changeSettings({ model })} />
        <button
          type="button"
          className={`${button} ml-auto shrink-0`}
          aria-expanded={settingsOpen}
          aria-controls="chat-settings"
          onClick={() => setSettingsOpen((open) => !open)}
        >
          Settings
        </button>
      </div>
      {settingsOpen && <SettingsPanel id="chat-settings" settings={settings} onChange={changeSettings} />}

      <MessageList
        messages={messages}
        status={status}
        stick={stick}
        onRegenerate={() => void chat.regenerate()}
        onContinue={chat.continueAnswer}
        onEdit={edit}
        empty={
          <div className="mt-[15vh] text-center">
            <h1 className="text-2xl font-semibold">What can I help with?</h1>
            <p className="mt-2 text-sm text-muted-foreground">Pick a model above; the settings apply to this conversation only.</p>
          </div>
        }
        footer={
          (error || saveError || chat.stopProblem) && (
            <div role="alert" className="rounded-lg border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm">
              {error && <ErrorNotice error={error} onRetry={() => void chat.regenerate()} />}
              {saveError && <p>{saveError}</p>}
              {chat.stopProblem && <p>{chat.stopProblem}</p>}
            </div>
          )
        }
      />
      <DocumentChips docs={docs} />
      <Composer
        busy={chat.busy}
        stopping={chat.stopping}
        onSend={send}
        onStop={chat.stop}
        attach={<AttachButton onFiles={(files) => void docs.attach(files)} />}
      />
    </div>
  );
}
