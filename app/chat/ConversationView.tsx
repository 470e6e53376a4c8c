import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { useLocation, useSearch } from "wouter";
import type { Conversation } from "../../contract/api";
import type { ChatMessage } from "../../contract/messages";
import { conversationWithTitle, getConversation, updateConversation } from "../api";
import { preloadMarkdown } from "../ui/LazyMarkdown";
import { ErrorNotice } from "../ui/ErrorNotice";
import { button } from "../ui/styles";
import { useAnswerStream } from "../ui/useAnswerStream";
import { notifyUsageChanged } from "../ui/usage-events";
import { Composer } from "./Composer";
import { AttachButton } from "../documents/AttachButton";
import { DocumentChips } from "../documents/DocumentChips";
import { useConversationDocuments } from "../documents/useConversationDocuments";
import { conversationPath, START_DOCUMENT_PARAM, START_PROJECT_PARAM } from "./ids";
import { START_ASSISTANT_PARAM } from "../assistants/start-path";
import { MessageList } from "./MessageList";
import { ModelPicker } from "./ModelPicker";
import { initialSettings, toApiSettings, type EditableSettings } from "./settings";
import { SettingsPanel } from "./SettingsPanel";
import { useStickToBottom } from "./useStickToBottom";
import { useBranches } from "./useBranches";
import { FOUND_MESSAGE_PARAM } from "../search/messagePath";
import { AttachImageButton, PendingImages } from "./ImageAttach";
import { isImageFile, useChatImages } from "./useChatImages";
import { ToolsControl } from "./ToolsControl";
import { CompareControl, CompareNotice, useCompare } from "./CompareControl";
import type { ApprovalDecision } from "./ToolPart";

const SETTINGS_SAVE_DELAY_MS = 500;

interface Props {
  id: string;
  /** null for a conversation the server has not seen yet. */
  conversation: Conversation | null;
  initialMessages: ChatMessage[];
  /** Versions of the messages on screen (see useBranches). */
  initialSiblings?: Record<string, string[]>;
  onConversationsChanged: () => void;
  menuButton: ReactNode;
}

