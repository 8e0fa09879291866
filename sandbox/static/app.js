// The sandbox page: pick a member on the left, see and use their chat with the bot.
// The server pushes a change counter over Server-Sent Events; the page then refetches.
"use strict";

const $ = (id) => document.getElementById(id);

const page = {
  members: [],
  commands: [],
  memberId: null,
  seen: new Map(),       // member id -> highest bot message id seen while they were selected
  toastSeen: new Map(),  // member id -> highest toast id shown
  toastFloor: null,      // toasts up to this id were made before the page opened
  replyTo: null,         // {id, snippet}
  attachment: null,      // File
  rendered: new Map(),   // message id -> {key, el}
  loading: false,
  stick: true,           // the chat follows new messages while scrolled to its end
  scrollToEnd: false,
  dirty: false,
};

// ------------------------------------------------------------------------ helpers
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "html") node.innerHTML = value;  // only server-escaped rich text
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function initials(name) {
  return name.split(/\s+/).map((w) => w[0] || "").join("").slice(0, 2).toUpperCase();
}

function sizeLabel(bytes) {
  if (bytes >= 1024 * 1024) return (bytes / 1024 / 1024).toFixed(1) + " MB";
  if (bytes >= 1024) return Math.round(bytes / 1024) + " KB";
  return bytes + " B";
}

const DAYS = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"];
const MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
  "September", "Oktober", "November", "Desember"];

// "2026-11-23T09:05+07:00" -> its date and clock time as written (office time).
function splitStamp(stamp) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(stamp || "");
  if (!match) return null;
  const [, y, m, d, hm] = match;
  const weekday = new Date(Date.UTC(+y, +m - 1, +d)).getUTCDay();
  return { day: `${DAYS[weekday]}, ${+d} ${MONTHS[+m - 1]} ${y}`, time: hm };
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  if (!response.ok) {
    const text = await response.text();
    throw new Error(text || response.statusText);
  }
  return response.json();
}

function postJson(path, body) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

function showError(error) {
  showToast("⚠️ " + (error && error.message ? error.message : error));
}

// ------------------------------------------------------------------------- sidebar
function renderClock(clock) {
  $("clock-label").textContent = clock.label;
  const status = $("clock-status");
  status.textContent = clock.holiday
    ? `Libur: ${clock.holiday}`
    : clock.open ? "Jam kerja kantor" : "Di luar jam kerja";
  status.className = clock.open ? "open" : "";
}

function unread(member) {
  const seen = page.seen.get(member.id) || 0;
  return member.bot_ids.filter((id) => id > seen).length;
}

// Each member keeps one button, updated in place: a click whose press and release straddle a
// refresh is lost when the element under the pointer is rebuilt (Firefox needs the very same
// element under both, Chromium the same button).
const memberButtons = new Map();  // member id -> {button, avatar, name, role, last, badge}

