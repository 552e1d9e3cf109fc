// Kefu agent workspace: the few things the browser must do itself. Blazor (server) decides; this module only
// listens to keys, watches the composer's caret, and plays/shows alerts. No external files or libraries.

let workspace = null;   // DotNetObjectReference of the layout's WorkspaceSession
let pendingG = 0;       // time of a "g" waiting for its second key ("g i")
let audio = null;       // AudioContext, created on the first user gesture (browsers refuse sound before one)

function editing(target) {
  return !!target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function onKeyDown(e) {
  if (!workspace || e.defaultPrevented) return;
  if (e.key === 'Escape') {
    workspace.invokeMethodAsync('OnShortcut', 'Escape');
    return;
  }
  if (editing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
  if (pendingG && Date.now() - pendingG < 1500) {
    pendingG = 0;
    if (e.key === 'i') {
      e.preventDefault();
      workspace.invokeMethodAsync('OnShortcut', 'g i');
    }
    return;
  }
  if (e.key === 'g') {
    pendingG = Date.now();
    return;
  }
  // Enter on a focused link or button keeps its own meaning.
  if (e.key === 'Enter' && e.target && /^(A|BUTTON)$/.test(e.target.tagName)) return;
  if (['j', 'k', 'Enter', 'r', 'n', '?'].includes(e.key)) {
    e.preventDefault();
    workspace.invokeMethodAsync('OnShortcut', e.key);
  }
}

function unlockAudio() {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    if (audio.state === 'suspended') audio.resume();
  } catch {
    audio = null;
  }
}

/** Two short rising tones, generated (no sound file). */
function chime() {
  if (!audio || audio.state !== 'running') return;
  const t0 = audio.currentTime;
  [880, 1320].forEach((frequency, i) => {
    const start = t0 + i * 0.13;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.12);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(start + 0.13);
  });
}

export function init(dotnet) {
  workspace = dotnet;
  if (!window.kefuWorkspaceKeys) {
    window.kefuWorkspaceKeys = true;
    document.addEventListener('keydown', e => onKeyDown(e));
    document.addEventListener('pointerdown', unlockAudio, { once: true });
    document.addEventListener('keydown', unlockAudio, { once: true });
  }
  window.kefuAlertLog = window.kefuAlertLog || [];
  // Lets tests (and curious people) know the keyboard shortcuts are live.
  document.documentElement.dataset.kefuWorkspace = 'ready';
}

export function dispose() {
  workspace = null;
  delete document.documentElement.dataset.kefuWorkspace;
}

export function permission() {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

/** Asks for desktop notifications from the click itself: browsers only allow it during a user gesture. */
export function bindPermissionButton(button, dotnet) {
  if (!button || button.kefuBound) return;
  button.kefuBound = true;
  button.addEventListener('click', async () => {
    unlockAudio();
    if ('Notification' in window && Notification.permission === 'default') {
      await Notification.requestPermission();
    }
    dotnet.invokeMethodAsync('OnPermission', permission());
  });
}

/**
 * A new customer message in one of my conversations: chime and show a desktop notification, but only when the
 * tab is hidden or another conversation is open (otherwise the agent sees it already).
 */
export function alert(title, body, url, anotherConversationOpen) {
  if (!(document.hidden || anotherConversationOpen)) return false;
  window.kefuAlertLog.push({ title, body, url, at: Date.now() });
  chime();
  if ('Notification' in window && Notification.permission === 'granted') {
    const n = new Notification(title, { body, tag: url });
    n.onclick = () => {
      window.focus();
      if (window.Blazor && window.Blazor.navigateTo) window.Blazor.navigateTo(url); else location.assign(url);
      n.close();
    };
  }
  return true;
}

// ---- Composer: "/" canned responses at the start of a line, "@" mentions anywhere ----

function trigger(el) {
  const pos = el.selectionStart ?? el.value.length;
  const before = el.value.slice(0, pos);
  let m = /(^|\n)\/([^\s/]{0,40})$/.exec(before);
  if (m) return { kind: '/', query: m[2], start: pos - m[2].length - 1, end: pos };
  m = /(^|\s)@([^\s@]{0,40})$/.exec(before);
  if (m) return { kind: '@', query: m[2], start: pos - m[2].length - 1, end: pos };
  return null;
}

export function attachComposer(el, dotnet) {
  if (!el || el.kefuComposer) return;
  el.kefuComposer = true;
  let last = '';
  const update = () => {
    const t = trigger(el);
    el.kefuTrigger = t;
    const key = t ? t.kind + t.query : '';
    if (key !== last) {
      last = key;
      dotnet.invokeMethodAsync('OnTrigger', t ? t.kind : '', t ? t.query : '');
    }
  };
  el.addEventListener('input', update);
  el.addEventListener('click', update);
  el.addEventListener('keyup', e => {
    if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) update();
  });
  el.addEventListener('keydown', e => {
    const popup = el.dataset.popup === 'open';
    let key = null;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) key = 'Send';
    else if (popup && ['ArrowUp', 'ArrowDown', 'Tab', 'Escape'].includes(e.key)) key = e.key;
    else if (popup && e.key === 'Enter' && !e.shiftKey) key = 'Enter';
    if (key) {
      e.preventDefault();
      if (key === 'Escape') e.stopPropagation();
      dotnet.invokeMethodAsync('OnComposerKey', key);
    }
  });
}

/** Replaces the "/query" or "@query" being typed with text, and tells Blazor's binding (an input event). */
export function insertAtTrigger(el, text) {
  if (!el) return;
  const t = el.kefuTrigger || trigger(el);
  const pos = el.selectionStart ?? el.value.length;
  const start = t ? t.start : pos;
  const end = t ? Math.max(t.end, pos) : pos;
  el.value = el.value.slice(0, start) + text + el.value.slice(end);
  const caret = start + text.length;
  el.focus();
  el.setSelectionRange(caret, caret);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

export function focus(el) {
  if (el) {
    el.focus();
    const end = el.value ? el.value.length : 0;
    if (el.setSelectionRange) el.setSelectionRange(end, end);
  }
}

export function scrollIntoView(selector) {
  const el = document.querySelector(selector);
  if (el) el.scrollIntoView({ block: 'nearest' });
}

export function scrollToBottom(selector) {
  const el = document.querySelector(selector);
  if (el) el.scrollIntoView({ block: 'end' });
}