/** One conversation, live: its messages, the answer being written (here or in another tab), the composer and settings. */
export function ConversationView({ id, conversation, initialMessages, initialSiblings, onConversationsChanged, menuButton }: Props) {
  const [, navigate] = useLocation();
  const [settings, setSettings] = useState(() => initialSettings(conversation));
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const stick = useStickToBottom();
  useEffect(preloadMarkdown, []);
  const search = useSearch();

  // A new chat started from the Documents page (/?document=<id>) chats with that document.
  const docs = useConversationDocuments(id, conversation === null ? new URLSearchParams(search).getAll(START_DOCUMENT_PARAM) : []);
  const unsentDocuments = docs.unsent.join(",");
  // A new chat started from an assistant (/?assistant=<id>) takes its settings; that code loads only then.
  const startAssistant = conversation === null ? new URLSearchParams(search).get(START_ASSISTANT_PARAM) : null;
  useEffect(() => {
    if (!startAssistant) return;
    import("../assistants/start-settings")
      .then((module) => module.assistantSettings(startAssistant))
      .then(
        (preset) => setSettings((current) => ({ ...current, ...preset })),
        (e: Error) => setSaveError(`The assistant's settings could not be loaded: ${e.message}`),
      );
  }, [startAssistant]);
  // "New chat" in a project (/?project=<id>) is a draft: the project's model and tools are preselected
  // here and its first message makes the conversation in the project. Read once: sending moves the
  // address to /c/<id>, and the request that follows must still name the project.
  const [startProject] = useState(() => (conversation === null ? new URLSearchParams(search).get(START_PROJECT_PARAM) : null));
  const [project, setProject] = useState<{ name?: string; loading: boolean } | null>(startProject ? { loading: true } : null);
  useEffect(() => {
    if (!startProject) return;
    let live = true;
    import("../projects/start-settings")
      .then((module) => module.projectStart(startProject))
      .then(
        ({ name, settings: preset }) => {
          if (!live) return;
          setProject({ name, loading: false });
          setSettings((current) => ({ ...current, ...preset }));
        },
        // Sending is let through: the Worker refuses a project that is gone, in words.
        (e: Error) => {
          if (!live) return;
          setProject({ loading: false });
          setSaveError(`The project could not be loaded: ${e.message}`);
        },
      );
    return () => {
      live = false;
    };
  }, [startProject]);
  // Whether the server has this conversation, so settings changes can be saved to it.
  const existsRef = useRef(conversation !== null);
  // Read when a request starts. A ref, not the render's settings: "Always allow" changes the
  // settings and sends the approval in the same event, before React renders again.
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const requestBody = useCallback(
    () => ({
      ...toApiSettings(settingsRef.current),
      ...(unsentDocuments ? { documentIds: unsentDocuments.split(",") } : {}),
      // Only until the conversation exists: its first message makes it in the project.
      ...(startProject && !existsRef.current ? { projectId: startProject } : {}),
      // The date_time tool answers in the person's own time zone.
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }),
    [unsentDocuments, startProject],
  );
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
      branches.refresh(); // A regenerate or an edit made a new version.
      void docs.refresh(); // Documents sent with the message are attached now.
    },
    onError: onConversationsChanged,
    readThread: (conversationId) => getConversation(conversationId).then((detail) => detail.messages),
  });
  const { messages, status, error } = chat;
  const branches = useBranches(id, initialSiblings, chat.setMessages);
  const compare = useCompare(id, conversation !== null, chat.busy);

  // A search result can name a version that is not on screen: show its branch once, then scroll to it.
  const foundId = new URLSearchParams(search).get(FOUND_MESSAGE_PARAM);
  const shownFoundRef = useRef<string | null>(null);
  useEffect(() => {
    if (!foundId || chat.busy || shownFoundRef.current === foundId || messages.some((m) => m.id === foundId)) return;
    shownFoundRef.current = foundId;
    void branches.show(foundId);
  }, [foundId, chat.busy, messages, branches]);

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

  const images = useChatImages(settings.model);
  // Files dropped on the conversation or pasted anywhere in it are attached like picked ones.
  const filesFrom = (data: DataTransfer | null) => [...(data?.files ?? [])];
  /** Images go with the next message (or are refused in words by a model that cannot see them); other files are documents. */
  const attachFiles = (files: File[]) => {
    const pictures = files.filter(isImageFile);
    const others = files.filter((f) => !isImageFile(f));
    if (pictures.length) images.add(pictures);
    if (others.length) void docs.attach(others);
  };

  const changeSettings = (patch: Partial<EditableSettings>) => setSettings((s) => ({ ...s, ...patch }));

  // "Always allow" goes with the approval itself: the request that carries on the answer saves it.
  const answerApproval = ({ approvalId, approved, always, toolName }: ApprovalDecision) => {
    if (always && !settingsRef.current.alwaysAllow.includes(toolName)) {
      const next = { ...settingsRef.current, alwaysAllow: [...settingsRef.current.alwaysAllow, toolName] };
      settingsRef.current = next;
      setSettings(next);
    }
    void chat.addToolApprovalResponse({ id: approvalId, approved });
  };

  const send = (text: string) => {
    stick.scrollToBottom();
    void chat.sendMessage(images.parts.length ? { text, files: images.parts } : { text });
    images.clear();
    // Same component, new address: the stream keeps running and a reload finds the conversation.
    if (!existsRef.current) navigate(conversationPath(id), { replace: true });
  };

  // An edit is a new version beside the question (a new id), not the question rewritten: the
  // server keeps the earlier one and its answers as another branch.
  const edit = (messageId: string, text: string) => {
    const index = messages.findIndex((m) => m.id === messageId);
    if (index < 0) return;
    stick.scrollToBottom();
    // The edited question keeps the images it carried: only its text was edited.
    const files = messages[index].parts.filter((p) => p.type === "file");
    chat.setMessages(messages.slice(0, index));
    void chat.sendMessage(files.length ? { text, files } : { text });
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
        attachFiles(files);
      }}
      onPaste={(e) => {
        const files = filesFrom(e.clipboardData);
        if (!files.length) return;
        e.preventDefault();
        attachFiles(files);
      }}
    >
      <div className="flex items-center gap-2 border-b border-border px-3 py-2">
        {menuButton}
        <ModelPicker value={settings.model} onChange={(model) => changeSettings({ model })} />
        <ToolsControl settings={settings} onChange={changeSettings} />
        <CompareControl
          compare={compare}
          conversationId={id}
          messages={messages}
          model={settings.model}
          projectId={startProject && !existsRef.current ? startProject : undefined}
          disabled={chat.busy}
          onAsked={() => {
            if (!existsRef.current) navigate(conversationPath(id), { replace: true });
            existsRef.current = true;
            onConversationsChanged();
          }}
          onKeep={async (messageId, model) => {
            await branches.show(messageId);
            changeSettings({ model });
          }}
          onClose={() => {
            notifyUsageChanged();
            // A first question asked side by side is titled by the title model, as a chat turn's is.
            conversationWithTitle(id).then(onConversationsChanged, () => {});
            getConversation(id).then(
              (detail) => chat.setMessages(detail.messages),
              () => {},
            );
            branches.refresh();
          }}
        />
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
        versionsOf={branches.versionsOf}
        onSwitchVersion={(messageId, delta) => void branches.switchVersion(messageId, delta)}
        onApproval={answerApproval}
        empty={
          <div className="mt-[15vh] text-center">
            <h1 className="text-2xl font-semibold">What can I help with?</h1>
            <p className="mt-2 text-sm text-muted-foreground">
              {project?.name
                ? `New chat in ${project.name}: the project's instructions and documents apply; its model and tools are picked above, and you can change them for this chat.`
                : "Pick a model above; the settings apply to this conversation only."}
            </p>
          </div>
        }
        footer={
          (error || saveError || chat.stopProblem || branches.problem) && (
            <div role="alert" className="rounded-lg border border-destructive/40 bg-destructive/10 px-3 py-2 text-sm">
              {error && <ErrorNotice error={error} onRetry={() => void chat.regenerate()} />}
              {saveError && <p>{saveError}</p>}
              {chat.stopProblem && <p>{chat.stopProblem}</p>}
              {branches.problem && <p>{branches.problem}</p>}
            </div>
          )
        }
      />
      <CompareNotice compare={compare} />
      <DocumentChips docs={docs} />
      <PendingImages images={images} />
      <Composer
        busy={chat.busy}
        stopping={chat.stopping}
        onSend={send}
        onStop={chat.stop}
        sendBlocked={images.blocksSend || project?.loading === true}
        attach={
          <>
            <AttachButton onFiles={(files) => void docs.attach(files)} />
            <AttachImageButton images={images} />
          </>
        }
      />
    </div>
  );
}