function memberButton(id) {
  let parts = memberButtons.get(id);
  if (!parts) {
    parts = {
      avatar: el("div"),
      name: el("div", { class: "member-name" }),
      role: el("div", { class: "member-role" }),
      last: el("div", { class: "member-last" }),
      badge: el("span", { class: "badge" }),
    };
    parts.button = el("button",
      { type: "button", "data-member": id, onclick: () => selectMember(id) },
      parts.avatar, el("div", { class: "member-body" }, parts.name, parts.role, parts.last),
      parts.badge);
    memberButtons.set(id, parts);
  }
  return parts;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function renderMembers() {
  const list = $("members");
  const buttons = page.members.map((m) => {
    const parts = memberButton(m.id);
    const selected = m.id === page.memberId;
    const count = selected ? 0 : unread(m);
    parts.button.className = "member" + (selected ? " selected" : "");
    parts.button.setAttribute("aria-pressed", String(selected));
    parts.avatar.className = `avatar role-${m.role}`;
    setText(parts.avatar, initials(m.name));
    setText(parts.name, m.name);
    setText(parts.role, m.role_title);
    setText(parts.last, m.last || "belum ada pesan");
    parts.badge.hidden = !count;
    setText(parts.badge, String(count));
    parts.badge.title = `${count} pesan baru`;
    return parts.button;
  });
  const same = buttons.length === list.children.length
    && buttons.every((button, i) => list.children[i] === button);
  if (!same) list.replaceChildren(...buttons);
}

function currentMember() {
  return page.members.find((m) => m.id === page.memberId) || null;
}

function renderHeader() {
  const member = currentMember();
  $("chat-title").textContent = "Bot SOP JDIH";
  $("chat-title").textContent = member && member.channel ? member.name : "Bot SOP JDIH";
  $("chat-sub").textContent = member
    ? member.channel
      ? `${member.role_title}: unggahan bot, seperti yang dilihat publik`
      : `chat pribadi dengan ${member.name} (${member.role_title})`
    : "pilih anggota di kiri";
  $("composer").hidden = Boolean(member && member.channel);  // nobody writes as the channel
}

function selectMember(id) {
  if (id === page.memberId) return;
  page.memberId = id;
  page.replyTo = null;
  page.rendered.clear();
  page.scrollToEnd = true;
  $("messages").replaceChildren();
  $("toasts").replaceChildren();  // a toast answers the press of the member shown
  history.replaceState(null, "", "#" + id);
  renderReplyBar();
  hideCommandMenu();
  refresh();
  $("text").focus();
}

// ------------------------------------------------------------------------ messages
function mediaNode(message) {
  const media = message.media;
  if (!media) return null;
  if (media.type === "photo") {
    return el("a", { href: media.url, target: "_blank", rel: "noopener" },
      el("img", { class: "photo", src: media.url, alt: "foto", loading: "lazy" }));
  }
  if (media.type === "video" || media.type === "animation") {
    return el("video", { src: media.url, controls: "", preload: "metadata" });
  }
  const ext = (media.name.split(".").pop() || "file").slice(0, 4).toUpperCase();
  const preview = media.image
    ? el("img", { src: media.url, alt: "", loading: "lazy" })
    : el("span", { class: "file-icon" }, ext);
  return el("a", { class: "doc", href: media.url, target: "_blank", rel: "noopener",
    title: "Buka file" },
  preview,
  el("div", {},
    el("div", { class: "doc-name" }, media.name),
    // the size alone, as Telegram's apps show a document: never its MIME type
    el("div", { class: "doc-size" }, sizeLabel(media.size))));
}

function keyboardNode(message) {
  if (!message.buttons.length) return null;
  return el("div", { class: "keyboard" }, ...message.buttons.map((row) =>
    el("div", { class: "kb-row" }, ...row.map((button) => {
      if (button.url) {
        return el("a", { class: "kb-button", href: button.url, target: "_blank",
          rel: "noopener" }, button.text);
      }
      return el("button", {
        type: "button",
        class: "kb-button",
        onclick: (event) => press(message.id, button.data, event.currentTarget),
      }, button.text);
    }))));
}

function messageNode(message) {
  const stamp = splitStamp(message.time);
  const meta = el("span", { class: "meta" },
    (message.edited ? "diedit " : "") + (stamp ? stamp.time : ""));
  const quote = message.reply_to
    ? el("span", { class: "quote-reply", title: "Lihat pesan yang dibalas",
      onclick: () => flash(message.reply_to.id) }, message.reply_to.snippet)
    : null;
  const text = message.html ? el("div", { class: "text", html: message.html }) : null;
  const bubble = el("div", { class: "bubble" }, quote, mediaNode(message), text, meta);
  const replyButton = el("button", {
    type: "button", class: "reply-button", title: "Balas pesan ini",
    onclick: () => setReply(message),
  }, "↩");
  return el("div", {
    class: "msg " + (message.from_bot ? "bot" : "me"),
    id: "m-" + message.id,
    "data-id": message.id,
  }, el("div", { class: "msg-row" }, bubble, replyButton), keyboardNode(message));
}

function renderMessages(messages) {
  const box = $("messages");
  const nodes = [];
  const keep = new Map();
  let lastDay = null;
  for (const message of messages) {
    const stamp = splitStamp(message.time);
    if (stamp && stamp.day !== lastDay) {
      nodes.push(el("div", { class: "day" }, el("span", {}, stamp.day)));
      lastDay = stamp.day;
    }
    const key = JSON.stringify(message);
    const known = page.rendered.get(message.id);
    // An unchanged message keeps its node, so images do not reload and nothing flickers.
    const node = known && known.key === key ? known.el : messageNode(message);
    keep.set(message.id, { key, el: node });
    nodes.push(node);
  }
  page.rendered = keep;
  if (!nodes.length) {
    nodes.push(el("div", { class: "empty-chat" },
      "Belum ada pesan. Ketik /bantuan untuk petunjuk, atau /baru untuk membuat item ",
      "(koordinator atau kasubbag)."));
  }
  box.replaceChildren(...nodes);
  if (page.stick || page.scrollToEnd) {
    box.scrollTop = box.scrollHeight;
    page.scrollToEnd = false;
    page.stick = true;
  }
}

function flash(id) {
  const node = $("m-" + id);
  if (!node) return;
  node.scrollIntoView({ block: "center", behavior: "smooth" });
  node.classList.remove("flash");
  void node.offsetWidth;  // restart the animation
  node.classList.add("flash");
}

// -------------------------------------------------------------------- toasts, alert
const MAX_TOASTS = 3;

function showToast(text) {
  const box = $("toasts");
  const toast = el("div", { class: "toast", role: "status" }, text);
  box.append(toast);
  while (box.children.length > MAX_TOASTS) box.firstElementChild.remove();
  setTimeout(() => toast.remove(), 4500);
}

function showAlert(text) {
  $("alert-text").textContent = text;
  $("alert").hidden = false;
  $("alert-ok").focus();
}

function showNewToasts(toasts) {
  const seen = Math.max(page.toastSeen.get(page.memberId) || 0, page.toastFloor || 0);
  for (const toast of toasts) {
    if (toast.id <= seen) continue;
    if (toast.alert) showAlert(toast.text);
    else showToast(toast.text);
  }
  const last = toasts.length ? toasts[toasts.length - 1].id : 0;
  page.toastSeen.set(page.memberId, Math.max(seen, last));
}

// --------------------------------------------------------------------- refreshing
async function refresh() {
  if (page.loading) {
    page.dirty = true;
    return;
  }
  page.loading = true;
  try {
    do {
      page.dirty = false;
      const state = await api("/api/state");
      page.members = state.members;
      page.commands = state.commands;
      // Toasts already there when the page opens belong to earlier visits.
      if (page.toastFloor === null) page.toastFloor = state.last_toast_id;
      $("office-name").textContent = `${state.office} · @${state.bot.username}`;
      renderClock(state.clock);
      if (page.memberId === null && page.members.length) {
        const wanted = Number(location.hash.slice(1));
        page.memberId = page.members.some((m) => m.id === wanted) ? wanted : page.members[0].id;
        page.scrollToEnd = true;
      }
      const id = page.memberId;
      const chat = await api(`/api/chat/${id}`);
      if (id !== page.memberId) continue;  // switched meanwhile: the next round loads it
      renderMessages(chat.messages);
      const member = currentMember();
      if (member && member.bot_ids.length) {
        page.seen.set(id, Math.max(page.seen.get(id) || 0, ...member.bot_ids));
      }
      showNewToasts(chat.toasts);
      renderMembers();
      renderHeader();
    } while (page.dirty);
  } catch (error) {
    showError(error);
  } finally {
    page.loading = false;
  }
}

function listen() {
  const live = $("live");
  const source = new EventSource("/api/events");
  source.onopen = () => {
    live.textContent = "● pembaruan langsung";
    live.className = "live on";
  };
  source.onmessage = () => refresh();
  source.onerror = () => {  // EventSource reconnects by itself
    live.textContent = "● terputus, menyambung lagi…";
    live.className = "live off";
  };
}

// ----------------------------------------------------------------------- acting
async function press(messageId, data, button) {
  button.classList.add("pressed");
  try {
    await postJson("/api/press", { user_id: page.memberId, message_id: messageId, data });
  } catch (error) {
    showError(error);
  } finally {
    // a short dim says "pressed"; the bot's answer (toast, alert, edit) says the rest
    setTimeout(() => button.classList.remove("pressed"), 700);
  }
}

function setReply(message) {
  const text = $("m-" + message.id)?.querySelector(".text")?.textContent;
  const snippet = (text || message.media?.name || "foto").slice(0, 90);
  page.replyTo = { id: message.id, snippet };
  renderReplyBar();
  $("text").focus();
}

function renderReplyBar() {
  $("reply-bar").hidden = !page.replyTo;
  $("reply-snippet").textContent = page.replyTo ? page.replyTo.snippet : "";
}

function setAttachment(file) {
  page.attachment = file;
  const bar = $("attachment-bar");
  const thumb = $("attachment-thumb");
  const icon = $("attachment-icon");
  if (thumb.src) URL.revokeObjectURL(thumb.src);
  thumb.removeAttribute("src");
  if (!file) {
    bar.hidden = true;
    $("file-input").value = "";
    $("text").placeholder = "Tulis pesan atau perintah, mis. /baru";
    return;
  }
  bar.hidden = false;
  $("attachment-name").textContent = `${file.name} (${sizeLabel(file.size)})`;
  const isImage = file.type.startsWith("image/");
  thumb.hidden = !isImage;
  icon.hidden = isImage;
  if (isImage) thumb.src = URL.createObjectURL(file);
  else icon.textContent = (file.name.split(".").pop() || "file").slice(0, 4).toUpperCase();
  $("text").placeholder = "Keterangan (caption) file, boleh kosong";
  $("text").focus();
}

async function send(event) {
  if (event) event.preventDefault();
  const box = $("text");
  const text = box.value.trim();
  const replyTo = page.replyTo ? page.replyTo.id : null;
  const file = page.attachment;
  if ((!file && !text) || page.memberId === null) return;
  try {
    if (file) {
      const form = new FormData();
      form.append("user_id", String(page.memberId));
      form.append("caption", text);
      if (replyTo) form.append("reply_to", String(replyTo));
      form.append("file", file, file.name);
      await api("/api/upload", { method: "POST", body: form });
      setAttachment(null);
    } else {
      await postJson("/api/send", { user_id: page.memberId, text, reply_to: replyTo });
    }
    box.value = "";
    autosize();
    page.replyTo = null;
    renderReplyBar();
    page.scrollToEnd = true;
  } catch (error) {
    showError(error);
  }
}

async function moveClock(step) {
  try {
    const answer = await postJson("/api/clock", { step });
    renderClock(answer.clock);
  } catch (error) {
    showError(error);
  }
}

// ------------------------------------------------------------------ command menu
function hideCommandMenu() {
  $("command-menu").hidden = true;
}

function toggleCommandMenu() {
  const menu = $("command-menu");
  if (!menu.hidden) return hideCommandMenu();
  // each member's own menu (Telegram's per-chat command scope), else the bot's default
  const member = page.members.find((m) => m.id === page.memberId);
  const commands = (member && member.commands) || page.commands;
  menu.replaceChildren(...commands.map((c) =>
    el("button", { type: "button", onclick: () => pickCommand(c.command) },
      el("b", {}, "/" + c.command), c.description)));
  if (!commands.length) menu.append(el("div", { class: "error-note" }, "Belum ada perintah."));
  menu.hidden = false;
}

function pickCommand(command) {
  hideCommandMenu();
  const box = $("text");
  box.value = `/${command} `;
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
}

function autosize() {
  const box = $("text");
  box.style.height = "auto";
  box.style.height = Math.min(box.scrollHeight, 140) + "px";
}

// -------------------------------------------------------------------------- start
function wire() {
  const box = $("messages");
  box.addEventListener("scroll", () => {
    page.stick = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  });
  box.addEventListener("click", (event) => {
    const command = event.target.closest("a.cmd");
    if (!command) return;
    event.preventDefault();
    pickCommand(command.dataset.command.slice(1));
  });
  // Images load after the chat is laid out; a chat following its end keeps following.
  box.addEventListener("load", () => {
    if (page.stick) box.scrollTop = box.scrollHeight;
  }, true);
  $("compose-form").addEventListener("submit", send);
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) send(event);
  });
  $("text").addEventListener("input", autosize);
  $("attach-button").addEventListener("click", () => $("file-input").click());
  $("file-input").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (file) setAttachment(file);
  });
  $("attachment-cancel").addEventListener("click", () => setAttachment(null));
  $("reply-cancel").addEventListener("click", () => { page.replyTo = null; renderReplyBar(); });
  $("menu-button").addEventListener("click", toggleCommandMenu);
  $("alert-ok").addEventListener("click", () => { $("alert").hidden = true; });
  for (const button of document.querySelectorAll("[data-step]")) {
    button.addEventListener("click", () => moveClock(button.dataset.step));
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { hideCommandMenu(); $("alert").hidden = true; }
  });
  window.addEventListener("hashchange", () => {
    const id = Number(location.hash.slice(1));
    if (page.members.some((m) => m.id === id)) selectMember(id);
  });
}

wire();
listen();
refresh();
