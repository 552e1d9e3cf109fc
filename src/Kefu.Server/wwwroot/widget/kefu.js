/*! Kefu chat widget. Embed: <script src="https://kefu.example/widget/kefu.js" data-inbox="INBOX_ID" async></script>
 * No dependencies. Talks to /hubs/visitor with a small SignalR JSON-protocol client over WebSocket.
 * window.KefuChat = { identify({externalId, name, email, signature}), open(), close(), reset() } */
(function () {
  'use strict';
  var script = document.currentScript || document.querySelector('script[data-inbox][src*="kefu.js"]');
  if (!script || (window.KefuChat && window.KefuChat.loaded)) return;
  var inbox = script.getAttribute('data-inbox');
  var base = script.src.replace(/\/widget\/kefu\.js.*$/, '');
  var settings = window.KefuChatSettings || {};
  var KEY = 'kefu:' + inbox, RS = '\u001e';

  var TEXT = {
    'zh-CN': {
      open: '打开在线客服', close: '关闭', input: '请输入消息…', send: '发送', attach: '发送文件或图片', typing: '客服正在输入…',
      sending: '发送中', sent: '已发送', read: '已读', failed: '发送失败，点击重试', you: '我', agent: '客服',
      queue: '您前面还有 {n} 位客户在等待', queueFirst: '您是下一位，客服马上就来', wait: '，预计等待约 {m} 分钟',
      connecting: '正在连接…', reconnecting: '连接已断开，正在重新连接…', offlineTitle: '客服暂时不在线，请留言，我们会通过邮件回复您。',
      name: '姓名', email: '邮箱', message: '留言内容', submit: '提交留言', thanks: '已收到您的留言，我们会尽快通过邮件回复您。',
      prechat: '开始对话前，请留下您的联系方式。', start: '开始对话', required: '此项必填', badEmail: '请输入有效的邮箱地址',
      tooLarge: '文件太大（最大 {s}）', badType: '不支持此文件类型', uploading: '正在上传…', uploadFailed: '上传失败，请重试',
      error: '出错了，请稍后再试', closed: '本次对话已结束，发送消息将开始新的对话。', file: '文件'
    },
    en: {
      open: 'Open chat', close: 'Close', input: 'Type a message…', send: 'Send', attach: 'Attach a file or image', typing: 'Agent is typing…',
      sending: 'Sending', sent: 'Sent', read: 'Read', failed: 'Not sent. Tap to retry', you: 'You', agent: 'Agent',
      queue: '{n} customers are ahead of you', queueFirst: 'You are next; an agent will be with you shortly', wait: ' (about {m} min)',
      connecting: 'Connecting…', reconnecting: 'Connection lost, reconnecting…', offlineTitle: 'We are offline. Leave a message and we will reply by e-mail.',
      name: 'Name', email: 'E-mail', message: 'Message', submit: 'Send message', thanks: 'Thank you! We received your message and will reply by e-mail.',
      prechat: 'Before we start, please tell us how to reach you.', start: 'Start chat', required: 'Required', badEmail: 'Please enter a valid e-mail address',
      tooLarge: 'The file is too large (max {s})', badType: 'This file type is not allowed', uploading: 'Uploading…', uploadFailed: 'Upload failed, please try again',
      error: 'Something went wrong, please try again later', closed: 'This conversation has ended; a new message starts a new one.', file: 'File'
    }
  };

  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || {}; } catch (e) { return {}; } }
  function save(patch) {
    var s = load();
    for (var k in patch) s[k] = patch[k];
    try { localStorage.setItem(KEY, JSON.stringify(s)); } catch (e) { /* private mode: this tab still works */ }
    return s;
  }
  function newId() {
    var a = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function time(m) { return m.createdAt ? Date.parse(m.createdAt) : Infinity; }

  var store = load();
  var config = null, lang = 'zh-CN', t = TEXT['zh-CN'];
  var session = {}, online = false, queue = null, agentReadAt = 0, lastReadSent = 0, unread = 0, isOpen = false;
  var msgs = [], outbox = store.outbox || [], identity = settings.identity || null, started = false;

  // ---- A minimal SignalR client (JSON protocol over WebSocket) -------------------------------------------------
  var hub = { ws: null, ready: false, busy: false, seq: 0, pending: {}, on: {}, retry: 0, timer: 0, ping: 0, last: 0, wasReady: false };

  function connect() {
    if (hub.ws || hub.busy) return;
    hub.busy = true;
    clearTimeout(hub.timer);
    var q = store.token ? '&access_token=' + encodeURIComponent(store.token) : '';
    fetch(base + '/hubs/visitor/negotiate?negotiateVersion=1' + q, { method: 'POST', credentials: 'omit' }).then(function (r) {
      if (r.status === 401) { store = save({ token: null, fileToken: null }); throw new Error('token'); }
      if (!r.ok) throw new Error('negotiate ' + r.status);
      return r.json();
    }).then(function (n) {
      var ws = new WebSocket(base.replace(/^http/, 'ws') + '/hubs/visitor?id=' + encodeURIComponent(n.connectionToken) + q);
      var buf = '', shaken = false;
      hub.ws = ws;
      ws.onopen = function () { ws.send(JSON.stringify({ protocol: 'json', version: 1 }) + RS); };
      ws.onmessage = function (e) {
        hub.last = Date.now();
        buf += e.data;
        var parts = buf.split(RS);
        buf = parts.pop();
        parts.forEach(function (p) {
          var m = JSON.parse(p);
          if (!shaken) { shaken = true; if (m.error) ws.close(); else opened(); return; }
          if (m.type === 1 && hub.on[m.target]) hub.on[m.target].apply(null, m.arguments || []);
          else if (m.type === 3 && hub.pending[m.invocationId]) {
            var pr = hub.pending[m.invocationId];
            delete hub.pending[m.invocationId];
            if (m.error) { var err = new Error(m.error); err.server = true; pr.reject(err); } else pr.resolve(m.result);
          } else if (m.type === 7) ws.close();
        });
      };
      ws.onclose = function () { closed(ws); };
    }).catch(function () { hub.busy = false; reconnect(); });
  }

  function opened() {
    hub.busy = false; hub.ready = true; hub.retry = 0; hub.last = Date.now();
    clearInterval(hub.ping);
    hub.ping = setInterval(function () {
      // The server pings every 15 s; silence for 30 s means the connection is dead even if the socket looks open.
      if (Date.now() - hub.last > 30000) { hub.ws.close(); closed(hub.ws); return; }
      raw({ type: 6 });
    }, 10000);
    start();
  }

  function closed(ws) {
    if (hub.ws !== ws) return;
    hub.ws = null; hub.ready = false; hub.busy = false; started = false;
    clearInterval(hub.ping);
    for (var id in hub.pending) hub.pending[id].reject(new Error('disconnected'));
    hub.pending = {};
    reconnect();
  }

  function reconnect() {
    status();
    clearTimeout(hub.timer);
    var delay = Math.min(15000, 500 * Math.pow(2, hub.retry++)) * (0.75 + Math.random() / 2);
    hub.timer = setTimeout(connect, delay);
  }

  function raw(m) { if (hub.ws && hub.ws.readyState === 1) hub.ws.send(JSON.stringify(m) + RS); }

  function invoke(target, args) {
    return new Promise(function (resolve, reject) {
      if (!hub.ready) return reject(new Error('disconnected'));
      var id = String(++hub.seq);
      hub.pending[id] = { resolve: resolve, reject: reject };
      raw({ type: 1, invocationId: id, target: target, arguments: args });
    });
  }

  function fire(target, args) { if (hub.ready && started) raw({ type: 1, target: target, arguments: args }); }

  window.addEventListener('online', function () { if (!hub.ws && !hub.busy) connect(); });

  // ---- Chat -------------------------------------------------------------------------------------------------------
  function context() {
    return { url: location.href, title: document.title, referrer: document.referrer || null, language: lang, userAgent: navigator.userAgent, ip: null };
  }

  function start() {
    invoke('Start', [inbox, store.token || null, context(), identity, null]).then(function (r) {
      started = true;
      hub.wasReady = true;
      store = save({ token: r.token, fileToken: r.fileToken, chat: !!r.session.number });
      session = r.session; online = r.online; queue = r.queue;
      agentReadAt = Math.max(agentReadAt, r.session.agentReadAt ? Date.parse(r.session.agentReadAt) : 0);
      var history = r.history.map(function (m) { m.state = 'sent'; return m; });
      var stored = {};
      history.forEach(function (m) { if (m.clientMessageId) stored[m.clientMessageId] = 1; });
      // A message stored before the connection dropped (ack lost) is in the history: never send it again.
      outbox = outbox.filter(function (o) { return !stored[o.id]; });
      save({ outbox: outbox });
      msgs = history.concat(msgs.filter(function (m) { return !m.id && !stored[m.clientMessageId]; }));
      outbox.forEach(function (o) { if (!find(o.id)) msgs.push(pendingMsg(o)); });
      render(); status(); flush(); markRead();
    }, function (e) {
      if (e.server && /invalid_token/.test(e.message)) { store = save({ token: null, fileToken: null }); hub.ws && hub.ws.close(); }
      else if (e.server) showError(t.error);
    });
  }

  function pendingMsg(o) { return { clientMessageId: o.id, from: 'visitor', text: o.text, attachments: o.attachments || [], state: 'sending' }; }
  function find(cid) { for (var i = 0; i < msgs.length; i++) if (msgs[i].clientMessageId === cid) return msgs[i]; return null; }

  function upsert(m) {
    for (var i = 0; i < msgs.length; i++) {
      if ((m.id && msgs[i].id === m.id) || (m.clientMessageId && msgs[i].clientMessageId === m.clientMessageId)) { msgs[i] = m; break; }
    }
    if (i === msgs.length) msgs.push(m);
    msgs.sort(function (a, b) { return time(a) - time(b); });
  }

  function enqueue(text, attachments) {
    var o = { id: newId(), text: text, attachments: attachments || null };
    outbox.push(o);
    save({ outbox: outbox });
    msgs.push(pendingMsg(o));
    render();
    if (!hub.ws && !hub.busy) connect();
    flush();
  }

  var flushing = false;
  // One message at a time, in order; each keeps its client id, so a resend after a lost ack is not a duplicate.
  function flush() {
    if (!hub.ready || !started || flushing || !outbox.length) return;
    var o = outbox[0];
    flushing = true;
    invoke('Send', [o.id, o.text, o.attachments]).then(function (m) {
      flushing = false;
      done(o);
      m.state = 'sent';
      upsert(m);
      store = save({ chat: true });
      render(); flush();
    }, function (e) {
      flushing = false;
      if (e.server && /HubException: invalid:/.test(e.message)) {
        done(o);
        var m = find(o.id);
        if (m) m.state = 'failed';
        render(); flush();
      } else if (e.server) setTimeout(flush, 3000);
    });
  }

  function done(o) {
    outbox = outbox.filter(function (x) { return x.id !== o.id; });
    save({ outbox: outbox });
  }

  function markRead() {
    if (!isOpen || document.hidden) return;
    var last = 0, at = null;
    msgs.forEach(function (m) { if (m.from !== 'visitor' && m.createdAt && time(m) > last) { last = time(m); at = m.createdAt; } });
    if (at && last > lastReadSent) { lastReadSent = last; fire('Read', [at]); }
    unread = 0; badge();
  }

  hub.on.message = function (m) {
    m.state = 'sent';
    upsert(m);
    if (m.from !== 'visitor') { typing(false); if (!isOpen) { unread++; badge(); } }
    render(); markRead();
  };
  hub.on.typing = function (on) { typing(on); };
  hub.on.read = function (byVisitor, upTo) { if (!byVisitor) { agentReadAt = Math.max(agentReadAt, Date.parse(upTo)); render(); } };
  hub.on.status = function (s) { session.status = s; render(); };
  hub.on.queue = function (q) { queue = q; render(); };
  hub.on.online = function (o) { online = o; render(); };
  hub.on.resync = function () { start(); };

  var typingOn = false, typingSent = 0, typingIdle = 0, agentTyping = 0;
  function typed() {
    if (!typingOn || Date.now() - typingSent > 3000) { typingOn = true; typingSent = Date.now(); fire('Typing', [true]); }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, 4000);
  }
  function stopTyping() { clearTimeout(typingIdle); if (typingOn) { typingOn = false; fire('Typing', [false]); } }
  function typing(on) {
    clearTimeout(agentTyping);
    ui.typing.hidden = !on;
    if (on) agentTyping = setTimeout(function () { ui.typing.hidden = true; }, 10000);
  }

  // ---- UI ---------------------------------------------------------------------------------------------------------
  var ui = {}, host, root;

  function icon(d) {
    return '<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path fill="currentColor" d="' + d + '"/></svg>';
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function fmt(s, v) { return s.replace(/\{(\w)\}/g, function (_, k) { return v[k]; }); }
  function size(b) { return b >= 1048576 ? (b / 1048576).toFixed(b % 1048576 ? 1 : 0) + ' MB' : Math.max(1, Math.round(b / 1024)) + ' KB'; }

  var CSS = ':host{all:initial}*{box-sizing:border-box;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif}' +
    '[hidden]{display:none!important}' +
    '.launcher{position:fixed;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:var(--c);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000}' +
    '.badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#e53935;color:#fff;font-size:12px;line-height:20px}' +
    '.panel{position:fixed;bottom:88px;width:360px;height:540px;max-height:calc(100vh - 100px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;z-index:2147483000;color:#222;font-size:14px}' +
    '@media(max-width:480px){.panel{inset:0!important;width:auto;height:auto;max-height:none;border-radius:0}}' +
    'header{background:var(--c);color:#fff;padding:12px 14px;display:flex;align-items:center;gap:8px}h2{font-size:16px;margin:0;flex:1}' +
    '.dot{width:8px;height:8px;border-radius:50%;background:#bbb}.dot.on{background:#4caf50}' +
    'button{font:inherit}.close{background:none;border:0;color:#fff;font-size:22px;cursor:pointer;line-height:1}' +
    '.note{padding:8px 14px;font-size:13px;background:#fff8e1;color:#6d4c00}.conn{background:#eceff1;color:#455a64}' +
    '.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f7f7f9}' +
    '.m{max-width:80%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word;line-height:1.45}' +
    '.m.visitor{align-self:flex-end;background:var(--c);color:#fff;border-bottom-right-radius:3px}' +
    '.m.agent,.m.bot,.m.system{align-self:flex-start;background:#fff;border:1px solid #e3e3e8;border-bottom-left-radius:3px}' +
    '.m.failed{background:#c62828;cursor:pointer}.m img{display:block;max-width:100%;max-height:200px;border-radius:6px;margin-top:4px}.m a{color:inherit}' +
    '.tick{display:block;text-align:right;font-size:11px;opacity:.85;margin-top:2px}' +
    '.typing{padding:4px 14px;font-size:12px;color:#666;font-style:italic}.error{padding:6px 14px;font-size:13px;color:#b71c1c;background:#ffebee}' +
    'form{display:flex;gap:6px;padding:10px;border-top:1px solid #eee;background:#fff}form.col{flex-direction:column;flex:1;overflow-y:auto;border:0}' +
    'textarea,input{font:inherit;border:1px solid #ccc;border-radius:8px;padding:8px;width:100%}textarea{resize:none;height:40px}' +
    '.send,.primary{background:var(--c);color:#fff;border:0;border-radius:8px;padding:0 14px;cursor:pointer;min-height:38px;white-space:nowrap}' +
    '.attach{background:none;border:0;color:#666;cursor:pointer;padding:0 2px}.launcher svg{width:28px;height:28px;vertical-align:middle}label{font-size:13px;color:#444;display:block}.hp{position:absolute;left:-5000px}' +
    '.quick{display:flex;flex-wrap:wrap;gap:6px;align-self:flex-start;max-width:90%}.qr{background:#fff;border:1px solid var(--c);color:var(--c);border-radius:14px;padding:4px 10px;cursor:pointer;font-size:13px;text-align:left}' +
    ':focus-visible{outline:2px solid #1565c0;outline-offset:2px}';

  function build() {
    host = el('div', { id: 'kefu-chat' });
    root = host.attachShadow({ mode: 'open' });
    var side = config.position === 'left' ? 'left:20px' : 'right:20px';
    root.innerHTML = '<style>' + CSS + ':host{--c:' + config.color + '}.launcher,.panel{' + side + '}</style>';
    ui.launcher = el('button', { class: 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-label': t.open, 'data-testid': 'kefu-launcher' });
    ui.launcher.innerHTML = icon('M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z');
    ui.badge = el('span', { class: 'badge', hidden: '', 'data-testid': 'kefu-unread' });
    ui.launcher.appendChild(ui.badge);
    ui.panel = el('div', { class: 'panel', role: 'dialog', 'aria-labelledby': 'kefu-title', hidden: '', 'data-testid': 'kefu-panel', lang: lang });
    var header = el('header');
    ui.dot = el('span', { class: 'dot', 'data-testid': 'kefu-online' });
    ui.title = el('h2', { id: 'kefu-title' }, config.title[lang] || config.title.en);
    var close = el('button', { class: 'close', type: 'button', 'aria-label': t.close, 'data-testid': 'kefu-close' }, '×');
    header.append(ui.dot, ui.title, close);
    ui.conn = el('div', { class: 'note conn', role: 'status', hidden: '', 'data-testid': 'kefu-connection' });
    ui.queue = el('div', { class: 'note', role: 'status', hidden: '', 'data-testid': 'kefu-queue' });
    ui.log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', tabindex: '0', 'data-testid': 'kefu-messages' });
    ui.typing = el('div', { class: 'typing', hidden: '', 'data-testid': 'kefu-typing' }, t.typing);
    ui.error = el('div', { class: 'error', role: 'alert', hidden: '', 'data-testid': 'kefu-error' });
    ui.composer = el('form', { 'data-testid': 'kefu-composer' });
    ui.file = el('input', { type: 'file', hidden: '', 'data-testid': 'kefu-file', accept: config.allowedFileTypes.join(',') });
    var attach = el('button', { class: 'attach', type: 'button', 'aria-label': t.attach, title: t.attach, 'data-testid': 'kefu-attach' });
    attach.innerHTML = icon('M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z');
    ui.input = el('textarea', { 'aria-label': t.input, placeholder: t.input, 'data-testid': 'kefu-input', maxlength: '5000' });
    ui.send = el('button', { class: 'send', type: 'submit', 'data-testid': 'kefu-send' }, t.send);
    ui.composer.append(attach, ui.file, ui.input, ui.send);
    ui.offline = form('offline', t.offlineTitle, [['name', t.name, 'text'], ['email', t.email, 'email'], ['message', t.message, 'textarea'], ['website', 'Website', 'hp']], t.submit);
    ui.prechat = form('prechat', t.prechat, [['name', t.name, 'text'], ['email', t.email, 'email']], t.start);
    ui.panel.append(header, ui.conn, ui.queue, ui.log, ui.typing, ui.error, ui.composer, ui.offline, ui.prechat);
    root.append(ui.launcher, ui.panel);
    document.body.appendChild(host);

    ui.launcher.onclick = function () { isOpen ? api.close() : api.open(); };
    close.onclick = function () { api.close(); };
    ui.panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') api.close(); });
    attach.onclick = function () { ui.file.click(); };
    ui.file.onchange = function () { if (ui.file.files[0]) upload(ui.file.files[0]); ui.file.value = ''; };
    ui.input.addEventListener('input', typed);
    ui.input.addEventListener('keydown', function (e) { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); } });
    ui.composer.onsubmit = function (e) { e.preventDefault(); submit(); };
    ui.log.addEventListener('click', function (e) {
      var b = e.target.closest('.failed');
      if (!b) return;
      var m = find(b.getAttribute('data-cid'));
      msgs = msgs.filter(function (x) { return x !== m; });
      enqueue(m.text, m.attachments);
    });
    ui.offline.onsubmit = function (e) { e.preventDefault(); sendOffline(); };
    ui.prechat.onsubmit = function (e) { e.preventDefault(); introduce(); };
    document.addEventListener('visibilitychange', markRead);
  }

  function form(name, intro, fields, submitText) {
    var f = el('form', { class: 'col', hidden: '', novalidate: '', 'data-testid': 'kefu-' + name + '-form' });
    f.appendChild(el('p', { class: 'intro' }, intro));
    fields.forEach(function (d) {
      var id = 'kefu-' + name + '-' + d[0];
      var input = d[2] === 'textarea' ? el('textarea', { id: id, name: d[0], rows: '4', style: 'height:90px' }) : el('input', { id: id, name: d[0], type: d[2] === 'hp' ? 'text' : d[2] });
      input.setAttribute('data-testid', id);
      var label = el('label', { for: id }, d[1]);
      var wrap = el('div', d[2] === 'hp' ? { class: 'hp', 'aria-hidden': 'true' } : {});
      if (d[2] === 'hp') { input.tabIndex = -1; input.autocomplete = 'off'; }
      wrap.append(label, input);
      f.appendChild(wrap);
    });
    f.appendChild(el('div', { class: 'error', role: 'alert', hidden: '', 'data-testid': 'kefu-' + name + '-error' }));
    f.appendChild(el('button', { class: 'primary', type: 'submit', 'data-testid': 'kefu-' + name + '-submit' }, submitText));
    return f;
  }

  function fieldError(f, text) { var e = f.querySelector('.error'); e.textContent = text || ''; e.hidden = !text; }
  function validEmail(v) { return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v); }

  function render() {
    if (!ui.log) return;
    ui.dot.className = 'dot' + (online ? ' on' : '');
    var chatting = !!session.number || msgs.length > 0;
    var pre = config.preChatForm && !chatting && !store.introduced;
    // With the bot on, someone always answers: the offline form is for inboxes without a bot.
    var off = !online && !config.bot && !chatting && !store.introduced;
    ui.offline.hidden = !off;
    ui.prechat.hidden = off || !pre;
    ui.composer.hidden = off || pre;
    ui.log.hidden = off || pre;
    var waiting = queue && queue.position ? (queue.position > 1 ? fmt(t.queue, { n: queue.position - 1 }) : t.queueFirst) +
      (queue.estimatedWaitSeconds ? fmt(t.wait, { m: Math.max(1, Math.round(queue.estimatedWaitSeconds / 60)) }) : '') : '';
    ui.queue.textContent = session.status === 'closed' ? t.closed : waiting;
    ui.queue.hidden = !ui.queue.textContent || off;
    var atBottom = ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 40;
    ui.log.textContent = '';
    var greeting = config.greeting[lang];
    if (greeting) ui.log.appendChild(el('div', { class: 'm agent', 'data-testid': 'kefu-greeting' }, greeting));
    msgs.forEach(function (m) { ui.log.appendChild(bubble(m)); });
    // The bot's suggestions ("did you mean…") as buttons, while they are the last word in the chat.
    var lastMsg = msgs[msgs.length - 1];
    if (lastMsg && lastMsg.from !== 'visitor' && lastMsg.quickReplies && lastMsg.quickReplies.length) {
      var row = el('div', { class: 'quick', 'data-testid': 'kefu-quick-replies' });
      lastMsg.quickReplies.forEach(function (q) {
        var b = el('button', { type: 'button', class: 'qr', 'data-testid': 'kefu-quick-reply' }, q);
        b.onclick = function () { enqueue(q, null); };
        row.appendChild(b);
      });
      ui.log.appendChild(row);
    }
    if (atBottom || isOpen) ui.log.scrollTop = ui.log.scrollHeight;
  }

  function bubble(m) {
    var read = m.from === 'visitor' && m.state === 'sent' && agentReadAt && time(m) <= agentReadAt;
    var state = m.from !== 'visitor' ? '' : read ? 'read' : m.state;
    var b = el('div', { class: 'm ' + m.from + (m.state === 'failed' ? ' failed' : ''), 'data-testid': 'kefu-message', 'data-from': m.from, 'data-state': state });
    if (m.clientMessageId) b.setAttribute('data-cid', m.clientMessageId);
    if (m.createdAt) b.title = new Date(m.createdAt).toLocaleString(lang);
    if (m.text) b.appendChild(el('span', { class: 'text' }, m.text));
    (m.attachments || []).forEach(function (a) {
      var url = base + a.url + (store.fileToken ? '?vt=' + encodeURIComponent(store.fileToken) : '');
      if (/^image\//.test(a.contentType) && m.id) {
        var img = el('img', { src: url, alt: a.fileName, referrerpolicy: 'no-referrer', 'data-testid': 'kefu-image' });
        b.appendChild(img);
      } else {
        var link = el('a', { href: m.id ? url : '#', target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'kefu-file-link' }, a.fileName + ' (' + size(a.size) + ')');
        b.appendChild(el('div')).appendChild(link);
      }
    });
    if (state) b.appendChild(el('span', { class: 'tick', 'aria-label': t[state] || '' }, state === 'read' ? '✓✓ ' + t.read : state === 'sent' ? '✓' : state === 'failed' ? t.failed : '…'));
    return b;
  }

  function status() {
    if (!ui.conn) return;
    var lost = !hub.ready && (hub.wasReady || outbox.length);
    ui.conn.textContent = lost ? (hub.wasReady ? t.reconnecting : t.connecting) : '';
    ui.conn.hidden = !lost || !isOpen;
  }

  function badge() { if (ui.badge) { ui.badge.textContent = unread; ui.badge.hidden = !unread; } }

  var errorTimer = 0;
  function showError(text) {
    ui.error.textContent = text; ui.error.hidden = false;
    clearTimeout(errorTimer);
    errorTimer = setTimeout(function () { ui.error.hidden = true; }, 8000);
  }

  function submit() {
    var text = ui.input.value.trim();
    if (!text) return;
    ui.input.value = '';
    stopTyping();
    enqueue(text, null);
  }

  function upload(file) {
    var type = file.type || '';
    if (file.size > config.maxUploadBytes) return showError(fmt(t.tooLarge, { s: size(config.maxUploadBytes) }));
    if (type && config.allowedFileTypes.indexOf(type) < 0) return showError(t.badType);
    showError(t.uploading);
    whenStarted().then(function () {
      var data = new FormData();
      data.append('token', store.token);
      data.append('file', file, file.name);
      return fetch(base + '/widget/' + inbox + '/upload', { method: 'POST', body: data, credentials: 'omit' });
    }).then(function (r) {
      if (r.ok) return r.json().then(function (a) { ui.error.hidden = true; enqueue('', [a]); });
      showError(r.status === 413 ? fmt(t.tooLarge, { s: size(config.maxUploadBytes) }) : r.status === 400 ? t.badType : t.uploadFailed);
    }).catch(function () { showError(t.uploadFailed); });
  }

  function whenStarted() {
    return new Promise(function (resolve) {
      (function check() { if (started && store.token) resolve(); else { if (!hub.ws && !hub.busy) connect(); setTimeout(check, 200); } })();
    });
  }

  function sendOffline() {
    var f = ui.offline, v = function (n) { return f.elements[n].value.trim(); };
    if (!validEmail(v('email'))) return fieldError(f, t.badEmail);
    if (!v('message')) return fieldError(f, t.message + ': ' + t.required);
    fieldError(f, '');
    fetch(base + '/widget/' + inbox + '/offline', {
      method: 'POST', credentials: 'omit', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: v('name') || null, email: v('email'), message: v('message'), website: f.elements.website.value, language: lang, url: location.href })
    }).then(function (r) {
      if (!r.ok) return fieldError(f, r.status === 400 ? t.badEmail : t.error);
      f.textContent = '';
      f.appendChild(el('p', { role: 'status', 'data-testid': 'kefu-offline-thanks' }, t.thanks));
    }).catch(function () { fieldError(f, t.error); });
  }

  function introduce() {
    var f = ui.prechat, name = f.elements.name.value.trim(), email = f.elements.email.value.trim();
    if (config.preChatRequireEmail && !email) return fieldError(f, t.email + ': ' + t.required);
    if (email && !validEmail(email)) return fieldError(f, t.badEmail);
    whenStarted().then(function () { return invoke('Introduce', [{ name: name || null, email: email || null }]); }).then(function () {
      store = save({ introduced: true });
      render();
      ui.input.focus();
    }, function () { fieldError(f, t.error); });
  }

  function hooks() {
    // Single-page sites: report navigation without a reload.
    var push = history.pushState;
    history.pushState = function () { push.apply(this, arguments); setTimeout(page, 0); };
    window.addEventListener('popstate', page);
    window.addEventListener('hashchange', page);
    window.addEventListener('storage', function (e) {
      // Another tab of this site started or changed the chat: pick up its token.
      if (e.key === KEY) { var s = load(); if (s.token && s.token !== store.token && !hub.ws) { store = s; connect(); } }
    });
  }
  var lastUrl = location.href;
  function page() { if (location.href !== lastUrl) { lastUrl = location.href; fire('Page', [context()]); } }

  var api = {
    loaded: true,
    open: function () {
      if (!ui.panel) { store.open = true; return; }
      isOpen = true;
      ui.panel.hidden = false;
      ui.launcher.setAttribute('aria-expanded', 'true');
      save({ open: true });
      if (!hub.ws && !hub.busy) connect();
      render(); status(); markRead();
      var first = ui.panel.querySelector('form:not([hidden]) :is(input:not([type=file]):not([tabindex="-1"]),textarea)');
      (first || ui.input).focus();
    },
    close: function () {
      if (!ui.panel) return;
      isOpen = false;
      ui.panel.hidden = true;
      ui.launcher.setAttribute('aria-expanded', 'false');
      save({ open: false });
      ui.launcher.focus();
    },
    identify: function (claim) {
      identity = claim;
      if (hub.ready) start(); else if (!hub.ws && !hub.busy) connect();
    },
    reset: function () {
      try { localStorage.removeItem(KEY); } catch (e) { /* ignore */ }
      store = {}; outbox = []; msgs = []; session = {}; identity = null; started = false;
      if (hub.ws) hub.ws.close();
      render();
    }
  };
  window.KefuChat = api;

  var languages = function (list) {
    var wanted = [settings.language, script.getAttribute('data-lang'), store.lang].concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i++) {
      var w = wanted[i];
      if (!w) continue;
      if (list.indexOf(w) >= 0) return w;
      if (/^zh/i.test(w) && list.indexOf('zh-CN') >= 0) return 'zh-CN';
      if (/^en/i.test(w) && list.indexOf('en') >= 0) return 'en';
    }
    return list[0] || 'zh-CN';
  };

  fetch(base + '/widget/' + inbox + '/config', { credentials: 'omit' }).then(function (r) {
    if (!r.ok) throw new Error('config ' + r.status);
    return r.json();
  }).then(function (c) {
    config = c; online = c.online;
    lang = languages(c.languages);
    t = TEXT[lang] || TEXT.en;
    build(); hooks(); render();
    // A returning visitor reconnects at once (to get replies while the panel is closed); a new one when opening it.
    if (store.token || outbox.length || identity) connect();
    if (store.open) api.open();
    window.dispatchEvent(new Event('kefu:ready'));
  }).catch(function (e) { if (window.console) console.warn('Kefu chat is not available:', e.message); });
})();
