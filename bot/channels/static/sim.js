// chihoi web simulator. Every text from the user or the bot goes in with textContent, never as markup.
"use strict";

const NEW_PERSON = "__new__";
const STRANGER_PREFIX = "moi-";
const OUTBOX_EVERY_MS = 10000;
// Messages the bot sent by itself appear in the chat, as the channel shows them; the panel
// keeps what is still to come and what never went (cancelled because done, or failed).
const STATE_NAMES = {
  scheduled: "Chờ gửi",
  sending: "Đang gửi",
  cancelled: "Đã huỷ: việc đã xong trước giờ gửi",
  failed: "Không gửi được",
};
// The kind of an automatic message in words; the scheduler's own names are never shown.
function kindName(kind) {
  if (kind.startsWith("report_")) return "báo cáo 6 tháng";
  if (kind === "digest") return "bản tin tuần";
  if (kind === "meeting_summary") return "tóm tắt buổi sinh hoạt";
  if (kind.startsWith("review")) return "nhắc rà soát hội viên";
  if (kind.startsWith("software")) return "nhắc cập nhật phần mềm";
  if (kind.startsWith("meeting") || kind === "leader_visit") return "nhắc sinh hoạt";
  if (kind === "absentee_reminder") return "nhắc mời hội viên vắng";
  return "nhắc việc";
}
const MIME = {
  png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp",
  pdf: "application/pdf", csv: "text/csv", txt: "text/plain",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};

const $ = (id) => document.getElementById(id);
const state = {
  people: [],
  profile: localStorage.getItem("chihoi.profile") === "text" ? "text" : "buttons",
  current: null, // {user, name, stranger}
  logs: new Map(), // user -> the element holding that chat's bubbles
  delivered: new Map(), // user -> ids of automatic messages already shown in that chat
  queue: Promise.resolve(),
};

// crypto.randomUUID needs a secure context; the page may be opened over plain http on a LAN.
function newUpdateId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function logFor(user) {
  let log = state.logs.get(user);
  if (!log) {
    log = el("div", "log");
    state.logs.set(user, log);
  }
  return log;
}

function currentLog() {
  return state.current ? logFor(state.current.user) : null;
}

function scrollDown() {
  const chat = $("chat");
  chat.scrollTop = chat.scrollHeight;
}

function addTo(log, node) {
  log.appendChild(node);
  scrollDown();
  return node;
}

function systemNote(text, error) {
  const log = currentLog();
  if (log) addTo(log, el("div", error ? "system error" : "system", text));
}

function keyboard(choices, onPick) {
  const box = el("div", "keyboard");
  for (const c of choices) {
    const b = el("button", "", c.label);
    b.type = "button";
    if (onPick) b.addEventListener("click", () => onPick(c));
    else b.disabled = true;
    box.appendChild(b);
  }
  return box;
}

function bytesOf(b64) {
  return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
}

function attachmentNode(a) {
  const box = el("span", "attachment");
  const ext = (a.filename.split(".").pop() || "").toLowerCase();
  const mime = MIME[ext] || "application/octet-stream";
  const url = URL.createObjectURL(new Blob([bytesOf(a.data)], { type: mime }));
  if (a.kind === "photo" && mime.startsWith("image/")) {
    const img = el("img");
    img.src = url;
    img.alt = a.caption || a.filename;
    box.appendChild(img);
  } else {
    const link = el("a", "", `📄 Tải về: ${a.filename}`);
    link.href = url;
    link.download = a.filename;
    box.appendChild(link);
  }
  if (a.caption) box.appendChild(el("span", "caption", a.caption));
  return box;
}

