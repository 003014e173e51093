/**
 * The Office dialog API as the e2e tests fake it (#13), bundled into the fake office.js (fake-office-page.ts):
 * `displayDialogAsync` opens the real page in a popup window and answers with Office's errors where Office would
 * (12004 another domain, 12005 http, 12007 one already open, 12011 the pop-up refused); the dialog page's
 * `messageParent` posts to the opener, which hands the message and the sender's real origin to the
 * DialogMessageReceived handlers; closing the window raises DialogEventReceived 12006. Browser-only (DOM).
 */
const MESSAGE = 'dialogMessageReceived';
const EVENT = 'dialogEventReceived';
const WIRE = '__fakeOfficeDialog';

type Handler = (arg: { message?: string; origin?: string; error?: number }) => void;
type Callback = (r: { status: string; value?: unknown; error?: { code: number; message: string } }) => void;

/** `Office.context.ui` of the task pane. */
export function fakeDialogUi(win: Window) {
  let open: Window | null = null;
  return {
    displayDialogAsync(url: string, _options: unknown, callback: Callback): void {
      const fail = (code: number): void => callback({ status: 'failed', error: { code, message: `fake Office dialog error ${code}` } });
      const target = new URL(url, win.location.href);
      if (target.protocol !== 'https:') return fail(12005);
      if (target.origin !== win.location.origin) return fail(12004);
      if (open && !open.closed) return fail(12007);
      const w = win.open(target.toString(), 'fakeOfficeDialog', 'popup,width=520,height=640');
      if (!w) return fail(12011);
      open = w;
      const handlers: Record<string, Handler[]> = { [MESSAGE]: [], [EVENT]: [] };
      const onMessage = (e: MessageEvent): void => {
        if (e.source !== w || typeof e.data !== 'object' || e.data === null || !(WIRE in e.data)) return;
        for (const h of handlers[MESSAGE] ?? []) h({ message: String((e.data as Record<string, unknown>)[WIRE]), origin: e.origin });
      };
      win.addEventListener('message', onMessage);
      let closedByCode = false;
      const poll = win.setInterval(() => {
        if (!w.closed) return;
        win.clearInterval(poll);
        win.removeEventListener('message', onMessage);
        if (!closedByCode) for (const h of handlers[EVENT] ?? []) h({ error: 12006 });
      }, 100);
      callback({
        status: 'succeeded',
        value: {
          addEventHandler: (type: string, handler: Handler) => handlers[type]?.push(handler),
          close: () => {
            closedByCode = true;
            w.close();
          },
        },
      });
    },
  };
}

/** `Office.context.ui` inside the dialog page: `messageParent` posts to the task pane. */
export function fakeDialogPageUi(win: Window) {
  return {
    messageParent(message: string): void {
      const opener = win.opener as Window | null;
      if (!opener) throw new Error('fake messageParent: this page was not opened as a dialog');
      opener.postMessage({ [WIRE]: message }, win.location.origin);
    },
  };
}