function botBubble(reply, onPick) {
  const bubble = el("div", reply.notice ? "msg bot notice" : "msg bot", reply.text);
  if (reply.attachment) bubble.appendChild(attachmentNode(reply.attachment));
  if (reply.choices && reply.choices.length) bubble.appendChild(keyboard(reply.choices, onPick));
  return bubble;
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

// Sends go one after another so replies stay in the order the messages were typed.
function send(message, shown) {
  const who = state.current;
  if (!who) return;
  const log = logFor(who.user);
  addTo(log, el("div", "msg me", shown));
  const profile = state.profile;
  state.queue = state.queue.then(async () => {
    const pending = addTo(log, el("div", "msg bot pending", "…"));
    try {
      const body = { user: who.user, profile, update_id: newUpdateId(), name: who.name || "" };
      Object.assign(body, message);
      const data = await api("/api/send", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      pending.remove();
      const pick = (c) => send({ choice: c.key }, c.label);
      for (const reply of data.replies) addTo(log, botBubble(reply, pick));
      if (!data.replies.length) addTo(log, el("div", "system", "(bot không trả lời)"));
    } catch (err) {
      pending.remove();
      addTo(log, el("div", "system error", `Không gửi được: ${err.message}. Chị thử gửi lại nhé.`));
    }
    if (who.stranger) loadPeople();
    loadOutbox();
  });
}

function personLabel(p) {
  const roles = [...new Set(p.roles.map((r) => r.role_name))].join(", ");
  return roles ? `${p.name} (${roles})` : p.name;
}

// The closed picker cuts long labels on a phone; the line under it says who and where in full.
function showDetail() {
  const line = $("who-detail");
  const who = state.current;
  const p = who && state.people.find((x) => x.user === who.user);
  if (p && p.roles.length) line.textContent = p.roles.map((r) => `${r.role_name} · ${r.unit}`).join("; ");
  else if (who) line.textContent = `Người mới (mã ${who.user}), chưa liên kết với chi hội nào.`;
  line.hidden = !who;
}

function renderPeople() {
  const select = $("person");
  const chosen = state.current && !state.current.stranger ? state.current.user : select.value;
  select.replaceChildren();
  const prompt = el("option", "", "Chọn một người…");
  prompt.value = "";
  select.appendChild(prompt);
  for (const p of state.people) {
    const opt = el("option", "", personLabel(p));
    opt.value = p.user;
    select.appendChild(opt);
  }
  const fresh = el("option", "", "Người mới (chưa liên kết)…");
  fresh.value = NEW_PERSON;
  select.appendChild(fresh);
  if (state.current && state.current.stranger) {
    // A stranger who just used an invite now appears among the people: keep her selected.
    const linked = state.people.some((p) => p.user === state.current.user);
    select.value = linked ? state.current.user : NEW_PERSON;
    if (linked) {
      state.current.stranger = false;
      $("stranger").hidden = true;
    }
    showDetail();
  } else {
    select.value = state.people.some((p) => p.user === chosen) ? chosen : "";
  }
}

async function loadPeople() {
  try {
    state.people = await api("/api/people");
    renderPeople();
  } catch (err) {
    systemNote(`Không tải được danh sách người: ${err.message}`, true);
  }
}

function switchTo(person) {
  state.current = person;
  const chat = $("chat");
  chat.replaceChildren();
  $("text").disabled = !person;
  $("send").disabled = !person;
  showDetail();
  if (!person) {
    chat.appendChild(el("div", "system", "Chọn một người ở trên để bắt đầu trò chuyện."));
    renderOutbox([]);
    return;
  }
  const log = logFor(person.user);
  chat.appendChild(log);
  if (!log.childElementCount) {
    const who = person.stranger ? `người mới (${person.user})` : person.name;
    systemNote(`Đang trò chuyện với tư cách ${who}. Gõ “menu” để xem việc có thể làm.`);
  }
  scrollDown();
  if (!person.stranger) localStorage.setItem("chihoi.person", person.user);
  loadOutbox();
}

function onPersonChange() {
  const value = $("person").value;
  const form = $("stranger");
  form.hidden = value !== NEW_PERSON;
  if (value === NEW_PERSON) {
    if (!$("stranger-id").value) $("stranger-id").value = `khach-${Math.floor(1000 + Math.random() * 9000)}`;
    $("stranger-id").focus();
    return;
  }
  const p = state.people.find((x) => x.user === value);
  switchTo(p ? { user: p.user, name: p.name, stranger: false } : null);
  if (p) $("text").focus();
}

function onStrangerStart(event) {
  event.preventDefault();
  const typed = $("stranger-id").value.trim().toLowerCase().replace(/\s+/g, "-");
  if (!typed) return;
  // Prefixed so a typed "lan" cannot become the demo person Lan by accident.
  const user = typed.startsWith(STRANGER_PREFIX) ? typed : STRANGER_PREFIX + typed;
  switchTo({ user: user.slice(0, 64), name: $("stranger-name").value.trim(), stranger: true });
  const code = $("invite").value.trim();
  if (code) {
    send({ text: `/start ${code}` }, `/start ${code}`);
    $("invite").value = "";
  }
  $("text").focus();
}

function onProfileChange(event) {
  state.profile = event.target.value;
  localStorage.setItem("chihoi.profile", state.profile);
  const name = state.profile === "text" ? "kiểu Zalo: lựa chọn hiện thành danh sách đánh số, gõ số để chọn" : "kiểu Telegram: lựa chọn hiện thành nút bấm";
  systemNote(`Đã chuyển sang ${name}.`);
  loadOutbox();
}

function renderOutbox(items) {
  const list = $("outbox");
  list.replaceChildren();
  const rest = items.filter((i) => i.state !== "delivered");
  const waiting = rest.filter((i) => i.state === "scheduled" || i.state === "sending").length;
  $("outbox-count").textContent = String(waiting);
  if (!rest.length) {
    list.appendChild(el("li", "empty", state.current ? "Chưa có tin nào được hẹn." : "Chưa chọn người."));
    return;
  }
  for (const item of rest) {
    const li = el("li", "outbox-item");
    const meta = el("div", "outbox-meta");
    meta.appendChild(el("span", `status ${item.state}`, STATE_NAMES[item.state] || "Chờ gửi"));
    meta.appendChild(el("span", "", item.due_local));
    meta.appendChild(el("span", "", kindName(item.kind)));
    li.appendChild(meta);
    if (item.composed_later) {
      li.appendChild(el("div", "outbox-text", "Báo cáo sẽ được soạn với số liệu mới nhất lúc gửi."));
    } else {
      // Not arrived yet: its text only; its buttons work once it is in the chat.
      for (const part of item.parts) li.appendChild(el("div", "outbox-text", part.text));
    }
    list.appendChild(li);
  }
}

// Delivered automatic messages join the chat once, oldest first, with working buttons.
function showDelivered(who, items) {
  let seen = state.delivered.get(who.user);
  if (!seen) {
    seen = new Set();
    state.delivered.set(who.user, seen);
  }
  const log = logFor(who.user);
  const fresh = items.filter((i) => i.state === "delivered" && !seen.has(i.id)).reverse();
  for (const item of fresh) {
    seen.add(item.id);
    addTo(log, el("div", "push-meta", `Tin bot tự gửi · ${kindName(item.kind)} · ${item.at_local}`));
    const pick = (c) => send({ choice: c.key }, c.label);
    for (const part of item.parts) addTo(log, botBubble(part, pick)).classList.add("push");
  }
}

async function loadOutbox() {
  const who = state.current;
  if (!who) return;
  const query = new URLSearchParams({ user: who.user, profile: state.profile });
  try {
    const items = await api(`/api/outbox?${query}`);
    if (state.current === who) {
      showDelivered(who, items);
      renderOutbox(items);
      $("outbox-note").textContent = `Tin bot sẽ tự gửi (nhắc việc, tổng hợp). Cập nhật lúc ${new Date().toLocaleTimeString("vi-VN")}.`;
    }
  } catch (err) {
    $("outbox-note").textContent = `Không tải được: ${err.message}`;
  }
}

function start() {
  for (const radio of document.querySelectorAll('input[name="profile"]')) {
    radio.checked = radio.value === state.profile;
    radio.addEventListener("change", onProfileChange);
  }
  $("person").addEventListener("change", onPersonChange);
  $("stranger").addEventListener("submit", onStrangerStart);
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("text");
    const text = input.value.trim();
    if (!text || !state.current) return;
    input.value = "";
    send({ text }, text);
    input.focus();
  });
  $("outbox-refresh").addEventListener("click", loadOutbox);
  if (window.matchMedia("(min-width: 860px)").matches) $("outbox-panel").open = true;
  setInterval(() => {
    if (document.visibilityState === "visible") loadOutbox();
  }, OUTBOX_EVERY_MS);
  switchTo(null);
  loadPeople().then(() => {
    const saved = localStorage.getItem("chihoi.person");
    if (saved && state.people.some((p) => p.user === saved)) {
      $("person").value = saved;
      onPersonChange();
    }
  });
}

start();
